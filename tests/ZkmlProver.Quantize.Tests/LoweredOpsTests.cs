using Google.Protobuf;
using ZkmlProver.Onnx;
using ZkmlProver.Onnx.Protos;
using static ZkmlProver.Quantize.Tests.ModelBuilder;

namespace ZkmlProver.Quantize.Tests;

/// <summary>
/// Ops lowered to existing layers, each checked against ONNX Runtime (float graph within 1e-4, the
/// circuit within a quantization tolerance): Slice/Gather/Expand/Tile of run-time tensors (0/1
/// selection matrices), ReduceMean/ReduceSum (axes by opset), HardSigmoid, HardSwish, PRelu, Abs,
/// Neg, Pow with integer exponents, 1-D Conv and pools, nearest Upsample/Resize.
/// </summary>
public class LoweredOpsTests
{
    static QuantizedModel Check(ModelBuilder b, int inputSize, double tolerance = 0.05)
    {
        var rng = new Random(1);
        var rows = Enumerable.Range(0, 24).Select(_ => Enumerable.Range(0, inputSize).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToList();
        var (path, model) = b.Save();
        try
        {
            var q = Quantizer.Quantize(model, new InputData("cal", rows));
            var test = new InputData("test", rows.Skip(12).ToList());
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

    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void SliceOfRunTimeTensor(long opset)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 3, 5).Output("y");
        if (opset < 10) b.Node("Slice", "sl", ["x"], ["y"], Ints("starts", 1, 0), Ints("ends", 3, 5), Ints("axes", 1, 2));
        else b.InitInt64("st", 1, 4).InitInt64("en", 3, -100).InitInt64("ax", 1, 2).InitInt64("sp", 1, -2).Node("Slice", "sl", ["x", "st", "en", "ax", "sp"], ["y"]);
        var q = Check(b, 15, 0.01);
        Assert.Contains("Select", q.Circuit.Layers.Select(l => l.Op));   // a public view, no selection weights
    }

    [Fact]
    public void GatherExpandTileOfRunTimeTensors()
    {
        // [1,3] → [2,1,3]: the leading 1 is then not a batch, so the model is lowered with full shapes.
        var b = new ModelBuilder(13).Input("x", 1, 4).Output("e").InitInt64("idx", 3, 0, 0).InitInt64("shape", 2, 1, 3)
            .Node("Gather", "ga", ["x", "idx"], ["g"], Int("axis", 1))
            .Node("Expand", "ex", ["g", "shape"], ["e"]);
        Assert.False(Check(b, 4, 0.01).FloatGraph.HasBatchDim);
        // With a symbolic batch the same Expand would change the batch: refused.
        var sym = new ModelBuilder(13).InputSym("x", "N", 4).Output("e").InitInt64("idx", 3, 0, 0).InitInt64("shape", 2, 1, 3)
            .Node("Gather", "ga", ["x", "idx"], ["g"], Int("axis", 1))
            .Node("Expand", "ex", ["g", "shape"], ["e"]);
        Assert.Throws<UnsupportedOnnxException>(() => sym.Save());
        var ok = new ModelBuilder(13).Input("x", 1, 4).Output("y").InitInt64("idx", 3, 0, 0).InitInt64("shape", 1, 2, 3).InitInt64("rep", 1, 1, 2)
            .Node("Gather", "ga", ["x", "idx"], ["g"], Int("axis", 1))
            .Node("Unsqueeze", "us", ["g", "one"], ["g3"])
            .Node("Expand", "ex", ["g3", "shape"], ["e"])
            .Node("Tile", "ti", ["e", "rep"], ["y"]);
        ok.InitInt64("one", 1);
        Check(ok, 4, 0.01);
    }

    [Theory]
    [InlineData(11, "ReduceSum")]
    [InlineData(13, "ReduceSum")]
    [InlineData(13, "ReduceMean")]
    [InlineData(18, "ReduceMean")]
    [InlineData(13, "ReduceMax")]
    [InlineData(18, "ReduceMin")]
    public void ReduceOfRunTimeTensor(long opset, string op)
    {
        bool input = op == "ReduceSum" ? opset >= 13 : opset >= 18;
        var b = new ModelBuilder(opset).Input("x", 1, 2, 3, 4).Output("y");
        if (input) b.InitInt64("ax", 1, 3).Node(op, "red", ["x", "ax"], ["y"], Int("keepdims", 1));
        else b.Node(op, "red", ["x"], ["y"], Ints("axes", 1, 3), Int("keepdims", 1));
        Check(b, 24, 0.05);
        var noKeep = new ModelBuilder(opset).Input("x", 1, 2, 3).Output("y");
        if (input) noKeep.InitInt64("ax", -1).Node(op, "red", ["x", "ax"], ["y"], Int("keepdims", 0));
        else noKeep.Node(op, "red", ["x"], ["y"], Ints("axes", -1), Int("keepdims", 0));
        Check(noKeep, 6, 0.05);
    }

    [Fact]
    public void HardSigmoidAndHardSwish()
    {
        Check(new ModelBuilder(13).Input("x", 1, 8).Output("y").Node("HardSigmoid", "hs", ["x"], ["y"], Float("alpha", 0.3f), Float("beta", 0.4f)), 8, 0.01);
        Check(new ModelBuilder(14).Input("x", 1, 8).Output("y").Node("HardSwish", "hw", ["x"], ["y"]), 8, 0.02);
    }

    [Fact]
    public void PReluPerChannelAndScalar_Abs_Neg_Pow()
    {
        Check(new ModelBuilder(13).Input("x", 1, 3, 2, 2).Output("y").Init("s", [3, 1, 1], [0.1f, 0.25f, -0.5f]).Node("PRelu", "p", ["x", "s"], ["y"]), 12, 0.02);
        var q = Check(new ModelBuilder(13).Input("x", 1, 4).Output("y").Init("s", [1], [0.2f]).Node("PRelu", "p", ["x", "s"], ["y"]), 4, 0.02);
        Assert.Equal(["LeakyRelu"], q.Circuit.Layers.Select(l => l.Op).Where(o => o != "Rescale"));
        Check(new ModelBuilder(13).Input("x", 1, 6).Output("y").Node("Abs", "a", ["x"], ["y"]), 6, 0.01);
        Check(new ModelBuilder(13).Input("x", 1, 6).Output("y").Node("Neg", "n", ["x"], ["y"]), 6, 0.01);
        Check(new ModelBuilder(13).Input("x", 1, 6).Output("y").Init("e", [], [2f]).Node("Pow", "p", ["x", "e"], ["y"]), 6, 0.02);
        Check(new ModelBuilder(13).Input("x", 1, 6).Output("y").Init("e", [], [3f]).Node("Pow", "p", ["x", "e"], ["y"]), 6, 0.05);
        // Fractional exponents are lookups now (UnaryLookupTests); a tensor or zero exponent stays refused.
        var zero = new ModelBuilder(13).Input("x", 1, 6).Output("y").Init("e", [], [0f]).Node("Pow", "p", ["x", "e"], ["y"]);
        Assert.Contains("Pow with exponent 0 is not supported", Assert.Throws<UnsupportedOnnxException>(() => zero.Save()).Message);
    }

    [Fact]
    public void Conv1dAndPools1d_AsHeightOne2d()
    {
        var rng = new Random(8);
        var b = new ModelBuilder(13).Input("x", 1, 2, 9).Output("y").Rand("W", [3, 2, 3], rng, 0.5f).Rand("B", [3], rng, 0.1f)
            .Node("Conv", "conv", ["x", "W", "B"], ["c"], Ints("pads", 1, 2), Ints("strides", 1), Ints("dilations", 2))
            .Node("Relu", "r", ["c"], ["h"])
            .Node("MaxPool", "mp", ["h"], ["p"], Ints("kernel_shape", 2), Ints("strides", 1))
            .Node("AveragePool", "ap", ["p"], ["q"], Ints("kernel_shape", 2), Ints("pads", 1, 0), Int("count_include_pad", 1))
            .Node("GlobalAveragePool", "gap", ["q"], ["y"]);
        Check(b, 18, 0.05);
        // A 1×1 kernel with pad 1 (pad as large as the kernel) pads first.
        var k1 = new ModelBuilder(13).Input("x", 1, 2, 5).Output("y").Rand("W", [3, 2, 1], rng).Node("Conv", "conv", ["x", "W"], ["y"], Ints("pads", 1, 1));
        Check(k1, 10, 0.05);
    }

    static AttributeProto Str(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };
    static AttributeProto Floats(string name, params float[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(v);
        return a;
    }

    [Theory]
    [InlineData(7, "", "")]
    [InlineData(9, "", "")]
    [InlineData(10, "", "")]
    [InlineData(11, "half_pixel", "round_prefer_floor")]
    [InlineData(13, "asymmetric", "floor")]
    [InlineData(13, "align_corners", "round_prefer_ceil")]
    [InlineData(13, "pytorch_half_pixel", "ceil")]
    [InlineData(19, "tf_half_pixel_for_nn", "round_prefer_floor")]
    public void NearestUpsampleAndResize_ByOpset(long opset, string ctm, string nearest)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 2, 3, 4).Output("y");
        float[] scales = [1, 1, 2, 1.5f];
        if (opset < 9) b.Node("Upsample", "up", ["x"], ["y"], Floats("scales", scales));
        else if (opset < 10) b.Init("sc", [4], scales).Node("Upsample", "up", ["x", "sc"], ["y"]);
        else if (opset < 11) b.Init("sc", [4], scales).Node("Resize", "rs", ["x", "sc"], ["y"]);
        else b.Init("roi", [0], []).Init("sc", [4], scales)
            .Node("Resize", "rs", ["x", "roi", "sc"], ["y"], Str("coordinate_transformation_mode", ctm), Str("nearest_mode", nearest));
        var q = Check(b, 24, 0.01);
        Assert.Equal([2, 6, 6], q.FloatGraph.Shapes[q.FloatGraph.Outputs[0]]);
    }

