using ZkmlProver.Circuit;
using ZkmlProver.Proving.Steps;

namespace ZkmlProver.Proving;

/// <summary>The padded table the prover decomposes into each bits tensor of the plan: the prover's
/// side of <see cref="InferencePlan"/>'s bits (its AddBits names owner and part; this mirrors it).
/// A plan entry without a case here is an internal error, caught by every proof of that layer kind.</summary>
internal static class BitsValues
{
    public static long[] Of(ProverContext ctx, BitsSpec spec) => spec.Owner switch
    {
        null => ctx.LongTable(ctx.Plan.Circuit.Input),
        RescaleLayer r => ctx.LongTable(r.Input),
        ReluLayer r => ctx.LongTable(r.Input),
        LeakyReluLayer lr => spec.Part == "sign" ? ctx.LongTable(lr.Input) : LeakyReluStep.Scaled(ctx, lr),
        ClipLayer cl => ClipStep.Difference(ctx, cl, spec.Part),
        AvgPool2dLayer ap => AvgPoolStep.Scaled(ctx, ap),
        MaxPool2dLayer mp => MaxPoolStep.Difference(ctx, mp, MaxPoolStep.SlotOf(spec.Part)),
        SoftmaxLayer sm => spec.Part switch
        {
            "s" => SoftmaxStep.Compute(ctx, sm).S,
            "rem" => SoftmaxStep.Compute(ctx, sm).Rem,
            "rem2" => SoftmaxStep.Compute(ctx, sm).Rem2,
            "y" => SoftmaxStep.Compute(ctx, sm).Y,
            _ => MaxChain.Difference(ctx, sm, sm.Input, SoftmaxStep.Shapes(ctx.Plan, sm).Slots, MaxPoolStep.SlotOf(spec.Part)),
        },
        _ => throw new InvalidOperationException($"internal error: no prover values for bits '{spec.Part}' of layer '{spec.Layer}'"),
    };
}
