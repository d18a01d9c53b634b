using CsCheck;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Protocols.Tests.Polynomials;

public class MleTests
{
    private static Fr[] RandomVector(Random rng, int n) { var v = new Fr[n]; for (int i = 0; i < n; i++) v[i] = Fr.Random(rng); return v; }

    /// <summary>Naive eq(r, x) for the hypercube point x given as index bits, MSB first.</summary>
    private static Fr NaiveEq(ReadOnlySpan<Fr> r, long index)
    {
        int l = r.Length;
        Fr acc = Fr.One;
        for (int i = 0; i < l; i++)
        {
            bool bit = ((index >> (l - 1 - i)) & 1) != 0;
            acc *= bit ? r[i] : Fr.One - r[i];
        }
        return acc;
    }

    /// <summary>Naive O(2^ℓ·ℓ) ṽ(r) = Σ_x eq(r, x)·v[x] with zero padding.</summary>
    private static Fr NaiveEvaluate(ReadOnlySpan<Fr> v, ReadOnlySpan<Fr> r)
    {
        Fr acc = Fr.Zero;
        for (int i = 0; i < v.Length; i++) acc += NaiveEq(r, i) * v[i];
        return acc;
    }

    [Fact]
    public void VariableOrderIsMsbFirst_HandComputed()
    {
        // ṽ(x₁, x₂) with v[0b00]=1, v[0b01]=2, v[0b10]=1, v[0b11]=4, x₁ the MSB:
        // ṽ = (1−x₁)(1−x₂)·1 + (1−x₁)x₂·2 + x₁(1−x₂)·1 + x₁x₂·4 = 1 + x₂ + 2x₁x₂ → ṽ(4, 3) = 1 + 3 + 24 = 28.
        Fr[] v = [1, 2, 1, 4];
        Assert.Equal(Fr.FromInt64(28), Mle.Evaluate(v, [4, 3]));
        Assert.Equal(Fr.FromInt64(28), Mle.Evaluate([1L, 2, 1, 4], [Fr.FromInt64(4), Fr.FromInt64(3)]));
        // Low-bit-first would give 1 + x₁ + 2x₁x₂ at (4, 3) = 29.
        Assert.NotEqual(Fr.FromInt64(29), Mle.Evaluate(v, [4, 3]));
        // The eq table puts r₁ on the most significant bit: eq((4,3), 0b10) = 4·(1−3) = −8.
        Assert.Equal(Fr.FromInt64(-8), Mle.EqTable([4, 3])[2]);
    }

    [Fact]
    public void EqTableMatchesNaive()
    {
        var rng = new Random(1);
        for (int l = 0; l <= 7; l++)
        {
            var r = RandomVector(rng, l);
            var t = Mle.EqTable(r);
            Assert.Equal(1 << l, t.Length);
            for (int i = 0; i < t.Length; i++) Assert.Equal(NaiveEq(r, i), t[i]);
            Assert.Equal(Fr.One, FieldVectors.Sum(t));
        }
    }

    [Fact]
    public void EvaluateMatchesNaiveIncludingPadding()
    {
        var rng = new Random(2);
        for (int l = 0; l <= 6; l++)
            for (int len = 0; len <= 1 << l; len += Math.Max(1, (1 << l) / 7))
            {
                var v = RandomVector(rng, len);
                var r = RandomVector(rng, l);
                Assert.Equal(NaiveEvaluate(v, r), Mle.Evaluate(v, r));
                Assert.Equal(FieldVectors.InnerProduct(Mle.EqTable(r).AsSpan(0, len), v), Mle.Evaluate(v, r));
                // Zero padding changes nothing.
                Assert.Equal(Mle.Evaluate(v, r), Mle.Evaluate(Mle.Padded(v, l), r));
            }
    }

