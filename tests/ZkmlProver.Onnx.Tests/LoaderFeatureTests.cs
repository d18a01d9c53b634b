using System.Buffers.Binary;
using Google.Protobuf;
using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.Onnx.Tests;

/// <summary>Loader features on small hand-built models: constants, data encodings, dynamic batch, geometry.</summary>
public sealed class LoaderFeatureTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void ConstantNodesBecomeInitializers()
    {
        var b = new ModelBuilder().Input("x", 1, 2, 3).Output("y");
        var shape = new TensorProto { DataType = (int)OnnxDataType.Int64 };
        shape.Dims.Add(2);
        shape.Int64Data.AddRange([1, -1]);
        b.Node("Constant", "/Constant", [], ["s"]).Attribute.Add(ModelBuilder.Tensor("value", shape));
        b.Node("Constant", "/Constant_1", [], ["half"]).Attribute.Add(ModelBuilder.Float("value_float", 0.5f));
        b.Node("Reshape", "/Reshape", ["x", "s"], ["r"]);
        b.Node("Mul", "/Mul", ["r", "half"], ["y"]);
        var g = b.Load().Graph;
        Assert.Equal(["Reshape", "Mul"], g.Nodes.Select(n => n.OpType));
        Assert.Equal([0, 1], g.ConstantNodes.Select(n => n.Index));
        Assert.Equal([2, 3], g.Nodes.Select(n => n.Index));
        Assert.True(g.IsConstant("s"));
        Assert.Equal([1L, -1], g.Initializers["s"].Int64Data.ToArray());
        Assert.Equal(OnnxShape.Of(1, 6), g.ShapeOf("r"));
        Assert.Equal(0.5f, g.Initializers["half"].Data[0]);
        Assert.Equal(0, g.Initializers["half"].Rank);
        Assert.Equal(1, g.ParameterCount); // the int64 shape is not a parameter
        Assert.Equal([new KeyValuePair<string, int>("Constant", 2), new("Reshape", 1), new("Mul", 1)], g.OpCounts());
    }

    [Fact]
    public void InitializerEncodingsAgree()
    {
        float[] vals = [1.5f, -2.25f, 3e-8f, 1e10f];
        var raw = new byte[16];
        for (int i = 0; i < 4; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), vals[i]);
        var fRaw = new TensorProto { Name = "a", DataType = 1, RawData = ByteString.CopyFrom(raw) }.Tap(t => t.Dims.AddRange([2, 2]));
        var fTyped = new TensorProto { Name = "b", DataType = 1 }.Tap(t => { t.Dims.AddRange([2, 2]); t.FloatData.AddRange(vals); });
        var dTyped = new TensorProto { Name = "c", DataType = 11 }.Tap(t => { t.Dims.AddRange([2, 2]); t.DoubleData.AddRange(vals.Select(v => (double)v)); });
        var draw = new byte[32];
        for (int i = 0; i < 4; i++) BinaryPrimitives.WriteDoubleLittleEndian(draw.AsSpan(8 * i), vals[i]);
        var dRaw = new TensorProto { Name = "d", DataType = 11, RawData = ByteString.CopyFrom(draw) }.Tap(t => t.Dims.AddRange([2, 2]));
        foreach (var p in new[] { fRaw, fTyped, dTyped, dRaw })
        {
            var t = TensorProtoReader.Convert(p, "t");
            Assert.Equal(vals, t.Data.ToArray());
            Assert.Equal([2L, 2], t.Shape.ToArray());
            Assert.False(t.IsInteger);
        }

        var lraw = new byte[24];
        long[] ints = [0, -1, long.MaxValue];
        for (int i = 0; i < 3; i++) BinaryPrimitives.WriteInt64LittleEndian(lraw.AsSpan(8 * i), ints[i]);
        var l = TensorProtoReader.Convert(new TensorProto { Name = "l", DataType = 7, RawData = ByteString.CopyFrom(lraw) }.Tap(t => t.Dims.Add(3)), "t");
        Assert.Equal(ints, l.Int64Data.ToArray());
        var i32 = TensorProtoReader.Convert(new TensorProto { Name = "i", DataType = 6 }.Tap(t => { t.Dims.Add(2); t.Int32Data.AddRange([-7, 9]); }), "t");
        Assert.Equal([-7L, 9], i32.Int64Data.ToArray());
        Assert.Equal([-7f, 9f], i32.Data.ToArray());

        // Hand-written bytes: field 1 (dims) = 2 unpacked, field 2 (data_type) = 1, field 9 (raw_data) 8 bytes of 1.0f, 2.0f.
        byte[] wire = [0x08, 0x02, 0x10, 0x01, 0x4a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40];
        var h = TensorProtoReader.Parse(wire, "hand.pb");
        Assert.Equal([1f, 2f], h.Data.ToArray());
        Assert.Equal(wire, TensorProtoReader.ToProto(h.WithName("")).ToByteArray());
    }

    [Fact]
    public void DynamicBatchPropagates()
    {
        var b = new ModelBuilder().InputSym("x", "batch", 1, 4, 4).Output("y")
            .Init("W", [3, 1, 3, 3], new float[27]).Init("F", [3, 12], new float[36]).InitInt64("shape", 0, -1);
        b.Node("Conv", "/Conv", ["x", "W"], ["c"]).Attribute.Add(ModelBuilder.Ints("pads", 1, 1, 1, 1));
        b.Node("MaxPool", "/MaxPool", ["c"], ["p"]).Tap(n => { n.Attribute.Add(ModelBuilder.Ints("kernel_shape", 2, 2)); n.Attribute.Add(ModelBuilder.Ints("strides", 2, 2)); });
        b.Node("Reshape", "/Reshape", ["p", "shape"], ["r"]);
        b.Node("Flatten", "/Flatten", ["p"], ["f"]);
        b.Node("Gemm", "/Gemm", ["r", "F"], ["y"]).Attribute.Add(ModelBuilder.Int("transB", 1));
        var m = b.Load();
        var g = m.Graph;
        Assert.True(g.Inputs[0].HasDynamicBatch);
        Assert.Equal("[batch,1,4,4]", g.Inputs[0].Shape.ToString());
        Assert.Equal("[batch,3,4,4]", g.ShapeOf("c").ToString());
        Assert.Equal("[batch,3,2,2]", g.ShapeOf("p").ToString());
        Assert.Equal("[batch,12]", g.ShapeOf("r").ToString());
        Assert.Equal("[batch,12]", g.ShapeOf("f").ToString());
        Assert.Equal("[batch,3]", g.ShapeOf("y").ToString());
    }

    [Fact]
    public void ReshapeWithMinusOneOverDynamicBatch()
    {
        var b = new ModelBuilder().InputSym("x", "N", 2, 3).Output("y").InitInt64("s", -1, 6);
        b.Node("Reshape", "/Reshape", ["x", "s"], ["y"]);
        Assert.Equal("[N,6]", b.Load().Graph.ShapeOf("y").ToString());
    }

    [Theory]
    // input, kernel, stride, autopad, pads(t,b), ceil → out, padTop, padBottom (hand-computed from the ONNX spec)
    [InlineData(6, 3, 2, "SAME_UPPER", 0, 0, false, 3, 0, 1)]
    [InlineData(6, 3, 2, "SAME_LOWER", 0, 0, false, 3, 1, 0)]
    [InlineData(5, 3, 2, "SAME_LOWER", 0, 0, false, 3, 1, 1)]
    [InlineData(7, 3, 2, "VALID", 0, 0, false, 3, 0, 0)]
    [InlineData(7, 3, 2, "NOTSET", 1, 0, false, 3, 1, 0)]
    [InlineData(4, 3, 2, "NOTSET", 0, 0, true, 2, 0, 0)]   // ceil: (4-3)/2 = 0.5 → 1, +1
    [InlineData(5, 2, 3, "NOTSET", 0, 1, true, 2, 0, 1)]   // ceil would give 3, but window 3 starts at 6 ≥ 5+0: dropped
    [InlineData(5, 2, 3, "NOTSET", 0, 1, false, 2, 0, 1)]
    public void SpatialGeometry(int input, int kernel, int stride, string autoPad, int padBegin, int padEnd, bool ceil, int outSize, int padTop, int padBottom)
    {
        var n = new OnnxNode(0, "p", "MaxPool", "", ["x"], ["y"],
        [
            new OnnxAttribute("strides", OnnxAttributeKind.Ints) { Ints = [stride, stride] },
            new OnnxAttribute("auto_pad", OnnxAttributeKind.String) { String = autoPad },
            new OnnxAttribute("ceil_mode", OnnxAttributeKind.Int) { Int = ceil ? 1 : 0 },
            .. autoPad == "NOTSET" ? [new OnnxAttribute("pads", OnnxAttributeKind.Ints) { Ints = [padBegin, padBegin, padEnd, padEnd] }] : Array.Empty<OnnxAttribute>(),
        ]);
        var g = Spatial2d.Resolve(n, input, input, kernel, kernel, allowCeilMode: true);
        Assert.Equal((outSize, outSize), (g.OutH, g.OutW));
        Assert.Equal([padTop, padTop, padBottom, padBottom], g.Pads);
    }

    [Fact]
    public void AttributeAccessorsAndDefaults()
    {
        var b = ModelBuilder.Conv(ModelBuilder.Ints("strides", 2, 2), ModelBuilder.Str("auto_pad", "SAME_UPPER"));
        var n = b.Load().Graph.Nodes[0];
        Assert.Equal(1, n.GetInt("group", 1));
        Assert.Equal([2L, 2], n.GetInts("strides")!);
        Assert.Null(n.GetInts("dilations"));
        Assert.Equal("SAME_UPPER", n.GetString("auto_pad", "NOTSET"));
        Assert.Equal(0.25f, n.GetFloat("alpha", 0.25f));
        var e = Assert.Throws<OnnxFormatException>(() => n.GetInt("strides", 1));
        Assert.Contains("attribute strides has type Ints, expected Int", e.Message);
        Assert.Equal("node 0 '/conv/Conv' (Conv)", n.Describe());
        Assert.Equal("[1,3,3,3]", b.Load().Graph.ShapeOf("y").ToString());
    }

    [Fact]
    public void ConstantInputsBindGraphInputs()
    {
        var b = new ModelBuilder().Input("x", 2, 3).Input("shape", 2).Output("y");
        b.Graph.Input[1].Type.TensorType.ElemType = (int)OnnxDataType.Int64;
        b.Node("Reshape", "/Reshape", ["x", "shape"], ["y"]);
        Assert.Throws<UnsupportedOnnxException>(() => b.Load());
        var g = b.Load(new OnnxLoadOptions { ConstantInputs = new Dictionary<string, FloatTensor> { ["shape"] = FloatTensor.FromInt64("", [2], [3, 2]) } }).Graph;
        Assert.Single(g.Inputs);
        Assert.Equal(OnnxShape.Of(3, 2), g.ShapeOf("y"));
        var e = Assert.Throws<OnnxFormatException>(() => b.Load(new OnnxLoadOptions { ConstantInputs = new Dictionary<string, FloatTensor> { ["shape"] = FloatTensor.FromInt64("", [3], [3, 2, 1]) } }));
        Assert.Equal("test.onnx: graph input 'shape' is declared [2] but the constant bound to it has shape [3]", e.Message);
    }

    [Fact]
    public void InspectorReportsSupportAndReasons()
    {
        var b = new ModelBuilder().Input("x", 1, 4).Output("y").Init("W", [2, 4], new float[8]);
        b.Node("Gemm", "/fc/Gemm", ["x", "W"], ["h"]).Attribute.Add(ModelBuilder.Int("transB", 1));
        b.Node("Hardmax", "/Hardmax", ["h"], ["y"]);
        var r = OnnxInspector.Inspect(b.Load(new OnnxLoadOptions { Strict = false }));
        Assert.False(r.Supported);
        Assert.Equal(8, r.ParameterCount);
        Assert.Equal([new InspectedOp("Gemm", 1, true), new InspectedOp("Hardmax", 1, false)], r.Ops);
        Assert.Equal("node 1 '/Hardmax' (Hardmax): operator Hardmax is not supported (opset 13); replace it with supported operators before export (see src/ZkmlProver.Onnx/README.md)", r.Nodes[1].Reason);
        Assert.Equal(["h [1,2]"], r.Nodes[0].Outputs);
        string text = r.ToText();
        Assert.Contains("UNSUPPORTED: node 1 '/Hardmax' (Hardmax): operator Hardmax is not supported", text);
        Assert.Contains("blocker: node 1 '/Hardmax' (Hardmax): operator Hardmax is not supported", text);
        Assert.Contains("supported: no (1 unsupported node, 0 nodes blocked downstream of them, 0 model-level problems)", text);
        using var j = System.Text.Json.JsonDocument.Parse(r.ToJson());
        Assert.False(j.RootElement.GetProperty("supported").GetBoolean());
        Assert.Equal("Hardmax", j.RootElement.GetProperty("nodes")[1].GetProperty("op").GetString());
    }

    [SharedFact]
    public void InspectorOnSharedCnn()
    {
        var r = OnnxInspector.Inspect(SharedData.RequireDir(Path.Combine("models", "digits_cnn", "network.onnx")));
        Assert.True(r.Supported);
        Assert.Equal(410, r.ParameterCount);
        output.WriteLine(r.ToText());
        Assert.Contains("supported: yes", r.ToText());
    }
}

