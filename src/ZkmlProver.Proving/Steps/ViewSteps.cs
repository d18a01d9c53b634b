using ZkmlProver.Circuit;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Layers that only move data — Transpose, Select (a public index map: slices, splits, gathers,
/// expands, nearest resizes), a Flatten/Reshape that is not absorbed into a Dense weight (its padding
/// differs), Concat — are public linear maps: the claim on Y becomes a claim on
/// a view M·X (<see cref="GatherMap"/>), reduced with the tensor's other claims by
/// <see cref="GatherStep"/>. Transpose and reshape send nothing; Concat commits the share of each
/// input but the last (whose share is C_Y minus the others, homomorphically).
/// </summary>
public static class ViewSteps
{
    /// <summary>The map Y ← X of a Transpose, Flatten or Reshape (per sample).</summary>
    public static GatherMap Map(InferencePlan plan, Layer layer)
    {
        var x = plan.Circuit.Tensor(layer.Inputs[0]).Shape;
        var y = plan.Circuit.Tensor(layer.Output).Shape;
        var inLayout = PerSample(plan.Layout(layer.Inputs[0]));
        var outLayout = PerSample(plan.Layout(layer.Output));
        if (layer is SelectLayer sl) return GatherMap.FromLogical(outLayout, inLayout, o => sl.Indices[o]);   // −1: no pair (0)
        if (layer is not TransposeLayer t) return GatherMap.FromLogical(outLayout, inLayout, o => o);
        var xStrides = ShapeUtil.Strides(x);
        return GatherMap.FromLogical(outLayout, inLayout, o =>
        {
            long src = 0;
            for (int d = y.Length - 1; d >= 0; d--)
            {
                long i = o % y[d];
                o /= y[d];
                src += i * xStrides[t.Perm[d]];
            }
            return src;
        });
    }

    /// <summary>The maps Y ← X_i of a Concat (each covers the slice of Y that X_i fills).</summary>
    public static GatherMap[] ConcatMaps(InferencePlan plan, ConcatLayer layer)
    {
        var y = plan.Circuit.Tensor(layer.Output).Shape;
        int axis = layer.Axis < 0 ? layer.Axis + y.Length : layer.Axis;
        var outLayout = PerSample(plan.Layout(layer.Output));
        var maps = new GatherMap[layer.InputList.Length];
        int start = 0;
        for (int i = 0; i < maps.Length; i++)
        {
            var x = plan.Circuit.Tensor(layer.InputList[i]).Shape;
            int from = start, width = x[axis];
            var xStrides = ShapeUtil.Strides(x);
            maps[i] = GatherMap.FromLogical(outLayout, PerSample(plan.Layout(layer.InputList[i])), o =>
            {
                long src = 0;
                for (int d = y.Length - 1; d >= 0; d--)
                {
                    long idx = o % y[d];
                    o /= y[d];
                    if (d == axis)
                    {
                        if (idx < from || idx >= from + width) return -1;
                        idx -= from;
                    }
                    src += idx * xStrides[d];
                }
                return src;
            });
            start += width;
        }
        return maps;
    }

    private static TensorLayout PerSample(TensorLayout l) => new(l.Dims.Length > 1 ? l.Dims[1..] : [1]);

    public static void VerifyMove(VerifierContext ctx, Layer layer, EvalClaim y) => Claim(ctx, layer.Inputs[0], Map(ctx.Plan, layer), y);

    /// <summary>A view of an activation is reduced with the tensor's other claims later; a view of a
    /// weight (a constant operand) at once (<see cref="ContextBase.ClaimWeightView"/>).</summary>
    internal static void Claim(ContextBase ctx, string x, GatherMap map, EvalClaim claim)
    {
        if (ctx.Plan.Circuit.Tensor(x).Kind != TensorKind.Weight) ctx.ClaimView(x, map, claim);
        else ctx.ClaimWeightView(x, map, claim);
    }

    public static void VerifyConcat(VerifierContext ctx, ConcatLayer layer, EvalClaim y)
    {
        var maps = ConcatMaps(ctx.Plan, layer);
        var rest = y.Commitment;
        for (int i = 0; i < maps.Length; i++)
        {
            EvalClaim share;
            if (i < maps.Length - 1)
            {
                share = ctx.Session.ReceiveValue("concat/share", y.Point);
                rest -= share.Commitment;
            }
            else share = new EvalClaim(y.Point, rest);
            Claim(ctx, layer.InputList[i], maps[i], share);
        }
    }
}

/// <summary>The linear views (Transpose, Flatten, Reshape that re-pads, Select) in the plan and the
/// verifier: a claim on the view is a claim on its input through a public index map.</summary>
internal sealed class MoveProofStep : ProofStep
{
    public override IReadOnlyList<Type> LayerTypes => [typeof(TransposeLayer), typeof(FlattenLayer), typeof(ReshapeLayer), typeof(SelectLayer)];
    public override IntRange ProvenRange(InferencePlan plan, Layer layer, Func<string, IntRange> proven)
        => layer is SelectLayer sl && sl.Indices.Contains(-1) ? proven(sl.Input).Union(IntRange.Point(0)) : proven(layer.Inputs[0]);
    public override void Verify(VerifierContext ctx, Layer layer, EvalClaim claim) => ViewSteps.VerifyMove(ctx, layer, claim);
}

/// <summary>Concat in the plan and the verifier.</summary>
internal sealed class ConcatProofStep : ProofStep<ConcatLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, ConcatLayer cc, Func<string, IntRange> proven) => cc.InputList.Select(proven).Aggregate((x, y) => x.Union(y));
    protected override void Verify(VerifierContext ctx, ConcatLayer layer, EvalClaim claim) => ViewSteps.VerifyConcat(ctx, layer, claim);
}
