using Org.BouncyCastle.Math.EC;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Curve.Tests;

/// <summary>MSM against naive sums (BouncyCastle for small sizes, verified scalar multiplication for
/// larger ones), over every code path (naive, GLV Pippenger with forced windows, small scalars).</summary>
public class MsmTests
{
    private static readonly Fr NMinus1 = Fr.FromBigInteger(Fr.Modulus - 1);

    public enum Kind { Random, Zero, One, NMinusOne, Small, Negative, Bits, Mixed, Equal }

    private static Fr[] Scalars(Kind kind, int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i => kind switch
        {
            Kind.Random => Fr.Random(rng),
            Kind.Zero => Fr.Zero,
            Kind.One => Fr.One,
            Kind.NMinusOne => NMinus1,
            Kind.Small => Fr.FromInt64(rng.Next(0, 1 << 16)),
            Kind.Negative => Fr.FromInt64(-rng.Next(1, 1 << 20)),
            Kind.Bits => Fr.FromInt64(rng.Next(2)),
            Kind.Equal => Fr.FromInt64(123456789),
            _ => (i % 5) switch { 0 => Fr.Random(rng), 1 => Fr.Zero, 2 => NMinus1, 3 => Fr.FromInt64(-rng.Next(100)), _ => Fr.One },
        }).ToArray();
    }

    /// <summary>Points with repeats, negations, the identity and non-normalized entries.</summary>
    private static Point[] Points(int n, int seed)
    {
        var baseSet = PointTests.SamplePoints(seed, Math.Min(n, 40));
        var gens = Generators.Derive("msm-test", 0, n);
        var r = new Point[n];
        for (int i = 0; i < n; i++)
            r[i] = (i % 11) switch
            {
                3 => r[i - 1],                    // repeated point
                4 => -r[i - 2],                   // opposite of an earlier point
                7 => Point.Identity,
                _ => i < baseSet.Length ? baseSet[i] : gens[i],
            };
        return r;
    }

    private static Point BcNaive(Point[] ps, Fr[] ks)
    {
        ECPoint acc = Point.BcCurve.Infinity;
        for (int i = 0; i < ps.Length; i++) acc = acc.Add(ps[i].ToBouncyCastle().Multiply(PointTests.ToBc(ks[i])));
        return Point.FromBouncyCastle(acc);
    }

    private static Point Naive(Point[] ps, Fr[] ks)
    {
        var acc = Point.Identity;
        for (int i = 0; i < ps.Length; i++) acc += ps[i] * ks[i];
        return acc;
    }

    public static TheoryData<int, Kind> Cases()
    {
        var d = new TheoryData<int, Kind>();
        foreach (var n in new[] { 0, 1, 2, 3, 17, 100 })
            foreach (var k in Enum.GetValues<Kind>()) d.Add(n, k);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ComputeMatchesBouncyCastle(int n, Kind kind)
    {
        var ps = Points(n, 10 + n);
        var ks = Scalars(kind, n, 20 + n);
        var expected = BcNaive(ps, ks);
        Assert.Equal(expected, Msm.Compute(ps, ks));
        Assert.Equal(expected, Msm.Compute(ps, ks, 1));
        // Force the GLV Pippenger path even below the naive threshold, with several window widths.
        foreach (int c in new[] { 0, 1, 2, 5, 13 })
            Assert.Equal(expected, Msm.ComputePippenger(ps, ks, 2, c));
        // Both bucket reductions (Jacobian running sum, batch-affine segments) on every width.
        foreach (int c in new[] { 1, 3, 6, 11 })
            foreach (int mode in new[] { 1, 2 })
                Assert.Equal(expected, Msm.ComputePippenger(ps, ks, 1, c, mode));
    }

    [Theory]
    [InlineData(Kind.Random)]
    [InlineData(Kind.Mixed)]
    [InlineData(Kind.Equal)]
    [InlineData(Kind.NMinusOne)]
    public void Compute1000MatchesNaive(Kind kind)
    {
        var ps = Points(1000, 3);
        var ks = Scalars(kind, 1000, 4);
        var expected = Naive(ps, ks);
        Assert.Equal(expected, Msm.Compute(ps, ks));
        Assert.Equal(expected, Msm.Compute(ps, ks, 1));
        Assert.Equal(expected, Msm.ComputePippenger(ps, ks, 2, 4));
        Assert.Equal(expected, Msm.ComputePippenger(ps, ks, 1, 10, 2));
        Assert.Equal(expected, Msm.ComputePippenger(ps, ks, 1, 7, 1));
    }

    /// <summary>Buckets hit over and over by the same point, its negation and the identity: batch
    /// conflicts (deferral queue, then Jacobian overflow), doublings and cancellations (P + (−P)) inside
    /// batches, overflow accumulators that cancel to the identity, under both reductions.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void DegenerateBucketsMatchNaive(int pattern)
    {
        const int n = 700;
        var g = Generators.Derive("msm-degenerate", 0, 3);
        var ps = new Point[n];
        var s = new long[n];
        for (int i = 0; i < n; i++)
        {
            ps[i] = pattern switch
            {
                0 => g[0],                                            // one point, doubled repeatedly
                1 => i % 2 == 0 ? g[0] : -g[0],                       // alternating ±P: cancellations
                2 => (i % 3) switch { 0 => g[0], 1 => -g[0], _ => g[1] },
                _ => (i % 5) switch { 0 => g[0], 1 => g[0], 2 => -g[0], 3 => Point.Identity, _ => g[2] * Fr.FromInt64(i) },
            };
            s[i] = pattern == 3 ? (i % 7) - 3 + 40000 : 12345;        // few distinct digits
        }
        var expected = Point.Identity;
        for (int i = 0; i < n; i++) expected += ps[i] * Fr.FromInt64(s[i]);
        foreach (int c in new[] { 1, 2, 4, 8, 14, 16 })
            foreach (int mode in new[] { 1, 2 })
            {
                Assert.Equal(expected, Msm.ComputeSmallPippenger(ps, s, 1, c, mode));
                Assert.Equal(expected, Msm.ComputeSmallPippenger(ps, s, 2, c, mode));
            }
        var ks = s.Select(Fr.FromInt64).ToArray();
        Assert.Equal(expected, Msm.ComputePippenger(ps, ks, 1, 5, 2));
        Assert.Equal(expected, Msm.ComputePippenger(ps, ks, 1, 12, 2));
    }

    [Fact]
    public void WindowCountIsExact()
    {
        // w windows of signed base-2^c digits hold magnitudes up to 2^(cw−1).
        Assert.Equal(1, Pippenger.WindowCount(32768, 16));
        Assert.Equal(2, Pippenger.WindowCount(32769, 16));
        Assert.Equal(1, Pippenger.WindowCount(1, 1));
        Assert.Equal(2, Pippenger.WindowCount(2, 1));
        Assert.Equal(3, Pippenger.WindowCount(3, 1));
        Assert.Equal(10, Pippenger.WindowCount(UInt128.MaxValue >> 1, 13));   // 127 bits: 13·10 − 1 = 129 ≥ 127 > 116
        Assert.Equal(9, Pippenger.WindowCount(UInt128.One << 127, 15));        // 2^127 ≤ 2^(135−1)
        Assert.Equal(128 / 13 + 1, Pippenger.WindowCount(UInt128.MaxValue, 13));
    }

    public static IEnumerable<long[]> SmallScalarSets(int n, int seed)
    {
        var rng = new Random(seed);
        yield return new long[n];                                                        // zeros
        yield return Enumerable.Range(0, n).Select(_ => (long)rng.Next(2)).ToArray();    // bits
        yield return Enumerable.Range(0, n).Select(_ => (long)rng.Next(-1, 2)).ToArray(); // {−1, 0, 1}
        yield return Enumerable.Range(0, n).Select(_ => (long)rng.Next(-32768, 32768)).ToArray();
        yield return Enumerable.Range(0, n).Select(_ => (long)rng.Next(0, 256)).ToArray();
        yield return Enumerable.Range(0, n).Select(_ => -(long)rng.Next(0, 1 << 30)).ToArray();
        yield return Enumerable.Range(0, n).Select(_ => rng.NextInt64()).ToArray();       // large magnitudes
        yield return Enumerable.Range(0, n).Select(i => i % 3 == 0 ? long.MinValue : i % 3 == 1 ? long.MaxValue : -1L).ToArray();
        yield return Enumerable.Range(0, n).Select(_ => 7L).ToArray();                    // all equal
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(1000)]
    public void ComputeSmallMatchesNaive(int n)
    {
        var ps = Points(n, 30 + n);
        foreach (var s in SmallScalarSets(n, 40 + n))
        {
            var ks = s.Select(Fr.FromInt64).ToArray();
            var expected = n <= 100 ? BcNaive(ps, ks) : Naive(ps, ks);
            Assert.Equal(expected, Msm.ComputeSmall(ps, s));
            Assert.Equal(expected, Msm.ComputeSmall(ps, s, 1));
            if (n > 0 && s.Any(v => v != 0))
                foreach (int c in new[] { 0, 1, 3, 8 })
                    Assert.Equal(expected, Msm.ComputeSmallPippenger(ps, s, 2, c));
        }
    }

    [Fact]
    public void LargeBitAndSignVectorsMatchPlainSums()
    {
        // Long enough for the chunked (parallel) {−1, 0, 1} path and for 2-window small-scalar Pippenger.
        const int n = 9000;
        var ps = Points(n, 77);
        var rng = new Random(78);
        var bits = Enumerable.Range(0, n).Select(_ => (long)rng.Next(-1, 2)).ToArray();
        var expected = Point.Identity;
        for (int i = 0; i < n; i++) expected += bits[i] == 1 ? ps[i] : bits[i] == -1 ? -ps[i] : Point.Identity;
        Assert.Equal(expected, Msm.ComputeSmall(ps, bits));
        Assert.Equal(expected, Msm.ComputeSmall(ps, bits, 2));
        Assert.Equal(expected, Msm.ComputeSmall(ps, bits, 1));
        var s16 = Enumerable.Range(0, n).Select(_ => (long)rng.Next(-32768, 32768)).ToArray();
        var viaFr = Msm.Compute(ps, s16.Select(Fr.FromInt64).ToArray(), 2);
        Assert.Equal(viaFr, Msm.ComputeSmall(ps, s16, 2));
        Assert.Equal(viaFr, Msm.ComputeSmall(ps, s16, 1));
        // One window of c = 16 (2^15 buckets, batch-affine reduction), on one and two threads.
        Assert.Equal(viaFr, Msm.ComputeSmallPippenger(ps, s16, 1, 16));
        Assert.Equal(viaFr, Msm.ComputeSmallPippenger(ps, s16, 2, 16));
        Assert.Equal(viaFr, Msm.ComputeSmallPippenger(ps, s16, 1, 16, 1));
    }

    [Fact]
    public void LengthMismatchThrows()
    {
        var ps = Points(3, 1);
        Assert.Throws<ArgumentException>(() => Msm.Compute(ps, new Fr[2]));
        Assert.Throws<ArgumentException>(() => Msm.ComputeSmall(ps, new long[4]));
    }

    [Fact]
    public void WindowChoiceIsSane()
    {
        // Many points → wide windows; few points → narrow ones; 16-bit scalars → at most 2–3 windows.
        UInt128 max128 = UInt128.MaxValue >> 1;
        foreach (int threads in new[] { 1, 2, 4 })
        {
            var wide = Pippenger.ChooseWidths(1 << 17, max128, threads);
            Assert.All(wide, c => Assert.InRange(c, 11, 16));
            Assert.True(wide.Sum() >= Pippenger.RequiredBits(max128));
            Assert.All(Pippenger.ChooseWidths(32, max128, threads), c => Assert.InRange(c, 1, 6));
            Assert.InRange(Pippenger.ChooseWidths(1 << 16, 32768, threads).Length, 1, 2);
        }
        // Widths differ by at most one and cover exactly the required bits.
        var ws = Pippenger.ChooseWidths(1 << 17, max128, 1);
        Assert.Equal(Pippenger.RequiredBits(max128), ws.Sum());
        Assert.True(ws.Max() - ws.Min() <= 1);
    }
}
