using System.Numerics;
using ZkmlProver.Field;

namespace ZkmlProver.Field.Tests;

/// <summary>
/// The batch multiplication kernels (AVX-512, eight lanes in 29-bit limbs, and the scalar fallback)
/// against System.Numerics.BigInteger and <see cref="Fr.Mul"/>: edge values for both the 64-bit
/// Montgomery limbs and the kernel's 29-bit limbs, every length 0…17 (tails), aliasing, and the
/// vector kernels built on it (inner product, scaled add, scale, fold) on both paths.
/// </summary>
/// <remarks>Tests that flip <see cref="FieldVectors.UseAvx512"/> share one xunit collection (run
/// sequentially), and every flip is restored.</remarks>
[Collection("FieldVectors.UseAvx512")]
public class FrBatchMulTests
{
    private static readonly BigInteger N = Fr.Modulus;
    private static readonly BigInteger RInv = BigInteger.ModPow(BigInteger.One << 256, N - 2, N);

    private static BigInteger Mod(BigInteger v) { v %= N; return v.Sign < 0 ? v + N : v; }

    /// <summary>The element whose Montgomery limbs are v (v &lt; n).</summary>
    private static Fr WithLimbs(BigInteger v) => Fr.FromBigInteger(Mod(v * RInv));

    /// <summary>Montgomery-limb values that stress the kernel: 0, 1, n − 1, all-ones 64-bit limbs,
    /// all-ones / zero 29-bit limbs, powers of two at every limb boundary, n − 2^k.</summary>
    internal static Fr[] Edges()
    {
        BigInteger one = BigInteger.One, w = one << 64, l29 = (one << 29) - 1;
        var vs = new List<BigInteger> { 0, 1, 2, N - 1, N - 2, N / 2, (N + 1) / 2, (one << 256) - N, (one << 255) - 1, one << 255 };
        for (int mask = 0; mask < 16; mask++)
        {
            BigInteger v = 0;
            for (int l = 0; l < 4; l++) if ((mask >> l & 1) != 0) v |= (w - 1) << (64 * l);
            vs.Add(v);
        }
        for (int mask = 1; mask < 512; mask += 37)
        {
            BigInteger v = 0;
            for (int l = 0; l < 9; l++) if ((mask >> l & 1) != 0) v |= l29 << (29 * l);
            vs.Add(v);
        }
        for (int k = 0; k < 256; k += 29)
        {
            vs.Add(one << k); vs.Add((one << k) - 1); vs.Add(N - (one << k));
            if (k + 24 < 256) vs.Add(one << (k + 24));
        }
        for (int k = 0; k < 256; k += 64) { vs.Add(one << k); vs.Add(N - (one << k)); }
        return vs.Select(v => v >= N ? N - 1 - (v - N) % N : v).Distinct().Select(WithLimbs).ToArray();
    }

