using static ZkmlProver.Circuit.Tests.TC;

namespace ZkmlProver.Circuit.Tests;

/// <summary>The vectorised int64 Dense/Conv kernels (used when the declared ranges rule out
/// overflow) against the exact Int128 loops (the lenient evaluation takes those).</summary>
public class VectorisedKernelTests
{
    [Theory]
    [InlineData(1, 1, 0, 3)]
    [InlineData(2, 1, 1, 3)]
    [InlineData(1, 2, 1, 3)]
    [InlineData(2, 2, 2, 5)]
    [InlineData(1, 3, 0, 1)]
    public void ConvAndDenseMatchTheExactLoops(int stride, int dilationY, int pad, int kernel)
    {
        var rng = new Random(stride * 100 + dilationY * 10 + pad + kernel);
        int ci = 3, h = 9, w = 11, co = 4;
        int oh = (h + 2 * pad - dilationY * (kernel - 1) - 1) / stride + 1, ow = (w + 2 * pad - (kernel - 1) - 1) / stride + 1;
        var c = Make(
            [In("x", [ci, h, w], bits: 12), W("k", [co, ci, kernel, kernel], bits: 10), W("b", [co], bits: 20),
             A("y", [co, oh, ow], bits: 40), A("yf", [co * oh * ow], bits: 40), W("d", [5, co * oh * ow], bits: 10), A("z", [5], bits: 50)],
            [new Conv2dLayer { Name = "conv", Input = "x", Weight = "k", Bias = "b", Pads = [pad, pad, pad, pad], Strides = [stride, stride], Dilations = [dilationY, 1], Output = "y" },
             new FlattenLayer { Name = "flat", Input = "y", Output = "yf" },
             new DenseLayer { Name = "fc", Input = "yf", Weight = "d", Output = "z" }],
            "z");
        long[] R(int n, int mag) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(-mag, mag + 1)).ToArray();
        var ws = new WeightSet(new Dictionary<string, long[]> { ["k"] = R(co * ci * kernel * kernel, 511), ["b"] = R(co, 500000), ["d"] = R(5 * co * oh * ow, 511) });
        var input = R(2 * ci * h * w, 2047);
        var fast = ReferenceEvaluator.Evaluate(c, ws, input, 2);
        var exact = ReferenceEvaluator.Evaluate(c, ws, input, 2, checkRanges: false, afterLayer: null);
        Assert.Equal(exact["y"], fast["y"]);
        Assert.Equal(exact["z"], fast["z"]);
    }
}
