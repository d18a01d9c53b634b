using System.Text.Json;
using Xunit.Abstractions;

namespace ZkmlProver.Onnx.Tests;

/// <summary>
/// The loaded graphs (weights, attributes, resolved geometry) reproduce ONNX Runtime's outputs when
/// run by the test-only <see cref="FloatInterpreter"/>: the shared models' expected.json and every
/// ONNX backend node test.
/// </summary>
public sealed class ReferenceOutputTests(ITestOutputHelper output)
{
    [SharedTheory]
    [MemberData(nameof(ModelLoadingTests.Models), MemberType = typeof(ModelLoadingTests))]
    public void ModelsReproduceExpectedOutputs(string name)
    {
        string dir = SharedData.RequireDir(Path.Combine("models", name));
        var model = OnnxLoader.Load(Path.Combine(dir, "network.onnx"));
        var input = model.Graph.Inputs[0];
        using var inJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "input.json")));
        using var outJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        var rows = inJson.RootElement.GetProperty("input_data").EnumerateArray().ToList();
        var expected = outJson.RootElement.GetProperty("output_data").EnumerateArray().ToList();
        Assert.Equal(rows.Count, expected.Count);
        double maxDiff = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            var x = new Dense(input.Shape.ToArray(), rows[r].EnumerateArray().Select(e => e.GetSingle()).ToArray());
            var y = FloatInterpreter.Run(model, new Dictionary<string, Dense> { [input.Name] = x })[model.Graph.Outputs[0].Name];
            var want = expected[r].EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(want.Length, y.Data.Length);
            for (int i = 0; i < want.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(want[i] - y.Data[i]));
        }
        output.WriteLine($"{name}: {rows.Count} rows, max |diff| vs expected.json = {maxDiff:E2}");
        Assert.True(maxDiff <= 1e-4, $"max |diff| {maxDiff} > 1e-4");
    }

    /// <summary>Row 0 of digits_mlp by hand: relu(x·W1ᵀ + b1)·W2ᵀ + b2 from the loaded initializers.</summary>
    [SharedFact]
    public void DigitsMlpRow0ByHand()
    {
        string dir = SharedData.RequireDir(Path.Combine("models", "digits_mlp"));
        var g = OnnxLoader.Load(Path.Combine(dir, "network.onnx")).Graph;
        var gemm1 = g.Nodes[0];
        var gemm2 = g.Nodes[2];
        Assert.Equal(1, gemm1.GetInt("transB", 0));
        var w1 = g.Initializers[gemm1.Inputs[1]]; var b1 = g.Initializers[gemm1.Inputs[2]];
        var w2 = g.Initializers[gemm2.Inputs[1]]; var b2 = g.Initializers[gemm2.Inputs[2]];
        Assert.Equal([32L, 64], w1.Shape.ToArray());
        Assert.Equal([10L, 32], w2.Shape.ToArray());
        using var inJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "input.json")));
        using var outJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        var x = inJson.RootElement.GetProperty("input_data")[0].EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var want = outJson.RootElement.GetProperty("output_data")[0].EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var h = new float[32];
        for (int m = 0; m < 32; m++)
        {
            float s = b1.Data[m];
            for (int k = 0; k < 64; k++) s += x[k] * w1.Data[m * 64 + k];
            h[m] = Math.Max(0, s);
        }
        for (int m = 0; m < 10; m++)
        {
            float s = b2.Data[m];
            for (int k = 0; k < 32; k++) s += h[k] * w2.Data[m * 32 + k];
            Assert.True(Math.Abs(s - want[m]) <= 1e-4, $"logit {m}: {s} vs {want[m]}");
        }
    }

    public static TheoryData<string> NodeTests()
    {
        var d = new TheoryData<string>();
        string? root = SharedData.Root is null ? null : Path.Combine(SharedData.Root, "onnx-node-tests", "index.json");
        if (root is null || !File.Exists(root)) { d.Add("(onnx-node-tests missing)"); return d; }
        using var j = JsonDocument.Parse(File.ReadAllText(root));
        foreach (var t in j.RootElement.GetProperty("tests").EnumerateArray()) d.Add(t.GetProperty("name").GetString()!);
        return d;
    }

    [SharedTheory]
    [MemberData(nameof(NodeTests))]
    public void NodeTestReproducesExpectedOutput(string test)
    {
        string dir = SharedData.RequireDir(Path.Combine("onnx-node-tests", test));
        var proto = OnnxLoader.ReadProto(Path.Combine(dir, "model.onnx"));
        string data = Path.Combine(dir, "test_data_set_0");
        var graphInputs = proto.Graph.Input.Select(i => i.Name).Where(n => proto.Graph.Initializer.All(t => t.Name != n)).ToList();
        var tensors = graphInputs.Select((n, i) => TensorProtoReader.ReadFile(Path.Combine(data, $"input_{i}.pb"))).ToList();
        // Operands after the first are bound as constants (weights), as the circuit has one input.
        var bound = graphInputs.Skip(1).Select((n, i) => (n, t: tensors[i + 1])).ToDictionary(p => p.n, p => p.t);
        var model = OnnxLoader.Load(proto, Path.Combine(dir, "model.onnx"), new OnnxLoadOptions { ConstantInputs = bound });
        Assert.Single(model.Graph.Inputs);
        var outName = model.Graph.Outputs[0].Name;
        var expected = TensorProtoReader.ReadFile(Path.Combine(data, "output_0.pb"));

        Assert.Equal(expected.Shape.ToArray(), model.Graph.ShapeOf(outName).ToArray());
        var y = FloatInterpreter.Run(model, new Dictionary<string, Dense> { [graphInputs[0]] = Dense.From(tensors[0]) })[outName];
        Assert.Equal(expected.Shape.ToArray(), y.Shape);
        double worst = 0;
        for (int i = 0; i < y.Data.Length; i++)
        {
            double diff = Math.Abs(y.Data[i] - expected.Data[i]), tol = 1e-5 + 1e-3 * Math.Abs(expected.Data[i]);
            worst = Math.Max(worst, diff / tol);
        }
        output.WriteLine($"{test}: shape [{string.Join(",", y.Shape)}], worst |diff|/tol = {worst:F3}");
        Assert.True(worst <= 1, $"{test}: output differs from expected beyond rtol 1e-3, atol 1e-5 (worst ratio {worst})");
    }
}
