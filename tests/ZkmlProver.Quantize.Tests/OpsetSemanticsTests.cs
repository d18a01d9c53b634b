using Google.Protobuf;
using ZkmlProver.Onnx;
using ZkmlProver.Onnx.Protos;
using static ZkmlProver.Quantize.Tests.ModelBuilder;

namespace ZkmlProver.Quantize.Tests;

/// <summary>
/// Version-dependent ONNX semantics (IR 3–10, opsets 7–21), each model run by ONNX Runtime and
/// compared with the lowered float graph and the quantized circuit: Softmax's 2-D coercion before
/// opset 13, Clip bounds as attributes (&lt; 11) or inputs, Squeeze/Unsqueeze axes as attributes
/// (&lt; 13) or inputs, Reduce axes (ReduceSum 13, the others 18), Slice before/after 10,
/// BatchNormalization's spatial attribute (&lt; 9), Dropout (attribute ratio &lt; 12, inputs from 12),
/// Pad (attributes &lt; 11, inputs from 11), and IR 3 initializers listed as graph inputs.
/// </summary>
public class OpsetSemanticsTests
{
    static InputData RandomRows(int rows, int size, int seed)
    {
        var rng = new Random(seed);
        return new InputData($"random-{seed}", Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToList());
    }

    /// <summary>Quantizes the model; float graph within 1e-4 and circuit within <paramref name="tolerance"/> of ONNX Runtime.</summary>
    static QuantizedModel Check(ModelBuilder b, int inputSize, double tolerance = 0.05)
    {
        var (path, model) = b.Save();
        try
        {
            var q = Quantizer.Quantize(model, RandomRows(32, inputSize, 1));
            var test = RandomRows(16, inputSize, 2);
            using (var ort = new OrtRunner(path))
                foreach (var row in test.Rows.Take(6))
                {
                    var f = FloatEvaluator.Evaluate(q.FloatGraph, row)[q.FloatGraph.Outputs[0]];
                    var o = ort.Run(row)[0];
                    Assert.Equal(o.Length, f.Length);
                    for (int i = 0; i < o.Length; i++) Assert.True(Math.Abs(f[i] - o[i]) < 1e-4, $"float graph vs ORT at {i}: {f[i]} vs {o[i]}");
                }
            var r = AccuracyReport.Measure(path, q, test);
            Assert.True(r.Outputs[0].MaxAbsError <= tolerance, $"circuit vs ORT max abs error {r.Outputs[0].MaxAbsError} > {tolerance}");
            return q;
        }
        finally { File.Delete(path); }
    }

