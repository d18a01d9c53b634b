using System.Numerics;
using ZkmlProver.Field;

namespace ZkmlProver.Field.Tests;

/// <summary>
/// The Montgomery multiplication kernel (special-form reduction for n's top words 2^64−1, 2^64−2)
/// against System.Numerics.BigInteger, on values chosen so that the internal Montgomery limbs hit
/// the reduction's edge cases: x = v·2^−256 mod n has Montgomery limbs exactly v.
/// </summary>
public class FrMulKernelTests
{
    private static readonly BigInteger N = Fr.Modulus;
    private static readonly BigInteger RInv = BigInteger.ModPow(BigInteger.One << 256, N - 2, N);

    private static BigInteger Mod(BigInteger v) { v %= N; return v.Sign < 0 ? v + N : v; }

    /// <summary>Elements whose Montgomery limbs are the given values v (v &lt; n).</summary>
    private static Fr WithLimbs(BigInteger v) => Fr.FromBigInteger(Mod(v * RInv));

    private static IEnumerable<BigInteger> LimbEdges()
    {
        BigInteger one = BigInteger.One, w = one << 64;
        yield return 0; yield return 1; yield return 2; yield return N - 1; yield return N - 2;
        yield return w - 1; yield return w; yield return (w << 64) - 1; yield return (w << 128) - 1;
        yield return one << 255; yield return (one << 255) - 1; yield return N / 2; yield return (N + 1) / 2;
        yield return (one << 256) - N;                 // R mod n (Montgomery one): limbs R0, R1, 1, 0
        for (int i = 0; i < 256; i += 7) { yield return Mod(N - (one << i)); yield return one << i; }
        // Every limb all-ones or zero (below n): stresses the carry chains.
        for (int mask = 0; mask < 16; mask++)
        {
            BigInteger v = 0;
            for (int l = 0; l < 4; l++) if ((mask >> l & 1) != 0) v |= (w - 1) << (64 * l);
            if (v < N) yield return v;
            else yield return N - 1 - (v - N) % N;
        }
    }

    [Fact]
    public void MulMatchesBigIntegerOnMontgomeryLimbEdges()
    {
        var vs = LimbEdges().Select(Mod).Distinct().ToArray();
        Assert.True(vs.Length > 60);
        var rng = new Random(11);
        var randoms = Enumerable.Range(0, 40).Select(_ => Fr.Random(rng)).ToArray();
        foreach (var v in vs)
        {
            Fr a = WithLimbs(v);
            BigInteger x = a.ToBigInteger();
            foreach (var u in vs)
            {
                Fr b = WithLimbs(u);
                Assert.Equal(Mod(x * b.ToBigInteger()), (a * b).ToBigInteger());
            }
            foreach (var b in randoms) Assert.Equal(Mod(x * b.ToBigInteger()), (a * b).ToBigInteger());
        }
    }

    [Fact]
    public void MontgomeryLimbsAreWhatTheTestAssumes()
    {
        // WithLimbs(R mod n) must be the field's one (its Montgomery limbs are R mod n).
        Assert.True(WithLimbs((BigInteger.One << 256) - N).IsOne);
        Assert.True(WithLimbs(0).IsZero);
    }

    [Fact]
    public void LongDependentChainMatchesBigInteger()
    {
        var rng = new Random(12);
        Fr a = Fr.Random(rng), b = Fr.Random(rng), c = b;
        BigInteger x = a.ToBigInteger(), y = b.ToBigInteger(), z = y;
        for (int i = 0; i < 20000; i++)
        {
            Fr.Mul(in a, in b, out a);             // out aliases the first input
            Fr.Mul(in c, in c, out c);             // out aliases both inputs
            x = x * y % N;
            z = z * z % N;
            if (i % 97 == 0) { y = Mod(y * y + 1); b = b * b + Fr.One; }
        }
        Assert.Equal(x, a.ToBigInteger());
        Assert.Equal(y, b.ToBigInteger());
        Assert.Equal(z, c.ToBigInteger());
    }

    [Fact]
    public void SquareMatchesMulAndBigInteger()
    {
        foreach (var v in LimbEdges().Select(Mod).Distinct())
        {
            Fr a = WithLimbs(v);
            BigInteger x = a.ToBigInteger();
            Fr.Square(in a, out var s);
            Assert.Equal(Mod(x * x), s.ToBigInteger());
            Assert.Equal(a * a, a.Square());
            Fr t = a; Fr.Square(in t, out t);
            Assert.Equal(s, t);
        }
    }
}
