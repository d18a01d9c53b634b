using ZkmlProver.Commitments;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Transcript;

namespace ZkmlProver.Protocols.SumCheck;

using Transcript = ZkmlProver.Transcript.Transcript;

/// <summary>The verifier's output of the zero-knowledge sum-check: "Commitment commits to g(Point)".</summary>
/// <param name="Point">(r₁, …, r_ℓ), r₁ binding the most significant index bit.</param>
/// <param name="Commitment">C_{e_ℓ} = Com(e_ℓ; ρ'_ℓ) on the value generator G and blinding generator H.</param>
public sealed record CommittedSubClaim(Fr[] Point, Point Commitment);

/// <summary>
/// Zero-knowledge sum-check proof: per round j the commitment C_{s_j} to the round polynomial's
/// coefficients, the commitment C_{e_j} to e_j = s_j(r_j), and the linear dot-product proof of
/// ⟨s_j, v_sc + w·v_ev⟩ = e_{j−1} + w·e_j.
/// </summary>
/// <remarks>Wire format: count ℓ, then C_s[0..ℓ) as a count-prefixed point vector, C_e[0..ℓ) likewise,
/// then ℓ <see cref="DotProductProof"/>s, each with d + 1 responses.</remarks>
public sealed record ZkSumCheckProof(Point[] RoundCommitments, Point[] EvaluationCommitments, DotProductProof[] RoundProofs)
{
    public void Write(ProofWriter w)
    {
        w.WriteCount(RoundProofs.Length);
        w.WritePoints(RoundCommitments);
        w.WritePoints(EvaluationCommitments);
        foreach (var p in RoundProofs) p.Write(w);
    }

    public byte[] ToBytes() { var w = new ProofWriter(); Write(w); return w.ToArray(); }

    /// <summary>Reads a proof that must have exactly <paramref name="numVars"/> rounds of degree <paramref name="degree"/>.</summary>
    public static bool TryRead(ProofReader r, int numVars, int degree, out ZkSumCheckProof? proof)
    {
        proof = null;
        if (!r.ReadCount("zksumcheck.rounds", 1, out var n, numVars)) return false;
        if (!r.ReadPoints("zksumcheck.C_s", out var cs, numVars) || !r.ReadPoints("zksumcheck.C_e", out var ce, numVars)) return false;
        var proofs = new DotProductProof[n];
        for (int j = 0; j < n; j++)
        {
            if (!DotProductProof.TryRead(r, degree + 1, out var p)) return false;
            proofs[j] = p!;
        }
        proof = new ZkSumCheckProof(cs, ce, proofs);
        return true;
    }

    public static bool TryFromBytes(ReadOnlyMemory<byte> bytes, int numVars, int degree, out ZkSumCheckProof? proof, out string? error)
    {
        var r = new ProofReader(bytes);
        if (TryRead(r, numVars, degree, out proof) && r.ExpectEnd()) { error = null; return true; }
        proof = null;
        error = r.Error;
        return false;
    }
}

/// <summary>What the zero-knowledge sum-check prover returns: the proof, and — prover side only —
/// the point r, e_ℓ = g(r), its commitment C_{e_ℓ} and blinding ρ'_ℓ, and the final factor values
/// f_i(r) (factor order) for the caller to commit and relate to C_{e_ℓ} (e.g. by a product proof).</summary>
public sealed record ZkSumCheckProverOutput(ZkSumCheckProof Proof, Fr[] Point, Point Commitment, Fr Value, Fr Blind, Fr[] FactorValues)
{
    /// <summary>The public part: what the verifier's <see cref="ZkSumCheck.Verify"/> returns.</summary>
    public CommittedSubClaim SubClaim => new(Point, Commitment);
}