    static AttributeProto Str(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void SoftmaxBeforeOpset13_NormalizesOverFlattenedTrailingAxes(long opset)
    {
        // [1,3,4] with the default axis 1: one softmax over all 12 values (opset < 13).
        var b = new ModelBuilder(opset).Input("x", 1, 3, 4).Output("y").Node("Softmax", "sm", ["x"], ["y"]);
        var q = Check(b, 12);
        Assert.Equal(["Reshape", "Softmax", "Reshape"], q.Circuit.Layers.Select(l => l.Op).Where(o => o != "Rescale"));
    }

    [Fact]
    public void SoftmaxOpset13_IsOverTheLastAxisOnly()
    {
        var b = new ModelBuilder(13).Input("x", 1, 3, 4).Output("y").Node("Softmax", "sm", ["x"], ["y"]);
        var q = Check(b, 12);
        Assert.DoesNotContain("Reshape", q.Circuit.Layers.Select(l => l.Op));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(10)]
    public void ClipBeforeOpset11_TakesAttributes(long opset)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 8).Output("y").Node("Clip", "c", ["x"], ["y"], Float("min", -0.25f), Float("max", 0.5f));
        Check(b, 8, 0.02);
    }

    [Fact]
    public void ClipFromOpset11_TakesInputs_AndRejectsAttributes()
    {
        var b = new ModelBuilder(11).Input("x", 1, 8).Output("y").Init("lo", [], [-0.25f]).Init("hi", [], [0.5f]).Node("Clip", "c", ["x", "lo", "hi"], ["y"]);
        Check(b, 8, 0.02);
        var bad = new ModelBuilder(11).Input("x", 1, 8).Output("y").Node("Clip", "c", ["x"], ["y"], Float("min", -0.25f));
        Assert.Contains("attributes min/max are not allowed in opset 11", Assert.Throws<OnnxFormatException>(() => bad.Save()).Message);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void SqueezeUnsqueezeAxes_AttributeBefore13_InputFrom13(long opset)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 6).Output("y");
        if (opset < 13)
            b.Node("Unsqueeze", "u", ["x"], ["x3"], Ints("axes", 2)).Node("Relu", "r", ["x3"], ["r"]).Node("Squeeze", "s", ["r"], ["y"], Ints("axes", 2));
        else
            b.InitInt64("ax", 2).Node("Unsqueeze", "u", ["x", "ax"], ["x3"]).Node("Relu", "r", ["x3"], ["r"]).Node("Squeeze", "s", ["r", "ax"], ["y"]);
        var q = Check(b, 6, 0.02);
        Assert.Equal(["Reshape", "Relu", "Reshape"], q.Circuit.Layers.Select(l => l.Op));
        // The other form is a format error in each opset.
        var wrong = new ModelBuilder(opset).Input("x", 1, 6).Output("y").InitInt64("ax", 2);
        if (opset < 13) wrong.Node("Unsqueeze", "u", ["x", "ax"], ["y"]);
        else wrong.Node("Unsqueeze", "u", ["x"], ["y"], Ints("axes", 2));
        Assert.Throws<OnnxFormatException>(() => wrong.Save());
    }

    [Theory]
    [InlineData(11, "ReduceSum")]
    [InlineData(13, "ReduceSum")]
    [InlineData(17, "ReduceMean")]
    [InlineData(18, "ReduceMean")]
    public void ReduceAxesOfConstants_AttributeOrInputByOpset(long opset, string op)
    {
        // A bias computed as a reduction of a constant [2,4] over axis 0 (keepdims 0), then added to x.
        bool input = op == "ReduceSum" ? opset >= 13 : opset >= 18;
        var b = new ModelBuilder(opset).Input("x", 1, 4).Output("y").Init("c", [2, 4], [1, 2, 3, 4, -1, -2, 0.5f, 0.25f]);
        if (input) b.InitInt64("ax", 0).Node(op, "red", ["c", "ax"], ["bias"], Int("keepdims", 0));
        else b.Node(op, "red", ["c"], ["bias"], Ints("axes", 0), Int("keepdims", 0));
        b.Node("Add", "add", ["x", "bias"], ["y"]);
        Check(b, 4, 0.02);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(13)]
    public void SliceOfConstants_AttributesBefore10_InputsFrom10(long opset)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 3).Output("y").Init("c", [2, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        if (opset < 10) b.Node("Slice", "sl", ["c"], ["s"], Ints("starts", 1, 1), Ints("ends", 2, 4));
        else b.InitInt64("st", 1, -4).InitInt64("en", 2, 4).InitInt64("ax", 0, 1).Node("Slice", "sl", ["c", "st", "en", "ax"], ["s"]);
        b.Node("Mul", "mul", ["x", "s"], ["y"]);
        var q = Check(b, 3, 0.05);
        Assert.Equal([6f, 7, 8], q.FloatGraph.Constants.Values.Single(c => c.Data.Length == 3).Data);
    }

    [Theory]
    [InlineData(7, true)]
    [InlineData(9, false)]
    [InlineData(15, false)]
    public void BatchNormalization_SpatialBefore9(long opset, bool spatial)
    {
        var rng = new Random(3);
        var b = new ModelBuilder(opset).Input("x", 1, 2, 3, 3).Output("y")
            .Init("s", [2], [1.5f, 0.5f]).Init("bb", [2], [0.1f, -0.2f]).Init("m", [2], [0.05f, -0.1f]).Init("v", [2], [0.5f, 2f]);
        if (spatial) b.Node("BatchNormalization", "bn", ["x", "s", "bb", "m", "v"], ["y"], Int("spatial", 1));
        else b.Node("BatchNormalization", "bn", ["x", "s", "bb", "m", "v"], ["y"]);
        Check(b, 18, 0.05);
        var perActivation = new ModelBuilder(7).Input("x", 1, 2, 3, 3).Output("y")
            .Init("s", [2], [1, 1]).Init("bb", [2], [0, 0]).Init("m", [2], [0, 0]).Init("v", [2], [1, 1])
            .Node("BatchNormalization", "bn", ["x", "s", "bb", "m", "v"], ["y"], Int("spatial", 0));
        Assert.Contains("spatial = 0", Assert.Throws<UnsupportedOnnxException>(() => perActivation.Save()).Message);
        var removed = new ModelBuilder(9).Input("x", 1, 2, 3, 3).Output("y")
            .Init("s", [2], [1, 1]).Init("bb", [2], [0, 0]).Init("m", [2], [0, 0]).Init("v", [2], [1, 1])
            .Node("BatchNormalization", "bn", ["x", "s", "bb", "m", "v"], ["y"], Int("spatial", 1));
        Assert.Contains("removed in opset 9", Assert.Throws<UnsupportedOnnxException>(() => removed.Save()).Message);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(12)]
    [InlineData(13)]
    public void Dropout_IsIdentityAtInference(long opset)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 6).Output("y");
        if (opset < 12) b.Node("Dropout", "d", ["x"], ["dx", "mask"], Float("ratio", 0.3f));
        else b.Init("ratio", [], [0.3f]).Node("Dropout", "d", ["x", "ratio"], ["dx", "mask"]);
        b.Node("Relu", "r", ["dx"], ["y"]);
        var q = Check(b, 6, 0.02);
        Assert.Equal(["Relu"], q.Circuit.Layers.Select(l => l.Op));
        var training = new ModelBuilder(13).Input("x", 1, 6).Output("y").Init("ratio", [], [0.3f]);
        training.Graph.Initializer.Add(new TensorProto { Name = "train", DataType = (int)OnnxDataType.Bool, Int32Data = { 1 } });
        training.Node("Dropout", "d", ["x", "ratio", "train"], ["y"]);
        Assert.Contains("training_mode = true is not supported", Assert.Throws<UnsupportedOnnxException>(() => training.Save()).Message);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(13)]
    public void Pad_AttributesBefore11_InputsFrom11_LoweredAsIdentityConv(long opset)
    {
        var rng = new Random(4);
        var b = new ModelBuilder(opset).Input("x", 1, 2, 4, 4).Output("y");
        if (opset < 11) b.Node("Pad", "pad", ["x"], ["p"], Str("mode", "constant"), Ints("pads", 0, 0, 1, 2, 0, 0, 2, 0));
        else b.InitInt64("pads", 0, 0, 1, 2, 0, 0, 2, 0).Node("Pad", "pad", ["x", "pads"], ["p"]);
        b.Node("AveragePool", "pool", ["p"], ["y"], Ints("kernel_shape", 3, 3));
        Check(b, 32, 0.02);
    }

    [Fact]
    public void ConvWithPadAsLargeAsTheKernel_PadsFirst()
    {
        // A 1×1 convolution with pad 1 (EZKL's 1l_conv): the border outputs are the bias alone.
        var rng = new Random(5);
        var b = new ModelBuilder(10).Input("x", 1, 2, 3, 3).Output("y").Rand("W", [3, 2, 1, 1], rng).Rand("B", [3], rng)
            .Node("Conv", "conv", ["x", "W", "B"], ["y"], Ints("pads", 1, 1, 1, 1), Ints("kernel_shape", 1, 1));
        var q = Check(b, 18, 0.05);
        Assert.Equal(2, q.Circuit.Layers.Count(l => l.Op == "Conv2d"));
    }

    [Fact]
    public void ViewBatchMinusOne_WithDynamicBatch_Folds()
    {
        // x.view(x.size(0), -1) exported with a dynamic batch axis.
        var rng = new Random(6);
        var b = new ModelBuilder(11).InputSym("x", "batch", 2, 2, 2).Output("y").InitInt64("minus1", -1).Rand("W", [8, 3], rng);
        b.Graph.Initializer.Add(new TensorProto { Name = "zero", DataType = (int)OnnxDataType.Int64, Int64Data = { 0 } });
        b.Node("Shape", "shape", ["x"], ["s"]).Node("Gather", "gather", ["s", "zero"], ["n"], Int("axis", 0))
            .Node("Unsqueeze", "unsq", ["n"], ["n1"], Ints("axes", 0)).Node("Concat", "cat", ["n1", "minus1"], ["target"], Int("axis", 0))
            .Node("Reshape", "view", ["x", "target"], ["flat"]).Node("MatMul", "mm", ["flat", "W"], ["y"]);
        var q = Check(b, 8, 0.05);
        Assert.Equal(["Reshape", "Dense"], q.Circuit.Layers.Select(l => l.Op).Where(o => o != "Rescale"));
    }

    [Fact]
    public void IrVersion3_InitializersListedAsGraphInputs()
    {
        var rng = new Random(7);
        var b = new ModelBuilder(8).Input("x", 1, 4).Output("y").Rand("W", [4, 2], rng).Rand("C", [2], rng);
        b.Model.IrVersion = 3;
        b.Input("W", 4, 2).Input("C", 2);   // IR ≤ 3: every initializer is also a graph input
        b.Node("Gemm", "fc", ["x", "W", "C"], ["y"]);
        var (path, model) = b.Save();
        File.Delete(path);
        Assert.Equal(["x"], model.Graph.Inputs.Select(i => i.Name));
        Check(b, 4, 0.05);
    }
}
