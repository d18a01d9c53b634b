using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using static ZkmlProver.Commitments.Tests.Sigma.SigmaTestUtil;

namespace ZkmlProver.Commitments.Tests.Sigma;

public class OpeningProofTests
{
    private static readonly PedersenKey Key = PedersenKey.Get(1);

    private static (ZkmlProver.Curve.Point C, OpeningProof P, Fr X, Fr Rb) Make(Random rng)
    {
        Fr x = R(rng), r = R(rng);
        var c = Key.Commit(x, r);
        return (c, OpeningProof.Prove(NewTranscript(), Key, c, x, r, rng), x, r);
    }

    [Fact]
    public void Completeness()
    {
        var rng = new Random(10);
        var (c, p, _, _) = Make(rng);
        var vt = NewTranscript();
        Assert.True(OpeningProof.Verify(vt, Key, c, p).Accepted);
        // Also with a small integer value and the real CSPRNG.
        var c2 = Key.Commit(Fr.FromInt64(-5), Fr.FromInt64(7));
        Assert.True(OpeningProof.Verify(NewTranscript(), Key, c2, OpeningProof.Prove(NewTranscript(), Key, c2, Fr.FromInt64(-5), Fr.FromInt64(7))).Accepted);
    }

    [Fact]
    public void TranscriptsOfProverAndVerifierAgree()
    {
        var rng = new Random(11);
        Fr x = R(rng), r = R(rng);
        var c = Key.Commit(x, r);
        var pt = NewTranscript();
        var p = OpeningProof.Prove(pt, Key, c, x, r, rng);
        var vt = NewTranscript();
        Assert.True(OpeningProof.Verify(vt, Key, c, p).Accepted);
        Assert.Equal(pt.Log, vt.Log);
        Assert.Contains(pt.Log, e => e.Contains("sigma/opening/C"));
    }

    [Fact]
    public void EveryElementChangedIsRejected()
    {
        var rng = new Random(12);
        var (c, p, _, _) = Make(rng);
        AssertRejected(OpeningProof.Verify(NewTranscript(), Key, c, p with { Alpha = p.Alpha + Key.G }));
        AssertRejected(OpeningProof.Verify(NewTranscript(), Key, c, p with { Z1 = p.Z1 + Fr.One }));
        AssertRejected(OpeningProof.Verify(NewTranscript(), Key, c, p with { Z2 = p.Z2 + Fr.One }));
        AssertRejected(OpeningProof.Verify(NewTranscript(), Key, c, null));
    }

    [Fact]
    public void WrongStatementOrTranscriptIsRejected()
    {
        var rng = new Random(13);
        var (c, p, _, _) = Make(rng);
        AssertRejected(OpeningProof.Verify(NewTranscript(), Key, c + Key.H, p));
        var other = new ZkmlProver.Transcript.Transcript("other-protocol");
        AssertRejected(OpeningProof.Verify(other, Key, c, p));
    }

    [Fact]
    public void SimulatedTranscriptsVerify()
    {
        var rng = new Random(14);
        var c = Key.Commit(R(rng), R(rng));
        var ch = R(rng);
        var s = OpeningProof.Simulate(Key, c, ch, rng);
        Assert.True(s.VerifyWithChallenge(Key, c, ch).Accepted);
        AssertRejected(s.VerifyWithChallenge(Key, c, ch + Fr.One));
        // An honest proof also satisfies the equation for the transcript's challenge only.
        var (c2, p, _, _) = Make(rng);
        AssertRejected(p.VerifyWithChallenge(Key, c2, R(rng)));
    }

    [Fact]
    public void SerializationRoundTripsAndMalformedBytesAreRejected()
    {
        var rng = new Random(15);
        var (c, p, _, _) = Make(rng);
        var bytes = p.ToBytes();
        Assert.Equal(33 + 32 + 32, bytes.Length);
        Assert.True(OpeningProof.TryFromBytes(bytes, out var q, out var err), err);
        Assert.Equal(p, q);
        Assert.True(OpeningProof.Verify(NewTranscript(), Key, c, q).Accepted);
        AssertMalformedBytesRejected(bytes, b => (OpeningProof.TryFromBytes(b, out var v, out var e), v, e));
    }
}
