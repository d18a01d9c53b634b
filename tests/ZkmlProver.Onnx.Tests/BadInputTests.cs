using Google.Protobuf;
using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.Onnx.Tests;

/// <summary>Bad or unsupported models give one-line typed errors naming file, node, op and attribute.</summary>
public sealed class BadInputTests
{
    private static string Tmp(byte[] bytes)
    {
        string p = Path.Combine(Path.GetTempPath(), $"zkml-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private static T Fails<T>(Action a) where T : OnnxException
    {
        var e = Assert.Throws<T>(a);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    private static byte[] TinyMlp() => new ModelBuilder().Input("x", 1, 4).Output("y", 1, 2)
        .Init("W", [2, 4], [1, 2, 3, 4, 5, 6, 7, 8]).Init("b", [2], [0.5f, -0.5f])
        .Tap(b => b.Node("Gemm", "/fc/Gemm", ["x", "W", "b"], ["h"]).Attribute.Add(ModelBuilder.Int("transB", 1)))
        .Tap(b => b.Node("Relu", "/Relu", ["h"], ["y"])).Bytes();

    [Fact]
    public void TinyModelLoads()
    {
        var m = OnnxLoader.Load(TinyMlp(), "tiny.onnx");
        Assert.Equal(OnnxShape.Of(1, 2), m.Graph.ShapeOf("y"));
        Assert.Equal(10, m.Graph.ParameterCount);
    }

    [Fact]
    public void TruncatedFileIsFormatError()
    {
        var bytes = TinyMlp();
        foreach (int len in new[] { bytes.Length - 1, bytes.Length / 2, 7, 1 })
        {
            string p = Tmp(bytes[..len]);
            try
            {
                var e = Fails<OnnxFormatException>(() => OnnxLoader.Load(p));
                Assert.StartsWith(p + ": ", e.Message);
            }
            finally { File.Delete(p); }
        }
    }

    [Fact]
    public void RandomBytesAreFormatError()
    {
        var rng = new Random(7);
        for (int i = 0; i < 50; i++)
        {
            var bytes = new byte[rng.Next(1, 400)];
            rng.NextBytes(bytes);
            var e = Assert.ThrowsAny<OnnxException>(() => OnnxLoader.Load(bytes, "random.onnx"));
            Assert.StartsWith("random.onnx: ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void EmptyFileAndMissingFile()
    {
        string p = Tmp([]);
        try { Assert.Contains("empty file", Fails<OnnxFormatException>(() => OnnxLoader.Load(p)).Message); }
        finally { File.Delete(p); }
        var e = Fails<OnnxFormatException>(() => OnnxLoader.Load("/nonexistent/model.onnx"));
        Assert.StartsWith("/nonexistent/model.onnx: cannot read", e.Message);
    }

    [Fact]
    public void UnsupportedOpNamesNodeAndOp()
    {
        var b = new ModelBuilder().Input("x", 1, 4).Output("y");
        b.Node("Relu", "/Relu", ["x"], ["r"]);
        b.Node("Hardmax", "/act/Hardmax", ["r"], ["y"]);
        var e = Fails<UnsupportedOnnxException>(() => b.Load());
        Assert.Equal("test.onnx: node 1 '/act/Hardmax' (Hardmax): operator Hardmax is not supported (opset 13); replace it with supported operators before export (see src/ZkmlProver.Onnx/README.md)", e.Message);
    }

    [Fact]
    public void GroupedConvMismatchesAndUnsupportedGroupSizesAreNamed()
    {
        // The shared Conv: x [1,2,5,5], W [3,2,3,3]: group 2 would need W [·,1,3,3].
        var e = Fails<OnnxFormatException>(() => ModelBuilder.Conv(ModelBuilder.Int("group", 2)).Load());
        Assert.Equal("test.onnx: node 0 '/conv/Conv' (Conv): input has 2 channels but W [3,2,3,3] with group = 2 expects 4", e.Message);
        // Depthwise with 3 output channels per group: not a power of two.
        var b = new ModelBuilder().Input("x", 1, 2, 5, 5).Output("y").Init("W", [6, 1, 3, 3], new float[54]);
        b.Node("Conv", "/dw", ["x", "W"], ["y"]).Attribute.Add(ModelBuilder.Int("group", 2));
        Assert.Equal("test.onnx: node 0 '/dw' (Conv): grouped convolution with 3 output channels per group is not supported (opset 13); only a power of two per group (depthwise: 1 or a power-of-two multiplier)",
            Fails<UnsupportedOnnxException>(() => b.Load()).Message);
    }

    [Fact]
    public void UnknownAttributeIsNamed()
    {
        var e = Fails<UnsupportedOnnxException>(() => ModelBuilder.Conv(ModelBuilder.Str("mode", "fancy")).Load());
        Assert.Contains("node 0 '/conv/Conv' (Conv): attribute mode = 'fancy' is not supported", e.Message);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(22)]
    [InlineData(1)]
    public void WrongOpsetIsRejected(long opset)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 4).Output("y");
        b.Node("Relu", "/Relu", ["x"], ["y"]);
        var e = Fails<UnsupportedOnnxException>(() => b.Load());
        Assert.Equal($"test.onnx: opset {opset} is not supported (supported: ai.onnx 7 to 21; re-export with opset_version in that range)", e.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(11)]
    public void WrongIrVersionIsRejected(long ir)
    {
        var b = new ModelBuilder().Input("x", 1, 4).Output("y");
        b.Node("Relu", "/Relu", ["x"], ["y"]);
        b.Model.IrVersion = ir;
        Assert.Contains($"IR version {ir} is not supported", Fails<UnsupportedOnnxException>(() => b.Load()).Message);
    }

    [Fact]
    public void DuplicateInitializerIsFormatError()
    {
        var b = new ModelBuilder().Input("x", 1, 2).Output("y").Init("c", [2], [1, 2]).Init("c", [2], [3, 4]);
        b.Node("Add", "/Add", ["x", "c"], ["y"]);
        Assert.Equal("test.onnx: initializer 'c' is defined twice", Fails<OnnxFormatException>(() => b.Load()).Message);
    }

    [Fact]
    public void NoGraphIsFormatError()
    {
        var m = new ModelProto { IrVersion = 8 };
        Assert.Contains("no graph", Fails<OnnxFormatException>(() => OnnxLoader.Load(m.ToByteArray(), "x.onnx")).Message);
    }

    [Fact]
    public void DanglingInputIsFormatError()
    {
        var b = new ModelBuilder().Input("x", 1, 4).Output("y");
        b.Node("Add", "/Add", ["x", "nowhere"], ["y"]);
        Assert.Equal("test.onnx: node 0 '/Add' (Add): input 'nowhere' is not a graph input, an initializer or the output of an earlier node",
            Fails<OnnxFormatException>(() => b.Load()).Message);
    }

    [Fact]
    public void RawDataOfWrongLengthIsFormatError()
    {
        var b = new ModelBuilder().Input("x", 1, 2).Output("y");
        var t = new TensorProto { Name = "c", DataType = 1, RawData = ByteString.CopyFrom(new byte[7]) };
        t.Dims.Add(2);
        b.Graph.Initializer.Add(t);
        b.Node("Add", "/Add", ["x", "c"], ["y"]);
        Assert.Contains("tensor 'c': raw_data has 7 bytes but the shape needs 2 elements × 4 bytes = 8", Fails<OnnxFormatException>(() => b.Load()).Message);
    }

    [Fact]
    public void UnsupportedTensorTypeAndExternalData()
    {
        var b = new ModelBuilder().Input("x", 1, 2).Output("y");
        var t = new TensorProto { Name = "c", DataType = (int)OnnxDataType.Float16, RawData = ByteString.CopyFrom(new byte[4]) };
        t.Dims.Add(2);
        b.Graph.Initializer.Add(t);
        b.Node("Relu", "/Relu", ["x"], ["y"]);
        Assert.Contains("tensor 'c' has element type Float16", Fails<UnsupportedOnnxException>(() => b.Load()).Message);

        var b2 = new ModelBuilder().Input("x", 1, 2).Output("y");
        var t2 = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t2.Dims.Add(2);
        b2.Graph.Initializer.Add(t2);
        b2.Node("Relu", "/Relu", ["x"], ["y"]);
        Assert.Contains("tensor 'w' uses external data", Fails<UnsupportedOnnxException>(() => b2.Load()).Message);
    }

    [Fact]
    public void NonConstantOperandsAreNamed()
    {
        var b = new ModelBuilder().Input("x", 1, 4).Input("d", 1, 4).Output("y");
        b.Node("Pow", "/Pow", ["x", "d"], ["y"]);
        Assert.Equal("test.onnx: the graph has 2 inputs ('x', 'd'); exactly one is supported (a circuit has one input; bind the others as constants)",
            Fails<UnsupportedOnnxException>(() => b.Load()).Message);
        var g = b.Load(new OnnxLoadOptions { Strict = false }).Graph;
        Assert.Equal("test.onnx: node 0 '/Pow' (Pow): input 1 ('d', exponent) must be a constant (initializer or Constant node)",
            Assert.Single(g.Diagnostics, d => d.NodeIndex == 0).Message);
    }

    [Fact]
    public void SymbolicNonBatchDimIsRejected()
    {
        var b = new ModelBuilder().Output("y");
        var v = ModelBuilder.Value("x", [1]);
        v.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "len" });
        b.Graph.Input.Add(v);
        b.Node("Relu", "/Relu", ["x"], ["y"]);
        Assert.Contains("dimension 1 is symbolic ('len'); only the batch dimension (0) may be dynamic", Fails<UnsupportedOnnxException>(() => b.Load()).Message);
    }

    [Fact]
    public void ShapeMismatchIsFormatError()
    {
        var b = new ModelBuilder().Input("x", 1, 5).Output("y").Init("W", [2, 4], new float[8]);
        b.Node("Gemm", "/fc/Gemm", ["x", "W"], ["y"]).Attribute.Add(ModelBuilder.Int("transB", 1));
        Assert.Contains("node 0 '/fc/Gemm' (Gemm): inner dimensions differ", Fails<OnnxFormatException>(() => b.Load()).Message);
    }

    [Fact]
    public void NonStrictCollectsEveryProblem()
    {
        var b = new ModelBuilder(22).Input("x", 1, 4).Output("y");
        b.Node("Hardmax", "/Hardmax", ["x"], ["e"]);
        b.Node("Relu", "/Relu", ["e"], ["r"]);
        b.Node("Relu", "/Relu2", ["x"], ["y"]);
        var g = b.Load(new OnnxLoadOptions { Strict = false }).Graph;
        Assert.False(g.IsSupported);
        Assert.Contains(g.Diagnostics, d => d.NodeIndex == -1 && d.Message.Contains("opset 22"));
        Assert.Contains(g.Diagnostics, d => d.NodeIndex == 0 && d.Kind == OnnxDiagnosticKind.Unsupported);
        Assert.Contains(g.Diagnostics, d => d.NodeIndex == 1 && d.Kind == OnnxDiagnosticKind.Blocked && d.BlockedBy == 0
            && d.Message == "test.onnx: node 1 '/Relu' (Relu): blocked by node 0 '/Hardmax' (Hardmax) (its input 'e' cannot be computed)");
        Assert.DoesNotContain(g.Diagnostics, d => d.NodeIndex == 2);
    }

    [Fact]
    public void TensorProtoReaderErrors()
    {
        Assert.Contains("empty file", Fails<OnnxFormatException>(() => TensorProtoReader.Parse([], "t.pb")).Message);
        Assert.StartsWith("t.pb: not a valid TensorProto", Fails<OnnxFormatException>(() => TensorProtoReader.Parse([0x0a, 0x05, 1], "t.pb")).Message);
    }
}

internal static class TapExtensions
{
    public static T Tap<T>(this T x, Action<T> a) { a(x); return x; }
}
