using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Conv2d as an im2col contraction: Y(b, o, p) = Σ_q P(b, p, q)·W(o, q) + bias(o), P = im2col(X).
/// The claim on Ỹ(r_b, r_o, r_p) (minus the bias, gated to valid (b, p)) is a ZK sum-check over q of
/// P̃(r_b, r_p, q)·W̃(r_o, q); at r_q the weight claim W̃(r_o, r_q) goes to the model commitment and the
/// claim on P̃(r_b, r_p, r_q) is reduced to a claim on X by <see cref="GatherStep"/>. P is never
/// materialised beyond its folded table.
/// </summary>
public static class ConvStep
{
    internal static readonly SumCheckTerms Terms = SumCheckTerms.Product(2);

    public sealed record Geometry(GatherMap Im2Col, int BatchVars, int OVars, int PVars, int QVars, int OutH, int OutW);

    public static Geometry Shapes(InferencePlan plan, Conv2dLayer layer)
    {
        var x = plan.Circuit.Tensor(layer.Input).Shape;
        var w = plan.Circuit.Tensor(layer.Weight).Shape;
        var y = plan.Circuit.Tensor(layer.Output).Shape;
        var map = GatherMap.Window(x[0], x[1], x[2], w[2], w[3], layer.Strides, layer.Pads, layer.Dilations, y[1], y[2], slot: null);
        var yl = plan.Layout(layer.Output);
        var wl = plan.WeightLayouts[layer.Weight];
        int qv = wl.NumVars - wl.Vars[0];
        return new Geometry(map, yl.Vars[0], yl.Vars[1], yl.Vars[2] + yl.Vars[3], qv, y[1], y[2]);
    }

    public static void Verify(VerifierContext ctx, Conv2dLayer layer, EvalClaim y)
    {
        if (layer.Group is > 1) { GroupedConvStep.Verify(ctx, layer, y); return; }
        var v = ctx.Session;
        var g = Shapes(ctx.Plan, layer);
        var (rb, ro, rp) = Split(y.Point, g);
        var e0 = y.Commitment;
        if (layer.Bias is not null)
        {
            var cb = v.ReceiveValue("conv/bias", ro);
            ctx.Weight(layer.Bias).AddPointClaim(cb);
            e0 -= Gate(ctx.Plan.Batch, g, rb, rp) * cb.Commitment;
        }
        var proof = v.Read<ZkSumCheckProof>($"'{layer.Name}' sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, g.QVars, 2, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, e0, g.QVars, 2, proof, out var sub, v.Acc), $"layer '{layer.Name}' sum-check");
        var rq = sub!.Point;
        var cw = v.ReceiveValue("conv/w", [.. ro, .. rq]);
        ctx.Weight(layer.Weight).AddPointClaim(cw);
        var cp = v.ReceiveValue("conv/p", [.. rb, .. rp, .. rq]);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, cp.Commitment, cw.Commitment, sub.Commitment, v.Read<ProductProof>("conv product", ProductProof.TryRead), v.Acc), $"layer '{layer.Name}' product");
        ctx.ClaimView(layer.Input, g.Im2Col, cp);
    }

    internal static (Fr[] Rb, Fr[] Ro, Fr[] Rp) Split(Fr[] r, Geometry g)
        => (r[..g.BatchVars], r[g.BatchVars..(g.BatchVars + g.OVars)], r[(g.BatchVars + g.OVars)..]);

    /// <summary>Bias broadcast gate: the MLE of [b &lt; B]·[h′ &lt; H′]·[w′ &lt; W′] at (r_b, r_p).</summary>
    internal static Fr Gate(int batch, Geometry g, Fr[] rb, Fr[] rp)
    {
        int hv = Mle.NumVars(g.OutH);
        return TensorLayout.PrefixIndicator(batch, rb) * TensorLayout.PrefixIndicator(g.OutH, rp[..hv]) * TensorLayout.PrefixIndicator(g.OutW, rp[hv..]);
    }
}

/// <summary>Conv (plain and grouped) in the plan and the verifier.</summary>
internal sealed class ConvProofStep : ProofStep<Conv2dLayer>
{
    protected override string? Unsupported(InferencePlan plan, Conv2dLayer layer) => GroupedConvStep.Supported(plan, layer);
    protected override IntRange ProvenRange(InferencePlan plan, Conv2dLayer cv, Func<string, IntRange> proven)
        => (proven(cv.Input) * proven(cv.Weight)).Times(ShapeUtil.Size(plan.Circuit.Tensor(cv.Weight).Shape[1..])) + (cv.Bias is null ? IntRange.Point(0) : proven(cv.Bias));
    protected override void Verify(VerifierContext ctx, Conv2dLayer layer, EvalClaim claim) => ConvStep.Verify(ctx, layer, claim);
}
