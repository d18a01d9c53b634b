using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using static ZkmlProver.Proving.Steps.MaxPoolStep;
using static ZkmlProver.Proving.Steps.MaxChain;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="MaxPoolStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>MaxPoolStep.Prove</c> as before.</summary>
public static class MaxPoolStepProving
{
    extension(MaxPoolStep)
    {
        /// <summary>Prover: the padded table of d_k = m_{k−1} − X_k.</summary>
        public static long[] Difference(ProverContext ctx, MaxPool2dLayer layer, int k)
            => MaxChain.Difference(ctx, layer, layer.Input, Slots(ctx.Plan, layer), k);

        public static void Prove(ProverContext ctx, MaxPool2dLayer layer, EvalClaim y)
            => MaxChain.Prove(ctx, layer, layer.Input, Slots(ctx.Plan, layer), y);
    }
}

/// <summary>The prover half of <see cref="MaxChain"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>MaxChain.Prove</c> as before.</summary>
public static class MaxChainProving
{
    extension(MaxChain)
    {
        /// <summary>Prover: the padded tables of m_k and X_k (computed once per proof and owner).</summary>
        public static (long[][] M, long[][] X) Chain(ProverContext ctx, Layer owner, string x, GatherMap[] slots)
            => ctx.Memo($"maxchain:{owner.Output}", () => BuildChain(ctx, x, slots)).ToValueTuple();

        private static Tuple<long[][], long[][]> BuildChain(ProverContext ctx, string x, GatherMap[] slots)
        {
            var xt = ctx.LongTable(x);
            int bp = 1 << ctx.Plan.Layout(x).Vars[0];
            var xs = slots.Select(m => m.Apply(xt, bp)).ToArray();
            var ms = new long[xs.Length][];
            ms[0] = xs[0];
            for (int k = 1; k < xs.Length; k++)
            {
                ms[k] = new long[xs[k].Length];
                for (int i = 0; i < ms[k].Length; i++) ms[k][i] = Math.Max(ms[k - 1][i], xs[k][i]);
            }
            return Tuple.Create(ms, xs);
        }

        public static long[] Difference(ProverContext ctx, Layer owner, string x, GatherMap[] slots, int k)
        {
            var (ms, xs) = Chain(ctx, owner, x, slots);
            var d = new long[ms[k].Length];
            for (int i = 0; i < d.Length; i++) d[i] = ms[k - 1][i] - xs[k][i];
            return d;
        }

        public static void Prove(ProverContext ctx, Layer owner, string input, GatherMap[] slots, EvalClaim y)
        {
            var s = ctx.Session;
            var (ms, xs) = Chain(ctx, owner, input, slots);
            var gathers = new List<GatherClaim>();
            var claim = y;
            for (int k = slots.Length - 1; k >= 1; k--)
            {
                var bits = ctx.Plan.BitsOf(owner, MaxPoolStep.BitsPart(k));
                var r = claim.Point;
                var d = new long[ms[k].Length];
                for (int i = 0; i < d.Length; i++) d[i] = ms[k - 1][i] - xs[k][i];
                var crel = s.CommitValue("maxpool/relu", r, Mle.Evaluate(Array.ConvertAll(d, v => Math.Max(v, 0)), r));
                var cx = s.CommitValue("maxpool/x", r, Mle.Evaluate(xs[k], r));
                EqualityProof.Prove(s.Transcript, s.Key, claim.Commitment, crel.Commitment + cx.Commitment, claim.Blind, crel.Blind + cx.Blind, s.Rng).Write(s.Writer);
                gathers.Add(new GatherClaim(slots[k], cx));
                var (cd, cs) = ReluArgument.Prove(s, crel, Operands.ToField(d), d);
                var xp = bits.XPoint(cd.Point);
                ctx.Committed(bits).AddWeightedClaim(xp, bits.SignWeights(), cs);
                ctx.Committed(bits).AddWeightedClaim(xp, bits.QWeights(), cd);
                var cm = s.CommitValue("maxpool/m", cd.Point, Mle.Evaluate(ms[k - 1], cd.Point));
                var cx2 = s.CommitValue("maxpool/x", cd.Point, Mle.Evaluate(xs[k], cd.Point));
                EqualityProof.Prove(s.Transcript, s.Key, cd.Commitment, cm.Commitment - cx2.Commitment, cd.Blind, cm.Blind - cx2.Blind, s.Rng).Write(s.Writer);
                gathers.Add(new GatherClaim(slots[k], cx2));
                claim = cm;
            }
            gathers.Add(new GatherClaim(slots[0], claim));
            foreach (var g in gathers) ctx.ClaimView(input, g.Map, g.Claim);
        }
    }
}

internal sealed class MaxPoolStepProver : StepProver<MaxPool2dLayer>
{
    protected override long[] BitsValues(ProverContext ctx, MaxPool2dLayer layer, string part) => MaxPoolStep.Difference(ctx, layer, MaxPoolStep.SlotOf(part));
    protected override void Prove(ProverContext ctx, MaxPool2dLayer layer, EvalClaim claim) => MaxPoolStep.Prove(ctx, layer, claim);
}
