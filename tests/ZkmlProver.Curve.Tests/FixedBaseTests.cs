using System.Numerics;
using ZkmlProver.Field;

namespace ZkmlProver.Curve.Tests;

/// <summary>The fixed-base table against BouncyCastle and the variable-base path.</summary>
public class FixedBaseTests
{
    private static readonly BigInteger N = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337");

    private static IEnumerable<Fr> Scalars()
    {
        // Edges of the signed 8-bit recoding: digits of 128 and 129 (carries), runs of 0xFF, n − 1.
        foreach (var v in new BigInteger[] { 0, 1, 2, 127, 128, 129, 255, 256, (BigInteger.One << 255), (BigInteger.One << 248) * 0x80, N - 1, N - 2, N / 2 })
            yield return Fr.FromBigInteger(v);
        var allFF = (BigInteger.One << 256) - 1;
        yield return Fr.FromBigInteger(allFF % N);
        yield return Fr.FromBigInteger(BigInteger.Parse("0" + string.Concat(Enumerable.Repeat("80", 31)), System.Globalization.NumberStyles.HexNumber));
        var rng = new Random(7);
        for (int i = 0; i < 300; i++) yield return Fr.Random(rng);
    }

    [Fact]
    public void TableMultiplicationMatchesBouncyCastleAndTheVariableBasePath()
    {
        var p = PointTests.SamplePoints(3, 2)[1]; // a non-normalized point
        var table = new FixedBase(p);
        foreach (var k in Scalars())
        {
            var expected = Point.FromBouncyCastle(p.ToBouncyCastle().Multiply(PointTests.ToBc(k)).Normalize());
            var got = table.Multiply(k);
            Assert.Equal(expected, got);
            Assert.Equal(expected.ToBytes(), got.ToBytes());
        }
    }

    [Fact]
    public void RegisteredBaseIsUsedByPointMultiply()
    {
        var p = PointTests.SamplePoints(9, 1)[0];
        var before = p.Multiply(Fr.FromInt64(12345));
        var t = FixedBase.Register(p);
        Assert.Same(t, FixedBase.Register(p));
        Assert.Same(t, FixedBase.Find(t.Base));
        Assert.Equal(before, t.Base.Multiply(Fr.FromInt64(12345)));
        var rng = new Random(2);
        for (int i = 0; i < 50; i++)
        {
            var k = Fr.Random(rng);
            Assert.Equal(Point.FromBouncyCastle(p.ToBouncyCastle().Multiply(PointTests.ToBc(k)).Normalize()), t.Base * k);
        }
    }
}
