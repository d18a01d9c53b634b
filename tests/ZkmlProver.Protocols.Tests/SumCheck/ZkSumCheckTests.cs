using ZkmlProver.Commitments;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using ZkmlProver.Transcript;
using static ZkmlProver.Protocols.Tests.SumCheck.SumCheckTestUtil;

namespace ZkmlProver.Protocols.Tests.SumCheck;

using Transcript = ZkmlProver.Transcript.Transcript;

public class ZkSumCheckTests
{
    private static readonly PedersenKey ValueKey = PedersenKey.Get(1);

    private static Transcript T() => new Transcript("zk-sumcheck-tests").EnableLog();

    private sealed record Run(SumCheckTerms Terms, Fr[][] Original, Point C0, Fr Claim, ZkSumCheckProverOutput Output, Transcript ProverTranscript);

    private static Run Prove(Random rng, int l, int degree, bool withEq)
    {
        var (terms, tables) = RandomProduct(rng, l, degree, withEq);
        var original = Copy(tables);
        var claim = NaiveSum(terms, tables);
        var blind = Fr.Random(rng);
        var c0 = ValueKey.Commit(claim, blind);
        var t = T();
        var output = ZkSumCheck.Prove(t, c0, claim, blind, terms, tables, rng);
        return new Run(terms, original, c0, claim, output, t);
    }

    private static Verdict Verify(Run run, int l, int degree, ZkSumCheckProof? proof, out CommittedSubClaim? sub, Point? c0 = null)
        => ZkSumCheck.Verify(T(), c0 ?? run.C0, l, degree, proof, out sub);

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void CompletenessAndCommittedSubClaimOpensToGAtThePoint(int degree, bool withEq)
    {
        var rng = new Random(200 + degree * 2 + (withEq ? 1 : 0));
        foreach (var l in new[] { 0, 1, 4 })
        {
            var run = Prove(rng, l, degree, withEq);
            var vt = T();
            var v = ZkSumCheck.Verify(vt, run.C0, l, degree, run.Output.Proof, out var sub);
            Assert.True(v.Accepted, v.Reason);
            Assert.Equal(run.ProverTranscript.Log, vt.Log);
            Assert.Equal(run.Output.Point, sub!.Point);
            Assert.Equal(run.Output.Commitment, sub.Commitment);
            Assert.Equal(run.Output.SubClaim, new CommittedSubClaim(run.Output.Point, run.Output.Commitment));
            // Prover side: the commitment opens to e_ℓ = g(r), and the factor values are the MLEs at r.
            Assert.Equal(ValueKey.Commit(run.Output.Value, run.Output.Blind), sub.Commitment);
            Assert.Equal(NaiveG(run.Terms, run.Original, sub.Point), run.Output.Value);
            for (int f = 0; f < run.Original.Length; f++) Assert.Equal(Mle.Evaluate(run.Original[f], sub.Point), run.Output.FactorValues[f]);
        }
    }

    [Fact]
    public void SubClaimOfADegreeTwoProductIsDischargedByAProductProof()
    {
        // The intended use: commit f₁(r), f₂(r) and prove product(C_f₁, C_f₂, C_{e_ℓ}).
        var rng = new Random(210);
        const int l = 3;
        var run = Prove(rng, l, 2, false);
        var pt = run.ProverTranscript;
        Fr b1 = Fr.Random(rng), b2 = Fr.Random(rng);
        var f = run.Output.FactorValues;
        var c1 = ValueKey.Commit(f[0], b1); var c2 = ValueKey.Commit(f[1], b2);
        var prod = ProductProof.Prove(pt, ValueKey, c1, c2, run.Output.Commitment, f[0], b1, f[1], b2, run.Output.Blind, rng);

        var vt = T();
        Assert.True(ZkSumCheck.Verify(vt, run.C0, l, 2, run.Output.Proof, out var sub).Accepted);
        Assert.True(ProductProof.Verify(vt, ValueKey, c1, c2, sub!.Commitment, prod).Accepted);
        Assert.Equal(pt.Log, vt.Log);
    }

    [Fact]
    public void ZeroCheckWithTermsIsProvedFromACommittedZero()
    {
        var rng = new Random(220);
        const int l = 4;
        var a = RandomTable(rng, l); var b = RandomTable(rng, l);
        var c = a.Zip(b, (x, y) => x * y).ToArray();
        var terms = new SumCheckTerms(4, [new ProductTerm(0, 1, 2), new ProductTerm(-Fr.One, [0, 3])]);
        var tables = new[] { Mle.EqTable(RandomPoint(rng, l)), a, b, c };
        var blind = Fr.Random(rng);
        var c0 = ValueKey.Commit(Fr.Zero, blind);
        var output = ZkSumCheck.Prove(T(), c0, Fr.Zero, blind, terms, tables, rng);
        Assert.True(ZkSumCheck.Verify(T(), c0, l, 3, output.Proof, out _).Accepted);
    }

