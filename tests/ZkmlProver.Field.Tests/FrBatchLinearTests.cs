using System.Numerics;
using ZkmlProver.Field;

namespace ZkmlProver.Field.Tests;

/// <summary>
/// The eight-lane addition, subtraction, sum, line extension and fused fold kernels against
/// <see cref="Fr.Add"/>/<see cref="Fr.Sub"/>/<see cref="Fr.Mul"/> and BigInteger, on both paths, with
/// carry/borrow edge values and every length 0…17.
/// </summary>
[Collection("FieldVectors.UseAvx512")]
public class FrBatchLinearTests
{
    private static readonly BigInteger N = Fr.Modulus;

    private static Fr[] Pool() => FrBatchMulTests.Edges().Concat(new[] { Fr.Zero, Fr.One, -Fr.One }).Concat(
        Enumerable.Range(0, 30).Select(i => Fr.Random(new Random(i)))).ToArray();

    [Fact]
    public void AddSubMatchBigIntegerOnAllEdgePairs()
    {
        var e = Pool();
        var a = new List<Fr>(); var b = new List<Fr>();
        foreach (var x in e) foreach (var y in e) { a.Add(x); b.Add(y); }
        var aa = a.ToArray(); var bb = b.ToArray();
        FrBatchMulTests.BothPaths(() =>
        {
            var c = new Fr[aa.Length];
            FieldVectors.AddBatch(aa, bb, c);
            for (int i = 0; i < c.Length; i++)
            {
                // Value (BigInteger) and representation (limbs equal to the scalar kernel's, i.e. fully reduced).
                Assert.Equal((aa[i].ToBigInteger() + bb[i].ToBigInteger()) % N, c[i].ToBigInteger());
                Assert.Equal(aa[i] + bb[i], c[i]);
            }
            FieldVectors.SubBatch(aa, bb, c);
            for (int i = 0; i < c.Length; i++)
            {
                Assert.Equal(((aa[i].ToBigInteger() - bb[i].ToBigInteger()) % N + N) % N, c[i].ToBigInteger());
                Assert.Equal(aa[i] - bb[i], c[i]);
            }
        });
    }

    [Fact]
    public void EveryLengthUpTo17WithAliasing()
    {
        var pool = Pool();
        var rng = new Random(7);
        FrBatchMulTests.BothPaths(() =>
        {
            for (int len = 0; len <= 17; len++)
                for (int rep = 0; rep < 5; rep++)
                {
                    var a = Enumerable.Range(0, len).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
                    var b = Enumerable.Range(0, len).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
                    var r = pool[rng.Next(pool.Length)];

                    var c = (Fr[])a.Clone();
                    FieldVectors.AddBatch(c, b, c);
                    Assert.Equal(a.Select((x, i) => x + b[i]), c);
                    c = (Fr[])b.Clone();
                    FieldVectors.SubBatch(a, c, c);
                    Assert.Equal(a.Select((x, i) => x - b[i]), c);

                    Fr sum = Fr.Zero;
                    foreach (var x in a) sum += x;
                    Assert.Equal(sum, FieldVectors.Sum(a));

                    // Three rows X = 2, 3, 4 at stride len + 3; the gaps must stay untouched.
                    int stride = len + 3;
                    var dst = Enumerable.Repeat(Fr.One, 3 * stride).ToArray();
                    FieldVectors.ExtendLine(a, b, dst, 3, stride);
                    for (int j = 0; j < 3; j++)
                    {
                        Fr x = Fr.FromInt64(j + 2);
                        for (int i = 0; i < len; i++) Assert.Equal(a[i] + x * (b[i] - a[i]), dst[j * stride + i]);
                        for (int i = len; i < stride; i++) Assert.True(dst[j * stride + i].IsOne);
                    }

                    var lo = (Fr[])a.Clone();
                    FieldVectors.Fold(lo, b, in r);
                    Assert.Equal(a.Select((x, i) => x + r * (b[i] - x)), lo);
                }
        });
    }

    [Fact]
    public void FoldAndSumOnEdgeScalarsAndLongInputs()
    {
        var e = Pool();
        var rng = new Random(8);
        var hi = e.Select(_ => e[rng.Next(e.Length)]).ToArray();
        FrBatchMulTests.BothPaths(() =>
        {
            foreach (var r in e)
            {
                var lo = (Fr[])e.Clone();
                FieldVectors.Fold(lo, hi, in r);
                for (int i = 0; i < lo.Length; i++)
                {
                    BigInteger x = e[i].ToBigInteger(), y = hi[i].ToBigInteger();
                    Assert.Equal(((x + r.ToBigInteger() * (y - x)) % N + N) % N, lo[i].ToBigInteger());
                    Assert.Equal(e[i] + r * (hi[i] - e[i]), lo[i]);
                }
            }
            var big = Enumerable.Range(0, 1000).Select(i => i % 3 == 0 ? -Fr.One : Fr.Random(rng)).ToArray();
            BigInteger s = 0;
            foreach (var x in big) s += x.ToBigInteger();
            Assert.Equal(s % N, FieldVectors.Sum(big).ToBigInteger());
            Fr expect = Fr.Zero;
            foreach (var x in big) expect += x;
            Assert.Equal(expect, FieldVectors.Sum(big));
        });
    }

    [Fact]
    public void ShapeChecksThrow()
    {
        Assert.Throws<ArgumentException>(() => FieldVectors.AddBatch(new Fr[3], new Fr[3], new Fr[2]));
        Assert.Throws<ArgumentException>(() => FieldVectors.SubBatch(new Fr[3], new Fr[2], new Fr[3]));
        Assert.Throws<ArgumentException>(() => FieldVectors.ExtendLine(new Fr[3], new Fr[3], new Fr[5], 2, 3));
        Assert.Throws<ArgumentException>(() => FieldVectors.ExtendLine(new Fr[3], new Fr[3], new Fr[9], 2, 2));
        FieldVectors.ExtendLine(new Fr[3], new Fr[3], new Fr[6], 2, 3);
    }
}
