using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// A = relu(Q) for Q produced by a Rescale (whose bits give Q's sign): <see cref="ReluArgument"/>
/// turns the claim on A into claims on Q (to the Rescale) and on the sign bit (to the bits).
/// </summary>
public static class ReluStep
{
    public static void Prove(ProverContext ctx, ReluLayer layer, EvalClaim a)
    {
        var bits = ctx.Plan.Bits[ctx.Plan.Producer(layer.Input)!.Name];
        var (cq, cs) = ReluArgument.Prove(ctx.Session, a, ctx.Table(layer.Input), ctx.LongTable(layer.Input));
        bits.Committed!.AddWeightedClaim(bits.XPoint(cs.Point), bits.SignWeights(), cs);
        ctx.Claim(layer.Input, cq);
    }

    public static void Verify(VerifierContext ctx, ReluLayer layer, EvalClaim a)
    {
        var bits = ctx.Plan.Bits[ctx.Plan.Producer(layer.Input)!.Name];
        var (cq, cs) = ReluArgument.Verify(ctx.Session, a, $"layer '{layer.Name}'");
        bits.Committed!.AddWeightedClaim(bits.XPoint(cs.Point), bits.SignWeights(), cs);
        ctx.Claim(layer.Input, cq);
    }
}
