using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using static ZkmlProver.Proving.Steps.SoftmaxStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="SoftmaxStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>SoftmaxStep.Prove</c> as before.</summary>
public static class SoftmaxStepProving
{
    extension(SoftmaxStep)
    {
        public static Values Compute(ProverContext ctx, SoftmaxLayer sm) => ctx.Memo($"softmax:{sm.Output}", () => BuildValues(ctx, sm));

        private static Values BuildValues(ProverContext ctx, SoftmaxLayer sm)
        {
            var g = Shapes(ctx.Plan, sm);
            var lk = ctx.Plan.SoftmaxLookups[sm.Output];
            var x = ctx.LongTable(sm.Input);
            var m = MaxChain.Chain(ctx, sm, sm.Input, g.Slots).M[^1];
            var d = new long[x.Length];
            var e = new long[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                int row = g.RowOf[i];
                if (row < 0) continue;
                d[i] = x[i] - m[row];
                e[i] = lk.TableOut[Math.Clamp(d[i] - lk.Lo, 0, lk.TableOut.Length - 1)]; // clamped only for a cheating witness
            }
            var s = g.Sum.Apply(e, 1 << g.Y.Vars[0]);
            var h = Array.ConvertAll(s, v => v >> 1);
            var y = ctx.LongTable(sm.Output);
            var rem = new long[x.Length];
            var rem2 = new long[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                int row = g.RowOf[i];
                if (row < 0) continue;
                rem[i] = (e[i] << sm.OutScale) + h[row] - y[i] * s[row];
                rem2[i] = s[row] - 1 - rem[i];
            }
            return new Values(d, e, s, h, y, rem, rem2);
        }

        /// <summary>Broadcasts an R-layout table into the Y layout (zero at padding).</summary>
        private static long[] Broadcast(SoftmaxStep.Geometry g, long[] rTable)
        {
            var t = new long[g.Y.PaddedSize];
            for (int i = 0; i < t.Length; i++) if (g.RowOf[i] >= 0) t[i] = rTable[g.RowOf[i]];
            return t;
        }

        public static void Prove(ProverContext ctx, SoftmaxLayer sm, EvalClaim y)
        {
            var s = ctx.Session;
            var plan = ctx.Plan;
            var g = Shapes(plan, sm);
            var lk = plan.SoftmaxLookups[sm.Output];
            var val = Compute(ctx, sm);
            bool yPublic = plan.Circuit.Outputs.Contains(sm.Output);
            if (yPublic) EqualityProof.ProvePublic(s.Transcript, s.Key, y.Commitment, y.Value, y.Blind, s.Rng).Write(s.Writer);
            else ctx.SoftmaxOutputs[sm.Output].AddPointClaim(y);

            // Division.
            var tau = s.Challenges($"{sm.Name}/softmax/tau", g.Y.NumVars);
            var tables = new[] { Mle.EqTable(tau), Operands.ToField(val.E), Operands.ToField(Broadcast(g, val.H)), ctx.Table(sm.Output), Operands.ToField(Broadcast(g, val.S)), Operands.ToField(val.Rem) };
            var o = ZkSumCheck.Prove(s.Transcript, Point.Identity, Fr.Zero, Fr.Zero, DivisionTerms(sm.OutScale), tables, s.Rng, requireTrueClaim: !s.Cheating);
            o.Proof.Write(s.Writer);
            var r = o.Point;
            var (p, f) = Project(g, r);
            var ce = s.CommitValue("softmax/e", r, o.FactorValues[1]);
            var ch = s.CommitValue("softmax/h", p, Mle.Evaluate(val.H, p));
            var cs = s.CommitValue("softmax/s", p, Mle.Evaluate(val.S, p));
            var crem = s.CommitValue("softmax/rem", r, o.FactorValues[5]);
            EvalClaim ys;
            if (yPublic)
            {
                Fr yv = o.FactorValues[3];
                ys = new EvalClaim(r, yv * cs.Commitment, yv * cs.Value, yv * cs.Blind);
            }
            else
            {
                var cy = s.CommitValue("softmax/y", r, o.FactorValues[3]);
                ys = s.CommitValue("softmax/ys", r, cy.Value * cs.Value);
                ProductProof.Prove(s.Transcript, s.Key, cy.Commitment, cs.Commitment, ys.Commitment, cy.Value, cy.Blind, cs.Value, cs.Blind, ys.Blind, s.Rng).Write(s.Writer);
                ctx.SoftmaxOutputs[sm.Output].AddPointClaim(cy);
            }
            Fr e = Mle.Eq(tau, r), two = Fr.FromInt64(1L << sm.OutScale);
            EqualityProof.Prove(s.Transcript, s.Key, o.Commitment, e * (two * ce.Commitment + f * ch.Commitment - f * ys.Commitment - crem.Commitment),
                o.Blind, e * (two * ce.Blind + f * ch.Blind - f * ys.Blind - crem.Blind), s.Rng).Write(s.Writer);
            RecordDivision(ctx, sm, g, r, p, f, ce, ch, cs, crem);

            // S = Σ_axis E: the claim on S̃(p) is a claim on a view of the committed E.
            GatherStep.ProveCommitted(ctx, ctx.Columns(lk).Y!, Operands.ToField(val.E), g.Sum, cs);

            // (D, E) lookup, then D = X − M_b.
            var cd = LookupStep.Prove(ctx, lk, g.Y, Operands.ToField(val.D), Operands.ToField(val.E));
            var (p1, f1) = Project(g, cd.Point);
            var cx = s.CommitValue("softmax/x", cd.Point, Mle.Evaluate(ctx.LongTable(sm.Input), cd.Point));
            var m = MaxChain.Chain(ctx, sm, sm.Input, g.Slots).M[^1];
            var cm = s.CommitValue("softmax/m", p1, Mle.Evaluate(m, p1));
            EqualityProof.Prove(s.Transcript, s.Key, cd.Commitment, cx.Commitment - f1 * cm.Commitment, cd.Blind, cx.Blind - f1 * cm.Blind, s.Rng).Write(s.Writer);
            ctx.Claim(sm.Input, cx);
            MaxChain.Prove(ctx, sm, sm.Input, g.Slots, cm);
        }
    }
}

