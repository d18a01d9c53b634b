using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using ZkmlProver.Transcript;
using static ZkmlProver.Proving.Steps.LookupStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="LookupStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>LookupStep.Prove</c> as before.</summary>
public static class LookupStepProving
{
    extension(LookupStep)
    {
        public static void Prove(ProverContext ctx, LookupPlan lk, EvalClaim y)
        {
            if (!lk.YPublic) ctx.Columns(lk).Y!.AddPointClaim(y);
            var layout = ctx.Plan.Layout(lk.X);
            var cx = Prove(ctx, lk, layout, ctx.Table(lk.X), ctx.Table(lk.Layer!.Output));
            ctx.Claim(lk.X, cx);
        }

        /// <summary>The argument for input and output columns over <paramref name="layout"/> (Y committed
        /// in <see cref="LookupColumns.Y"/> or public); returns the claim on X̃ at the input zero-check's point.</summary>
        public static EvalClaim Prove(ProverContext ctx, LookupPlan lk, TensorLayout layout, Fr[] xTable, Fr[] yTable)
        {
            var s = ctx.Session;
            int n = layout.NumVars;
            var ab = s.Challenges($"{lk.Name}/alpha-beta", 2);
            Fr alpha = ab[0], beta = ab[1];
            var valid = layout.ValidMask();
            var h = new Fr[xTable.Length];
            for (int i = 0; i < h.Length; i++) if (valid[i]) h[i] = alpha - xTable[i] - beta * yTable[i];
            FieldVectors.BatchInverse(h);
            var t = lk.CombinedTable(beta);
            var mLong = (long[])ctx.Columns(lk).Multiplicities!.Values.Small.ToArray();
            var g = new Fr[t.Length];
            for (int j = 0; j < g.Length; j++) if (mLong[j] != 0) g[j] = alpha - t[j];
            FieldVectors.BatchInverse(g);
            for (int j = 0; j < g.Length; j++) if (mLong[j] != 0) g[j] *= Fr.FromInt64(mLong[j]);
            var hC = Commit(ctx, h, n, $"{lk.Name}/h");
            var gC = Commit(ctx, g, lk.TVars, $"{lk.Name}/g");

            // (1) Σh = Σg, as h̃(½…½)·2^n = g̃(½…½)·2^t.
            var ch = s.CommitValue("lookup/h-half", Half(n), FieldVectors.Sum(h) * Pow2Inv(n));
            var cg = s.CommitValue("lookup/g-half", Half(lk.TVars), FieldVectors.Sum(g) * Pow2Inv(lk.TVars));
            hC.AddPointClaim(ch);
            gC.AddPointClaim(cg);
            Fr sh = Pow2(n), sg = Pow2(lk.TVars);
            EqualityProof.Prove(s.Transcript, s.Key, sh * ch.Commitment, sg * cg.Commitment, sh * ch.Blind, sg * cg.Blind, s.Rng).Write(s.Writer);

            // (2) input-side zero-check.
            var tau = s.Challenges($"{lk.Name}/tau", n);
            Fr lambda = lk.YPublic ? Fr.Zero : s.Challenges($"{lk.Name}/y-padding", 1)[0];
            var validF = valid.Select(v => v ? Fr.One : Fr.Zero).ToArray();
            var o1 = ZkSumCheck.Prove(s.Transcript, Point.Identity, Fr.Zero, Fr.Zero, InputTerms(alpha, beta, lambda, !lk.YPublic), [Mle.EqTable(tau), (Fr[])h.Clone(), xTable, (Fr[])yTable.Clone(), validF], s.Rng, requireTrueClaim: !s.Cheating);
            o1.Proof.Write(s.Writer);
            var r1 = o1.Point;
            var chp = s.CommitValue("lookup/h", r1, o1.FactorValues[1]);
            var cx = s.CommitValue("lookup/x", r1, o1.FactorValues[2]);
            var chx = s.CommitValue("lookup/hx", r1, chp.Value * cx.Value);
            ProductProof.Prove(s.Transcript, s.Key, chp.Commitment, cx.Commitment, chx.Commitment, chp.Value, chp.Blind, cx.Value, cx.Blind, chx.Blind, s.Rng).Write(s.Writer);
            Point hy; Fr hyBlind;
            if (lk.YPublic)
            {
                Fr yv = Mle.Evaluate(yTable, r1);
                hy = yv * chp.Commitment; hyBlind = yv * chp.Blind;
            }
            else
            {
                var cy = s.CommitValue("lookup/y", r1, o1.FactorValues[3]);
                var chy = s.CommitValue("lookup/hy", r1, chp.Value * cy.Value);
                ProductProof.Prove(s.Transcript, s.Key, chp.Commitment, cy.Commitment, chy.Commitment, chp.Value, chp.Blind, cy.Value, cy.Blind, chy.Blind, s.Rng).Write(s.Writer);
                ctx.Columns(lk).Y!.AddPointClaim(cy);
                hy = chy.Commitment; hyBlind = chy.Blind;
                // The padding term λ·(1 − valid)·Y, folded into the h·y term: β·h·y − λ(1 − v)·y.
                Fr pad = lambda * (Fr.One - layout.ValidIndicator(r1));
                hy -= Fr.Inverse(beta) * pad * cy.Commitment; hyBlind -= Fr.Inverse(beta) * pad * cy.Blind;
            }
            Fr e1 = Mle.Eq(tau, r1), v1 = layout.ValidIndicator(r1);
            var target = e1 * (alpha * chp.Commitment - chx.Commitment - beta * hy - v1 * s.Key.G);
            EqualityProof.Prove(s.Transcript, s.Key, o1.Commitment, target, o1.Blind, e1 * (alpha * chp.Blind - chx.Blind - beta * hyBlind), s.Rng).Write(s.Writer);
            hC.AddPointClaim(chp);

            // (3) table-side zero-check.
            var tau2 = s.Challenges($"{lk.Name}/tau-table", lk.TVars);
            var mF = mLong.Select(Fr.FromInt64).ToArray();
            var o2 = ZkSumCheck.Prove(s.Transcript, Point.Identity, Fr.Zero, Fr.Zero, TableTerms(alpha), [Mle.EqTable(tau2), (Fr[])g.Clone(), (Fr[])t.Clone(), mF], s.Rng, requireTrueClaim: !s.Cheating);
            o2.Proof.Write(s.Writer);
            var r2 = o2.Point;
            var cgp = s.CommitValue("lookup/g", r2, o2.FactorValues[1]);
            var cm = s.CommitValue("lookup/m", r2, o2.FactorValues[3]);
            Fr e2 = Mle.Eq(tau2, r2), tv = Mle.Evaluate(t, r2);
            EqualityProof.Prove(s.Transcript, s.Key, o2.Commitment, e2 * ((alpha - tv) * cgp.Commitment - cm.Commitment), o2.Blind,
                e2 * ((alpha - tv) * cgp.Blind - cm.Blind), s.Rng).Write(s.Writer);
            gC.AddPointClaim(cgp);
            ctx.Columns(lk).Multiplicities!.AddPointClaim(cm);
            return cx;
        }

