using System.Numerics;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Curve.Tests;

/// <summary>The endomorphism constants and the scalar split.</summary>
public class GlvTests
{
    private static readonly BigInteger N = Fr.Modulus;

    [Fact]
    public void LambdaTimesPointIsBetaTimesX()
    {
        // β³ = 1 (mod p), λ³ = 1 (mod n), and λ·P = (β·x, y) checked with BouncyCastle arithmetic.
        var beta = Glv.Beta.ToBigInteger();
        Assert.Equal(BigInteger.One, BigInteger.ModPow(beta, 3, FpTests.P));
        Assert.NotEqual(BigInteger.One, beta);
        Assert.Equal(BigInteger.One, BigInteger.ModPow(Glv.Lambda, 3, N));
        foreach (var p in new[] { Point.BasePoint, Generators.Derive("test", 0), Generators.Derive("test", 7) })
        {
            var bc = p.ToBouncyCastle().Multiply(new Org.BouncyCastle.Math.BigInteger(Glv.Lambda.ToString())).Normalize();
            var endo = p.Endo();
            Assert.Equal(endo, Point.FromBouncyCastle(bc));
            endo.ToAffine(out var x, out var y);
            p.ToAffine(out var px, out var py);
            Assert.Equal(BigInteger.Remainder(px.ToBigInteger() * beta, FpTests.P), x.ToBigInteger());
            Assert.Equal(py, y);
        }
    }

    [Fact]
    public void LatticeBasisIsInTheKernel()
    {
        BigInteger a1 = new UInt128(Glv.A1Hi, Glv.A1Lo), mb1 = new UInt128(Glv.MB1Hi, Glv.MB1Lo);
        BigInteger a2 = (BigInteger.One << 128) * Glv.A2Hi + new UInt128(Glv.A2Mid, Glv.A2Lo);
        BigInteger b2 = new UInt128(Glv.B2Hi, Glv.B2Lo);
        Assert.Equal(BigInteger.Zero, BigInteger.Remainder(a1 - mb1 * Glv.Lambda, N));
        Assert.Equal(BigInteger.Zero, BigInteger.Remainder(a2 + b2 * Glv.Lambda, N));
    }

    public static IEnumerable<BigInteger> Scalars()
    {
        BigInteger[] edges = [0, 1, 2, N - 1, N - 2, N / 2, N / 2 + 1, BigInteger.One << 128, (BigInteger.One << 128) - 1,
            BigInteger.One << 255, Glv.Lambda, N - Glv.Lambda, (Glv.Lambda * Glv.Lambda) % N, (BigInteger.One << 64) - 1];
        foreach (var e in edges) yield return e;
        var rng = new Random(11);
        for (int i = 0; i < 3000; i++) yield return Fr.Random(rng).ToBigInteger();
    }

    [Fact]
    public void SplitRecombinesAndIsShort()
    {
        foreach (var k in Scalars())
        {
            var f = Fr.FromBigInteger(k);
            f.ToCanonicalLimbs(out var c0, out var c1, out var c2, out var c3);
            Glv.Split(c0, c1, c2, c3, out var m1, out var n1, out var m2, out var n2);
            BigInteger k1 = n1 ? -(BigInteger)m1 : m1, k2 = n2 ? -(BigInteger)m2 : m2;
            var rec = BigInteger.Remainder(k1 + k2 * Glv.Lambda - k, N);
            Assert.Equal(BigInteger.Zero, rec);
            Assert.True(Point.BitLength(m1) <= 128 && Point.BitLength(m2) <= 128, $"long split for {k}");
        }
    }
}