    private static Fr[] Randoms(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Fr.Random(rng)).ToArray();
    }

    /// <summary>Runs <paramref name="body"/> on the scalar path and, where supported, on the AVX-512 path.</summary>
    internal static void BothPaths(Action body)
    {
        bool saved = FieldVectors.UseAvx512;
        try
        {
            FieldVectors.UseAvx512 = false;
            Assert.False(FieldVectors.UseAvx512);
            body();
            FieldVectors.UseAvx512 = true;
            Assert.Equal(FieldVectors.Avx512Supported, FieldVectors.UseAvx512);
            if (FieldVectors.UseAvx512) body();
        }
        finally { FieldVectors.UseAvx512 = saved; }
    }

    private static void AssertProducts(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, ReadOnlySpan<Fr> c)
    {
        for (int i = 0; i < c.Length; i++)
            Assert.Equal(Mod(a[i].ToBigInteger() * b[i].ToBigInteger()), c[i].ToBigInteger());
    }

    [Fact]
    public void KernelMatchesBigIntegerOnAllEdgePairs()
    {
        var e = Edges();
        Assert.True(e.Length > 70, $"{e.Length} edge values");
        // Every ordered pair of edge values, lane positions rotating with the pairing.
        var a = new List<Fr>(); var b = new List<Fr>();
        foreach (var x in e) foreach (var y in e) { a.Add(x); b.Add(y); }
        var aa = a.ToArray(); var bb = b.ToArray();
        BothPaths(() =>
        {
            var c = new Fr[aa.Length];
            FieldVectors.MulBatch(aa, bb, c);
            AssertProducts(aa, bb, c);
        });
        if (FrAvx512.IsSupported)
        {
            var c = new Fr[aa.Length];
            int done = FrAvx512.MulBatch(aa, bb, c);
            Assert.Equal(aa.Length / 8 * 8, done);
            for (int i = 0; i < done; i++) Assert.Equal(aa[i] * bb[i], c[i]);
        }
    }

    [Fact]
    public void KernelMatchesScalarMulOnManyRandomProducts()
    {
        var a = Randoms(1 << 14, 1);
        var b = Randoms(1 << 14, 2);
        var expect = new Fr[a.Length];
        for (int i = 0; i < a.Length; i++) Fr.Mul(in a[i], in b[i], out expect[i]);
        BothPaths(() =>
        {
            var c = new Fr[a.Length];
            FieldVectors.MulBatch(a, b, c);
            Assert.Equal(expect, c);
        });
        AssertProducts(a.AsSpan(0, 512), b.AsSpan(0, 512), expect.AsSpan(0, 512));
    }

    [Fact]
    public void EveryLengthUpTo17WithAliasing()
    {
        var pool = Edges().Concat(Randoms(40, 3)).ToArray();
        var rng = new Random(4);
        BothPaths(() =>
        {
            for (int len = 0; len <= 17; len++)
                for (int rep = 0; rep < 6; rep++)
                {
                    var a = Enumerable.Range(0, len).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
                    var b = Enumerable.Range(0, len).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
                    // Guard entries around the output catch writes past the end.
                    var buf = new Fr[len + 2];
                    buf[0] = Fr.One; buf[^1] = Fr.One;
                    FieldVectors.MulBatch(a, b, buf.AsSpan(1, len));
                    AssertProducts(a, b, buf.AsSpan(1, len));
                    Assert.True(buf[0].IsOne && buf[^1].IsOne);

                    var c = (Fr[])a.Clone();
                    FieldVectors.MulBatch(c, b, c); // c == a
                    AssertProducts(a, b, c);
                    c = (Fr[])b.Clone();
                    FieldVectors.MulBatch(a, c, c); // c == b
                    AssertProducts(a, b, c);
                    c = (Fr[])a.Clone();
                    FieldVectors.MulBatch(c, c, c); // squares
                    AssertProducts(a, a, c);

                    var s = pool[rng.Next(pool.Length)];
                    var sv = Enumerable.Repeat(s, len).ToArray();
                    c = new Fr[len];
                    FieldVectors.MulBatch(a, in s, c);
                    AssertProducts(a, sv, c);
                    c = (Fr[])a.Clone();
                    FieldVectors.MulBatch(c, in s, c);
                    AssertProducts(a, sv, c);
                }
        });
    }

    [Fact]
    public void ScalarTimesVectorOnEdgeScalars()
    {
        var e = Edges();
        BothPaths(() =>
        {
            var c = new Fr[e.Length];
            foreach (var s in e)
            {
                FieldVectors.MulBatch(e, in s, c);
                for (int i = 0; i < e.Length; i++) Assert.Equal(e[i] * s, c[i]);
            }
        });
        // Spot-check the scalar Fr.Mul reference itself against BigInteger on the same pairs.
        foreach (var s in e.Take(20)) AssertProducts(e, Enumerable.Repeat(s, e.Length).ToArray(), e.Select(x => x * s).ToArray());
    }

    [Fact]
    public void VectorKernelsAgreeOnBothPaths()
    {
        var rng = new Random(5);
        foreach (int len in new[] { 0, 1, 7, 8, 9, 63, 64, 65, 130, 1000 })
        {
            var a = Enumerable.Range(0, len).Select(i => i % 5 == 0 ? Edges()[i % 50] : Fr.Random(rng)).ToArray();
            var b = Randoms(len, len + 100);
            var s = Fr.Random(rng);

            BigInteger ip = 0;
            for (int i = 0; i < len; i++) ip += a[i].ToBigInteger() * b[i].ToBigInteger();
            var scaledAdd = a.Select((x, i) => x + s * b[i]).ToArray();
            var scaled = a.Select(x => x * s).ToArray();
            Fr[]? folded = null;
            if (len % 2 == 0)
            {
                int h = len / 2;
                folded = Enumerable.Range(0, h).Select(i => a[i] + s * (a[i + h] - a[i])).ToArray();
            }

            BothPaths(() =>
            {
                Assert.Equal(Mod(ip), FieldVectors.InnerProduct(a, b).ToBigInteger());
                var y = (Fr[])a.Clone();
                FieldVectors.ScaledAdd(y, in s, b);
                Assert.Equal(scaledAdd, y);
                y = (Fr[])a.Clone();
                FieldVectors.Scale(y, in s);
                Assert.Equal(scaled, y);
                if (folded is not null)
                {
                    y = (Fr[])a.Clone();
                    var lo = FieldVectors.FoldHigh(y, in s);
                    Assert.Equal(folded, lo.ToArray());
                }
            });
        }
    }

    [Fact]
    public void LengthMismatchThrows()
    {
        var a = new Fr[3]; var b = new Fr[4];
        Assert.Throws<ArgumentException>(() => FieldVectors.MulBatch(a, b, new Fr[3]));
        Assert.Throws<ArgumentException>(() => FieldVectors.MulBatch(a, a, new Fr[4]));
        Assert.Throws<ArgumentException>(() => FieldVectors.MulBatch(a, Fr.One, new Fr[4]));
        Assert.Throws<ArgumentException>(() => FieldVectors.Fold(new Fr[3], new Fr[4], Fr.One));
    }
}
