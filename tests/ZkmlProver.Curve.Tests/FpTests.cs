using System.Numerics;
using ZkmlProver.Curve;

namespace ZkmlProver.Curve.Tests;

/// <summary>The base field F_p against System.Numerics.BigInteger, on random and edge values.</summary>
public class FpTests
{
    internal static readonly BigInteger P = (BigInteger.One << 256) - (BigInteger.One << 32) - 977;

    private static BigInteger Mod(BigInteger v) { v %= P; return v.Sign < 0 ? v + P : v; }

    internal static IEnumerable<BigInteger> Values(int seed, int count)
    {
        var rng = new Random(seed);
        BigInteger[] edges = [0, 1, 2, 3, 7, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2, BigInteger.One << 64, (BigInteger.One << 64) - 1,
            BigInteger.One << 128, (BigInteger.One << 192) - 1, BigInteger.One << 255, (BigInteger.One << 256) - (BigInteger.One << 32) - 978,
            (BigInteger.One << 224) - 1, 0x1000003D1, P - 0x1000003D1];
        foreach (var e in edges) yield return Mod(e);
        var b = new byte[32];
        for (int i = 0; i < count; i++)
        {
            rng.NextBytes(b);
            if (i % 7 == 0) for (int j = 0; j < 20; j++) b[j] = 0xFF; // near p
            yield return Mod(new BigInteger(b, isUnsigned: true, isBigEndian: true));
        }
    }

    [Fact]
    public void AddSubMulSquareNegMatchBigInteger()
    {
        var xs = Values(1, 50).ToArray();
        var ys = Values(2, 50).ToArray();
        foreach (var x in xs)
        {
            var a = Fp.FromBigInteger(x);
            Assert.Equal(x, a.ToBigInteger());
            Fp.Square(in a, out var sq);
            Assert.Equal(Mod(x * x), sq.ToBigInteger());
            Fp.Neg(in a, out var ng);
            Assert.Equal(Mod(-x), ng.ToBigInteger());
            Fp.MulSmall(in a, 3, out var m3);
            Assert.Equal(Mod(3 * x), m3.ToBigInteger());
            Fp.MulSmall(in a, 8, out var m8);
            Assert.Equal(Mod(8 * x), m8.ToBigInteger());
            foreach (var y in ys)
            {
                var b = Fp.FromBigInteger(y);
                Fp.Add(in a, in b, out var s); Assert.Equal(Mod(x + y), s.ToBigInteger());
                Fp.Sub(in a, in b, out var d); Assert.Equal(Mod(x - y), d.ToBigInteger());
                Fp.Mul(in a, in b, out var m); Assert.Equal(Mod(x * y), m.ToBigInteger());
            }
        }
    }

    /// <summary>Rare carry/borrow propagation in the reduction steps: low words at the edges of the
    /// special-form correction C = 2^32 + 977 combined with high words of all zeros and all ones.</summary>
    [Fact]
    public void CarryAndBorrowEdgesMatchBigInteger()
    {
        BigInteger two64 = BigInteger.One << 64, c = 0x1000003D1;
        BigInteger[] lows = [0, 1, 2, c - 1, c, c + 1, two64 - c - 1, two64 - c, two64 - c + 1, two64 - 1, two64 - 2 * c, BigInteger.One << 33];
        BigInteger[] highs = [0, 1, (BigInteger.One << 192) - 1, (BigInteger.One << 192) - 2, P >> 64, (BigInteger.One << 191)];
        var vals = (from h in highs from l in lows select Mod(h * two64 + l)).Distinct().ToArray();
        foreach (var x in vals)
        {
            var a = Fp.FromBigInteger(x);
            Fp.Square(in a, out var sq); Assert.Equal(Mod(x * x), sq.ToBigInteger());
            Fp.Double(in a, out var db); Assert.Equal(Mod(2 * x), db.ToBigInteger());
            Fp.CondNeg(in a, true, out var cn); Assert.Equal(Mod(-x), cn.ToBigInteger());
            Fp.CondNeg(in a, false, out cn); Assert.Equal(x, cn.ToBigInteger());
            foreach (var y in vals)
            {
                var b = Fp.FromBigInteger(y);
                Fp.Add(in a, in b, out var s); Assert.Equal(Mod(x + y), s.ToBigInteger());
                Fp.Sub(in a, in b, out var d); Assert.Equal(Mod(x - y), d.ToBigInteger());
                Fp.Mul(in a, in b, out var m); Assert.Equal(Mod(x * y), m.ToBigInteger());
            }
        }
    }

