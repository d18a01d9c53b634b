using System.Numerics;
using ZkmlProver.Curve;

namespace ZkmlProver.Curve.Tests;

/// <summary>The safegcd inversion (<see cref="Fp.InverseVar"/>) against BigInteger.ModPow(x, p − 2)
/// and the Fermat chain, on edge values, structured values and random values.</summary>
public class FpInverseTests
{
    private static readonly BigInteger P = FpTests.P;

    private static BigInteger Mod(BigInteger v) { v %= P; return v.Sign < 0 ? v + P : v; }

    private static void Check(BigInteger x)
    {
        var a = Fp.FromBigInteger(x);
        Fp.InverseVar(in a, out var inv);
        var want = x.IsZero ? BigInteger.Zero : BigInteger.ModPow(x, P - 2, P);
        Assert.Equal(want, inv.ToBigInteger());
        Fp.InverseFermat(in a, out var fermat);
        Assert.Equal(want, fermat.ToBigInteger());
        Fp.Inverse(in a, out var dflt);
        Assert.Equal(want, dflt.ToBigInteger());
    }

    [Fact]
    public void PInverseMod2To62IsPinned()
    {
        var m62 = BigInteger.One << 62;
        Assert.Equal(BigInteger.One, P * (BigInteger)Fp.PInv62 % m62);
        Assert.True(Fp.PInv62 < (1UL << 62));
    }

    [Fact]
    public void EdgeValues()
    {
        BigInteger[] edges = [0, 1, 2, 3, P - 1, P - 2, P - 3, (P - 1) / 2, (P + 1) / 2, 0x1000003D1, P - 0x1000003D1,
            (BigInteger.One << 62) - 1, BigInteger.One << 62, (BigInteger.One << 64) - 1, BigInteger.One << 255,
            (BigInteger.One << 256) - (BigInteger.One << 32) - 978, ulong.MaxValue, (BigInteger)ulong.MaxValue << 192];
        foreach (var e in edges) Check(Mod(e));
    }

    [Fact]
    public void PowersOfTwoAndSmallValues()
    {
        for (int k = 0; k < 256; k++) { Check(Mod(BigInteger.One << k)); Check(Mod(P - (BigInteger.One << k))); }
        for (int v = 1; v < 300; v++) Check(v);
        // Values with one long run of zero or one bits (long ctz runs / sign patterns in the divsteps).
        for (int k = 1; k < 256; k += 5) Check(Mod((BigInteger.One << k) - 1));
        for (int k = 1; k < 256; k += 7) Check(Mod((BigInteger.One << 255) + (BigInteger.One << k)));
    }

    [Fact]
    public void RandomValues()
    {
        var rng = new Random(2024);
        var b = new byte[32];
        for (int i = 0; i < 3000; i++)
        {
            rng.NextBytes(b);
            if (i % 5 == 0) for (int j = 0; j < 1 + i % 24; j++) b[j] = 0xFF;        // near p
            if (i % 5 == 1) for (int j = 0; j < 1 + i % 30; j++) b[j] = 0;           // short values
            var x = Mod(new BigInteger(b, isUnsigned: true, isBigEndian: true));
            var a = Fp.FromBigInteger(x);
            Fp.InverseVar(in a, out var inv);
            if (x.IsZero) { Assert.True(inv.IsZero); continue; }
            Fp.Mul(in a, in inv, out var one);
            Assert.True(one.IsOne, x.ToString("x"));
            if (i % 10 == 0) Assert.Equal(BigInteger.ModPow(x, P - 2, P), inv.ToBigInteger());
        }
    }

    [Fact]
    public void InverseOfInverseIsIdentity()
    {
        var rng = new Random(7);
        var b = new byte[32];
        for (int i = 0; i < 200; i++)
        {
            rng.NextBytes(b);
            var a = Fp.FromBigInteger(new BigInteger(b, isUnsigned: true, isBigEndian: true));
            Fp.InverseVar(in a, out var inv);
            Fp.InverseVar(in inv, out var back);
            Assert.Equal(a, back);
        }
    }
}
