using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.Onnx.Tests;

/// <summary>Nodes whose inputs are all constants are folded at load time.</summary>
public sealed class ConstantFoldingTests
{
    /// <summary>PyTorch's x.view(x.size(0), -1) with a static batch: Shape → Gather → Unsqueeze → Concat → Reshape.</summary>
    [Fact]
    public void ShapeArithmeticChainFolds()
    {
        var b = new ModelBuilder().Input("x", 1, 4, 2, 2).Output("y").InitInt64("zero", 0).InitInt64("minus1", -1).InitInt64("axes", 0);
        b.Graph.Initializer[0].Dims.Clear(); // scalar index 0
        b.Node("Shape", "/Shape", ["x"], ["s"]);
        b.Node("Gather", "/Gather", ["s", "zero"], ["n"]).Attribute.Add(ModelBuilder.Int("axis", 0));
        b.Node("Unsqueeze", "/Unsqueeze", ["n", "axes"], ["n1"]);
        b.Node("Concat", "/Concat", ["n1", "minus1"], ["target"]).Attribute.Add(ModelBuilder.Int("axis", 0));
        b.Node("Reshape", "/Reshape", ["x", "target"], ["y"]);
        var g = b.Load().Graph;
        Assert.Equal(["Reshape"], g.Nodes.Select(n => n.OpType));
        Assert.Equal([0, 1, 2, 3], g.FoldedNodes.Select(n => n.Index));
        Assert.Equal([1L, -1], g.Initializers["target"].Int64Data.ToArray());
        Assert.Equal(OnnxShape.Of(1, 16), g.ShapeOf("y"));
        Assert.Equal(5, g.AllNodes.Count());
        var r = OnnxInspector.Inspect(b.Load());
        Assert.True(r.Supported);
        Assert.True(r.Nodes[0].Folded);
        Assert.Contains("ok (constant)", r.ToText());
    }

    /// <summary>x.view(x.size(0), -1) with a dynamic batch: shape arithmetic is evaluated for one sample.</summary>
    [Fact]
    public void ShapeOfDynamicBatchFoldsForOneSample()
    {
        var b = new ModelBuilder().InputSym("x", "N", 4, 2).Output("y").InitInt64("zero", 0).InitInt64("minus1", -1).InitInt64("axes", 0);
        b.Graph.Initializer[0].Dims.Clear();
        b.Node("Shape", "/Shape", ["x"], ["s"]);
        b.Node("Gather", "/Gather", ["s", "zero"], ["n"]);
        b.Node("Unsqueeze", "/Unsqueeze", ["n", "axes"], ["n1"]);
        b.Node("Concat", "/Concat", ["n1", "minus1"], ["target"]).Attribute.Add(ModelBuilder.Int("axis", 0));
        b.Node("Reshape", "/Reshape", ["x", "target"], ["y"]);
        var g = b.Load().Graph;
        Assert.Equal([1L, -1], g.Initializers["target"].Int64Data.ToArray());
        Assert.Equal(OnnxShape.Of(1, 8), g.ShapeOf("y"));
        Assert.Equal("[N,4,2]", g.Inputs[0].Shape.ToString()); // the declared shape is kept
        // Without any Shape node the batch stays symbolic.
        var r = new ModelBuilder().InputSym("x", "N", 4).Output("y");
        r.Node("Relu", "/Relu", ["x"], ["y"]);
        Assert.Equal("[N,4]", r.Load().Graph.ShapeOf("y").ToString());
    }

    [Fact]
    public void ShapeOpsOnRunTimeTensorsSayWhy()
    {
        var b = new ModelBuilder().Input("x", 1, 4).Output("y").Init("c", [1, 4], new float[4]);
        b.Node("Relu", "/Relu", ["x"], ["r"]);
        b.Node("Equal", "/Equal", ["c", "r"], ["y"]);
        Assert.Equal("test.onnx: node 1 '/Equal' (Equal): Equal of the run-time tensor 'r' is not supported (opset 13); Equal is evaluated only on constants and static shapes (folded at load time)",
            Assert.Throws<UnsupportedOnnxException>(() => b.Load()).Message);
    }

    [Fact]
    public void WeightTransposeAndArithmeticFold()
    {
        // W stored [K,M] and transposed by a node; bias computed as b·2 − 1; Identity of a constant.
        var b = new ModelBuilder().Input("x", 1, 3).Output("y")
            .Init("Wt", [3, 2], [1, 2, 3, 4, 5, 6]).Init("b", [2], [0.5f, 1.5f]).Init("two", [], [2f]).Init("one", [1], [1f]);
        b.Node("Transpose", "/T", ["Wt"], ["W"]);
        b.Node("Mul", "/Mul", ["b", "two"], ["b2"]);
        b.Node("Sub", "/Sub", ["b2", "one"], ["b3"]);
        b.Node("Identity", "/Id", ["b3"], ["bias"]);
        b.Node("Gemm", "/Gemm", ["x", "W", "bias"], ["y"]).Attribute.Add(ModelBuilder.Int("transB", 1));
        var g = b.Load().Graph;
        Assert.Equal(["Gemm"], g.Nodes.Select(n => n.OpType));
        Assert.Equal([1f, 3, 5, 2, 4, 6], g.Initializers["W"].Data.ToArray());
        Assert.Equal([2L, 3], g.Initializers["W"].Shape.ToArray());
        Assert.Equal([0f, 2f], g.Initializers["bias"].Data.ToArray());
        Assert.Equal(OnnxShape.Of(1, 2), g.ShapeOf("y"));
    }

    [Fact]
    public void CastSqueezeFlattenReshapeFold()
    {
        var b = new ModelBuilder().Input("x", 1, 6).Output("y").Init("c", [1, 2, 3], [1.9f, -1.9f, 2, 3, 4, 5]).InitInt64("s", 3, -1);
        b.Node("Cast", "/Cast", ["c"], ["ci"]).Attribute.Add(ModelBuilder.Int("to", 7));
        b.Node("Squeeze", "/Squeeze", ["ci"], ["sq"]);
        b.Node("Flatten", "/Flatten", ["sq"], ["fl"]).Attribute.Add(ModelBuilder.Int("axis", 0));
        b.Node("Reshape", "/Reshape", ["c", "s"], ["r"]);
        b.Node("Relu", "/Relu", ["x"], ["y"]);
        var g = b.Load().Graph;
        Assert.Equal([1L, -1, 2, 3, 4, 5], g.Initializers["ci"].Int64Data.ToArray());
        Assert.Equal([2L, 3], g.Initializers["sq"].Shape.ToArray());
        Assert.Equal([1L, 6], g.Initializers["fl"].Shape.ToArray());
        Assert.Equal([3L, 2], g.Initializers["r"].Shape.ToArray());
        Assert.Equal(["Relu"], g.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void FoldingErrorsNameTheNode()
    {
        var b = new ModelBuilder().Input("x", 1, 2).Output("y").Init("a", [2, 3], new float[6]).InitInt64("s", 4, 4);
        b.Node("Reshape", "/bad/Reshape", ["a", "s"], ["r"]);
        b.Node("Relu", "/Relu", ["x"], ["y"]);
        Assert.Equal("test.onnx: node 0 '/bad/Reshape' (Reshape): cannot reshape [2,3] to [4,4]", Assert.Throws<OnnxFormatException>(() => b.Load()).Message);
    }
}
