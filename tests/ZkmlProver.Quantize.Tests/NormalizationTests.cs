namespace ZkmlProver.Quantize.Tests;

/// <summary>LayerNormalization and InstanceNormalization lowered to Dense means, products and an
/// inverse-square-root lookup, each against ONNX Runtime.</summary>
public class NormalizationTests
{
    static void Check(ModelBuilder b, int inputSize, double tolerance)
    {
        var rows = OrtComparison.Rows(7, 24, inputSize, -2, 4);
        var (q, r) = OrtComparison.Run(b, rows, rows.Skip(12).ToList(), floatRows: 4);
        Assert.True(r.Outputs[0].MaxAbsError <= tolerance, $"circuit vs ORT max abs error {r.Outputs[0].MaxAbsError} > {tolerance}");
        Assert.Contains(q.Circuit.Layers.OfType<ZkmlProver.Circuit.LookupLayer>(), l => l.Function == "pow:-0.5");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void LayerNormalization_over_trailing_axes(long axis)
    {
        var rng = new Random(1);
        long[] feat = axis == -1 ? [6] : [4, 6];
        var b = new ModelBuilder(17).Input("x", 1, 4, 6).Output("y")
            .Rand("scale", feat, rng).Rand("bias", feat, rng)
            .Node("LayerNormalization", "ln", ["x", "scale", "bias"], ["y"], ModelBuilder.Int("axis", axis), ModelBuilder.Float("epsilon", 1e-5f));
        Check(b, 24, 2e-2);
    }

    [Fact]
    public void LayerNormalization_without_bias()
    {
        var b = new ModelBuilder(17).Input("x", 1, 8).Output("y").Rand("scale", [8], new Random(2))
            .Node("LayerNormalization", "ln", ["x", "scale"], ["y"]);
        Check(b, 8, 2e-2);
    }

    [Fact]
    public void InstanceNormalization_per_channel()
    {
        var rng = new Random(3);
        var b = new ModelBuilder(13).Input("x", 1, 3, 2, 4).Output("y").Rand("scale", [3], rng).Rand("bias", [3], rng)
            .Node("InstanceNormalization", "in", ["x", "scale", "bias"], ["y"], ModelBuilder.Float("epsilon", 1e-5f));
        Check(b, 24, 2e-2);
    }
}

/// <summary>Split of a run-time tensor: each part an exact selection, by opset (attribute, input, equal parts, num_outputs).</summary>
public class SplitTests
{
    static void Check(ModelBuilder b, int inputSize, string[] outputs)
    {
        var rows = OrtComparison.Rows(9, 12, inputSize, -2, 2);
        var (_, r) = OrtComparison.Run(b, rows, rows);
        Assert.Equal(outputs.Length, r.Outputs.Count);
        Assert.All(r.Outputs, o => Assert.True(o.MaxAbsError <= 1e-3, $"{o.Name}: circuit vs ORT max abs error {o.MaxAbsError}"));
    }

    [Fact]
    public void Split_into_unequal_parts_by_attribute_before_opset_13()
    {
        var b = new ModelBuilder(11).Input("x", 1, 2, 6).Output("a").Output("b")
            .Node("Split", "sp", ["x"], ["a", "b"], ModelBuilder.Int("axis", 2), ModelBuilder.Ints("split", 2, 4));
        Check(b, 12, ["a", "b"]);
    }

    [Fact]
    public void Split_by_input_from_opset_13_and_into_equal_parts()
    {
        var b = new ModelBuilder(13).Input("x", 1, 6, 2).Output("a").Output("b").Output("c").InitInt64("sizes", 1, 3, 2)
            .Node("Split", "sp", ["x", "sizes"], ["a", "b", "c"], ModelBuilder.Int("axis", 1));
        Check(b, 12, ["a", "b", "c"]);
        var equal = new ModelBuilder(13).Input("x", 1, 6).Output("a").Output("b").Output("c")
            .Node("Split", "sp", ["x"], ["a", "b", "c"], ModelBuilder.Int("axis", -1));
        Check(equal, 6, ["a", "b", "c"]);
    }

    [Fact]
    public void Split_with_num_outputs_in_opset_18_leaves_the_last_part_smaller()
    {
        var b = new ModelBuilder(18).Input("x", 1, 7).Output("a").Output("b").Output("c")
            .Node("Split", "sp", ["x"], ["a", "b", "c"], ModelBuilder.Int("axis", 1), ModelBuilder.Int("num_outputs", 3));
        Check(b, 7, ["a", "b", "c"]);
    }
}
