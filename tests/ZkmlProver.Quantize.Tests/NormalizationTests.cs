namespace ZkmlProver.Quantize.Tests;

/// <summary>LayerNormalization and InstanceNormalization lowered to Dense means, products and an
/// inverse-square-root lookup, each against ONNX Runtime.</summary>
public class NormalizationTests
{
    static void Check(ModelBuilder b, int inputSize, double tolerance)
    {
        var rng = new Random(7);
        var rows = Enumerable.Range(0, 24).Select(_ => Enumerable.Range(0, inputSize).Select(_ => (float)(rng.NextDouble() * 6 - 2)).ToArray()).ToList();
        var (path, model) = b.Save();
        try
        {
            var q = Quantizer.Quantize(model, new InputData("cal", rows));
            var test = new InputData("test", rows.Skip(12).ToList());
            using (var ort = new OrtRunner(path))
                foreach (var row in test.Rows.Take(4))
                {
                    var f = FloatEvaluator.Evaluate(q.FloatGraph, row)[q.FloatGraph.Outputs[0]];
                    var o = ort.Run(row)[0];
                    for (int i = 0; i < o.Length; i++) Assert.True(Math.Abs(f[i] - o[i]) < 1e-4, $"float graph vs ORT at {i}: {f[i]} vs {o[i]}");
                }
            var r = AccuracyReport.Measure(path, q, test);
            Assert.True(r.Outputs[0].MaxAbsError <= tolerance, $"circuit vs ORT max abs error {r.Outputs[0].MaxAbsError} > {tolerance}");
            Assert.Contains(q.Circuit.Layers.OfType<ZkmlProver.Circuit.LookupLayer>(), l => l.Function == "pow:-0.5");
        }
        finally { File.Delete(path); }
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
        var rng = new Random(9);
        var rows = Enumerable.Range(0, 12).Select(_ => Enumerable.Range(0, inputSize).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToList();
        var (path, model) = b.Save();
        try
        {
            var q = Quantizer.Quantize(model, new InputData("cal", rows));
            var r = AccuracyReport.Measure(path, q, new InputData("test", rows));
            Assert.Equal(outputs.Length, r.Outputs.Count);
            Assert.All(r.Outputs, o => Assert.True(o.MaxAbsError <= 1e-3, $"{o.Name}: circuit vs ORT max abs error {o.MaxAbsError}"));
        }
        finally { File.Delete(path); }
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