    [Fact]
    public void KernelsTolerateAliasing()
    {
        var a = Fp.FromBigInteger(P - 5);
        var b = Fp.FromBigInteger(12345678901234567);
        var x = a; Fp.Mul(in x, in x, out x); Assert.Equal(Mod((P - 5) * (P - 5)), x.ToBigInteger());
        x = a; Fp.Add(in x, in b, out x); Assert.Equal(Mod(P - 5 + 12345678901234567), x.ToBigInteger());
        x = a; Fp.Sub(in b, in x, out x); Assert.Equal(Mod(12345678901234567 - (P - 5)), x.ToBigInteger());
        x = a; Fp.Square(in x, out x); Assert.Equal(Mod((P - 5) * (P - 5)), x.ToBigInteger());
    }

    [Fact]
    public void InverseMatchesBigInteger()
    {
        foreach (var x in Values(3, 30))
        {
            var a = Fp.FromBigInteger(x);
            Fp.Inverse(in a, out var inv);
            Assert.Equal(x.IsZero ? 0 : BigInteger.ModPow(x, P - 2, P), inv.ToBigInteger());
            if (!x.IsZero) { Fp.Mul(in a, in inv, out var one); Assert.True(one.IsOne); }
        }
    }

    [Fact]
    public void SqrtMatchesBigIntegerAndRejectsNonResidues()
    {
        int squares = 0, nonSquares = 0;
        foreach (var x in Values(4, 40))
        {
            var a = Fp.FromBigInteger(x);
            bool isSquare = x.IsZero || BigInteger.ModPow(x, (P - 1) / 2, P).IsOne;
            bool ok = Fp.Sqrt(in a, out var r);
            Assert.Equal(isSquare, ok);
            if (ok)
            {
                squares++;
                Assert.Equal(BigInteger.ModPow(x, (P + 1) / 4, P), r.ToBigInteger());
                Assert.Equal(x, Mod(r.ToBigInteger() * r.ToBigInteger()));
            }
            else nonSquares++;
        }
        Assert.True(squares > 5 && nonSquares > 5);
    }

    [Fact]
    public void BatchInverseMatchesSingleInverses()
    {
        var xs = Values(5, 40).ToArray();
        var v = xs.Select(Fp.FromBigInteger).ToArray();
        var scratch = new Fp[v.Length];
        Fp.BatchInverse(v, scratch);
        for (int i = 0; i < xs.Length; i++)
            Assert.Equal(xs[i].IsZero ? 0 : BigInteger.ModPow(xs[i], P - 2, P), v[i].ToBigInteger());
    }

    [Fact]
    public void BytesAreBigEndianAndRejectNonCanonical()
    {
        var b = new byte[32];
        b[31] = 1; b[0] = 0x80;
        Assert.True(Fp.TryFromBytes(b, out var v));
        Assert.Equal((BigInteger.One << 255) + 1, v.ToBigInteger());
        var pb = P.ToByteArray(isUnsigned: true, isBigEndian: true);
        Assert.False(Fp.TryFromBytes(pb, out _));                   // p itself
        Assert.False(Fp.TryFromBytes(Enumerable.Repeat((byte)0xFF, 32).ToArray(), out _));
        var pm1 = (P - 1).ToByteArray(isUnsigned: true, isBigEndian: true);
        Assert.True(Fp.TryFromBytes(pm1, out var top));
        var back = new byte[32];
        top.WriteBytes(back);
        Assert.Equal(pm1, back);
    }
}
