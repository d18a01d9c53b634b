using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Tests;

public class LookupTableEvaluationTests
{
    private static Fr[] Point(Random rng, int l) { var p = new Fr[l]; for (int i = 0; i < l; i++) p[i] = Fr.Random(rng); return p; }

    [Fact]
    public void StructuredEvaluationMatchesFolding()
    {
        var rng = new Random(7);
        foreach (int l in new[] { 0, 1, 2, 3, 5, 8, 11 })
        {
            int n = 1 << l;
            var tables = new List<long[]>
            {
                Enumerable.Range(0, n).Select(j => -40L + Math.Min(j, n - 3)).ToArray(),          // input column, clamped tail
                Enumerable.Range(0, n).Select(j => (long)(j * 7 / Math.Max(1, n))).ToArray(),       // staircase (few levels)
                Enumerable.Range(0, n).Select(_ => (long)rng.Next(-5, 5)).ToArray(),                // random
                Enumerable.Repeat(9L, n).ToArray(),                                                // constant
                Enumerable.Range(0, n).Select(j => 100L + j).ToArray(),                             // linear
            };
            foreach (var t in tables)
            {
                var p = Point(rng, l);
                Assert.Equal(Mle.Evaluate(t, p), LookupPlan.EvaluateStructured(t, p));
            }
        }
    }

    [Fact]
    public void HandComputedTwoVariableCase()
    {
        // table (t00, t01, t10, t11) = (1, 2, 2, 2), MSB-first: ṽ(r1, r2) = 1 + r1 + r2 − r1·r2.
        Fr r1 = Fr.FromInt64(3), r2 = Fr.FromInt64(5);
        Assert.Equal(Fr.FromInt64(1 + 3 + 5 - 15), LookupPlan.EvaluateStructured(new long[] { 1, 2, 2, 2 }, new[] { r1, r2 }));
    }
}
