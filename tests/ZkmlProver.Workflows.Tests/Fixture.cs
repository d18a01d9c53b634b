using System.Text;
using ZkmlProver.Circuit;
using ZkmlProver.Onnx;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Workflows.Tests;

/// <summary>Shared set-up: credit_mlp compiled (first 100 test rows) and committed, a 40-row input file,
/// and a good bundle of 4 proofs (batch size 10) made once and copied by the tests that alter it; the
/// credit demo run once, on first use, for the tests that read its files.</summary>
public sealed class CreditFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("zkml-wf-").FullName;
    public string ModelsDir { get; } = CreditDemo.FindModelsDir();
    public string ModelDir => Path.Combine(Root, "model");
    public string Rows40 => Path.Combine(Root, "rows40.csv");
    public string GoodBundle => Path.Combine(Root, "good");
    public Circuit.Circuit Circuit { get; }
    public ModelCommitment Commitment { get; }
    public BatchRunResult GoodRun { get; }
    readonly Lazy<CreditDemoResult> demo;
    /// <summary>The credit demo, run into Root/demo the first time it is asked for.</summary>
    public CreditDemoResult Demo => demo.Value;

    public CreditFixture()
    {
        Circuit = CompileAndCommit("credit_mlp", ModelDir, out var commitment);
        Commitment = commitment;
        var lines = File.ReadAllLines(Path.Combine(ModelsDir, "credit_mlp", "test.csv"));
        File.WriteAllLines(Rows40, lines.Take(41));
        GoodRun = BatchProver.Run(ModelDir, InputData.Load(Rows40), GoodBundle, new BatchProveOptions(10, Parallelism: 2));
        demo = new Lazy<CreditDemoResult>(() => CreditDemo.Run(ModelsDir, Path.Combine(Root, "demo")));
    }

    /// <summary>Compiles models/&lt;name&gt; on the first 100 rows of its test.csv and commits into <paramref name="dir"/>.</summary>
    public Circuit.Circuit CompileAndCommit(string name, string dir, out ModelCommitment commitment)
    {
        Directory.CreateDirectory(dir);
        var calib = InputData.Load(Path.Combine(ModelsDir, name, "test.csv")).Slice(0, 100);
        var qm = Quantizer.Quantize(OnnxLoader.Load(Path.Combine(ModelsDir, name, "network.onnx")), calib);
        var circuit = qm.Circuit.Digest is null ? qm.Circuit.WithDigest() : qm.Circuit;
        var files = new ModelFiles(dir);
        File.WriteAllText(files.CircuitPath, circuit.ToJson() + "\n");
        qm.Weights.Write(files.WeightsPath, circuit);
        var (c, key) = ModelCommitter.Commit(circuit, qm.Weights);
        File.WriteAllBytes(files.CommitmentPath, c.Bytes);
        File.WriteAllBytes(files.KeyPath, key.ToBytes());
        commitment = ModelFiles.LoadCommitment(files.CommitmentPath, ModelFiles.LoadCircuit(files.CircuitPath));
        return ModelFiles.LoadCircuit(files.CircuitPath);
    }

    /// <summary>A fresh copy of the good bundle.</summary>
    public string CopyGood(string name)
    {
        string dst = Path.Combine(Root, name);
        Directory.CreateDirectory(dst);
        foreach (var f in Directory.GetFiles(GoodBundle)) File.Copy(f, Path.Combine(dst, Path.GetFileName(f)));
        return dst;
    }

    /// <summary>Writes a CSV file under the fixture's folder.</summary>
    public string WriteFile(string name, string text)
    {
        string p = Path.Combine(Root, name);
        File.WriteAllText(p, text, Encoding.UTF8);
        return p;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("credit")]
public sealed class CreditCollection : ICollectionFixture<CreditFixture>;
