using ZkmlProver.Onnx;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>The repository's models (models/&lt;name&gt;), compiled and committed once per test run.</summary>
public static class Models
{
    public static readonly string[] All = ["credit_logreg", "credit_mlp", "digits_mlp", "digits_cnn", "mnist_mlp_shape", "mlp_deep"];

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ZkmlProver.sln"))) return d.FullName;
        throw new InvalidOperationException("ZkmlProver.sln not found above the test binary");
    }

    public static string Dir(string name) => Path.Combine(RepoRoot, "models", name);

    public sealed record Compiled(QuantizedModel Model, ModelCommitment Commitment, ModelKey Key, InputData Inputs);

    private static readonly Dictionary<string, Lazy<Compiled>> Cache = All.ToDictionary(n => n, n => new Lazy<Compiled>(() => Compile(n)));

    public static Compiled Get(string name) => Cache[name].Value;

    private static Compiled Compile(string name)
    {
        var onnx = OnnxLoader.Load(Path.Combine(Dir(name), "network.onnx"));
        var inputs = InputData.Load(Path.Combine(Dir(name), "input.json"));
        var q = Quantizer.Quantize(onnx, inputs);
        var (commitment, key) = ModelCommitter.Commit(q.Circuit, q.Weights, new Random(1));
        return new Compiled(q, commitment, key, inputs);
    }
}
