using System.Numerics;
using ZkmlProver.Field;

namespace ZkmlProver.Field.Tests;

/// <summary>Every field operation against System.Numerics.BigInteger, on random and edge values.</summary>
public class FrDifferentialTests
{
    private static readonly BigInteger N = Fr.Modulus;

    private static IEnumerable<BigInteger> Values(int seed, int count)
    {
        var rng = new Random(seed);
        BigInteger[] edges = [0, 1, 2, N - 1, N - 2, BigInteger.One << 64, (BigInteger.One << 64) - 1,
            BigInteger.One << 128, BigInteger.One << 255, (BigInteger.One << 256) - 1 - ((BigInteger.One << 256) - N) - 1,
            N / 2, (N + 1) / 2];
        foreach (var e in edges) yield return e % N;
        for (int i = 0; i < count; i++) yield return Fr.Random(rng).ToBigInteger();
    }

    private static BigInteger Mod(BigInteger v) { v %= N; return v.Sign < 0 ? v + N : v; }

    [Fact]
    public void AddSubMulNegMatchBigInteger()
    {
        var xs = Values(1, 60).ToArray();
        var ys = Values(2, 60).ToArray();
        foreach (var x in xs)
            foreach (var y in ys)
            {
                Fr a = Fr.FromBigInteger(x), b = Fr.FromBigInteger(y);
                Assert.Equal(Mod(x + y), (a + b).ToBigInteger());
                Assert.Equal(Mod(x - y), (a - b).ToBigInteger());
                Assert.Equal(Mod(x * y), (a * b).ToBigInteger());
                Assert.Equal(Mod(-x), (-a).ToBigInteger());
            }
    }

    [Fact]
    public void InverseAndPowMatchBigInteger()
    {
        foreach (var x in Values(3, 40))
        {
            var a = Fr.FromBigInteger(x);
            Assert.Equal(x.IsZero ? BigInteger.Zero : BigInteger.ModPow(x, N - 2, N), a.Inverse().ToBigInteger());
            Assert.Equal(BigInteger.ModPow(x, 12345, N), Fr.Pow(a, 12345).ToBigInteger());
            if (!x.IsZero) Assert.True((a * a.Inverse()).IsOne);
        }
    }

    [Fact]
    public void OutputMayAliasInput()
    {
        var rng = new Random(4);
        for (int i = 0; i < 50; i++)
        {
            Fr a = Fr.Random(rng), b = Fr.Random(rng);
            BigInteger x = a.ToBigInteger(), y = b.ToBigInteger();
            Fr c = a; Fr.Mul(in c, in b, out c); Assert.Equal(Mod(x * y), c.ToBigInteger());
            c = a; Fr.Mul(in c, in c, out c); Assert.Equal(Mod(x * x), c.ToBigInteger());
            c = a; Fr.Add(in c, in c, out c); Assert.Equal(Mod(x + x), c.ToBigInteger());
            c = a; Fr.Sub(in b, in c, out c); Assert.Equal(Mod(y - x), c.ToBigInteger());
            c = a; Fr.Neg(in c, out c); Assert.Equal(Mod(-x), c.ToBigInteger());
        }
    }

    [Theory]
    [InlineData(0L)] [InlineData(1L)] [InlineData(-1L)] [InlineData(32767L)] [InlineData(-32768L)]
    [InlineData(long.MaxValue)] [InlineData(long.MinValue)]
    public void SignedInt64RoundTrips(long v)
    {
        var a = Fr.FromInt64(v);
        Assert.Equal(Mod(v), a.ToBigInteger());
        Assert.True(a.TryToInt64(out var back));
        Assert.Equal(v, back);
    }

    [Fact]
    public void LargeElementIsNotAnInt64() => Assert.False(Fr.FromBigInteger(BigInteger.One << 100).TryToInt64(out _));

    [Fact]
    public void BytesAreCanonicalBigEndian()
    {
        var b = Fr.FromUInt64(0x0102).ToBytes();
        Assert.Equal(32, b.Length);
        Assert.Equal(0x01, b[30]);
        Assert.Equal(0x02, b[31]);
        Assert.All(b[..30], x => Assert.Equal(0, x));
        Assert.True(Fr.TryFromBytes(b, out var back));
        Assert.Equal(Fr.FromUInt64(0x0102), back);
    }

    [Fact]
    public void DecodingRejectsNonCanonicalAndWrongLength()
    {
        var nBytes = N.ToByteArray(isUnsigned: true, isBigEndian: true);
        Assert.False(Fr.TryFromBytes(nBytes, out _));                   // n itself
        Assert.False(Fr.TryFromBytes(Enumerable.Repeat((byte)0xFF, 32).ToArray(), out _));
        Assert.False(Fr.TryFromBytes(new byte[31], out _));
        Assert.False(Fr.TryFromBytes(new byte[33], out _));
        Assert.True(Fr.TryFromBytes((N - 1).ToByteArray(isUnsigned: true, isBigEndian: true), out var m));
        Assert.Equal(N - 1, m.ToBigInteger());
    }

    [Fact]
    public void WideReductionMatchesBigInteger()
    {
        var rng = new Random(5);
        var buf = new byte[64];
        for (int i = 0; i < 100; i++)
        {
            rng.NextBytes(buf);
            if (i == 0) Array.Fill(buf, (byte)0xFF);
            var expected = new BigInteger(buf, isUnsigned: true, isBigEndian: true) % N;
            Assert.Equal(expected, Fr.FromBytesWide(buf).ToBigInteger());
        }
    }

    [Fact]
    public void BatchInverseMatchesSingleInversesAndKeepsZeros()
    {
        var rng = new Random(6);
        var v = Enumerable.Range(0, 37).Select(i => i % 7 == 0 ? Fr.Zero : Fr.Random(rng)).ToArray();
        var expected = v.Select(x => x.Inverse()).ToArray();
        FieldVectors.BatchInverse(v);
        Assert.Equal(expected, v);
    }

    [Fact]
    public void FoldHighFixesTheMostSignificantVariable()
    {
        // v = [1,2,1,4] over (x1,x2) with x1 the MSB: ṽ(x1,x2) at x1 = 4 gives [1+4·0, 2+4·2] = [1, 10].
        Fr[] v = [1, 2, 1, 4];
        var folded = FieldVectors.FoldHigh(v, 4);
        Assert.Equal(new Fr[] { 1, 10 }, folded.ToArray());
        // then x2 = 3: 1 + 3·(10 − 1) = 28 — the convention's hand-computed value.
        Assert.Equal((Fr)28, FieldVectors.FoldHigh(folded, 3)[0]);
    }
}
