using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Transcript;

namespace ZkmlProver.Protocols.SumCheck;

using Transcript = ZkmlProver.Transcript.Transcript;

/// <summary>The verifier's output: "g(Point) = Value", for the caller to discharge.</summary>
/// <param name="Point">(r₁, …, r_ℓ), r₁ binding the most significant index bit.</param>
public sealed record SubClaim(Fr[] Point, Fr Value);

/// <summary>Plain sum-check proof: the round polynomials s₁ … s_ℓ, each d + 1 coefficients, constant first.</summary>
public sealed record SumCheckProof(Fr[][] RoundPolynomials)
{
    public void Write(ProofWriter w)
    {
        w.WriteCount(RoundPolynomials.Length);
        foreach (var s in RoundPolynomials) w.WriteScalars(s);
    }

    public byte[] ToBytes() { var w = new ProofWriter(); Write(w); return w.ToArray(); }

    /// <summary>Reads a proof that must have exactly <paramref name="numVars"/> rounds of
    /// <paramref name="degree"/> + 1 coefficients.</summary>
    public static bool TryRead(ProofReader r, int numVars, int degree, out SumCheckProof? proof)
    {
        proof = null;
        if (!r.ReadCount("sumcheck.rounds", 4, out var n, numVars)) return false;
        var rounds = new Fr[n][];
        for (int j = 0; j < n; j++)
            if (!r.ReadScalars($"sumcheck.s[{j}]", out rounds[j], degree + 1)) return false;
        proof = new SumCheckProof(rounds);
        return true;
    }

    public static bool TryFromBytes(ReadOnlyMemory<byte> bytes, int numVars, int degree, out SumCheckProof? proof, out string? error)
    {
        var r = new ProofReader(bytes);
        if (TryRead(r, numVars, degree, out proof) && r.ExpectEnd()) { error = null; return true; }
        proof = null;
        error = r.Error;
        return false;
    }
}

/// <summary>What the plain sum-check prover returns: the proof, the point r, g(r), and the final
/// factor values f_i(r) (in factor order) that the caller turns into claims.</summary>
public sealed record SumCheckProverOutput(SumCheckProof Proof, Fr[] Point, Fr Value, Fr[] FactorValues);

/// <summary>
/// Plain (not zero-knowledge) sum-check for Σ_{x ∈ {0,1}^ℓ} g(x) = claim, g given by
/// <see cref="SumCheckTerms"/> over multilinear factor tables.
/// </summary>
/// <remarks>
/// <para><b>Conventions.</b> Variables MSB-first (round j binds the j-th most significant index bit);
/// round polynomials are sent as d + 1 coefficients, constant term first, d = terms.Degree (zero
/// high coefficients included, so the length is fixed by the statement).</para>
/// <para><b>Transcript</b> (labels in order): <c>"sumcheck" = "plain"</c> (bytes),
/// <c>"sumcheck/num-vars"</c> = ℓ and <c>"sumcheck/degree"</c> = d (u64), <c>"sumcheck/claim"</c>
/// (scalar); per round <c>"sumcheck/round"</c> (the d + 1 coefficients) then challenge <c>"sumcheck/r"</c>.</para>
/// <para>The verifier checks s_j(0) + s_j(1) = e_{j−1} with e₀ = claim and e_j = s_j(r_j); it returns the
/// sub-claim g(r) = e_ℓ and does not evaluate g itself.</para>
/// </remarks>
public static class PlainSumCheck
{
    /// <summary>Runs the prover; the tables are folded in place (see <see cref="SumCheckProverState"/>).</summary>
    /// <exception cref="InvalidOperationException">The claim is not the sum of g (caller bug).</exception>
    public static SumCheckProverOutput Prove(Transcript transcript, in Fr claim, SumCheckTerms terms, Fr[][] tables)
    {
        var state = new SumCheckProverState(terms, tables);
        int l = state.NumVars, d = terms.Degree;
        AbsorbStatement(transcript, l, d, claim);
        var rounds = new Fr[l][];
        var point = new Fr[l];
        Fr e = claim;
        for (int j = 0; j < l; j++)
        {
            var s = new Fr[d + 1];
            state.RoundPolynomial(s, e);
            transcript.AppendScalars("sumcheck/round", s);
            point[j] = transcript.ChallengeScalar("sumcheck/r");
            e = Univariate.Evaluate(s, point[j]);
            state.Fold(point[j]);
            rounds[j] = s;
        }
        var values = state.FactorValues();
        if (terms.Evaluate(values) != e)
            throw new InvalidOperationException("sum-check prover: the claim is not Σ_x g(x)");
        return new SumCheckProverOutput(new SumCheckProof(rounds), point, e, values);
    }

    /// <summary>
    /// Checks the rounds and returns the sub-claim g(r) = e_ℓ on success. Lengths and degrees are
    /// checked before any arithmetic; never throws on proof data.
    /// </summary>
    public static Verdict Verify(Transcript transcript, in Fr claim, int numVars, int degree, SumCheckProof? proof, out SubClaim? subClaim)
    {
        subClaim = null;
        if (numVars < 0 || degree < 1) return Verdict.Reject($"sum-check: bad statement (ℓ = {numVars}, d = {degree})");
        if (proof?.RoundPolynomials is null) return Verdict.Reject("sum-check: missing proof");
        if (proof.RoundPolynomials.Length != numVars) return Verdict.Reject($"sum-check: {proof.RoundPolynomials.Length} rounds, expected {numVars}");
        foreach (var s in proof.RoundPolynomials)
            if (s is null || s.Length != degree + 1) return Verdict.Reject($"sum-check: round polynomial with {s?.Length ?? 0} coefficients, expected {degree + 1}");
        AbsorbStatement(transcript, numVars, degree, claim);
        var point = new Fr[numVars];
        Fr e = claim;
        for (int j = 0; j < numVars; j++)
        {
            var s = proof.RoundPolynomials[j];
            if (Univariate.SumOverBoolean(s) != e) return Verdict.Reject($"sum-check round {j + 1}: s(0) + s(1) ≠ previous claim");
            transcript.AppendScalars("sumcheck/round", s);
            point[j] = transcript.ChallengeScalar("sumcheck/r");
            e = Univariate.Evaluate(s, point[j]);
        }
        subClaim = new SubClaim(point, e);
        return Verdict.Accept;
    }

    private static void AbsorbStatement(Transcript t, int numVars, int degree, in Fr claim)
    {
        t.AppendBytes("sumcheck", "plain"u8);
        t.AppendUInt64("sumcheck/num-vars", (ulong)numVars);
        t.AppendUInt64("sumcheck/degree", (ulong)degree);
        t.AppendScalar("sumcheck/claim", claim);
    }
}
