using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using static ZkmlProver.Proving.Steps.ClipStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="ClipStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>ClipStep.Prove</c> as before.</summary>
public static class ClipStepProving
{
    extension(ClipStep)
    {
        /// <summary>Prover: the padded table of lo·valid − X ("lo") or X − hi·valid ("hi").</summary>
        public static long[] Difference(ProverContext ctx, ClipLayer layer, string part)
        {
            long bound = Parts(ctx.Plan, layer).First(p => p.Part == part).Bound;
            var x = ctx.LongTable(layer.Input);
            var valid = ctx.Plan.Layout(layer.Input).ValidMask();
            var d = new long[x.Length];
            for (int i = 0; i < d.Length; i++)
                d[i] = !valid[i] ? 0 : part == "lo" ? bound - x[i] : x[i] - bound;
            return d;
        }

        public static void Prove(ProverContext ctx, ClipLayer layer, EvalClaim y)
        {
            var s = ctx.Session;
            var parts = Parts(ctx.Plan, layer);
            if (parts.Count == 0) { ctx.Claim(layer.Input, y); return; }
            var cx = s.CommitValue("clip/x", y.Point, Mle.Evaluate(ctx.LongTable(layer.Input), y.Point));
            var rels = new List<(EvalClaim Claim, long[] D)>();
            foreach (var (part, _) in parts)
            {
                var d = Difference(ctx, layer, part);
                var relu = Array.ConvertAll(d, v => Math.Max(v, 0));
                rels.Add((s.CommitValue($"clip/{part}", y.Point, Mle.Evaluate(relu, y.Point)), d));
            }
            var sum = cx.Commitment;
            Fr blind = cx.Blind;
            for (int i = 0; i < parts.Count; i++)
            {
                Fr sign = parts[i].Part == "lo" ? Fr.One : -Fr.One;
                sum += sign * rels[i].Claim.Commitment;
                blind += sign * rels[i].Claim.Blind;
            }
            EqualityProof.Prove(s.Transcript, s.Key, y.Commitment, sum, y.Blind, blind, s.Rng).Write(s.Writer);
            ctx.Claim(layer.Input, cx);
            for (int i = 0; i < parts.Count; i++)
            {
                var (cd, cs) = ReluArgument.Prove(s, rels[i].Claim, Operands.ToField(rels[i].D), rels[i].D);
                Record(ctx, layer, parts[i], cd, cs);
            }
        }
    }
}

internal sealed class ClipStepProver : StepProver<ClipLayer>
{
    protected override long[] BitsValues(ProverContext ctx, ClipLayer layer, string part) => ClipStep.Difference(ctx, layer, part);
    protected override void Prove(ProverContext ctx, ClipLayer layer, EvalClaim claim) => ClipStep.Prove(ctx, layer, claim);
}