    [Fact]
    public void EvaluateAtHypercubePointsReturnsEntries()
    {
        var rng = new Random(3);
        const int l = 4;
        var v = RandomVector(rng, 1 << l);
        for (int i = 0; i < v.Length; i++)
        {
            var x = new Fr[l];
            for (int b = 0; b < l; b++) x[b] = ((i >> (l - 1 - b)) & 1) != 0 ? Fr.One : Fr.Zero;
            Assert.Equal(v[i], Mle.Evaluate(v, x));
        }
    }

    [Fact]
    public void EvaluateRejectsTooLongTables()
    {
        Assert.Throws<ArgumentException>(() => Mle.Evaluate(new Fr[5], new Fr[2]));
        Assert.Throws<ArgumentException>(() => Mle.Padded(new Fr[5], 2));
        Assert.Throws<ArgumentException>(() => Mle.EqTable([1], new Fr[4]));
    }

    [Fact]
    public void EqOfPointsMatchesTableAndIsSymmetric()
    {
        var rng = new Random(4);
        for (int l = 0; l <= 5; l++)
        {
            var a = RandomVector(rng, l);
            var b = RandomVector(rng, l);
            Assert.Equal(Mle.Eq(a, b), Mle.Eq(b, a));
            // eq(a, b) is the MLE of eq(a, ·) evaluated at b.
            Assert.Equal(Mle.Evaluate(Mle.EqTable(a), b), Mle.Eq(a, b));
            // On Boolean points eq is the Kronecker delta.
            for (int i = 0; i < 1 << l; i++)
                for (int j = 0; j < 1 << l; j++)
                {
                    var x = Bits(i, l); var y = Bits(j, l);
                    Assert.Equal(i == j ? Fr.One : Fr.Zero, Mle.Eq(x, y));
                }
        }
        Assert.Throws<ArgumentException>(() => Mle.Eq(new Fr[2], new Fr[3]));
    }

    private static Fr[] Bits(long i, int l)
    {
        var x = new Fr[l];
        for (int b = 0; b < l; b++) x[b] = ((i >> (l - 1 - b)) & 1) != 0 ? Fr.One : Fr.Zero;
        return x;
    }