public sealed class ShapeRuleTests
{
    [Theory]
    [InlineData("[3,4,5]", "[5]", "[3,4,5]")]
    [InlineData("[3,1,5]", "[4,1]", "[3,4,5]")]
    [InlineData("[N,10]", "[1,10]", "[N,10]")]
    [InlineData("[]", "[2,3]", "[2,3]")]
    public void Broadcast(string a, string b, string want)
        => Assert.Equal(want, OnnxShape.Broadcast(Parse(a), Parse(b)).ToString());

    [Fact]
    public void BroadcastMismatchThrows()
        => Assert.Throws<OnnxFormatException>(() => OnnxShape.Broadcast(Parse("[3,4]"), Parse("[5]")));

    private static OnnxShape Parse(string s) => new(s.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(d => long.TryParse(d, out long v) ? OnnxDim.Known(v) : OnnxDim.Symbolic(d)));

    [Fact]
    public void MatMulShapes()
    {
        var b = new ModelBuilder().Input("x", 2, 1, 3, 4).Output("y").Init("B", [5, 4, 6], new float[120]).Init("v", [6], new float[6]);
        b.Node("MatMul", "/MatMul", ["x", "B"], ["m"]);
        b.Node("MatMul", "/MatMul_1", ["m", "v"], ["y"]);
        var g = b.Load().Graph;
        Assert.Equal("[2,5,3,6]", g.ShapeOf("m").ToString());
        Assert.Equal("[2,5,3]", g.ShapeOf("y").ToString());
    }

