using Org.BouncyCastle.Math.EC;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using BcInt = Org.BouncyCastle.Math.BigInteger;

namespace ZkmlProver.Curve.Tests;

/// <summary>Point arithmetic and encoding against BouncyCastle's ECPoint.</summary>
public class PointTests
{
    internal static BcInt ToBc(Fr k) => new(1, k.ToBytes());
    internal static ECPoint BcG => Point.Params.G;

    /// <summary>Random points, some in non-normalized Jacobian form (results of arithmetic).</summary>
    internal static Point[] SamplePoints(int seed, int count)
    {
        var rng = new Random(seed);
        var r = new Point[count];
        for (int i = 0; i < count; i++)
        {
            var k = Fr.Random(rng);
            var bc = BcG.Multiply(ToBc(k)).Normalize();
            var p = Point.FromBouncyCastle(bc);
            // Every other point: same point with a random Z (X·Z², Y·Z³, Z).
            if (i % 2 == 1)
            {
                var z = Fp.FromBigInteger(Fr.Random(rng).ToBigInteger() + 3);
                Fp.Square(in z, out var z2); Fp.Mul(in z2, in z, out var z3);
                Fp.Mul(in p.X, in z2, out var x); Fp.Mul(in p.Y, in z3, out var y);
                p = new Point(x, y, z);
            }
            r[i] = p;
        }
        return r;
    }

    private static void AssertSame(ECPoint expected, Point actual)
    {
        Assert.Equal(Point.FromBouncyCastle(expected), actual);
        var e = expected.IsInfinity ? new byte[33] : expected.Normalize().GetEncoded(true);
        Assert.Equal(Convert.ToHexString(e), Convert.ToHexString(actual.ToBytes()));
    }

    [Fact]
    public void AddDoubleNegateMatchBouncyCastle()
    {
        var ps = SamplePoints(1, 16);
        foreach (var a in ps)
        {
            AssertSame(a.ToBouncyCastle().Twice(), a.Double());
            AssertSame(a.ToBouncyCastle().Negate(), -a);
            AssertSame(a.ToBouncyCastle().Twice(), a + a);                     // addition hits doubling
            Assert.True((a + (-a)).IsIdentity);                                 // and cancellation
            Assert.True((a - a).IsIdentity);
            Assert.Equal(a, a + Point.Identity);
            Assert.Equal(a, Point.Identity + a);
            foreach (var b in ps)
            {
                AssertSame(a.ToBouncyCastle().Add(b.ToBouncyCastle()), a + b);
                AssertSame(a.ToBouncyCastle().Subtract(b.ToBouncyCastle()), a - b);
            }
        }
        Assert.True(Point.Identity.Double().IsIdentity);
        Assert.True((-Point.Identity).IsIdentity);
    }

    [Fact]
    public void MixedAdditionHandlesEqualAndOppositePoints()
    {
        var ps = SamplePoints(2, 6);
        foreach (var a in ps)
            foreach (var b in ps)
            {
                var bn = b.Normalize();
                Point.AddMixed(in a, in bn.X, in bn.Y, out var r);
                AssertSame(a.ToBouncyCastle().Add(b.ToBouncyCastle()), r);
                Fp.Neg(in bn.Y, out var ny);
                Point.AddMixed(in a, in bn.X, in ny, out r);
                AssertSame(a.ToBouncyCastle().Subtract(b.ToBouncyCastle()), r);
            }
    }

    [Fact]
    public void EqualityIsRepresentationIndependent()
    {
        var ps = SamplePoints(3, 8);
        for (int i = 0; i < ps.Length; i++)
        {
            var n = ps[i].Normalize();
            Assert.True(n.Z.IsOne);
            Assert.Equal(ps[i], n);
            Assert.Equal(ps[i].GetHashCode(), n.GetHashCode());
            var viaSum = (ps[i] + ps[(i + 1) % ps.Length]) - ps[(i + 1) % ps.Length];
            Assert.False(viaSum.Z.IsOne); // compared by cross multiplication
            Assert.Equal(ps[i], viaSum);
            Assert.True(ps[i] == viaSum);
            for (int j = 0; j < ps.Length; j++) Assert.Equal(i == j, ps[i] == ps[j]);
            Assert.NotEqual(ps[i], -ps[i]);
            Assert.NotEqual(ps[i], Point.Identity);
        }
        Assert.Equal(Point.Identity, default(Point));
    }

    [Fact]
    public void BatchNormalizeAndSum()
    {
        var ps = SamplePoints(4, 9).Append(Point.Identity).ToArray();
        var copy = (Point[])ps.Clone();
        Point.BatchNormalize(copy);
        ECPoint bcSum = Point.BcCurve.Infinity;
        for (int i = 0; i < ps.Length; i++)
        {
            Assert.True(copy[i].IsIdentity || copy[i].Z.IsOne);
            Assert.Equal(ps[i], copy[i]);
            bcSum = bcSum.Add(ps[i].ToBouncyCastle());
        }
        AssertSame(bcSum, Point.Sum(ps));
        AssertSame(bcSum, Point.Sum(copy));
        Assert.True(Point.Sum([]).IsIdentity);
    }

    public static IEnumerable<Fr> EdgeScalars()
    {
        var n = Fr.Modulus;
        foreach (var v in new[] { 0, 1, 2, 3, 15, 16, 17, 31, 32, n - 1, n - 2, n / 2, (n + 1) / 2, Glv.Lambda, n - Glv.Lambda,
                     System.Numerics.BigInteger.One << 128, (System.Numerics.BigInteger.One << 129) - 1, System.Numerics.BigInteger.One << 255 })
            yield return Fr.FromBigInteger(v);
    }