    [Fact]
    public void WrongClaimIsRejected()
    {
        var rng = new Random(230);
        const int l = 3, d = 2;
        var (terms, tables) = RandomProduct(rng, l, d, false);
        var claim = NaiveSum(terms, tables);
        var blind = Fr.Random(rng);
        // The prover refuses a false claim (its final e_ℓ would not be g(r)).
        var wrong = ValueKey.Commit(claim + Fr.One, blind);
        Assert.Throws<InvalidOperationException>(() => ZkSumCheck.Prove(T(), wrong, claim + Fr.One, blind, terms, Copy(tables), rng));
        // A claim commitment that does not open to (claim, blind) is caller misuse.
        Assert.Throws<ArgumentException>(() => ZkSumCheck.Prove(T(), ValueKey.Commit(claim, blind + Fr.One), claim, blind, terms, Copy(tables), rng));
        // An honest proof does not verify against a different claim commitment.
        var run = Prove(rng, l, d, false);
        Assert.False(Verify(run, l, d, run.Output.Proof, out var sub, ValueKey.Commit(run.Claim + Fr.One, Fr.Random(rng))).Accepted);
        Assert.Null(sub);
        Assert.False(Verify(run, l, d, run.Output.Proof, out _, run.C0 + ValueKey.H).Accepted);
    }

    [Fact]
    public void TamperedCommitmentsAndResponsesAreRejected()
    {
        var rng = new Random(240);
        const int l = 2, d = 2;
        var run = Prove(rng, l, d, false);
        var p = run.Output.Proof;
        var g = ValueKey.G;
        var cases = new List<ZkSumCheckProof>();
        for (int j = 0; j < l; j++)
        {
            var cs = (Point[])p.RoundCommitments.Clone(); cs[j] += g; cases.Add(p with { RoundCommitments = cs });
            var ce = (Point[])p.EvaluationCommitments.Clone(); ce[j] += g; cases.Add(p with { EvaluationCommitments = ce });
            var rp = p.RoundProofs[j];
            DotProductProof[] variants =
            [
                rp with { Delta = rp.Delta + g }, rp with { Beta = rp.Beta + g },
                rp with { ZDelta = rp.ZDelta + Fr.One }, rp with { ZBeta = rp.ZBeta + Fr.One },
                .. Enumerable.Range(0, d + 1).Select(k => { var z = (Fr[])rp.Z.Clone(); z[k] += Fr.One; return rp with { Z = z }; }),
            ];
            foreach (var v in variants)
            {
                var rps = (DotProductProof[])p.RoundProofs.Clone(); rps[j] = v; cases.Add(p with { RoundProofs = rps });
            }
        }
        // Round commitments in the wrong order.
        cases.Add(p with { RoundCommitments = [.. p.RoundCommitments.Reverse()] });
        foreach (var c in cases) Assert.False(Verify(run, l, d, c, out _).Accepted);
        // Shape errors: wrong ℓ, wrong degree, missing parts, null proof.
        Assert.False(Verify(run, l + 1, d, p, out _).Accepted);
        Assert.False(Verify(run, l, d + 1, p, out _).Accepted);
        Assert.False(Verify(run, l, d, p with { RoundProofs = p.RoundProofs[..1] }, out _).Accepted);
        Assert.False(Verify(run, l, d, p with { EvaluationCommitments = null! }, out _).Accepted);
        Assert.False(Verify(run, l, d, p with { RoundProofs = [p.RoundProofs[0], null!] }, out _).Accepted);
        Assert.False(Verify(run, l, d, null, out _).Accepted);
        Assert.False(Verify(run, l, 0, p, out _).Accepted);
    }