    [Fact]
    public void GemmTransposesAndBias()
    {
        var b = new ModelBuilder().Input("x", 4, 3).Output("y").Init("B", [5, 4], new float[20]).Init("C", [1, 5], new float[5]);
        b.Node("Gemm", "/Gemm", ["x", "B", "C"], ["y"]).Tap(n => { n.Attribute.Add(ModelBuilder.Int("transA", 1)); n.Attribute.Add(ModelBuilder.Int("transB", 1)); });
        Assert.Equal("[3,5]", b.Load().Graph.ShapeOf("y").ToString());
        var bad = new ModelBuilder().Input("x", 4, 3).Output("y").Init("B", [5, 4], new float[20]).Init("C", [3, 4], new float[12]);
        bad.Node("Gemm", "/Gemm", ["x", "B", "C"], ["y"]).Tap(n => { n.Attribute.Add(ModelBuilder.Int("transA", 1)); n.Attribute.Add(ModelBuilder.Int("transB", 1)); });
        Assert.Contains("bias C [3,4] does not broadcast to the output [3,5]", Assert.Throws<OnnxFormatException>(() => bad.Load()).Message);
    }

    [Fact]
    public void SoftmaxBeforeOpset13CoercesTo2D()
    {
        var ok = new ModelBuilder(12).Input("x", 2, 5).Output("y");
        ok.Node("Softmax", "/Softmax", ["x"], ["y"]);
        Assert.Equal("[2,5]", ok.Load().Graph.ShapeOf("y").ToString());
        // Opset < 13 normalizes over the flattened trailing dims [5,3] (the quantizer lowers it).
        var coerced = new ModelBuilder(12).Input("x", 2, 5, 3).Output("y");
        coerced.Node("Softmax", "/Softmax", ["x"], ["y"]);
        Assert.Equal("[2,5,3]", coerced.Load().Graph.ShapeOf("y").ToString());
    }