    [Fact]
    public void ScalarMultiplicationMatchesBouncyCastle()
    {
        var ps = SamplePoints(5, 4).Append(Point.BasePoint).ToArray();
        var rng = new Random(5);
        var scalars = EdgeScalars().Concat(Enumerable.Range(0, 12).Select(_ => Fr.Random(rng))).ToArray();
        foreach (var p in ps)
            foreach (var k in scalars)
            {
                AssertSame(p.ToBouncyCastle().Multiply(ToBc(k)), p * k);
                AssertSame(p.ToBouncyCastle().Multiply(ToBc(k)), k * p);
            }
        Assert.True((Point.Identity * Fr.One).IsIdentity);
        Assert.Equal(Point.BasePoint + Point.BasePoint, Point.BasePoint * Fr.FromInt64(2));
        Assert.Equal(-Point.BasePoint, Point.BasePoint * Fr.FromInt64(-1));
    }

    [Fact]
    public void BasePointMatchesStandard()
    {
        Assert.Equal("0279BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798", Point.BasePoint.ToString());
        Assert.True((Point.BasePoint * Fr.Zero).IsIdentity);
        // n·G = O: (n − 1)·G = −G.
        Assert.Equal(-Point.BasePoint, Point.BasePoint * Fr.FromBigInteger(Fr.Modulus - 1));
    }

    [Fact]
    public void EncodeDecodeRoundTripMatchesBouncyCastle()
    {
        foreach (var p in SamplePoints(6, 20))
        {
            var enc = p.ToBytes();
            Assert.Equal(Convert.ToHexString(p.ToBouncyCastle().GetEncoded(true)), Convert.ToHexString(enc));
            Assert.True(Point.TryDecode(enc, allowIdentity: false, out var q, out var err), err);
            Assert.Null(err);
            Assert.Equal(p, q);
            Assert.True(q.Z.IsOne);
            var span = new byte[40];
            p.WriteTo(span);
            Assert.Equal(enc, span[..33]);
        }
        var id = Point.Identity.ToBytes();
        Assert.Equal(new byte[33], id);
        Assert.True(Point.TryDecode(id, allowIdentity: true, out var o, out _));
        Assert.True(o.IsIdentity);
    }

    [Fact]
    public void DecodeRejectsMalformedEncodingsWithReasons()
    {
        var good = Point.BasePoint.ToBytes();
        static string Reject(byte[] b, bool allowId = false)
        {
            Assert.False(Point.TryDecode(b, allowId, out var p, out var err));
            Assert.True(p.IsIdentity);
            Assert.NotNull(err);
            return err!;
        }
        Assert.Contains("32 bytes", Reject(good[..32]));
        Assert.Contains("34 bytes", Reject([.. good, 0]));
        Assert.Contains("0 bytes", Reject([]));
        foreach (byte pre in new byte[] { 1, 4, 5, 6, 7, 0xFF })
        {
            var b = (byte[])good.Clone(); b[0] = pre;
            Assert.Contains("prefix", Reject(b));
        }
        // x = p and x = 2^256 − 1 are not below p.
        var xp = new byte[33]; xp[0] = 2;
        FpTests.P.ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(xp, 1);
        Assert.Contains("not below p", Reject(xp));
        var xmax = Enumerable.Repeat((byte)0xFF, 33).ToArray(); xmax[0] = 3;
        Assert.Contains("not below p", Reject(xmax));
        // x = 5: 125 + 7 = 132 is not a square mod p (checked against BigInteger below).
        var x5 = new byte[33]; x5[0] = 2; x5[32] = 5;
        Assert.Equal(FpTests.P - 1, System.Numerics.BigInteger.ModPow(132, (FpTests.P - 1) / 2, FpTests.P));
        Assert.Contains("not on the curve", Reject(x5));
        // Identity: rejected unless allowed; non-zero bytes after a zero prefix rejected always.
        Assert.Contains("identity point not allowed", Reject(new byte[33]));
        var badId = new byte[33]; badId[5] = 1;
        Assert.Contains("all zero", Reject(badId, allowId: true));
        // Both parities decode to negatives of each other, as BouncyCastle does.
        var odd = (byte[])good.Clone(); odd[0] ^= 1;
        Assert.True(Point.TryDecode(odd, false, out var q, out _));
        Assert.Equal(-Point.BasePoint, q);
        Assert.Equal(Point.FromBouncyCastle(Point.BcCurve.DecodePoint(odd)), q);
    }

    [Fact]
    public void DecodeAgreesWithBouncyCastleOnRandomX()
    {
        var rng = new Random(7);
        var b = new byte[33];
        int ok = 0, bad = 0;
        for (int i = 0; i < 200; i++)
        {
            rng.NextBytes(b);
            b[0] = (byte)(2 + (i & 1));
            bool mine = Point.TryDecode(b, false, out var p, out _);
            ECPoint? bc = null;
            try { bc = Point.BcCurve.DecodePoint(b); } catch (Exception) { }
            Assert.Equal(bc is not null, mine);
            if (mine) { ok++; Assert.Equal(Point.FromBouncyCastle(bc!), p); } else bad++;
        }
        Assert.True(ok > 50 && bad > 50);
    }
}