    [Fact]
    public void BatchedRoundCheckNamesTheFailingRoundAndDefersToAnAccumulator()
    {
        var rng = new Random(245);
        const int l = 4, d = 3;
        var run = Prove(rng, l, d, true);
        var p = run.Output.Proof;
        for (int j = 0; j < l; j++)
        {
            var rps = (DotProductProof[])p.RoundProofs.Clone();
            rps[j] = rps[j] with { ZBeta = rps[j].ZBeta + Fr.One };
            var bad = p with { RoundProofs = rps };
            var v = Verify(run, l, d, bad, out var sub);
            Assert.False(v.Accepted);
            Assert.Null(sub);
            Assert.Contains($"round {j + 1}", v.Reason);
            Assert.Contains("β", v.Reason);

            // With an external accumulator the shape is accepted and the group check fails.
            var acc = new MsmAccumulator();
            Assert.True(ZkSumCheck.Verify(T(), run.C0, l, d, bad, out _, acc).Accepted);
            Assert.Equal(2 * l, acc.Equations);
            Assert.False(acc.Check());
        }
        var good = new MsmAccumulator();
        Assert.True(ZkSumCheck.Verify(T(), run.C0, l, d, p, out var s2, good).Accepted);
        Assert.True(good.Check());
        Assert.True(Verify(run, l, d, p, out var s1).Accepted);
        Assert.Equal(s1!.Point, s2!.Point);
        Assert.Equal(s1.Commitment, s2.Commitment);
        // The unbatched path (null accumulator) checks at once.
        Assert.False(ZkSumCheck.Verify(T(), run.C0, l, d, p with { RoundProofs = [.. p.RoundProofs.Reverse()] }, out _, null).Accepted);
    }

    [Fact]
    public void EveryTamperedByteOfASerializedProofIsRejected()
    {
        var rng = new Random(250);
        const int l = 2, d = 1;
        var run = Prove(rng, l, d, false);
        var bytes = run.Output.Proof.ToBytes();
        Assert.True(ZkSumCheckProof.TryFromBytes(bytes, l, d, out var ok, out var err), err);
        Assert.True(Verify(run, l, d, ok, out _).Accepted);
        for (int i = 0; i < bytes.Length; i++)
        {
            var bad = (byte[])bytes.Clone();
            bad[i] ^= 0x01;
            if (ZkSumCheckProof.TryFromBytes(bad, l, d, out var q, out var e))
                Assert.False(Verify(run, l, d, q, out _).Accepted, $"flipped byte {i} accepted");
            else
                Assert.False(string.IsNullOrEmpty(e));
        }
        for (int len = 0; len < bytes.Length; len += 7)
            Assert.False(ZkSumCheckProof.TryFromBytes(bytes.AsMemory(0, len), l, d, out _, out _));
        Assert.False(ZkSumCheckProof.TryFromBytes(bytes.Append((byte)0).ToArray(), l, d, out _, out var trailing));
        Assert.Contains("trailing", trailing);
        Assert.False(ZkSumCheckProof.TryFromBytes(bytes, l, d + 1, out _, out _));
        Assert.False(ZkSumCheckProof.TryFromBytes(bytes, l - 1, d, out _, out _));
    }

    [Fact]
    public void SimulatedDotProductStepsVerifyAgainstTheRoundStatements()
    {
        var rng = new Random(260);
        const int l = 3, d = 3;
        var run = Prove(rng, l, d, true);
        var p = run.Output.Proof;
        var (r, w, c) = ZkSumCheck.ReplayChallenges(T(), run.C0, l, d, p);
        Assert.Equal(run.Output.Point, r);
        var key = PedersenKey.Get(d + 1);
        for (int j = 0; j < l; j++)
        {
            var (cx, cy, a) = ZkSumCheck.RoundStatement(p, run.C0, r[j], w[j], j, d);
            // The honest round proof satisfies the equations for the replayed challenge …
            Assert.True(p.RoundProofs[j].VerifyWithChallenge(key, cx, cy, a, c[j]).Accepted);
            // … and so does a simulated one made without the round polynomial.
            var sim = DotProductProof.Simulate(key, cx, cy, a, c[j], rng);
            Assert.True(sim.VerifyWithChallenge(key, cx, cy, a, c[j]).Accepted);
            Assert.False(sim.VerifyWithChallenge(key, cx, cy, a, c[j] + Fr.One).Accepted);
        }
    }

    [Fact]
    public void RoundVectorEncodesSumAndEvaluation()
    {
        // ⟨s, v_sc + w·v_ev⟩ = s(0) + s(1) + w·s(r).
        var rng = new Random(270);
        var s = RandomPoint(rng, 5);
        Fr r = Fr.Random(rng), w = Fr.Random(rng);
        var a = new Fr[5];
        ZkSumCheck.RoundVector(r, w, a);
        Assert.Equal(Univariate.SumOverBoolean(s) + w * Univariate.Evaluate(s, r), FieldVectors.InnerProduct(s, a));
    }
}