    [Fact]
    public void TransposeConcatFlattenClipBatchNorm()
    {
        var b = new ModelBuilder().Input("x", 1, 2, 3, 4).Output("y")
            .Init("k", [1, 2, 3, 1], new float[6]).Init("lo", [], [0f]).Init("hi", [], [6f])
            .Init("s", [2], [1, 1]).Init("bb", [2], [0, 0]).Init("mu", [2], [0, 0]).Init("var", [2], [1, 1]);
        b.Node("BatchNormalization", "/bn", ["x", "s", "bb", "mu", "var"], ["n"]);
        b.Node("Clip", "/Clip", ["n", "lo", "hi"], ["c"]);
        b.Node("Transpose", "/T", ["c"], ["t"]).Attribute.Add(ModelBuilder.Ints("perm", 0, 3, 1, 2));
        b.Node("Concat", "/Cat", ["x", "k"], ["cat"]).Attribute.Add(ModelBuilder.Int("axis", -1));
        b.Node("Flatten", "/F", ["cat"], ["y"]).Attribute.Add(ModelBuilder.Int("axis", 2));
        var g = b.Load().Graph;
        Assert.Equal("[1,4,2,3]", g.ShapeOf("t").ToString());
        Assert.Equal("[1,2,3,5]", g.ShapeOf("cat").ToString());
        Assert.Equal("[2,15]", g.ShapeOf("y").ToString());
    }
}