/// <summary>
/// Zero-knowledge sum-check (Hyrax / Spartan style; PROTOCOL.md "Zero-knowledge sum-check") for
/// Σ_{x ∈ {0,1}^ℓ} g(x) = e₀ with e₀ committed in C_{e₀} = e₀·G + ρ₀·H.
/// </summary>
/// <remarks>
/// <para><b>Conventions.</b> Variables MSB-first; s_j has d + 1 coefficients, constant first,
/// committed as C_{s_j} = Σ_k s_{j,k}·G_k + ρ_j·H with G_0..G_d the first d + 1 vector generators of
/// <see cref="PedersenKey"/>; values are committed on the key's G and H. d = terms.Degree.</para>
/// <para><b>Round j</b>: P sends C_{s_j}; r_j = challenge; P sends C_{e_j} = Com(e_j; ρ'_j), e_j = s_j(r_j);
/// w = challenge; P proves with <see cref="DotProductProof"/> that ⟨s_j, a⟩ = e_{j−1} + w·e_j against
/// C_{s_j} and C_{e_{j−1}} + w·C_{e_j}, where a = v_sc + w·v_ev, v_sc = (2, 1, …, 1) and
/// v_ev = (1, r_j, …, r_j^d).</para>
/// <para><b>Transcript</b> (labels in order): <c>"sumcheck" = "zk"</c> (bytes), <c>"sumcheck/num-vars"</c>,
/// <c>"sumcheck/degree"</c> (u64), <c>"zksumcheck/C_e0"</c>; per round <c>"zksumcheck/C_s"</c>,
/// challenge <c>"zksumcheck/r"</c>, <c>"zksumcheck/C_e"</c>, challenge <c>"zksumcheck/w"</c>, then the
/// dot-product proof's own labels (<c>"sigma" = "dot-product"</c>, …, challenge <c>"sigma/c"</c>).</para>
/// <para>The output is the committed sub-claim "C_{e_ℓ} commits to g(r)"; the caller discharges it.</para>
/// </remarks>
public static class ZkSumCheck
{
    /// <summary>Runs the prover. The tables are folded in place (see <see cref="SumCheckProverState"/>).</summary>
    /// <param name="claimCommitment">C_{e₀} = claim·G + claimBlind·H (absorbed here; the caller need not).</param>
    /// <param name="rng">null for real proofs (CSPRNG); a seeded source for reproducible tests.</param>
    /// <exception cref="ArgumentException">C_{e₀} does not open to (claim, claimBlind).</exception>
    /// <param name="requireTrueClaim">true (always, in the product): refuse a claim that is not Σ g.
    /// Soundness tests pass false to play a cheating prover whose proof the verifier must reject.</param>
    /// <exception cref="InvalidOperationException">The claim is not the sum of g (caller bug).</exception>
    public static ZkSumCheckProverOutput Prove(Transcript transcript, Point claimCommitment, in Fr claim, in Fr claimBlind,
        SumCheckTerms terms, Fr[][] tables, System.Random? rng = null, bool requireTrueClaim = true)
    {
        var state = new SumCheckProverState(terms, tables);
        int l = state.NumVars, d = terms.Degree;
        var key = PedersenKey.Get(d + 1);
        if (key.Commit(claim, claimBlind) != claimCommitment)
            throw new ArgumentException("zero-knowledge sum-check prover: C_{e₀} ≠ claim·G + claimBlind·H", nameof(claimCommitment));
        AbsorbStatement(transcript, l, d, claimCommitment);
        var cs = new Point[l];
        var ce = new Point[l];
        var proofs = new DotProductProof[l];
        var point = new Fr[l];
        var s = new Fr[d + 1];
        var a = new Fr[d + 1];
        Fr e = claim, rho = claimBlind;
        Point ePrev = claimCommitment;
        for (int j = 0; j < l; j++)
        {
            state.RoundPolynomial(s, e);
            Fr rhoS = SigmaCommon.NextScalar(rng);
            cs[j] = key.Commit(s, rhoS);
            transcript.AppendPoint("zksumcheck/C_s", cs[j]);
            point[j] = transcript.ChallengeScalar("zksumcheck/r");
            Fr eNext = Univariate.Evaluate(s, point[j]);
            Fr rhoNext = SigmaCommon.NextScalar(rng);
            ce[j] = key.Commit(eNext, rhoNext);
            transcript.AppendPoint("zksumcheck/C_e", ce[j]);
            Fr w = transcript.ChallengeScalar("zksumcheck/w");
            RoundVector(point[j], w, a);
            var cy = ePrev + w * ce[j];
            proofs[j] = DotProductProof.Prove(transcript, key, cs[j], cy, a, s, rhoS, rho + w * rhoNext, rng);
            state.Fold(point[j]);
            e = eNext; rho = rhoNext; ePrev = ce[j];
        }
        var values = state.FactorValues();
        if (requireTrueClaim && terms.Evaluate(values) != e)
            throw new InvalidOperationException("zero-knowledge sum-check prover: the claim is not Σ_x g(x)");
        return new ZkSumCheckProverOutput(new ZkSumCheckProof(cs, ce, proofs), point, ePrev, e, rho, values);
    }

