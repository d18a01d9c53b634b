using System.Text.Json;
using Xunit.Abstractions;

namespace ZkmlProver.Onnx.Tests;

/// <summary>Loads the six shared models and checks ops, shapes and parameter counts against meta.json.</summary>
public sealed class ModelLoadingTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => new() { "credit_logreg", "credit_mlp", "digits_cnn", "digits_mlp", "mlp_deep", "mnist_mlp_shape" };

    [SharedTheory]
    [MemberData(nameof(Models))]
    public void LoadsModelMatchingMeta(string name)
    {
        string dir = SharedData.RequireDir(Path.Combine("models", name));
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "meta.json")));
        var m = meta.RootElement;
        var model = OnnxLoader.Load(Path.Combine(dir, "network.onnx"));
        var g = model.Graph;
        output.WriteLine($"{name}: ir {model.IrVersion}, opset {model.Opset}, {model.ProducerName}, {g.Nodes.Length} nodes, {g.ParameterCount} parameters");
        foreach (var n in g.Nodes) output.WriteLine($"  {n.Describe()} -> {g.ShapeOf(n.Outputs[0])}");

        Assert.Equal(m.GetProperty("ir_version").GetInt64(), model.IrVersion);
        Assert.Equal(m.GetProperty("opset")[0].GetProperty("version").GetInt64(), model.Opset);
        Assert.Equal(m.GetProperty("parameter_count").GetInt64(), g.ParameterCount);
        Assert.Equal(m.GetProperty("node_count").GetInt32(), g.AllNodes.Count());
        var counts = m.GetProperty("op_counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(counts.OrderBy(k => k.Key), g.OpCounts().OrderBy(k => k.Key));
        Assert.True(g.IsSupported);

        var input = Assert.Single(g.Inputs);
        Assert.Equal(m.GetProperty("input_name").GetString(), input.Name);
        Assert.Equal(m.GetProperty("input_shape_onnx").EnumerateArray().Select(e => e.GetInt64()), input.Shape.ToArray());
        var outp = Assert.Single(g.Outputs);
        Assert.Equal(m.GetProperty("output_name").GetString(), outp.Name);
        var expectedOut = m.GetProperty("output_shape_onnx").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.Equal(expectedOut, outp.Shape.ToArray());
        Assert.Equal(expectedOut, g.ShapeOf(outp.Name).ToArray());
    }
}

/// <summary>The shared models with their batch dimension made dynamic (as torch.onnx.export with dynamic_axes writes it).</summary>
public sealed class DynamicBatchModelTests
{
    [SharedTheory]
    [MemberData(nameof(ModelLoadingTests.Models), MemberType = typeof(ModelLoadingTests))]
    public void BatchDimensionCanBeSymbolic(string name)
    {
        string path = SharedData.RequireDir(Path.Combine("models", name, "network.onnx"));
        var proto = OnnxLoader.ReadProto(path);
        foreach (var v in proto.Graph.Input.Concat(proto.Graph.Output))
            v.Type.TensorType.Shape.Dim[0] = new Protos.TensorShapeProto.Types.Dimension { DimParam = "batch_size" };
        var g = OnnxLoader.Load(proto, path).Graph;
        var staticG = OnnxLoader.Load(path).Graph;
        Assert.True(g.Inputs[0].HasDynamicBatch);
        foreach (var n in g.Nodes)
        {
            var dyn = g.ShapeOf(n.Outputs[0]);
            var st = staticG.ShapeOf(n.Outputs[0]);
            Assert.Equal("batch_size", dyn[0].Param);
            Assert.Equal(st.DropFirst(), dyn.DropFirst());
        }
    }
}
