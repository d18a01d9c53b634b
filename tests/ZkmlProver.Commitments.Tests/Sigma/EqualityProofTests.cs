using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using static ZkmlProver.Commitments.Tests.Sigma.SigmaTestUtil;

namespace ZkmlProver.Commitments.Tests.Sigma;

public class EqualityProofTests
{
    private static readonly PedersenKey Key = PedersenKey.Get(1);

    [Fact]
    public void CompletenessForTwoCommitmentsAndForAPublicValue()
    {
        var rng = new Random(20);
        Fr x = R(rng), r1 = R(rng), r2 = R(rng);
        var c1 = Key.Commit(x, r1); var c2 = Key.Commit(x, r2);
        var pt = NewTranscript();
        var p = EqualityProof.Prove(pt, Key, c1, c2, r1, r2, rng);
        var vt = NewTranscript();
        Assert.True(EqualityProof.Verify(vt, Key, c1, c2, p).Accepted);
        Assert.Equal(pt.Log, vt.Log);

        var pp = EqualityProof.ProvePublic(NewTranscript(), Key, c1, x, r1, rng);
        Assert.True(EqualityProof.VerifyPublic(NewTranscript(), Key, c1, x, pp).Accepted);
    }

    [Fact]
    public void DifferentValuesCannotBeProvenEqual()
    {
        var rng = new Random(21);
        Fr r1 = R(rng), r2 = R(rng);
        var c1 = Key.Commit(Fr.FromInt64(3), r1); var c2 = Key.Commit(Fr.FromInt64(4), r2);
        // The honest algorithm run on unequal values produces a rejected proof.
        var p = EqualityProof.Prove(NewTranscript(), Key, c1, c2, r1, r2, rng);
        AssertRejected(EqualityProof.Verify(NewTranscript(), Key, c1, c2, p));
        var pp = EqualityProof.ProvePublic(NewTranscript(), Key, c1, Fr.FromInt64(4), r1, rng);
        AssertRejected(EqualityProof.VerifyPublic(NewTranscript(), Key, c1, Fr.FromInt64(4), pp));
    }

    [Fact]
    public void EveryElementChangedAndWrongStatementsAreRejected()
    {
        var rng = new Random(22);
        Fr x = R(rng), r1 = R(rng), r2 = R(rng);
        var c1 = Key.Commit(x, r1); var c2 = Key.Commit(x, r2);
        var p = EqualityProof.Prove(NewTranscript(), Key, c1, c2, r1, r2, rng);
        AssertRejected(EqualityProof.Verify(NewTranscript(), Key, c1, c2, p with { Alpha = p.Alpha + Key.H }));
        AssertRejected(EqualityProof.Verify(NewTranscript(), Key, c1, c2, p with { Z = p.Z + Fr.One }));
        AssertRejected(EqualityProof.Verify(NewTranscript(), Key, c2, c1, p));
        AssertRejected(EqualityProof.Verify(NewTranscript(), Key, c1 + Key.H, c2 + Key.H, p));
        AssertRejected(EqualityProof.Verify(NewTranscript(), Key, c1, c2, null));
        // A two-commitment proof is not a public-value proof (different domain label), and vice versa.
        var pp = EqualityProof.ProvePublic(NewTranscript(), Key, c1, x, r1, rng);
        AssertRejected(EqualityProof.VerifyPublic(NewTranscript(), Key, c1, x + Fr.One, pp));
        AssertRejected(EqualityProof.VerifyPublic(NewTranscript(), Key, c1 + Key.G, x + Fr.One, pp));
        AssertRejected(EqualityProof.VerifyPublic(NewTranscript(), Key, c1, x, pp with { Z = pp.Z + Fr.One }));
        AssertRejected(EqualityProof.VerifyPublic(NewTranscript(), Key, c1, x, pp with { Alpha = pp.Alpha + Key.H }));
    }

    [Fact]
    public void SimulatedTranscriptsVerify()
    {
        var rng = new Random(23);
        var c1 = Key.Commit(R(rng), R(rng)); var c2 = Key.Commit(R(rng), R(rng)); // not even equal
        var ch = R(rng);
        var d = EqualityProof.Difference(c1, c2);
        var s = EqualityProof.Simulate(Key, d, ch, rng);
        Assert.True(s.VerifyWithChallenge(Key, d, ch).Accepted);
        AssertRejected(s.VerifyWithChallenge(Key, d, ch + Fr.One));
        var dp = EqualityProof.PublicDifference(Key, c1, Fr.FromInt64(9));
        Assert.True(EqualityProof.Simulate(Key, dp, ch, rng).VerifyWithChallenge(Key, dp, ch).Accepted);
    }

    [Fact]
    public void SerializationRoundTripsAndMalformedBytesAreRejected()
    {
        var rng = new Random(24);
        Fr x = R(rng), r1 = R(rng), r2 = R(rng);
        var c1 = Key.Commit(x, r1); var c2 = Key.Commit(x, r2);
        var p = EqualityProof.Prove(NewTranscript(), Key, c1, c2, r1, r2, rng);
        var bytes = p.ToBytes();
        Assert.Equal(33 + 32, bytes.Length);
        Assert.True(EqualityProof.TryFromBytes(bytes, out var q, out var err), err);
        Assert.Equal(p, q);
        Assert.True(EqualityProof.Verify(NewTranscript(), Key, c1, c2, q).Accepted);
        AssertMalformedBytesRejected(bytes, b => (EqualityProof.TryFromBytes(b, out var v, out var e), v, e));
    }
}