    /// <summary>
    /// Checks every round and returns the committed sub-claim on success. Lengths and degrees are
    /// checked before any arithmetic; never throws on proof data.
    /// </summary>
    /// <remarks>The rounds' dot-product equations are batched into one random linear combination
    /// (<see cref="MsmAccumulator"/>, verifier-local randomness) checked with a single MSM; if that
    /// check fails, the rounds are re-checked one by one to name the failing round.</remarks>
    public static Verdict Verify(Transcript transcript, Point claimCommitment, int numVars, int degree, ZkSumCheckProof? proof,
        out CommittedSubClaim? subClaim)
    {
        var acc = new MsmAccumulator();
        var rounds = new RoundRecord[Math.Max(numVars, 0)];
        var v = VerifyCore(transcript, claimCommitment, numVars, degree, proof, out subClaim, acc, rounds);
        if (!v.Accepted || acc.Check()) return v;
        subClaim = null;
        var key = PedersenKey.Get(degree + 1);
        for (int j = 0; j < numVars; j++)
        {
            var r = rounds[j];
            var rv = proof!.RoundProofs[j].VerifyWithChallenge(key, proof.RoundCommitments[j], r.Cy, r.A, r.C);
            if (!rv.Accepted) return rv.In($"zk sum-check round {j + 1}");
        }
        return Verdict.Reject("zk sum-check: batched round check failed"); // not reached unless the batch itself errs
    }

    /// <summary>
    /// Like <see cref="Verify(Transcript, Point, int, int, ZkSumCheckProof?, out CommittedSubClaim?)"/>,
    /// but with <paramref name="acc"/> non-null the rounds' group equations are only added to it: an
    /// Accept then means "accepted provided <see cref="MsmAccumulator.Check"/> succeeds" (the caller
    /// checks it and, on failure, re-verifies without an accumulator for the precise reason). With
    /// <paramref name="acc"/> null every round is checked at once.
    /// </summary>
    public static Verdict Verify(Transcript transcript, Point claimCommitment, int numVars, int degree, ZkSumCheckProof? proof,
        out CommittedSubClaim? subClaim, MsmAccumulator? acc)
        => VerifyCore(transcript, claimCommitment, numVars, degree, proof, out subClaim, acc, null);

    private readonly record struct RoundRecord(Point Cy, Fr[] A, Fr C);

    private static Verdict VerifyCore(Transcript transcript, Point claimCommitment, int numVars, int degree, ZkSumCheckProof? proof,
        out CommittedSubClaim? subClaim, MsmAccumulator? acc, RoundRecord[]? rounds)
    {
        subClaim = null;
        if (numVars < 0 || degree < 1 || degree > SumCheckTerms.MaxDegree) return Verdict.Reject($"zk sum-check: bad statement (ℓ = {numVars}, d = {degree})");
        if (proof?.RoundCommitments is null || proof.EvaluationCommitments is null || proof.RoundProofs is null)
            return Verdict.Reject("zk sum-check: missing proof");
        if (proof.RoundCommitments.Length != numVars || proof.EvaluationCommitments.Length != numVars || proof.RoundProofs.Length != numVars)
            return Verdict.Reject($"zk sum-check: {proof.RoundCommitments.Length}/{proof.EvaluationCommitments.Length}/{proof.RoundProofs.Length} round messages, expected {numVars}");
        foreach (var p in proof.RoundProofs)
            if (p?.Z is null || p.Z.Length != degree + 1) return Verdict.Reject($"zk sum-check: round proof with {p?.Z?.Length ?? 0} responses, expected {degree + 1}");
        var key = PedersenKey.Get(degree + 1);
        AbsorbStatement(transcript, numVars, degree, claimCommitment);
        var point = new Fr[numVars];
        Point ePrev = claimCommitment;
        for (int j = 0; j < numVars; j++)
        {
            var a = new Fr[degree + 1];
            transcript.AppendPoint("zksumcheck/C_s", proof.RoundCommitments[j]);
            point[j] = transcript.ChallengeScalar("zksumcheck/r");
            transcript.AppendPoint("zksumcheck/C_e", proof.EvaluationCommitments[j]);
            Fr w = transcript.ChallengeScalar("zksumcheck/w");
            RoundVector(point[j], w, a);
            var cy = ePrev + w * proof.EvaluationCommitments[j];
            var rp = proof.RoundProofs[j];
            var c = DotProductProof.Challenge(transcript, proof.RoundCommitments[j], cy, a, rp.Delta, rp.Beta);
            if (rounds is not null) rounds[j] = new RoundRecord(cy, a, c);
            if (Commitments.Sigma.SigmaObserver.Active)
                Commitments.Sigma.SigmaObserver.Report(new Commitments.Sigma.DotProductInstance(key, proof.RoundCommitments[j], cy, (Fr[])a.Clone(), c, rp));
            var v = acc is null
                ? rp.VerifyWithChallenge(key, proof.RoundCommitments[j], cy, a, c)
                : rp.AccumulateWithChallenge(acc, key, proof.RoundCommitments[j], cy, a, c);
            if (!v.Accepted) return v.In($"zk sum-check round {j + 1}");
            ePrev = proof.EvaluationCommitments[j];
        }
        subClaim = new CommittedSubClaim(point, ePrev);
        return Verdict.Accept;
    }