    [Fact]
    public void ResizeBySizes_Downsampling_AndLinearIsRefused()
    {
        var b = new ModelBuilder(13).Input("x", 1, 1, 4, 6).Output("y").InitInt64("sizes", 1, 1, 3, 2)
            .Node("Resize", "rs", ["x", "", "", "sizes"], ["y"]);
        Check(b, 24, 0.01);
        var lin = new ModelBuilder(13).Input("x", 1, 1, 4, 6).Output("y").Init("sc", [4], [1, 1, 2, 2])
            .Node("Resize", "rs", ["x", "", "sc"], ["y"], Str("mode", "linear"));
        Assert.Contains("mode = 'linear' is not supported (opset 13)", Assert.Throws<UnsupportedOnnxException>(() => lin.Save()).Message);
    }

    [Theory]
    [InlineData(1, 0L)]
    [InlineData(0, 0L)]
    [InlineData(1, -1L)]
    [InlineData(0, 1L)]
    public void TriluOfRunTimeTensor_ZeroRowsInTheSelection(long upper, long k)
    {
        var b = new ModelBuilder(14).Input("x", 1, 2, 3, 4).Output("y");
        b.Graph.Initializer.Add(new TensorProto { Name = "k", DataType = (int)OnnxDataType.Int64, Int64Data = { k } });
        b.Node("Trilu", "tri", ["x", "k"], ["y"], Int("upper", upper));
        Check(b, 24, 0.01);
    }
}
