using CsCheck;
using ZkmlProver.Field;

namespace ZkmlProver.Field.Tests;

/// <summary>Field axioms as property tests (CsCheck, fixed iteration counts).</summary>
public class FrLawsTests
{
    private static readonly Gen<Fr> GenFr = Gen.Int.Array[16].Select(ints =>
    {
        var bytes = new byte[64];
        Buffer.BlockCopy(ints, 0, bytes, 0, 64);
        return Fr.FromBytesWide(bytes);
    });

    [Fact]
    public void RingLaws() => Gen.Select(GenFr, GenFr, GenFr).Sample((a, b, c) =>
        a + b == b + a && a * b == b * a && (a + b) + c == a + (b + c) && (a * b) * c == a * (b * c)
        && a * (b + c) == a * b + a * c && a + Fr.Zero == a && a * Fr.One == a && a - a == Fr.Zero
        && a + (-a) == Fr.Zero, iter: 300);

    [Fact]
    public void InverseLaw() => GenFr.Sample(a => a.IsZero || (a * a.Inverse()).IsOne, iter: 100);

    [Fact]
    public void EncodingRoundTrips() => GenFr.Sample(a => Fr.TryFromBytes(a.ToBytes(), out var b) && a == b, iter: 300);
}
