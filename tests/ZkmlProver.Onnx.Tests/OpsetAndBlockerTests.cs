using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.Onnx.Tests;

/// <summary>
/// The loader across IR 3–10 / opsets 7–21 (version-dependent attributes and inputs, optional
/// outputs nobody reads), the inspector's blockers versus nodes blocked downstream of them, and the
/// constant folder's shape arithmetic (Shape start/end, Size, Range, ConstantOfShape, Expand, Tile,
/// Where, comparisons, Reduce axes by opset).
/// </summary>
public sealed class OpsetAndBlockerTests
{
    private static OnnxModel Lenient(ModelBuilder b) => b.Load(new OnnxLoadOptions { Strict = false });

    [Theory]
    [InlineData(3, 7)]
    [InlineData(4, 9)]
    [InlineData(5, 10)]
    [InlineData(10, 21)]
    public void IrAndOpsetRangeIsAccepted(long ir, long opset)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 4).Output("y");
        b.Model.IrVersion = ir;
        b.Node("Relu", "/Relu", ["x"], ["y"]);
        var m = b.Load();
        Assert.Equal(opset, m.Opset);
        Assert.True(m.Graph.IsSupported);
    }

    [Fact]
    public void OneBlockerMarksDownstreamNodesBlockedNotUnsupported()
    {
        // Grouped Conv (3 output channels per group: unsupported) → Relu → Add → Flatten → Gemm; one independent Hardmax elsewhere.
        var b = new ModelBuilder().Input("x", 1, 4, 3, 3).Output("y").Output("e")
            .Init("W", [6, 2, 1, 1], new float[12]).Init("G", [54, 2], new float[108]);
        b.Node("Conv", "/conv", ["x", "W"], ["c"]).Attribute.Add(ModelBuilder.Int("group", 2));
        b.Node("Relu", "/relu", ["c"], ["r"]);
        b.Node("Add", "/add", ["r", "r"], ["a"]);
        b.Node("Flatten", "/flat", ["a"], ["f"]);
        b.Node("Gemm", "/fc", ["f", "G"], ["y"]);
        b.Node("Hardmax", "/hardmax", ["x"], ["e"]);
        var r = OnnxInspector.Inspect(Lenient(b));
        Assert.Equal([0, 5], r.Nodes.Where(n => n.IsBlocker).Select(n => n.Index));
        Assert.Equal([0, 0, 0, 0], r.Nodes.Where(n => n.BlockedBy is not null).Select(n => n.BlockedBy!.Value));
        Assert.Equal("node 1 '/relu' (Relu): blocked by node 0 '/conv' (Conv) (its input 'c' cannot be computed)", r.Nodes[1].Reason);
        string text = r.ToText();
        Assert.Contains("blocked by node 0", text);
        Assert.Equal(2, text.Split('\n').Count(l => l.StartsWith("blocker: ", StringComparison.Ordinal)));
        Assert.Contains("supported: no (2 unsupported nodes, 4 nodes blocked downstream of them, 0 model-level problems)", text);
        Assert.Equal([new InspectedOp("Conv", 1, false), new InspectedOp("Relu", 1, true), new InspectedOp("Add", 1, true),
            new InspectedOp("Flatten", 1, true), new InspectedOp("Gemm", 1, true), new InspectedOp("Hardmax", 1, false)], r.Ops);
        // Strict loading (zkml compile) names the first blocker only.
        Assert.Contains("node 0 '/conv' (Conv): grouped convolution with 3 output channels per group", Assert.Throws<UnsupportedOnnxException>(() => b.Load()).Message);
    }

    [Fact]
    public void DownstreamNodeWithItsOwnUnsupportedOpIsABlockerToo()
    {
        var b = new ModelBuilder().Input("x", 1, 4).Output("y");
        b.Node("Hardmax", "/hardmax", ["x"], ["e"]);
        b.Node("LogSoftmax", "/logsoftmax", ["e"], ["y"]);
        var r = OnnxInspector.Inspect(Lenient(b));
        Assert.True(r.Nodes[1].IsBlocker);
        Assert.StartsWith("node 1 '/logsoftmax' (LogSoftmax): operator LogSoftmax is not supported (opset 13); use Softmax (argmax is unchanged)", r.Nodes[1].Reason);
    }

    [Fact]
    public void ShapeOfABlockedTensorSaysBlockedNotUnsupported()
    {
        var b = new ModelBuilder().Input("x", 1, 4).Output("y").InitInt64("minus1", -1, 1);
        b.Node("Hardmax", "/hardmax", ["x"], ["e"]);
        b.Node("Shape", "/shape", ["e"], ["s"]);
        b.Node("Reshape", "/reshape", ["x", "s"], ["y"]);
        var r = OnnxInspector.Inspect(Lenient(b));
        Assert.Equal(1, r.Nodes.Count(n => n.IsBlocker));
        Assert.Equal("node 1 '/shape' (Shape): blocked by node 0 '/hardmax' (Hardmax) (its input 'e' cannot be computed)", r.Nodes[1].Reason);
        Assert.Equal(0, r.Nodes[2].BlockedBy);
        Assert.DoesNotContain("operator Shape is not supported", r.ToText());
    }

    [Fact]
    public void UnreadOptionalOutputsAreIgnored_ReadOnesAreRefused()
    {
        var b = new ModelBuilder(9).Input("x", 1, 2, 2, 2).Output("y")
            .Init("s", [2], [1, 1]).Init("bb", [2], [0, 0]).Init("m", [2], [0, 0]).Init("v", [2], [1, 1]);
        b.Node("BatchNormalization", "/bn", ["x", "s", "bb", "m", "v"], ["y", "rm", "rv", "sm", "sv"]);
        Assert.True(b.Load().Graph.IsSupported);
        var read = new ModelBuilder(10).Input("x", 1, 6).Output("y").Output("mask");
        read.Node("Dropout", "/drop", ["x"], ["y", "mask"]);
        Assert.Contains("output 1 (the mask, 'mask') is read", Assert.Throws<UnsupportedOnnxException>(() => read.Load()).Message);
    }

    [Fact]
    public void CastOfRunTimeTensor_FloatIsANoOp_IntegerIsRefused()
    {
        var b = new ModelBuilder().Input("x", 1, 4).Output("y");
        b.Node("Cast", "/cast", ["x"], ["c"]).Attribute.Add(ModelBuilder.Int("to", (long)OnnxDataType.Float));
        b.Node("Relu", "/relu", ["c"], ["y"]);
        Assert.True(b.Load().Graph.IsSupported);
        var i = new ModelBuilder().Input("x", 1, 4).Output("y");
        i.Node("Cast", "/cast", ["x"], ["y"]).Attribute.Add(ModelBuilder.Int("to", (long)OnnxDataType.Int64));
        Assert.Contains("Cast of the run-time tensor 'x' to Int64 is not supported (opset 13)", Assert.Throws<UnsupportedOnnxException>(() => i.Load()).Message);
    }

    [Theory]
    [InlineData(13, new long[] { 1, 3, 4, 5 })]
    [InlineData(15, new long[] { 3, 4 })]
    public void ShapeStartEndFromOpset15(long opset, long[] expected)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 3, 4, 5).Output("y");
        var shape = b.Node("Shape", "/shape", ["x"], ["s"]);
        shape.Attribute.Add(ModelBuilder.Int("start", 1));
        shape.Attribute.Add(ModelBuilder.Int("end", -1));
        b.Node("Relu", "/relu", ["x"], ["y"]);
        Assert.Equal(expected, b.Load().Graph.Initializers["s"].Int64Data.ToArray());
    }

    [Fact]
    public void ShapeArithmeticFolds_SizeRangeConstantOfShapeExpandTileWhereEqual()
    {
        var b = new ModelBuilder().Input("x", 1, 2, 3).Output("y").InitInt64("zero", 0).InitInt64("one", 1).InitInt64("rep", 2, 1).InitInt64("two", 2);
        foreach (var t in b.Graph.Initializer.Take(2)) t.Dims.Clear();
        b.Node("Size", "/size", ["x"], ["n"]);                                // 6
        b.Node("Range", "/range", ["zero", "n", "one"], ["r"]);              // [0..5]
        b.Node("Shape", "/shape", ["x"], ["s"]);                             // [1,2,3]
        var cos = b.Node("ConstantOfShape", "/cos", ["s"], ["z"]);           // zeros [1,2,3] int64 7
        var seven = new TensorProto { DataType = (int)OnnxDataType.Int64, Int64Data = { 7 } };
        seven.Dims.Add(1);
        cos.Attribute.Add(ModelBuilder.Tensor("value", seven));
        b.Node("Equal", "/eq", ["r", "n"], ["last"]);                         // [0,0,0,0,0,0]
        b.Node("Less", "/lt", ["r", "n"], ["all"]);                           // all 1
        b.Node("Where", "/where", ["all", "r", "n"], ["w"]);                  // = r
        b.Node("Expand", "/expand", ["one", "s"], ["ones"]);                  // ones [1,2,3]
        b.Node("Tile", "/tile", ["rep", "two"], ["tt"]);                      // [2,1,2,1]
        b.Node("Relu", "/relu", ["x"], ["y"]);
        var c = b.Load().Graph.Initializers;
        Assert.Equal([6L], c["n"].Int64Data.ToArray());
        Assert.Equal([0L, 1, 2, 3, 4, 5], c["r"].Int64Data.ToArray());
        Assert.Equal([1L, 2, 3], c["z"].Shape.ToArray());
        Assert.All(c["z"].Int64Data, v => Assert.Equal(7L, v));
        Assert.All(c["last"].Int64Data, v => Assert.Equal(0L, v));
        Assert.Equal([0L, 1, 2, 3, 4, 5], c["w"].Int64Data.ToArray());
        Assert.Equal([1L, 2, 3], c["ones"].Shape.ToArray());
        Assert.Equal([2L, 1, 2, 1], c["tt"].Int64Data.ToArray());
    }

    [Theory]
    [InlineData(17, false)]
    [InlineData(18, true)]
    public void ReduceMeanAxes_AttributeBefore18_InputFrom18(long opset, bool input)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 2).Output("y").Init("c", [2, 2], [1, 2, 3, 5]).InitInt64("ax", 1);
        var n = b.Node("ReduceMean", "/mean", input ? ["c", "ax"] : ["c"], ["m"]);
        if (!input) n.Attribute.Add(ModelBuilder.Ints("axes", 1));
        n.Attribute.Add(ModelBuilder.Int("keepdims", 0));
        b.Node("Relu", "/relu", ["x"], ["y"]);
        Assert.Equal([1.5f, 4f], b.Load().Graph.Initializers["m"].Data.ToArray());
        // The other form is a format error.
        var wrong = new ModelBuilder(opset).Input("x", 1, 2).Output("y").Init("c", [2, 2], [1, 2, 3, 5]).InitInt64("ax", 1);
        var wn = wrong.Node("ReduceMean", "/mean", input ? ["c"] : ["c", "ax"], ["m"]);
        if (input) wn.Attribute.Add(ModelBuilder.Ints("axes", 1));
        wrong.Node("Relu", "/relu", ["x"], ["y"]);
        Assert.Throws<OnnxFormatException>(() => wrong.Load());
    }

    [Fact]
    public void BoolAndInt8InitializersAreReadExactly()
    {
        var b = new ModelBuilder().Input("x", 1, 2).Output("y");
        var t = new TensorProto { Name = "q", DataType = (int)OnnxDataType.Int8, RawData = Google.Protobuf.ByteString.CopyFrom([0xff, 0x7f]) };
        t.Dims.Add(2);
        b.Graph.Initializer.Add(t);
        var bo = new TensorProto { Name = "flag", DataType = (int)OnnxDataType.Bool, Int32Data = { 1, 0 } };
        bo.Dims.Add(2);
        b.Graph.Initializer.Add(bo);
        b.Node("Relu", "/relu", ["x"], ["y"]);
        var c = b.Load().Graph.Initializers;
        Assert.Equal([-1L, 127], c["q"].Int64Data.ToArray());
        Assert.Equal([1L, 0], c["flag"].Int64Data.ToArray());
    }

    [Fact]
    public void IdentityOfTheInputAsOutputIsRefused()
    {
        var b = new ModelBuilder(10).Input("x", 1, 2).Output("y");
        b.Node("Identity", "/id", ["x"], ["y"]);
        Assert.Contains("graph output 'y' is the graph input passed through", Assert.Throws<UnsupportedOnnxException>(() => b.Load()).Message);
    }

    [Fact]
    public void CausalMaskFolds_TriluOfOnesAndNonZero()
    {
        var b = new ModelBuilder(14).Input("x", 1, 2).Output("y").Init("ones", [3, 3], Enumerable.Repeat(1f, 9).ToArray());
        b.Node("Trilu", "/tril", ["ones"], ["mask"]).Attribute.Add(ModelBuilder.Int("upper", 0));
        b.Node("NonZero", "/nz", ["mask"], ["where"]);
        b.Node("Relu", "/relu", ["x"], ["y"]);
        var c = b.Load().Graph.Initializers;
        Assert.Equal([1f, 0, 0, 1, 1, 0, 1, 1, 1], c["mask"].Data.ToArray());
        Assert.Equal([2L, 6], c["where"].Shape.ToArray());
        Assert.Equal([0L, 1, 1, 2, 2, 2, 0, 0, 1, 0, 1, 2], c["where"].Int64Data.ToArray());
    }
}
