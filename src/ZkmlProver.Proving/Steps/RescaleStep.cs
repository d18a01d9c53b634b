using ZkmlProver.Circuit;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Q = floor((X + 2^(k−1)) / 2^k) with committed bits of Z = X + 2^(k−1)·valid
/// (<see cref="BitsTensor"/>): the claim on Q̃(r) is the bits claim ⟨B, eq(r) ⊗ c_Q⟩; the prover
/// commits z = Z̃(r) (bits claim with the full two's-complement weights) and the claim passed to X
/// is C_z − 2^(k−1)·Ĩ_valid(r)·G (homomorphic, same blind).
/// </summary>
public static class RescaleStep
{
    public static void Prove(ProverContext ctx, RescaleLayer layer, EvalClaim q)
    {
        var bits = ctx.Plan.BitsOf(layer);
        var xp = bits.XPoint(q.Point);
        bits.Committed!.AddWeightedClaim(xp, bits.QWeights(), q);
        Fr valid = bits.Layout.ValidIndicator(q.Point);
        Fr offset = Fr.FromInt64(bits.Offset) * valid;
        Fr x = Mle.Evaluate(ctx.Table(layer.Input), q.Point);
        var cz = ctx.Session.CommitValue("rescale/z", xp, x + offset);
        bits.Committed.AddWeightedClaim(xp, bits.FullWeights(), cz);
        ctx.Claim(layer.Input, new EvalClaim(q.Point, cz.Commitment - offset * ctx.Session.Key.G, x, cz.Blind));
    }

    public static void Verify(VerifierContext ctx, RescaleLayer layer, EvalClaim q)
    {
        var bits = ctx.Plan.BitsOf(layer);
        var xp = bits.XPoint(q.Point);
        bits.Committed!.AddWeightedClaim(xp, bits.QWeights(), q);
        Fr offset = Fr.FromInt64(bits.Offset) * bits.Layout.ValidIndicator(q.Point);
        var cz = ctx.Session.ReceiveValue("rescale/z", xp);
        bits.Committed.AddWeightedClaim(xp, bits.FullWeights(), cz);
        ctx.Claim(layer.Input, new EvalClaim(q.Point, cz.Commitment - offset * ctx.Session.Key.G));
    }
}
