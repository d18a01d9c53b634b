using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using static ZkmlProver.Proving.Steps.MatMulStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="MatMulStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>MatMulStep.Prove</c> as before.</summary>
public static class MatMulStepProving
{
    extension(MatMulStep)
    {
        public static void Prove(ProverContext ctx, MatMulLayer layer, EvalClaim y)
        {
            var s = ctx.Session;
            var g = Shapes(ctx.Plan, layer);
            var (rbl, ri, rj) = Split(y.Point, g);
            var ta = Operands.Broadcast(ctx, g.A);
            var tb = Operands.Broadcast(ctx, g.B);
            int rows = 1 << g.RowVars, ks = 1 << g.KVars, isz = 1 << g.IVars, jsz = 1 << g.JVars;
            var eqI = Mle.EqTable(ri);
            var eqJ = Mle.EqTable(rj);
            var a2 = new Fr[rows * ks];
            var b2 = new Fr[rows * ks];
            for (int bl = 0; bl < rows; bl++)
            {
                for (int i = 0; i < isz; i++)
                    for (int k = 0; k < ks; k++)
                    {
                        long v = ta[((long)bl * isz + i) * ks + k];
                        if (v != 0) a2[bl * ks + k] += eqI[i] * Fr.FromInt64(v);
                    }
                for (int k = 0; k < ks; k++)
                    for (int j = 0; j < jsz; j++)
                    {
                        long v = tb[((long)bl * ks + k) * jsz + j];
                        if (v != 0) b2[bl * ks + k] += eqJ[j] * Fr.FromInt64(v);
                    }
            }
            var eqRows = new Fr[rows * ks];
            var eqBl = Mle.EqTable(rbl);
            for (int bl = 0; bl < rows; bl++) eqRows.AsSpan(bl * ks, ks).Fill(eqBl[bl]);
            var output = ZkSumCheck.Prove(s.Transcript, y.Commitment, y.Value, y.Blind, Terms, [eqRows, a2, b2], s.Rng, requireTrueClaim: !s.Cheating);
            output.Proof.Write(s.Writer);
            var (pa, fa, pb, fb, e) = Final(g, rbl, ri, rj, output.Point);
            var ca = Operands.Commit(ctx, g.A, pa, "matmul/a");
            var cb = Operands.Commit(ctx, g.B, pb, "matmul/b");
            var cab = s.CommitValue("matmul/ab", output.Point, ca.Value * cb.Value);
            ProductProof.Prove(s.Transcript, s.Key, ca.Commitment, cb.Commitment, cab.Commitment, ca.Value, ca.Blind, cb.Value, cb.Blind, cab.Blind, s.Rng).Write(s.Writer);
            e *= fa * fb;
            EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, e * cab.Commitment, output.Blind, e * cab.Blind, s.Rng).Write(s.Writer);
        }
    }
}

internal sealed class MatMulStepProver : StepProver<MatMulLayer>
{
    protected override void Prove(ProverContext ctx, MatMulLayer layer, EvalClaim claim) => MatMulStep.Prove(ctx, layer, claim);
}
