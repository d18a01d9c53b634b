using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using static ZkmlProver.Commitments.Tests.Sigma.SigmaTestUtil;

namespace ZkmlProver.Commitments.Tests.Sigma;

public class ProductProofTests
{
    private static readonly PedersenKey Key = PedersenKey.Get(1);

    private static (Point X, Point Y, Point Z, ProductProof P) Make(Random rng, ZkmlProver.Transcript.Transcript t)
    {
        Fr x = R(rng), y = R(rng), rx = R(rng), ry = R(rng), rz = R(rng);
        var cx = Key.Commit(x, rx); var cy = Key.Commit(y, ry); var cz = Key.Commit(x * y, rz);
        return (cx, cy, cz, ProductProof.Prove(t, Key, cx, cy, cz, x, rx, y, ry, rz, rng));
    }

    [Fact]
    public void Completeness()
    {
        var rng = new Random(30);
        var pt = NewTranscript();
        var (cx, cy, cz, p) = Make(rng, pt);
        var vt = NewTranscript();
        Assert.True(ProductProof.Verify(vt, Key, cx, cy, cz, p).Accepted);
        Assert.Equal(pt.Log, vt.Log);
    }

    [Fact]
    public void WrongProductIsRejected()
    {
        var rng = new Random(31);
        Fr x = 6, y = 7, rx = R(rng), ry = R(rng), rz = R(rng);
        var cx = Key.Commit(x, rx); var cy = Key.Commit(y, ry); var cz = Key.Commit(43, rz);
        var p = ProductProof.Prove(NewTranscript(), Key, cx, cy, cz, x, rx, y, ry, rz, rng);
        AssertRejected(ProductProof.Verify(NewTranscript(), Key, cx, cy, cz, p));
    }

    [Fact]
    public void EveryElementChangedAndWrongStatementsAreRejected()
    {
        var rng = new Random(32);
        var (cx, cy, cz, p) = Make(rng, NewTranscript());
        ProductProof[] tampered =
        [
            p with { Alpha = p.Alpha + Key.G }, p with { Beta = p.Beta + Key.G }, p with { Delta = p.Delta + Key.G },
            p with { Z1 = p.Z1 + Fr.One }, p with { Z2 = p.Z2 + Fr.One }, p with { Z3 = p.Z3 + Fr.One },
            p with { Z4 = p.Z4 + Fr.One }, p with { Z5 = p.Z5 + Fr.One },
        ];
        foreach (var t in tampered) AssertRejected(ProductProof.Verify(NewTranscript(), Key, cx, cy, cz, t));
        AssertRejected(ProductProof.Verify(NewTranscript(), Key, cy, cx, cz, p));
        AssertRejected(ProductProof.Verify(NewTranscript(), Key, cx, cy, cz + Key.G, p));
        AssertRejected(ProductProof.Verify(NewTranscript(), Key, cx + Key.H, cy, cz, p));
        AssertRejected(ProductProof.Verify(NewTranscript(), Key, cx, cy, cz, null));
    }

    [Fact]
    public void SimulatedTranscriptsVerify()
    {
        var rng = new Random(33);
        // Simulation needs no witness, and works even for a false statement.
        var cx = Key.Commit(R(rng), R(rng)); var cy = Key.Commit(R(rng), R(rng)); var cz = Key.Commit(R(rng), R(rng));
        var ch = R(rng);
        var s = ProductProof.Simulate(Key, cx, cy, cz, ch, rng);
        Assert.True(s.VerifyWithChallenge(Key, cx, cy, cz, ch).Accepted);
        AssertRejected(s.VerifyWithChallenge(Key, cx, cy, cz, ch + Fr.One));
    }

    [Fact]
    public void SerializationRoundTripsAndMalformedBytesAreRejected()
    {
        var rng = new Random(34);
        var (cx, cy, cz, p) = Make(rng, NewTranscript());
        var bytes = p.ToBytes();
        Assert.Equal(3 * 33 + 5 * 32, bytes.Length);
        Assert.True(ProductProof.TryFromBytes(bytes, out var q, out var err), err);
        Assert.Equal(p, q);
        Assert.True(ProductProof.Verify(NewTranscript(), Key, cx, cy, cz, q).Accepted);
        AssertMalformedBytesRejected(bytes, b => (ProductProof.TryFromBytes(b, out var v, out var e), v, e));
    }
}
