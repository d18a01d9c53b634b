using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using static ZkmlProver.Commitments.Tests.Sigma.SigmaTestUtil;

namespace ZkmlProver.Commitments.Tests.Sigma;

public class DotProductProofTests
{
    private static readonly PedersenKey Key = PedersenKey.Get(8);

    private static Fr[] Vec(Random rng, int n) { var v = new Fr[n]; for (int i = 0; i < n; i++) v[i] = R(rng); return v; }

    private sealed record Instance(Point Cx, Point Cy, Fr[] A, Fr[] X, Fr Rx, Fr Ry);

    private static Instance Make(Random rng, int n)
    {
        var x = Vec(rng, n); var a = Vec(rng, n);
        Fr rx = R(rng), ry = R(rng);
        return new Instance(Key.Commit(x, rx), Key.Commit(FieldVectors.InnerProduct(a, x), ry), a, x, rx, ry);
    }

    private static DotProductProof Prove(Instance s, Random rng, ZkmlProver.Transcript.Transcript? t = null)
        => DotProductProof.Prove(t ?? NewTranscript(), Key, s.Cx, s.Cy, s.A, s.X, s.Rx, s.Ry, rng);

    [Fact]
    public void CompletenessForSeveralLengths()
    {
        var rng = new Random(40);
        foreach (var n in new[] { 1, 2, 3, 5, 8 })
        {
            var s = Make(rng, n);
            var pt = NewTranscript();
            var p = Prove(s, rng, pt);
            var vt = NewTranscript();
            Assert.True(DotProductProof.Verify(vt, Key, s.Cx, s.Cy, s.A, p).Accepted);
            Assert.Equal(pt.Log, vt.Log);
        }
    }

    [Fact]
    public void WrongInnerProductIsRejected()
    {
        var rng = new Random(41);
        var s = Make(rng, 4);
        var bad = s with { Cy = Key.Commit(FieldVectors.InnerProduct(s.A, s.X) + Fr.One, s.Ry) };
        AssertRejected(DotProductProof.Verify(NewTranscript(), Key, bad.Cx, bad.Cy, bad.A, Prove(bad, rng)));
    }

    [Fact]
    public void EveryElementChangedAndWrongStatementsAreRejected()
    {
        var rng = new Random(42);
        var s = Make(rng, 3);
        var p = Prove(s, rng);
        var tampered = new List<DotProductProof>
        {
            p with { Delta = p.Delta + Key.G }, p with { Beta = p.Beta + Key.G },
            p with { ZDelta = p.ZDelta + Fr.One }, p with { ZBeta = p.ZBeta + Fr.One },
            p with { Z = p.Z[..2] }, p with { Z = [.. p.Z, Fr.One] }, p with { Z = null! },
        };
        for (int i = 0; i < p.Z.Length; i++)
        {
            var z = (Fr[])p.Z.Clone();
            z[i] += Fr.One;
            tampered.Add(p with { Z = z });
        }
        foreach (var t in tampered) AssertRejected(DotProductProof.Verify(NewTranscript(), Key, s.Cx, s.Cy, s.A, t));
        var a2 = (Fr[])s.A.Clone(); a2[0] += Fr.One;
        AssertRejected(DotProductProof.Verify(NewTranscript(), Key, s.Cx, s.Cy, a2, p));
        AssertRejected(DotProductProof.Verify(NewTranscript(), Key, s.Cx + Key.H, s.Cy, s.A, p));
        AssertRejected(DotProductProof.Verify(NewTranscript(), Key, s.Cx, s.Cy + Key.G, s.A, p));
        AssertRejected(DotProductProof.Verify(NewTranscript(), Key, s.Cx, s.Cy, s.A[..2], p));
        AssertRejected(DotProductProof.Verify(NewTranscript(), Key, s.Cx, s.Cy, s.A, null));
        // Longer than the key: rejected with a reason, not an exception.
        var longA = Vec(rng, 9);
        AssertRejected(DotProductProof.Verify(NewTranscript(), Key, s.Cx, s.Cy, longA, p with { Z = Vec(rng, 9) }));
    }

    [Fact]
    public void SimulatedTranscriptsVerify()
    {
        var rng = new Random(43);
        var cx = Key.Commit(Vec(rng, 5), R(rng)); var cy = Key.Commit(R(rng), R(rng));
        var a = Vec(rng, 5);
        var ch = R(rng);
        var s = DotProductProof.Simulate(Key, cx, cy, a, ch, rng);
        Assert.True(s.VerifyWithChallenge(Key, cx, cy, a, ch).Accepted);
        AssertRejected(s.VerifyWithChallenge(Key, cx, cy, a, ch + Fr.One));
    }

    [Fact]
    public void SerializationRoundTripsAndMalformedBytesAreRejected()
    {
        var rng = new Random(44);
        var s = Make(rng, 3);
        var p = Prove(s, rng);
        var bytes = p.ToBytes();
        Assert.Equal(2 * 33 + 4 + 3 * 32 + 2 * 32, bytes.Length);
        Assert.True(DotProductProof.TryFromBytes(bytes, 3, out var q, out var err), err);
        Assert.Equal(p.Delta, q!.Delta); Assert.Equal(p.Beta, q.Beta); Assert.Equal(p.Z, q.Z);
        Assert.Equal(p.ZDelta, q.ZDelta); Assert.Equal(p.ZBeta, q.ZBeta);
        Assert.True(DotProductProof.Verify(NewTranscript(), Key, s.Cx, s.Cy, s.A, q).Accepted);
        // A response vector of the wrong length is refused at decode time.
        Assert.False(DotProductProof.TryFromBytes(bytes, 4, out _, out var lenErr));
        Assert.Contains("expected 4", lenErr);
        AssertMalformedBytesRejected(bytes, b => (DotProductProof.TryFromBytes(b, 3, out var v, out var e), v, e));
    }
}
