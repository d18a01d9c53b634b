using ZkmlProver.Circuit;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using static ZkmlProver.Proving.Steps.ViewSteps;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="ViewSteps"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>ViewSteps.Prove</c> as before.</summary>
public static class ViewStepsProving
{
    extension(ViewSteps)
    {
        public static void ProveMove(ProverContext ctx, Layer layer, EvalClaim y) => Claim(ctx, layer.Inputs[0], Map(ctx.Plan, layer), y);

        public static void ProveConcat(ProverContext ctx, ConcatLayer layer, EvalClaim y)
        {
            var maps = ConcatMaps(ctx.Plan, layer);
            var s = ctx.Session;
            int bp = 1 << ctx.Plan.Layout(layer.Output).Vars[0];
            var rest = y;
            for (int i = 0; i < maps.Length; i++)
            {
                EvalClaim share;
                if (i < maps.Length - 1)
                {
                    var view = maps[i].Apply(ctx.LongTable(layer.InputList[i]), bp);
                    share = s.CommitValue("concat/share", y.Point, Mle.Evaluate(view, y.Point));
                    rest = new EvalClaim(y.Point, rest.Commitment - share.Commitment, rest.Value - share.Value, rest.Blind - share.Blind);
                }
                else share = rest;
                Claim(ctx, layer.InputList[i], maps[i], share);
            }
        }
    }
}

internal sealed class MoveStepProver : StepProver
{
    public override IReadOnlyList<Type> LayerTypes => [typeof(TransposeLayer), typeof(FlattenLayer), typeof(ReshapeLayer), typeof(SelectLayer)];
    public override void Prove(ProverContext ctx, Layer layer, EvalClaim claim) => ViewSteps.ProveMove(ctx, layer, claim);
}

internal sealed class ConcatStepProver : StepProver<ConcatLayer>
{
    protected override void Prove(ProverContext ctx, ConcatLayer layer, EvalClaim claim) => ViewSteps.ProveConcat(ctx, layer, claim);
}
