using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using static ZkmlProver.Proving.Steps.ConvStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="ConvStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>ConvStep.Prove</c> as before.</summary>
public static class ConvStepProving
{
    extension(ConvStep)
    {
        public static void Prove(ProverContext ctx, Conv2dLayer layer, EvalClaim y)
        {
            if (layer.Group is > 1) { GroupedConvStep.Prove(ctx, layer, y); return; }
            var s = ctx.Session;
            var g = Shapes(ctx.Plan, layer);
            var (rb, ro, rp) = Split(y.Point, g);
            EvalClaim e0 = y;
            if (layer.Bias is not null)
            {
                var bval = Mle.Evaluate(ctx.Plan.WeightLayouts[layer.Bias].ToTable(ctx.WeightValues[layer.Bias]), ro);
                var cb = s.CommitValue("conv/bias", ro, bval);
                ctx.Weight(layer.Bias).AddPointClaim(cb);
                Fr gate = Gate(ctx.Plan.Batch, g, rb, rp);
                e0 = new EvalClaim(y.Point, y.Commitment - gate * cb.Commitment, y.Value - gate * bval, y.Blind - gate * cb.Blind);
            }
            int qs = 1 << g.QVars;
            var wf = DenseStep.FoldRows(ctx.Plan.WeightLayouts[layer.Weight].ToTable(ctx.WeightValues[layer.Weight]), Mle.EqTable(ro), qs);
            // Pf[q] = Σ_b Σ_p eq(r_b, b)·eq(r_p, p)·X(b, im2col(p, q)).
            var eqB = Mle.EqTable(rb);
            var eqP = Mle.EqTable(rp);
            var x = ctx.Table(layer.Input);
            int xs = g.Im2Col.In.PaddedSize;
            var pf = new Fr[qs];
            for (int b = 0; b < ctx.Plan.Batch; b++)
                for (int k = 0; k < g.Im2Col.OutIndex.Length; k++)
                {
                    int o = g.Im2Col.OutIndex[k];
                    var xv = x[b * xs + g.Im2Col.InIndex[k]];
                    if (xv.IsZero) continue;
                    pf[o & (qs - 1)] += eqB[b] * eqP[o >> g.QVars] * xv;
                }
            var output = ZkSumCheck.Prove(s.Transcript, e0.Commitment, e0.Value, e0.Blind, Terms, [pf, wf], s.Rng, requireTrueClaim: !s.Cheating);
            output.Proof.Write(s.Writer);
            var rq = output.Point;
            var cw = s.CommitValue("conv/w", [.. ro, .. rq], output.FactorValues[1]);
            ctx.Weight(layer.Weight).AddPointClaim(cw);
            var cp = s.CommitValue("conv/p", [.. rb, .. rp, .. rq], output.FactorValues[0]);
            ProductProof.Prove(s.Transcript, s.Key, cp.Commitment, cw.Commitment, output.Commitment, cp.Value, cp.Blind, cw.Value, cw.Blind, output.Blind, s.Rng).Write(s.Writer);
            ctx.ClaimView(layer.Input, g.Im2Col, cp);
        }
    }
}

internal sealed class ConvStepProver : StepProver<Conv2dLayer>
{
    protected override void Prove(ProverContext ctx, Conv2dLayer layer, EvalClaim claim) => ConvStep.Prove(ctx, layer, claim);
}