    /// <summary>a = v_sc + w·v_ev: a₀ = 2 + w, a_k = 1 + w·r^k (k ≥ 1). So ⟨s, a⟩ = s(0) + s(1) + w·s(r).</summary>
    public static void RoundVector(in Fr r, in Fr w, Span<Fr> a)
    {
        Fr pow = Fr.One;
        for (int k = 0; k < a.Length; k++)
        {
            a[k] = (k == 0 ? Fr.FromInt64(2) : Fr.One) + w * pow;
            pow *= r;
        }
    }

    /// <summary>The challenges of a (well-formed) proof's transcript: r_j, w_j and the dot-product
    /// challenges c_j, replayed without checking anything. For simulator tests and diagnostics.</summary>
    public static (Fr[] R, Fr[] W, Fr[] C) ReplayChallenges(Transcript transcript, Point claimCommitment, int numVars, int degree, ZkSumCheckProof proof)
    {
        AbsorbStatement(transcript, numVars, degree, claimCommitment);
        Fr[] r = new Fr[numVars], w = new Fr[numVars], c = new Fr[numVars];
        for (int j = 0; j < numVars; j++)
        {
            transcript.AppendPoint("zksumcheck/C_s", proof.RoundCommitments[j]);
            r[j] = transcript.ChallengeScalar("zksumcheck/r");
            transcript.AppendPoint("zksumcheck/C_e", proof.EvaluationCommitments[j]);
            w[j] = transcript.ChallengeScalar("zksumcheck/w");
            var (cx, cy, a) = RoundStatement(proof, claimCommitment, r[j], w[j], j, degree);
            c[j] = DotProductProof.Challenge(transcript, cx, cy, a, proof.RoundProofs[j].Delta, proof.RoundProofs[j].Beta);
        }
        return (r, w, c);
    }

    /// <summary>The statement (C_x, C_y, a) of round <paramref name="round"/>'s dot-product proof.</summary>
    public static (Point Cx, Point Cy, Fr[] A) RoundStatement(ZkSumCheckProof proof, Point claimCommitment, in Fr r, in Fr w, int round, int degree)
    {
        var prev = round == 0 ? claimCommitment : proof.EvaluationCommitments[round - 1];
        var a = new Fr[degree + 1];
        RoundVector(r, w, a);
        return (proof.RoundCommitments[round], prev + w * proof.EvaluationCommitments[round], a);
    }

    private static void AbsorbStatement(Transcript t, int numVars, int degree, Point claimCommitment)
    {
        t.AppendBytes("sumcheck", "zk"u8);
        t.AppendUInt64("sumcheck/num-vars", (ulong)numVars);
        t.AppendUInt64("sumcheck/degree", (ulong)degree);
        t.AppendPoint("zksumcheck/C_e0", claimCommitment);
    }
}
