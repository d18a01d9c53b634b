using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// A = relu(Q): <see cref="ReluArgument"/> turns the claim on A into claims on Q and on Q's sign
/// bit. The sign comes from the bits of the Rescale that produced Q (which already tie the bits to
/// Q), or from the layer's own bits of Q (then the bits also receive the claim on Q, which ties
/// them to Q and range-checks Q).
/// </summary>
public static class ReluStep
{
    public static void Verify(VerifierContext ctx, ReluLayer layer, EvalClaim a)
    {
        var (cq, cs) = ReluArgument.Verify(ctx.Session, a, $"layer '{layer.Name}'");
        Record(ctx, layer, layer.Input, cq, cs);
    }

    /// <summary>Records the claims of a <see cref="ReluArgument"/> on the input X and its sign bits.</summary>
    internal static void Record(ContextBase ctx, Layer layer, string x, EvalClaim cq, EvalClaim cs)
    {
        var (bits, own) = ctx.Plan.SignBits(layer, x);
        var xp = bits.XPoint(cs.Point);
        ctx.Committed(bits).AddWeightedClaim(xp, bits.SignWeights(), cs);
        if (own) ctx.Committed(bits).AddWeightedClaim(xp, bits.QWeights(), cq);
        ctx.Claim(x, cq);
    }
}

/// <summary>ReLU in the plan and the verifier: its input's sign comes from bits, so its output has
/// the image of the declared input range.</summary>
internal sealed class ReluProofStep : ProofStep<ReluLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, ReluLayer layer, Func<string, IntRange> proven) => IntRange.Of(plan.Circuit.Tensor(layer.Input)).Clamp(0, long.MaxValue);
    protected override void DeclareBits(InferencePlan plan, ReluLayer layer) => plan.DeclareSignBits(layer, layer.Input);
    protected override void Verify(VerifierContext ctx, ReluLayer layer, EvalClaim claim) => ReluStep.Verify(ctx, layer, claim);
}