    [Fact]
    public void IndicatorMatchesNaiveForEveryCount()
    {
        var rng = new Random(5);
        for (int l = 0; l <= 6; l++)
        {
            var r = RandomVector(rng, l);
            for (long count = 0; count <= 1L << l; count++)
            {
                var ind = new Fr[1 << l];
                for (int i = 0; i < count; i++) ind[i] = Fr.One;
                Assert.Equal(NaiveEvaluate(ind, r), Mle.IndicatorMle(count, r));
            }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Mle.IndicatorMle(5, new Fr[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mle.IndicatorMle(-1, new Fr[2]));
    }

    [Fact]
    public void IndicatorProductMatchesNaivePerDimensionPadding()
    {
        // A (3, 5) tensor padded to (4, 8): valid entries are (i < 3, j < 5) in the 32-entry layout.
        var rng = new Random(6);
        long[] counts = [3, 5];
        int[] bits = [2, 3];
        var r = RandomVector(rng, 5);
        var ind = new Fr[32];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) ind[i * 8 + j] = Fr.One;
        Assert.Equal(NaiveEvaluate(ind, r), Mle.IndicatorMle(counts, bits, r));
        // Three dimensions, including a full one and an empty-bit one.
        long[] c3 = [2, 1, 4]; int[] b3 = [1, 0, 2];
        var r3 = RandomVector(rng, 3);
        var ind3 = new Fr[8];
        for (int i = 0; i < 2; i++) for (int k = 0; k < 4; k++) ind3[i * 4 + k] = Fr.One;
        Assert.Equal(NaiveEvaluate(ind3, r3), Mle.IndicatorMle(c3, b3, r3));
        Assert.Throws<ArgumentException>(() => Mle.IndicatorMle(counts, bits, new Fr[4]));
    }

    [Fact]
    public void IndicatorForCircuitShapes()
    {
        // Batch 200 of 10 classes, padded to 256 × 16 (ℓ = 8 + 4), and 59 features padded to 64.
        var rng = new Random(8);
        var r = RandomVector(rng, 12);
        var ind = new Fr[1 << 12];
        for (int b = 0; b < 200; b++) for (int c = 0; c < 10; c++) ind[b * 16 + c] = Fr.One;
        Assert.Equal(NaiveEvaluate(ind, r), Mle.IndicatorMle([200L, 10], [8, 4], r));
        var r6 = RandomVector(rng, 6);
        var ind59 = Enumerable.Range(0, 64).Select(i => i < 59 ? Fr.One : Fr.Zero).ToArray();
        Assert.Equal(Mle.Evaluate(ind59, r6), Mle.IndicatorMle(59, r6));
        Assert.Equal(Mle.Evaluate(ind59.AsSpan(0, 59), r6), Mle.IndicatorMle(59, r6));
    }

    [Fact]
    public void NumVarsIsCeilLog2()
    {
        Assert.Equal(0, Mle.NumVars(0));
        Assert.Equal(0, Mle.NumVars(1));
        Assert.Equal(1, Mle.NumVars(2));
        Assert.Equal(2, Mle.NumVars(3));
        Assert.Equal(6, Mle.NumVars(59));
        Assert.Equal(8, Mle.NumVars(200));
        Assert.Equal(10, Mle.NumVars(1024));
    }

    private static readonly Gen<Fr> GenFr = Gen.Int.Select(seed => Fr.Random(new Random(seed)));

    [Fact]
    public void Property_MleIsLinear()
    {
        Gen.Select(Gen.Int[0, 5], Gen.Int, GenFr, GenFr).Sample((l, seed, a, b) =>
        {
            var rng = new Random(seed);
            var u = RandomVector(rng, 1 << l);
            var v = RandomVector(rng, rng.Next(0, (1 << l) + 1));
            var r = RandomVector(rng, l);
            var comb = new Fr[1 << l];
            for (int i = 0; i < comb.Length; i++) comb[i] = a * u[i] + (i < v.Length ? b * v[i] : Fr.Zero);
            return Mle.Evaluate(comb, r) == a * Mle.Evaluate(u, r) + b * Mle.Evaluate(v, r);
        }, iter: 60);
    }

    [Fact]
    public void Property_EqIdentities()
    {
        Gen.Select(Gen.Int[0, 6], Gen.Int).Sample((l, seed) =>
        {
            var rng = new Random(seed);
            var r = RandomVector(rng, l);
            var v = RandomVector(rng, 1 << l);
            var t = Mle.EqTable(r);
            // Σ_x eq(r, x) = 1, ṽ(r) = ⟨eq(r, ·), v⟩, eq(r, r') = ẽq_r(r').
            var r2 = RandomVector(rng, l);
            return FieldVectors.Sum(t) == Fr.One
                && Mle.Evaluate(v, r) == FieldVectors.InnerProduct(t, v)
                && Mle.Eq(r, r2) == Mle.Evaluate(t, r2);
        }, iter: 60);
    }

    [Fact]
    public void Property_FoldHighAgreesWithEvaluate()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int).Sample((l, seed) =>
        {
            var rng = new Random(seed);
            var v = RandomVector(rng, 1 << l);
            var r = RandomVector(rng, l);
            var expected = Mle.Evaluate(v, r);
            Span<Fr> w = v.ToArray();
            for (int j = 0; j < l; j++) w = FieldVectors.FoldHigh(w, r[j]);
            return w[0] == expected;
        }, iter: 40);
    }

    [Fact]
    public void IndicatorEqMleMatchesTheTableItExtends()
    {
        var rng = new Random(11);
        for (int l = 0; l <= 5; l++)
            for (long count = 0; count <= 1L << l; count++)
            {
                var tau = RandomVector(rng, l);
                var r = RandomVector(rng, l);
                var table = new Fr[1 << l];
                for (long x = 0; x < count; x++) table[x] = NaiveEq(tau, x);
                Assert.Equal(NaiveEvaluate(table, r), Mle.IndicatorEqMle(count, tau, r));
            }
    }
}
