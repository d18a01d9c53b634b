using ZkmlProver.Circuit;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Q = floor((X + 2^(k−1)) / 2^k) with committed bits of Z = X + 2^(k−1)·valid
/// (<see cref="BitsTensor"/>): the claim on Q̃(r) is the bits claim ⟨B, eq(r) ⊗ c_Q⟩; the prover
/// commits z = Z̃(r) (bits claim with the full two's-complement weights) and the claim passed to X
/// is C_z − 2^(k−1)·Ĩ_valid(r)·G (homomorphic, same blind). <see cref="ProveQuotient"/> is the same
/// for any value divided this way (LeakyRelu, AvgPool).
/// </summary>
public static class RescaleStep
{
    public static void Verify(VerifierContext ctx, RescaleLayer layer, EvalClaim q)
        => ctx.Claim(layer.Input, VerifyQuotient(ctx.Session, ctx.Plan.BitsOf(layer), ctx.Committed(ctx.Plan.BitsOf(layer)), q));

    /// <summary>For Q = ⌊(X + offset)/2^k⌋ with committed bits of X + offset·valid: records the claim
    /// on Q, commits x̃(r) + offset·Ĩ_valid(r) (value <paramref name="x"/> = X̃(r)) and returns the
    /// claim on X̃(r).</summary>
    internal static EvalClaim ProveQuotient(ProverSession s, BitsTensor bits, CommittedTensor committed, EvalClaim q, in Fr x)
    {
        var xp = bits.XPoint(q.Point);
        committed.AddWeightedClaim(xp, bits.QWeights(), q);
        Fr offset = Fr.FromInt64(bits.Offset) * bits.Layout.ValidIndicator(q.Point);
        var cz = s.CommitValue("rescale/z", xp, x + offset);
        committed.AddWeightedClaim(xp, bits.FullWeights(), cz);
        return new EvalClaim(q.Point, cz.Commitment - offset * s.Key.G, x, cz.Blind);
    }

    internal static EvalClaim VerifyQuotient(VerifierSession v, BitsTensor bits, CommittedTensor committed, EvalClaim q)
    {
        var xp = bits.XPoint(q.Point);
        committed.AddWeightedClaim(xp, bits.QWeights(), q);
        Fr offset = Fr.FromInt64(bits.Offset) * bits.Layout.ValidIndicator(q.Point);
        var cz = v.ReceiveValue("rescale/z", xp);
        committed.AddWeightedClaim(xp, bits.FullWeights(), cz);
        return new EvalClaim(q.Point, cz.Commitment - offset * v.Key.G);
    }
}

/// <summary>Rescale in the plan and the verifier: its output is recomposed from committed bits.</summary>
internal sealed class RescaleProofStep : ProofStep<RescaleLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, RescaleLayer layer, Func<string, IntRange> proven) => IntRange.Of(plan.Circuit.Tensor(layer.Output));
    protected override void DeclareBits(InferencePlan plan, RescaleLayer r)
        => plan.DeclareBits(r, "", r.Shift, plan.Circuit.Tensor(r.Output).Bits, 1L << (r.Shift - 1), plan.Layout(r.Input), $"widen the range (Bits) of '{r.Output}' or lower the scale of '{r.Input}'");
    protected override void Verify(VerifierContext ctx, RescaleLayer layer, EvalClaim claim) => RescaleStep.Verify(ctx, layer, claim);
}
