using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;
using static ZkmlProver.Commitments.Tests.Hyrax.HyraxTestUtil;
using FsTranscript = ZkmlProver.Transcript.Transcript;

namespace ZkmlProver.Commitments.Tests.Hyrax;

public class LogDotProductProofTests
{
    private sealed record Instance(PedersenKey Key, Fr[] X, Fr[] A, Fr Rx, Fr Ry, Point Cx, Point Cy);

    private static Instance MakeInstance(int n, int seed, Fr? yOffset = null)
    {
        var rng = new Random(seed);
        var key = PedersenKey.Get(n);
        var x = RandomVector(rng, n);
        var a = RandomVector(rng, n);
        var rx = Fr.Random(rng);
        var ry = Fr.Random(rng);
        var y = FieldVectors.InnerProduct(a, x) + (yOffset ?? Fr.Zero);
        return new Instance(key, x, a, rx, ry, key.Commit(x, rx), key.Commit(y, ry));
    }

    private static LogDotProductProof Prove(Instance s, int seed, FsTranscript? t = null)
        => LogDotProductProof.Prove(t ?? new FsTranscript("test"), s.Key, s.Cx, s.Cy, s.A, s.X, s.Rx, s.Ry, new Random(seed));

    private static Verdict Verify(Instance s, LogDotProductProof p, FsTranscript? t = null)
        => LogDotProductProof.Verify(t ?? new FsTranscript("test"), s.Key, s.Cx, s.Cy, s.A, p);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(128)]
    public void HonestProofVerifies(int n)
    {
        var s = MakeInstance(n, n);
        var p = Prove(s, 7);
        Assert.Equal(LogDotProductProof.RoundsFor(n), p.Rounds);
        var v = Verify(s, p);
        Assert.True(v.Accepted, v.ToString());
    }

    /// <summary>The two prover strategies (fold the generators / MSMs over the original ones) send
    /// exactly the same messages.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(64)]
    public void GeneratorStrategiesGiveIdenticalProofs(int n)
    {
        var s = MakeInstance(n, 21);
        byte[] Run(LogDotProductProof.GeneratorStrategy strategy)
        {
            var p = LogDotProductProof.ProveCore(new FsTranscript("test"), s.Key, (Fr[])s.X.Clone(), (Fr[])s.A.Clone(), n, s.Rx + s.Ry, new Random(3), strategy);
            var w = new ProofWriter();
            p.Write(w);
            return w.ToArray();
        }
        Assert.Equal(Run(LogDotProductProof.GeneratorStrategy.Fold), Run(LogDotProductProof.GeneratorStrategy.Original));
    }

    [Fact]
    public void ProverAndVerifierTranscriptsMatch()
    {
        var s = MakeInstance(16, 3);
        var tp = new FsTranscript("test").EnableLog();
        var tv = new FsTranscript("test").EnableLog();
        var p = Prove(s, 1, tp);
        Assert.True(Verify(s, p, tv).Accepted);
        Assert.Equal(tp.Log, tv.Log);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void FalseClaimIsRejected(int n)
    {
        // The prover runs honestly on x, but C_y commits to ⟨a, x⟩ + 1.
        var s = MakeInstance(n, 11, yOffset: Fr.One);
        var v = Verify(s, Prove(s, 5));
        Assert.False(v.Accepted);
    }

    [Fact]
    public void WrongStatementIsRejected()
    {
        var s = MakeInstance(8, 12);
        var p = Prove(s, 5);
        Assert.False(Verify(s with { Cx = Perturb(s.Cx) }, p).Accepted);
        Assert.False(Verify(s with { Cy = Perturb(s.Cy) }, p).Accepted);
        var a2 = (Fr[])s.A.Clone(); a2[3] += Fr.One;
        Assert.False(Verify(s with { A = a2 }, p).Accepted);
        // A different transcript context changes every challenge.
        var t = new FsTranscript("test"); t.AppendUInt64("context", 1);
        Assert.False(Verify(s, p, t).Accepted);
    }

    [Fact]
    public void EveryTamperedElementIsRejected()
    {
        var s = MakeInstance(8, 13);
        var p = Prove(s, 5);
        Assert.True(Verify(s, p).Accepted);
        for (int j = 0; j < p.Rounds; j++)
        {
            var l = p.L.ToArray(); l[j] = Perturb(l[j]);
            Assert.False(Verify(s, new LogDotProductProof(l, p.R.ToArray(), p.Delta, p.Beta, p.Z1, p.Z2)).Accepted, $"L[{j}]");
            var r = p.R.ToArray(); r[j] = Perturb(r[j]);
            Assert.False(Verify(s, new LogDotProductProof(p.L.ToArray(), r, p.Delta, p.Beta, p.Z1, p.Z2)).Accepted, $"R[{j}]");
            var swapped = new LogDotProductProof(p.R.ToArray(), p.L.ToArray(), p.Delta, p.Beta, p.Z1, p.Z2);
            Assert.False(Verify(s, swapped).Accepted, "L/R swapped");
        }
        Assert.False(Verify(s, new LogDotProductProof(p.L.ToArray(), p.R.ToArray(), Perturb(p.Delta), p.Beta, p.Z1, p.Z2)).Accepted, "delta");
        Assert.False(Verify(s, new LogDotProductProof(p.L.ToArray(), p.R.ToArray(), p.Delta, Perturb(p.Beta), p.Z1, p.Z2)).Accepted, "beta");
        Assert.False(Verify(s, new LogDotProductProof(p.L.ToArray(), p.R.ToArray(), p.Delta, p.Beta, p.Z1 + Fr.One, p.Z2)).Accepted, "z1");
        Assert.False(Verify(s, new LogDotProductProof(p.L.ToArray(), p.R.ToArray(), p.Delta, p.Beta, p.Z1, p.Z2 + Fr.One)).Accepted, "z2");
        // Wrong number of rounds for this length.
        var shortProof = new LogDotProductProof(p.L[1..].ToArray(), p.R[1..].ToArray(), p.Delta, p.Beta, p.Z1, p.Z2);
        var v = Verify(s, shortProof);
        Assert.False(v.Accepted);
        Assert.Contains("rounds", v.Reason);
    }

    [Fact]
    public void ZeroAHatIsRefused()
    {
        // a = 0 makes â = 0 for every challenge: the verifier must refuse rather than accept vacuously.
        var s = MakeInstance(4, 14);
        s = s with { A = new Fr[4], Cy = s.Key.Commit(Fr.Zero, s.Ry) };
        var v = Verify(s, Prove(s, 5));
        Assert.False(v.Accepted);
        Assert.Contains("â = 0", v.Reason);
    }

    [Fact]
    public void SerializationRoundTripsAndHasTheDocumentedLength()
    {
        var s = MakeInstance(16, 15);
        var p = Prove(s, 5);
        var w = new ProofWriter();
        p.Write(w);
        var bytes = w.ToArray();
        Assert.Equal(LogDotProductProof.EncodedLength(16), bytes.Length);
        var reader = new ProofReader(bytes);
        Assert.True(LogDotProductProof.TryRead(reader, 16, out var q), reader.Error);
        Assert.True(reader.ExpectEnd());
        Assert.True(Verify(s, q).Accepted);
        // The same bytes read for another length are refused by the round count.
        var r2 = new ProofReader(bytes);
        Assert.False(LogDotProductProof.TryRead(r2, 8, out _));
        Assert.Contains("expected 3", r2.Error);
    }

    [Fact]
    public void TwoProofsOfTheSameStatementDiffer()
    {
        var s = MakeInstance(8, 16);
        var p1 = LogDotProductProof.Prove(new FsTranscript("test"), s.Key, s.Cx, s.Cy, s.A, s.X, s.Rx, s.Ry);
        var p2 = LogDotProductProof.Prove(new FsTranscript("test"), s.Key, s.Cx, s.Cy, s.A, s.X, s.Rx, s.Ry);
        Assert.True(Verify(s, p1).Accepted);
        Assert.True(Verify(s, p2).Accepted);
        for (int j = 0; j < p1.Rounds; j++) { Assert.NotEqual(p1.L[j], p2.L[j]); Assert.NotEqual(p1.R[j], p2.R[j]); }
        Assert.NotEqual(p1.Delta, p2.Delta);
        Assert.NotEqual(p1.Beta, p2.Beta);
        Assert.NotEqual(p1.Z1, p2.Z1);
        Assert.NotEqual(p1.Z2, p2.Z2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void SimulatedTranscriptVerifiesWithoutWitness(int n)
    {
        var s = MakeInstance(n, 17);
        var rng = new Random(99);
        var u = RandomVector(rng, LogDotProductProof.RoundsFor(n));
        var c = Fr.Random(rng);
        var gamma = s.Cx + s.Cy;
        // The simulator sees only (Γ, a, challenges) — it would work just as well for a false statement.
        var sim = LogDotProductProof.Simulate(s.Key, gamma, s.A, u, c, rng);
        var v = LogDotProductProof.CheckWithChallenges(s.Key, gamma, s.A, sim, u, c);
        Assert.True(v.Accepted, v.ToString());
        var falseGamma = Perturb(gamma);
        var simFalse = LogDotProductProof.Simulate(s.Key, falseGamma, s.A, u, c, rng);
        Assert.True(LogDotProductProof.CheckWithChallenges(s.Key, falseGamma, s.A, simFalse, u, c).Accepted);
        // …but only for the challenges it was given: the check is not vacuous.
        Assert.False(LogDotProductProof.CheckWithChallenges(s.Key, gamma, s.A, sim, u, c + Fr.One).Accepted);
        if (n > 1)
        {
            var u2 = (Fr[])u.Clone(); u2[0] += Fr.One;
            Assert.False(LogDotProductProof.CheckWithChallenges(s.Key, gamma, s.A, sim, u2, c).Accepted);
        }
    }
}
