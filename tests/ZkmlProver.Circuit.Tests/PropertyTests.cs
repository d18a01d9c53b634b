using System.Numerics;
using CsCheck;
using ZkmlProver.Circuit;
using static ZkmlProver.Circuit.Tests.TC;

namespace ZkmlProver.Circuit.Tests;

/// <summary>Evaluator kernels against BigInteger / naive oracles on random values (fixed seeds).</summary>
public class PropertyTests
{
    static BigInteger FloorDiv(BigInteger a, BigInteger b) => BigInteger.DivRem(a, b, out var r) - (r.Sign < 0 ? 1 : 0);

    [Fact]
    public void Rescale_MatchesBigIntegerFloor()
    {
        Gen.Select(Gen.Long[-(1L << 62), (1L << 62) - 1], Gen.Int[1, 62]).Sample((x, k) =>
        {
            var c = Make([In("x", [1], 62, 63), A("y", [1], 62 - k, 63)], [new RescaleLayer { Name = "r", Input = "x", Shift = k, Output = "y" }]);
            var expected = FloorDiv(x + (BigInteger.One << (k - 1)), BigInteger.One << k);
            return Run(c, [x])[0] == (long)expected;
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void AvgMultiplier_IsNearestRoundingHalfUp()
    {
        Gen.Select(Gen.Int[1, 40], Gen.Long[1, 10_000]).Sample((t, c) =>
        {
            long m = AvgPool2dLayer.Multiplier(t, c);
            // |2^t − m·c| ≤ c/2, and a tie (2·2^t = (2m−1)·c) rounds up
            var two = BigInteger.One << t;
            var diff = BigInteger.Abs(two * 2 - 2 * (BigInteger)m * c);
            return diff <= c && (diff != c || (BigInteger)m * c > two);
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Dense_MatchesNaive_AndBatchIsIndependent()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 6], Gen.Int[1, 3]).SelectMany((k, m, b) =>
            Gen.Select(Gen.Long[-1000, 1000].Array[b * k], Gen.Long[-1000, 1000].Array[m * k], Gen.Long[-1000, 1000].Array[m],
                (x, w, bias) => (k, m, b, x, w, bias)))
        .Sample(t =>
        {
            var (k, m, b, x, w, bias) = t;
            var c = Make([In("x", [k], 0, 20), W("w", [m, k], 0, 20), W("b", [m], 0, 20), A("y", [m], 0, 40)],
                [new DenseLayer { Name = "d", Input = "x", Weight = "w", Bias = "b", Output = "y" }]);
            var y = Run(c, x, ("w", w), ("b", bias));
            for (int s = 0; s < b; s++)
                for (int j = 0; j < m; j++)
                {
                    long e = bias[j];
                    for (int i = 0; i < k; i++) e += x[s * k + i] * w[j * k + i];
                    if (y[s * m + j] != e) return false;
                }
            return true;
        }, iter: 200, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void LeakyRelu_MatchesBigIntegerFormula()
    {
        Gen.Select(Gen.Long[-(1L << 40), 1L << 40], Gen.Int[1, 20]).SelectMany((x, t) => Gen.Long[0, 1L << t].Select(a => (x, t, a)))
        .Sample(v =>
        {
            var (x, t, a) = v;
            var c = Make([In("x", [1], 0, 50), A("y", [1], 0, 50)], [new LeakyReluLayer { Name = "l", Input = "x", AlphaNum = a, AlphaShift = t, Output = "y" }]);
            var one = BigInteger.One << t;
            var e = FloorDiv((one - a) * BigInteger.Max(x, 0) + a * (BigInteger)x + (one >> 1), one);
            return Run(c, [x])[0] == (long)e && (x < 0 || Run(c, [x])[0] == x);
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }
}
