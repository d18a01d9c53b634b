using ZkmlProver.Circuit;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Y = floor((Z + 2^(t−1)) / 2^t) with Z(o) = m_o·Σ_{in-bounds cells i of window o} X(i),
/// m_o = floor((2^(t+1) + c_o) / (2c_o)) (c_o the kernel area or the in-bounds count): Z + 2^(t−1)
/// has committed bits ("layer#z") as in a Rescale; the claim on Y is a bits claim, the prover commits
/// z̃(r) (full bit weights), and the claim on Z is a claim on the public weighted window-sum view of
/// X (<see cref="GatherMap"/> with per-pair weights m_o), reduced by <see cref="GatherStep"/>.
/// </summary>
public static class AvgPoolStep
{
    public static GatherMap SumMap(InferencePlan plan, AvgPool2dLayer layer) => plan.Memo($"avgpool-sum:{layer.Output}", () =>
    {
        var x = plan.Circuit.Tensor(layer.Input).Shape;
        var y = plan.Circuit.Tensor(layer.Output).Shape;
        var inLayout = new TensorLayout([x[0], x[1], x[2]]);
        var outLayout = new TensorLayout([y[0], y[1], y[2]]);
        var outs = new List<int>();
        var ins = new List<int>();
        var ws = new List<long>();
        for (int c = 0; c < x[0]; c++)
            for (int oy = 0; oy < y[1]; oy++)
                for (int ox = 0; ox < y[2]; ox++)
                {
                    var cells = new List<int>();
                    for (int ky = 0; ky < layer.Kernel[0]; ky++)
                    {
                        int iy = oy * layer.Strides[0] - layer.Pads[0] + ky;
                        if ((uint)iy >= (uint)x[1]) continue;
                        for (int kx = 0; kx < layer.Kernel[1]; kx++)
                        {
                            int ix = ox * layer.Strides[1] - layer.Pads[1] + kx;
                            if ((uint)ix >= (uint)x[2]) continue;
                            cells.Add(inLayout.PaddedIndex(((long)c * x[1] + iy) * x[2] + ix));
                        }
                    }
                    long count = layer.CountIncludePad ? (long)layer.Kernel[0] * layer.Kernel[1] : cells.Count;
                    if (count == 0) continue;
                    long m = AvgPool2dLayer.Multiplier(layer.Shift, count);
                    int o = outLayout.PaddedIndex(((long)c * y[1] + oy) * y[2] + ox);
                    foreach (var i in cells) { outs.Add(o); ins.Add(i); ws.Add(m); }
                }
        return new GatherMap(outLayout, inLayout, [.. outs], [.. ins], [.. ws]);
    });

    public static void Verify(VerifierContext ctx, AvgPool2dLayer layer, EvalClaim y)
        => ctx.ClaimView(layer.Input, SumMap(ctx.Plan, layer), RescaleStep.VerifyQuotient(ctx.Session, ctx.Plan.BitsOf(layer, "z"), ctx.Committed(ctx.Plan.BitsOf(layer, "z")), y));
}

/// <summary>AvgPool in the plan and the verifier: the rounded quotient is recomposed from bits.</summary>
internal sealed class AvgPoolProofStep : ProofStep<AvgPool2dLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, AvgPool2dLayer layer, Func<string, IntRange> proven) => IntRange.Of(plan.Circuit.Tensor(layer.Output));
    protected override void DeclareBits(InferencePlan plan, AvgPool2dLayer ap)
        => plan.DeclareBits(ap, "z", ap.Shift, plan.Circuit.Tensor(ap.Output).Bits, 1L << (ap.Shift - 1), plan.Layout(ap.Output), $"widen the range (Bits) of '{ap.Output}'");
    protected override void Verify(VerifierContext ctx, AvgPool2dLayer layer, EvalClaim claim) => AvgPoolStep.Verify(ctx, layer, claim);
}
