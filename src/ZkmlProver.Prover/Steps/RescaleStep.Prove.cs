using ZkmlProver.Circuit;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using static ZkmlProver.Proving.Steps.RescaleStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="RescaleStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>RescaleStep.Prove</c> as before.</summary>
public static class RescaleStepProving
{
    extension(RescaleStep)
    {
        public static void Prove(ProverContext ctx, RescaleLayer layer, EvalClaim q)
            => ctx.Claim(layer.Input, ProveQuotient(ctx.Session, ctx.Plan.BitsOf(layer), ctx.Committed(ctx.Plan.BitsOf(layer)), q, Mle.Evaluate(ctx.LongTable(layer.Input), q.Point)));
    }
}

internal sealed class RescaleStepProver : StepProver<RescaleLayer>
{
    protected override long[] BitsValues(ProverContext ctx, RescaleLayer layer, string part) => ctx.LongTable(layer.Input);
    protected override void Prove(ProverContext ctx, RescaleLayer layer, EvalClaim claim) => RescaleStep.Prove(ctx, layer, claim);
}
