using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using static ZkmlProver.Proving.Steps.DenseStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="DenseStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>DenseStep.Prove</c> as before.</summary>
public static class DenseStepProving
{
    extension(DenseStep)
    {
        public static void Prove(ProverContext ctx, DenseLayer layer, EvalClaim y)
        {
            var s = ctx.Session;
            var (xLayout, wLayout, bv, mv, kv) = Shapes(ctx.Plan, layer);
            var rb = y.Point[..bv];
            var rm = y.Point[bv..];
            EvalClaim e0 = y;
            if (layer.Bias is not null)
            {
                var bias = ctx.Plan.WeightLayouts[layer.Bias];
                var bval = Mle.Evaluate(bias.ToTable(ctx.WeightValues[layer.Bias]), rm);
                var cb = s.CommitValue("dense/bias", rm, bval);
                ctx.Weight(layer.Bias).AddPointClaim(cb);
                Fr ib = RowGate(xLayout, bv, rb);
                e0 = new EvalClaim(y.Point, y.Commitment - ib * cb.Commitment, y.Value - ib * bval, y.Blind - ib * cb.Blind);
            }
            var xTable = ctx.Table(layer.Input);
            var xf = FoldRows(xTable, Mle.EqTable(rb), 1 << kv);
            var wTable = ctx.Plan.WeightLayouts[layer.Weight].ToTable(ctx.WeightValues[layer.Weight]);
            var wf = FoldRows(wTable, Mle.EqTable(rm), 1 << kv);
            var output = ZkSumCheck.Prove(s.Transcript, e0.Commitment, e0.Value, e0.Blind, Terms, [xf, wf], s.Rng, requireTrueClaim: !s.Cheating);
            output.Proof.Write(s.Writer);
            var rk = output.Point;
            Fr x = output.FactorValues[0], w = output.FactorValues[1];
            var cw = s.CommitValue("dense/w", [.. rm, .. rk], w);
            ctx.Weight(layer.Weight).AddPointClaim(cw);
            if (ctx.IsPublicInput(layer.Input))
            {
                EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, x * cw.Commitment, output.Blind, x * cw.Blind, s.Rng).Write(s.Writer);
                return;
            }
            var cx = s.CommitValue("dense/x", [.. rb, .. rk], x);
            ProductProof.Prove(s.Transcript, s.Key, cx.Commitment, cw.Commitment, output.Commitment, x, cx.Blind, w, cw.Blind, output.Blind, s.Rng).Write(s.Writer);
            ctx.Claim(layer.Input, cx);
        }
    }
}

internal sealed class DenseStepProver : StepProver<DenseLayer>
{
    protected override void Prove(ProverContext ctx, DenseLayer layer, EvalClaim claim) => DenseStep.Prove(ctx, layer, claim);
}