public sealed class DynamicBatchRuleTests
{
    [Theory]
    [InlineData("Softmax", "axis", 0, "softmax (axis = 0) across the dynamic batch dimension 'N'")]
    [InlineData("Flatten", "axis", 0, "flatten with axis = 0 across the dynamic batch dimension 'N'")]
    [InlineData("Concat", "axis", 0, "concatenation on axis 0 across the dynamic batch dimension 'N'")]
    public void OpsMayNotMixSamples(string op, string attr, long value, string message)
    {
        var b = new ModelBuilder().InputSym("x", "N", 3).Output("y");
        b.Node(op, "/op", op == "Concat" ? ["x", "x"] : ["x"], ["y"]).Attribute.Add(ModelBuilder.Int(attr, value));
        var e = Assert.Throws<UnsupportedOnnxException>(() => b.Load());
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void TransposeAndReshapeMayNotMoveTheBatch()
    {
        var t = new ModelBuilder().InputSym("x", "N", 3).Output("y");
        t.Node("Transpose", "/T", ["x"], ["y"]);
        Assert.Contains("transpose (perm = [1,0])", Assert.Throws<UnsupportedOnnxException>(() => t.Load()).Message);
        var r = new ModelBuilder().InputSym("x", "N", 3, 2).Output("y").InitInt64("s", -1, 2);
        r.Node("Reshape", "/R", ["x", "s"], ["y"]);
        Assert.Contains("reshape to [-1,2]", Assert.Throws<UnsupportedOnnxException>(() => r.Load()).Message);
        var ok = new ModelBuilder().InputSym("x", "N", 3, 2).Output("y").InitInt64("s", 0, -1);
        ok.Node("Reshape", "/R", ["x", "s"], ["y"]);
        Assert.Equal("[N,6]", ok.Load().Graph.ShapeOf("y").ToString());
    }
}