        private static CommittedTensor Commit(ProverContext ctx, Fr[] values, int vars, string label)
        {
            var s = ctx.Session;
            var c = HyraxCommitment.Commit(values, new HyraxShape(vars), out var opening, s.Rng);
            c.Write(s.Writer);
            c.AppendTo(s.Transcript, label);
            var ct = new CommittedTensor(label, c, opening, values);
            ctx.Extra.Add(ct);
            return ct;
        }
    }
}

internal sealed class LookupStepProver : StepProver<LookupLayer>
{
    protected override void CommitColumns(ProverContext ctx, LookupLayer layer, int phase)
    {
        if (phase != 0) return;
        var lk = ctx.Plan.Lookups[layer.Output];
        var columns = ctx.Columns(lk);
        ctx.WitnessColumns.Add(columns.Multiplicities = ctx.CommitColumn($"{lk.Name}/m", lk.CountMultiplicities(ctx.Witness[lk.X], ctx.Session.Cheating), lk.TVars));
        if (!lk.YPublic)
            ctx.WitnessColumns.Add(columns.Y = ctx.CommitColumn($"{lk.Name}/y", ctx.LongTable(layer.Output), ctx.Plan.Layout(layer.Output).NumVars));
    }
    protected override void Prove(ProverContext ctx, LookupLayer layer, EvalClaim claim) => LookupStep.Prove(ctx, ctx.Plan.Lookups[layer.Output], claim);
}
