using ZkmlProver.Circuit;
using static ZkmlProver.Proving.Steps.ReluStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="ReluStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>ReluStep.Prove</c> as before.</summary>
public static class ReluStepProving
{
    extension(ReluStep)
    {
        public static void Prove(ProverContext ctx, ReluLayer layer, EvalClaim a)
        {
            var (cq, cs) = ReluArgument.Prove(ctx.Session, a, ctx.Table(layer.Input), ctx.LongTable(layer.Input));
            Record(ctx, layer, layer.Input, cq, cs);
        }
    }
}

internal sealed class ReluStepProver : StepProver<ReluLayer>
{
    protected override long[] BitsValues(ProverContext ctx, ReluLayer layer, string part) => ctx.LongTable(layer.Input);
    protected override void Prove(ProverContext ctx, ReluLayer layer, EvalClaim claim) => ReluStep.Prove(ctx, layer, claim);
}
