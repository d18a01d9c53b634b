using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using static ZkmlProver.Proving.Steps.GatherStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="GatherStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>GatherStep.Prove</c> as before.</summary>
public static class GatherStepProving
{
    extension(GatherStep)
    {
        /// <summary>The claim on X that the claims reduce to; null when X is the public input (settled here).</summary>
        public static EvalClaim? Prove(ProverContext ctx, string x, IReadOnlyList<GatherClaim> claims)
        {
            var s = ctx.Session;
            var layout = ctx.Plan.Layout(x);
            if (claims is [{ Map: null, Claim: var only }])
            {
                if (!ctx.IsPublicInput(x)) return only;
                EqualityProof.ProvePublic(s.Transcript, s.Key, only.Commitment, only.Value, only.Blind, s.Rng).Write(s.Writer);
                return null;
            }
            int bv = layout.Vars[0], xs = 1 << (layout.NumVars - bv);
            var gamma = s.Challenges($"gather/{x}/gamma", claims.Count);
            var a = new Fr[layout.PaddedSize];
            var ai = new Fr[xs];
            Fr value = Fr.Zero, blind = Fr.Zero;
            var c = Curve.Point.Identity;
            for (int i = 0; i < claims.Count; i++)
            {
                var (map, claim) = claims[i];
                Array.Clear(ai);
                var eqOut = Mle.EqTable(claim.Point[bv..]);
                if (map is null) FieldVectors.ScaledAdd(ai, gamma[i], eqOut);
                else map.AccumulateIn(eqOut, gamma[i], ai);
                var eqB = Mle.EqTable(claim.Point[..bv]);
                for (int b = 0; b < eqB.Length; b++)
                    FieldVectors.ScaledAdd(a.AsSpan(b * xs, xs), eqB[b], ai);
                value += gamma[i] * claim.Value; blind += gamma[i] * claim.Blind; c += gamma[i] * claim.Commitment;
            }
            var output = ZkSumCheck.Prove(s.Transcript, c, value, blind, Terms, [a, ctx.Table(x)], s.Rng, requireTrueClaim: !s.Cheating);
            output.Proof.Write(s.Writer);
            Fr av = output.FactorValues[0], xv = output.FactorValues[1];
            if (ctx.IsPublicInput(x))
            {
                EqualityProof.ProvePublic(s.Transcript, s.Key, output.Commitment, av * xv, output.Blind, s.Rng).Write(s.Writer);
                return null;
            }
            var cx = s.CommitValue("gather/x", output.Point, xv);
            EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, av * cx.Commitment, output.Blind, av * cx.Blind, s.Rng).Write(s.Writer);
            return cx;
        }

        /// <summary>
        /// A claim on a view M·W_b of a weight W broadcast over the batch (a constant operand of a
        /// Transpose, Reshape or Concat): (M·W_b)~(r_b, r_o) = Ĩ_B(r_b)·Σ_x M̃(r_o, x)·W̃(x), then a claim
        /// W̃(r*) on the model commitment.
        /// </summary>
        public static void ProveWeight(ProverContext ctx, string weight, GatherMap map, EvalClaim claim)
        {
            var layout = ctx.Plan.WeightLayouts[weight];
            int bv = claim.Point.Length - map.Out.NumVars;
            var a = new Fr[layout.PaddedSize];
            map.AccumulateIn(Mle.EqTable(claim.Point[bv..]), TensorLayout.PrefixIndicator(ctx.Plan.Batch, claim.Point[..bv]), a);
            ctx.Weight(weight).AddPointClaim(ProveView(ctx.Session, a, layout.ToTable(ctx.WeightValues[weight]), claim));
        }

        /// <summary>
        /// A claim on a view M·T of a tensor T committed during the proof (over a layout with the batch
        /// first, like an activation): A(b, x) = eq(r_b, b)·M̃(r_o, x), then a point claim T̃(r*) on the
        /// commitment.
        /// </summary>
        public static void ProveCommitted(ProverContext ctx, CommittedTensor target, Fr[] table, GatherMap map, EvalClaim claim)
        {
            int n = Mle.NumVars(table.Length), xs = map.In.PaddedSize, bv = n - map.In.NumVars;
            var ai = new Fr[xs];
            map.AccumulateIn(Mle.EqTable(claim.Point[bv..]), Fr.One, ai);
            var eqB = Mle.EqTable(claim.Point[..bv]);
            var a = new Fr[table.Length];
            for (int b = 0; b < eqB.Length; b++) FieldVectors.ScaledAdd(a.AsSpan(b * xs, xs), eqB[b], ai);
            target.AddPointClaim(ProveView(ctx.Session, a, (Fr[])table.Clone(), claim));
        }
    }
}
