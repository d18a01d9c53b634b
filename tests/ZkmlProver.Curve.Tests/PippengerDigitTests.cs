using System.Numerics;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Curve.Tests;

/// <summary>The carry-free signed-window recoding (<see cref="Pippenger.DigitCode"/>) and Pippenger
/// over mixed window widths, against plain integer sums and BigInteger scalar multiplication.</summary>
public class PippengerDigitTests
{
    private static UInt128 RandomMag(Random rng, int bits)
    {
        if (bits == 0) return 0;
        var v = new UInt128((ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 62), (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 62));
        return bits >= 128 ? v : v & ((UInt128.One << bits) - 1);
    }

    /// <summary>Σ d_w·2^(o_w) with signs, from the digit codes.</summary>
    private static BigInteger Recompose(UInt128 mag, bool neg, int[] widths, out int maxAbs)
    {
        BigInteger sum = 0;
        int o = 0;
        maxAbs = 0;
        ulong lo = (ulong)mag, hi = (ulong)(mag >> 64);
        for (int w = 0; w < widths.Length; w++)
        {
            int code = Pippenger.DigitCode(lo, hi, neg, o, widths[w], w == widths.Length - 1);
            int abs = code >> 1;
            Assert.True(code == 0 || abs > 0);
            Assert.InRange(abs, 0, 1 << (widths[w] - 1));   // bucket abs − 1 < 2^(c−1)
            maxAbs = Math.Max(maxAbs, abs);
            sum += ((code & 1) != 0 ? -(BigInteger)abs : abs) << o;
            o += widths[w];
        }
        return sum;
    }

    [Fact]
    public void DigitsRecomposeTheMagnitude()
    {
        var rng = new Random(11);
        int[][] schemes = [[13, 13, 13, 13, 13, 13, 13, 13, 13, 12], [15, 15, 15, 14, 14, 14, 14, 14, 14], [16], [1], [1, 1, 1],
            [5, 3, 7, 1, 18, 2, 9, 13, 16, 17, 18, 18], [18, 18, 18, 18, 18, 18, 18, 18], [8, 8]];
        foreach (var widths in schemes)
        {
            int t = widths.Sum();
            int maxBits = Math.Min(128, t - 1);
            var mags = new List<UInt128> { 0, 1, 2, 3 };
            UInt128 top = t - 1 >= 128 ? UInt128.MaxValue : UInt128.One << (t - 1);   // the largest allowed magnitude
            mags.Add(top);
            mags.Add(top - 1);
            if (maxBits >= 1) mags.Add((UInt128.One << (maxBits - 1)) | 1);
            for (int i = 0; i < 300; i++) mags.Add(RandomMag(rng, rng.Next(0, maxBits + 1)));
            foreach (var mag in mags)
            {
                if (mag > top) continue;
                Assert.True(Pippenger.RequiredBits(mag) <= t);
                foreach (bool neg in new[] { false, true })
                {
                    var want = neg ? -(BigInteger)mag : (BigInteger)mag;
                    Assert.Equal(want, Recompose(mag, neg, widths, out _));
                }
            }
        }
    }

    [Fact]
    public void RequiredBitsIsTheLeastSufficientWidth()
    {
        Assert.Equal(1, Pippenger.RequiredBits(0));
        Assert.Equal(1, Pippenger.RequiredBits(1));
        Assert.Equal(2, Pippenger.RequiredBits(2));
        Assert.Equal(3, Pippenger.RequiredBits(3));
        Assert.Equal(3, Pippenger.RequiredBits(4));
        Assert.Equal(16, Pippenger.RequiredBits(32768));
        Assert.Equal(17, Pippenger.RequiredBits(32769));
        Assert.Equal(128, Pippenger.RequiredBits(UInt128.One << 126 | 1));
        Assert.Equal(128, Pippenger.RequiredBits(UInt128.One << 127));
        Assert.Equal(129, Pippenger.RequiredBits((UInt128.One << 127) + 1));
        Assert.Equal(129, Pippenger.RequiredBits(UInt128.MaxValue));
    }

    [Theory]
    [InlineData(new[] { 13, 13, 13, 13, 13, 13, 13, 13, 13, 12 }, 0)]
    [InlineData(new[] { 15, 15, 15, 14, 14, 14, 14, 14, 14 }, 0)]
    [InlineData(new[] { 4, 9, 2, 17, 11, 18, 7, 6, 14, 10, 8, 12, 11 }, 2)]
    [InlineData(new[] { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 }, 1)]
    public void MixedWidthsMatchScalarMultiplication(int[] widths, int reduceMode)
    {
        const int n = 300;
        var rng = new Random(widths.Sum() + reduceMode);
        var gens = Generators.Derive("pippenger-mixed", 0, n);
        var pts = new Affine[n];
        var mags = new UInt128[n];
        var negs = new byte[n];
        var expected = Point.Identity;
        UInt128 max = 0;
        for (int i = 0; i < n; i++)
        {
            gens[i].ToAffine(out pts[i].X, out pts[i].Y);
            // Repeats (same bucket in one batch), zeros and extremes among random 128-bit magnitudes.
            mags[i] = (i % 13) switch { 0 => 0, 1 => UInt128.One << 127, 2 => mags[i - 1], 3 => 1, _ => RandomMag(rng, 128) >> 1 };
            if (i % 17 == 5) pts[i] = pts[i - 1];
            negs[i] = (byte)rng.Next(2);
            if (mags[i] > max) max = mags[i];
            var k = Fr.FromBigInteger((BigInteger)mags[i] % Fr.Modulus);
            var term = new Point(pts[i].X, pts[i].Y, Fp.One) * k;
            expected += negs[i] != 0 ? -term : term;
        }
        Assert.True(widths.Sum() >= Pippenger.RequiredBits(max));
        Assert.Equal(expected, Pippenger.Run(pts, mags, negs, n, max, 1, widths, reduceMode));
        Assert.Equal(expected, Pippenger.Run(pts, mags, negs, n, max, 2, widths, reduceMode));
        Assert.Throws<ArgumentException>(() => Pippenger.Run(pts, mags, negs, n, max, 1, [1], reduceMode));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pippenger.Run(pts, mags, negs, n, max, 1, [Pippenger.MaxWindow + 1, 120], reduceMode));
    }
}
