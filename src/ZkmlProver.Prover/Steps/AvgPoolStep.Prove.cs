using ZkmlProver.Circuit;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using static ZkmlProver.Proving.Steps.AvgPoolStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="AvgPoolStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>AvgPoolStep.Prove</c> as before.</summary>
public static class AvgPoolStepProving
{
    extension(AvgPoolStep)
    {
        /// <summary>Prover: the padded table of Z over the output layout.</summary>
        public static long[] Scaled(ProverContext ctx, AvgPool2dLayer layer)
            => SumMap(ctx.Plan, layer).Apply(ctx.LongTable(layer.Input), 1 << ctx.Plan.Layout(layer.Input).Vars[0]);

        public static void Prove(ProverContext ctx, AvgPool2dLayer layer, EvalClaim y)
        {
            Fr z = Mle.Evaluate(Scaled(ctx, layer), y.Point);
            ctx.ClaimView(layer.Input, SumMap(ctx.Plan, layer), RescaleStep.ProveQuotient(ctx.Session, ctx.Plan.BitsOf(layer, "z"), ctx.Committed(ctx.Plan.BitsOf(layer, "z")), y, z));
        }
    }
}

internal sealed class AvgPoolStepProver : StepProver<AvgPool2dLayer>
{
    protected override long[] BitsValues(ProverContext ctx, AvgPool2dLayer layer, string part) => AvgPoolStep.Scaled(ctx, layer);
    protected override void Prove(ProverContext ctx, AvgPool2dLayer layer, EvalClaim claim) => AvgPoolStep.Prove(ctx, layer, claim);
}