internal sealed class SoftmaxStepProver : StepProver<SoftmaxLayer>
{
    protected override void CommitColumns(ProverContext ctx, SoftmaxLayer sm, int phase)
    {
        if (phase != 1) return;
        var lk = ctx.Plan.SoftmaxLookups[sm.Output];
        var val = SoftmaxStep.Compute(ctx, sm);
        var g = SoftmaxStep.Shapes(ctx.Plan, sm);
        var valid = g.Y.ValidMask();
        var columns = ctx.Columns(lk);
        ctx.WitnessColumns.Add(columns.Multiplicities = ctx.CommitColumn($"{lk.Name}/m", lk.CountMultiplicities(val.D.Where((_, i) => valid[i]).ToArray(), ctx.Session.Cheating), lk.TVars));
        ctx.WitnessColumns.Add(columns.Y = ctx.CommitColumn($"{lk.Name}/y", val.E, g.Y.NumVars));
        if (!ctx.Plan.Circuit.Outputs.Contains(sm.Output))
            ctx.SoftmaxOutputs[sm.Output] = ctx.FieldOverrides?.GetValueOrDefault(sm.Output) is { } fy
                ? ctx.CommitColumn($"{sm.Name}/out", fy, g.Y.NumVars)
                : ctx.CommitColumn($"{sm.Name}/out", val.Y, g.Y.NumVars);
    }

    protected override long[] BitsValues(ProverContext ctx, SoftmaxLayer sm, string part) => part switch
    {
        "s" => SoftmaxStep.Compute(ctx, sm).S,
        "rem" => SoftmaxStep.Compute(ctx, sm).Rem,
        "rem2" => SoftmaxStep.Compute(ctx, sm).Rem2,
        "y" => SoftmaxStep.Compute(ctx, sm).Y,
        _ => MaxChain.Difference(ctx, sm, sm.Input, SoftmaxStep.Shapes(ctx.Plan, sm).Slots, MaxPoolStep.SlotOf(part)),
    };

    protected override void Prove(ProverContext ctx, SoftmaxLayer layer, EvalClaim claim) => SoftmaxStep.Prove(ctx, layer, claim);
}
