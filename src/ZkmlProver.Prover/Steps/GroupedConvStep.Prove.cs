using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using static ZkmlProver.Proving.Steps.GroupedConvStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="GroupedConvStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>GroupedConvStep.Prove</c> as before.</summary>
public static class GroupedConvStepProving
{
    extension(GroupedConvStep)
    {
        public static void Prove(ProverContext ctx, Conv2dLayer layer, EvalClaim y)
        {
            var s = ctx.Session;
            var g = Shapes(ctx.Plan, layer);
            var (rb, ro, rp) = ConvStep.Split(y.Point, g.Conv);
            var (rg, ro2) = (ro[..g.GroupVars], ro[g.GroupVars..]);
            EvalClaim e0 = y;
            if (layer.Bias is not null)
            {
                var bval = Mle.Evaluate(ctx.Plan.WeightLayouts[layer.Bias].ToTable(ctx.WeightValues[layer.Bias]), ro);
                var cb = s.CommitValue("gconv/bias", ro, bval);
                ctx.Weight(layer.Bias).AddPointClaim(cb);
                Fr gate = ConvStep.Gate(ctx.Plan.Batch, g.Conv, rb, rp);
                e0 = new EvalClaim(y.Point, y.Commitment - gate * cb.Commitment, y.Value - gate * bval, y.Blind - gate * cb.Blind);
            }
            int qv = g.QVars, qs = 1 << qv, gs = 1 << g.GroupVars, pv = g.Conv.PVars, ogv = ro2.Length;
            // W′[g, q] = Σ_o′ eq(r_o′, o′)·W(g·O_g + o′, q): the weight table is laid out (o, q) with o = (g, o′).
            var wt = ctx.Plan.WeightLayouts[layer.Weight].ToTable(ctx.WeightValues[layer.Weight]);
            var eqO = Mle.EqTable(ro2);
            var wf = new Fr[gs * qs];
            for (int gr = 0; gr < gs; gr++)
                for (int o2 = 0; o2 < (1 << ogv); o2++)
                {
                    var e = eqO[o2];
                    if (e.IsZero) continue;
                    int row = ((gr << ogv) | o2) << qv;
                    for (int q = 0; q < qs; q++)
                        if (!wt[row + q].IsZero) wf[(gr << qv) | q] += e * wt[row + q];
                }
            // P′[g, q] = Σ_b Σ_p eq(r_b, b)·eq(r_p, p)·X(b, im2col_g(p, q)); P's per-sample layout is [G, H′, W′, C_g, kh, kw].
            var eqB = Mle.EqTable(rb);
            var eqP = Mle.EqTable(rp);
            var x = ctx.Table(layer.Input);
            int xs = g.Im2Col.In.PaddedSize;
            var pf = new Fr[gs * qs];
            for (int b = 0; b < ctx.Plan.Batch; b++)
                for (int k = 0; k < g.Im2Col.OutIndex.Length; k++)
                {
                    var xv = x[b * xs + g.Im2Col.InIndex[k]];
                    if (xv.IsZero) continue;
                    int o = g.Im2Col.OutIndex[k];
                    int gr = o >> (pv + qv), p = (o >> qv) & ((1 << pv) - 1), q = o & (qs - 1);
                    pf[(gr << qv) | q] += eqB[b] * eqP[p] * xv;
                }
            var eqG = Mle.EqTable(rg);
            var eqRows = new Fr[gs * qs];
            for (int gr = 0; gr < gs; gr++) eqRows.AsSpan(gr * qs, qs).Fill(eqG[gr]);
            var output = ZkSumCheck.Prove(s.Transcript, e0.Commitment, e0.Value, e0.Blind, Terms, [eqRows, pf, wf], s.Rng, requireTrueClaim: !s.Cheating);
            output.Proof.Write(s.Writer);
            var (sg, sq) = (output.Point[..g.GroupVars], output.Point[g.GroupVars..]);
            var cp = s.CommitValue("gconv/p", [.. rb, .. sg, .. rp, .. sq], output.FactorValues[1]);
            var cw = s.CommitValue("gconv/w", [.. sg, .. ro2, .. sq], output.FactorValues[2]);
            ctx.Weight(layer.Weight).AddPointClaim(cw);
            var cpw = s.CommitValue("gconv/pw", output.Point, cp.Value * cw.Value);
            ProductProof.Prove(s.Transcript, s.Key, cp.Commitment, cw.Commitment, cpw.Commitment, cp.Value, cp.Blind, cw.Value, cw.Blind, cpw.Blind, s.Rng).Write(s.Writer);
            Fr eq = Mle.Eq(rg, sg);
            EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, eq * cpw.Commitment, output.Blind, eq * cpw.Blind, s.Rng).Write(s.Writer);
            ctx.ClaimView(layer.Input, g.Im2Col, cp);
        }
    }
}
