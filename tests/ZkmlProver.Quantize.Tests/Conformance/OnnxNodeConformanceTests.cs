using Xunit.Abstractions;

namespace ZkmlProver.Quantize.Tests.Conformance;

/// <summary>
/// The ONNX operator conformance suite: every test in ../shared/onnx-node-tests through
/// loader → quantizer → reference evaluator, within the scale-derived tolerance (see
/// <see cref="OnnxNodeConformance"/> and <see cref="ErrorBound"/>).
/// </summary>
public sealed class OnnxNodeConformanceTests(ITestOutputHelper output)
{
    private static string? RootOrNull => ConformanceData.Root is null ? null : Path.Combine(ConformanceData.Root, "onnx-node-tests");

    public static TheoryData<string, string> Tests()
    {
        var d = new TheoryData<string, string>();
        string? root = RootOrNull;
        if (root is null || !File.Exists(Path.Combine(root, "index.json"))) { d.Add("(onnx-node-tests missing)", ""); return d; }
        foreach (var (name, op) in OnnxNodeConformance.List(root)) d.Add(name, op);
        return d;
    }

    [ConformanceTheory]
    [MemberData(nameof(Tests))]
    public void NodeTest(string test, string op)
    {
        string root = ConformanceData.Require("onnx-node-tests");
        var r = OnnxNodeConformance.Run(root, test, op);
        output.WriteLine(OnnxNodeConformance.Table([r]));
        Assert.True(r.Passed, $"{test} ({op}) failed at {r.Stage}: {r.Detail}");
    }

    /// <summary>Runs them all and prints the pass/fail table (the suite's summary).</summary>
    [ConformanceFact]
    public void SummaryTable()
    {
        string root = ConformanceData.Require("onnx-node-tests");
        var list = OnnxNodeConformance.List(root);
        var results = list.Select(t => OnnxNodeConformance.Run(root, t.Name, t.Op)).ToList();
        output.WriteLine(OnnxNodeConformance.Table(results));
        Assert.Equal(112, results.Count);
        var failed = results.Where(r => !r.Passed).Select(r => r.Test).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} conformance tests failed: {string.Join(", ", failed)}");
    }

    /// <summary>
    /// Negative controls: the comparison must catch a wrong circuit. Changing one weight by a few
    /// percent of the weights' range makes the tests fail.
    /// </summary>
    [ConformanceTheory]
    [InlineData("test_gemm_default_no_bias", "Gemm")]
    [InlineData("test_basic_conv_with_padding", "Conv")]
    [InlineData("test_batchnorm_example", "BatchNormalization")]
    public void TamperedWeightsAreCaught(string test, string op)
    {
        string root = ConformanceData.Require("onnx-node-tests");
        var clean = OnnxNodeConformance.Run(root, test, op);
        Assert.True(clean.Passed, clean.Detail);
        var r = OnnxNodeConformance.Run(root, test, op, q =>
        {
            var tensors = q.Weights.Names.ToDictionary(n => n, n => (long[])q.Weights[n].Clone());
            string name = tensors.Keys.Order(StringComparer.Ordinal).First();
            var w = tensors[name];
            long range = Math.Max(1, w.Max(v => Math.Abs(v)));
            long delta = Math.Max(1, range / 8);
            w[0] += w[0] > 0 ? -delta : delta; // toward zero and beyond: stays within the declared range
            return new Circuit.WeightSet(tensors);
        });
        output.WriteLine(OnnxNodeConformance.Table([clean, r]));
        Assert.False(r.Passed, $"tampered weights were not detected: {r.Detail}");
    }
}
