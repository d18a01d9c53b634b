using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Grouped (and depthwise) Conv2d: G groups, output channel o = g·O_g + o′ (O_g = O/G a power of two,
/// so g is the high bits of o in Y's and W's layouts), P(b, g, p, q) = X(b, g·C_g + c′, window(p, i, j))
/// for q = (c′, i, j) the im2col of group g, and Y(b, g, o′, p) = Σ_q P(b, g, p, q)·W(g, o′, q) + bias.
/// The group index is shared by both factors, so — as the rows of <see cref="MatMulStep"/> — it is
/// summed jointly: the claim Ỹ(r_b, r_g, r_o′, r_p) (minus the bias) is a ZK sum-check over (g, q) of
/// eq(r_g, g)·P̃(r_b, g, r_p, q)·W̃(g, r_o′, q) (degree 3); at (s_g, s_q) the weight claim W̃(s_g, r_o′, s_q)
/// goes to the model commitment, P̃(r_b, s_g, r_p, s_q) to X through the public grouped im2col map, and a
/// product and an equality proof tie them to the sum-check's final value with eq(r_g, s_g) computed by
/// the verifier. Padding: P is 0 wherever the map has no pair (padded g, p, q); W is 0 on padded g and q
/// (the commitment's well-formedness proof); so padded terms add 0, as in <see cref="ConvStep"/>.
/// Prover work O(B·|map| + |W| + G·|q|), no group-expanded (block-diagonal) weight.
/// </summary>
public static class GroupedConvStep
{
    internal static readonly SumCheckTerms Terms = SumCheckTerms.Product(3);

    public sealed record Geometry(ConvStep.Geometry Conv, GatherMap Im2Col, int Groups, int GroupVars, int QVars);

    /// <summary>Null when the prover handles the layer, else what it does not support.</summary>
    public static string? Supported(InferencePlan plan, Conv2dLayer layer)
    {
        if (layer.Group is not > 1) return null;
        int o = plan.Circuit.Tensor(layer.Weight).Shape[0], og = o / layer.Group.Value;
        return (og & (og - 1)) == 0 ? null : $"a grouped convolution with {og} output channels per group (only a power of two)";
    }

    public static Geometry Shapes(InferencePlan plan, Conv2dLayer layer)
    {
        int groups = layer.Group!.Value;
        var x = plan.Circuit.Tensor(layer.Input).Shape;
        var w = plan.Circuit.Tensor(layer.Weight).Shape;
        var y = plan.Circuit.Tensor(layer.Output).Shape;
        var map = GatherMap.GroupedIm2Col(groups, x[0], x[1], x[2], w[2], w[3], layer.Strides, layer.Pads, layer.Dilations, y[1], y[2]);
        var yl = plan.Layout(layer.Output);
        var wl = plan.WeightLayouts[layer.Weight];
        int gv = Mle.NumVars(groups), qv = wl.NumVars - wl.Vars[0];
        if (yl.Vars[1] != gv + Mle.NumVars(w[0] / groups) || (w[0] / groups & (w[0] / groups - 1)) != 0)
            throw new ProvingException($"layer '{layer.Name}': output channels {w[0]} do not split into {groups} groups of a power of two");
        // The plain convolution's geometry, with this map: batch, channel and position variables are the same.
        var conv = new ConvStep.Geometry(map, yl.Vars[0], yl.Vars[1], yl.Vars[2] + yl.Vars[3], qv, y[1], y[2]);
        return new Geometry(conv, map, groups, gv, qv);
    }

    public static void Verify(VerifierContext ctx, Conv2dLayer layer, EvalClaim y)
    {
        var v = ctx.Session;
        var g = Shapes(ctx.Plan, layer);
        var (rb, ro, rp) = ConvStep.Split(y.Point, g.Conv);
        var (rg, ro2) = (ro[..g.GroupVars], ro[g.GroupVars..]);
        var e0 = y.Commitment;
        if (layer.Bias is not null)
        {
            var cb = v.ReceiveValue("gconv/bias", ro);
            ctx.Weight(layer.Bias).AddPointClaim(cb);
            e0 -= ConvStep.Gate(ctx.Plan.Batch, g.Conv, rb, rp) * cb.Commitment;
        }
        int n = g.GroupVars + g.QVars;
        string where = $"layer '{layer.Name}'";
        var proof = v.Read<ZkSumCheckProof>($"{where} sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, n, 3, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, e0, n, 3, proof, out var sub, v.Acc), $"{where} sum-check");
        var (sg, sq) = (sub!.Point[..g.GroupVars], sub.Point[g.GroupVars..]);
        var cp = v.ReceiveValue("gconv/p", [.. rb, .. sg, .. rp, .. sq]);
        var cw = v.ReceiveValue("gconv/w", [.. sg, .. ro2, .. sq]);
        ctx.Weight(layer.Weight).AddPointClaim(cw);
        var cpw = v.ReceiveValue("gconv/pw", sub.Point);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, cp.Commitment, cw.Commitment, cpw.Commitment, v.Read<ProductProof>($"{where} product", ProductProof.TryRead), v.Acc), $"{where} product");
        Fr eq = Mle.Eq(rg, sg);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, eq * cpw.Commitment, v.Read<EqualityProof>($"{where} final", EqualityProof.TryRead), v.Acc), $"{where} final check");
        ctx.ClaimView(layer.Input, g.Im2Col, cp);
    }
}
