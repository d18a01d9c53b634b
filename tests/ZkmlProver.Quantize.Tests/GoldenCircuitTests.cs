using ZkmlProver.Onnx;

namespace ZkmlProver.Quantize.Tests;

/// <summary>
/// circuits/&lt;model&gt;.circuit.json must equal what the compiler produces today from
/// models/&lt;model&gt;/network.onnx calibrated on models/&lt;model&gt;/input.json with default options.
/// To regenerate after an intended change:
/// <c>ZKML_REGENERATE_GOLDEN=1 dotnet test tests/ZkmlProver.Quantize.Tests --filter GoldenCircuitTests</c>
/// (equivalently: <c>zkml compile models/&lt;m&gt;/network.onnx -c models/&lt;m&gt;/input.json -o out/</c> and copy out/circuit.json).
/// </summary>
public class GoldenCircuitTests
{
    public static string Compile(string model)
    {
        var qm = Quantizer.Quantize(OnnxLoader.Load(Repo.Model(model)), InputData.Load(Repo.File(model, "input.json")));
        return qm.Circuit.ToJson() + "\n";
    }

    [Theory]
    [MemberData(nameof(Repo.ModelCases), MemberType = typeof(Repo))]
    public void GoldenCircuit_MatchesRecompilation(string model)
    {
        string actual = Compile(model);
        string path = Path.Combine(Repo.Circuits, model + ".circuit.json");
        if (Environment.GetEnvironmentVariable("ZKML_REGENERATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Repo.Circuits);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; regenerate with ZKML_REGENERATE_GOLDEN=1 dotnet test tests/ZkmlProver.Quantize.Tests --filter GoldenCircuitTests");
        string expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected == actual) return;
        var e = expected.Split('\n'); var a = actual.Split('\n');
        int i = 0;
        while (i < e.Length && i < a.Length && e[i] == a[i]) i++;
        string Context(string[] lines) => string.Join("\n", Enumerable.Range(Math.Max(0, i - 4), Math.Min(lines.Length, i + 2) - Math.Max(0, i - 4))
            .Select(j => $"    {j + 1,5}{(j == i ? " >" : "  ")} {lines[j]}"));
        Assert.Fail($"{path} differs from the recompiled circuit at line {i + 1}:\n  golden:\n{Context(e)}\n  compiled:\n{Context(a)}\n" +
                    "If the change is intended, regenerate: ZKML_REGENERATE_GOLDEN=1 dotnet test tests/ZkmlProver.Quantize.Tests --filter GoldenCircuitTests");
    }

    [Theory]
    [MemberData(nameof(Repo.ModelCases), MemberType = typeof(Repo))]
    public void GoldenCircuit_LoadsAndValidates(string model)
    {
        string path = Path.Combine(Repo.Circuits, model + ".circuit.json");
        Assert.True(File.Exists(path), $"golden file {path} is missing");
        var c = Circuit.Circuit.Load(path);
        Assert.Equal(model, c.Name);
    }

    [Fact]
    public void Compilation_IsDeterministic()
        => Assert.Equal(Compile("digits_cnn"), Compile("digits_cnn"));
}
