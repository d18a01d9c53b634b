using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using ZkmlProver.Transcript;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Y = T[X] by logUp (Haböck 2022): with multiplicities m (committed with the witness) and
/// challenges α, β, the prover commits h_i = valid_i/(α − X_i − β·Y_i) and g_j = m_j/(α − t_j),
/// t_j = tin_j + β·tout_j, and proves (1) Σ h = Σ g, (2) Σ_i eq(τ,i)·(h_i·(α − X_i − β·Y_i) − valid_i) = 0,
/// (3) Σ_j eq(τ′,j)·(g_j·(α − t_j) − m_j) = 0, each zero-check a ZK sum-check of degree 3.
/// Claims: X at the point of (2) (to X's producer), Y there (commitment, or public), h, g, m.
/// </summary>
public static class LookupStep
{
    // Input side, factors (eq, h, X, Y, valid): α·eq·h − eq·h·X − β·eq·h·Y − eq·valid, plus, when Y
    // is committed, λ·eq·Y − λ·eq·valid·Y: Y is 0 on every padded entry (a committed lookup output is
    // otherwise unconstrained there, and a later sum over padded indices would read it).
    internal static SumCheckTerms InputTerms(in Fr alpha, in Fr beta, in Fr lambda, bool yCommitted) => new(5, yCommitted
        ? [new ProductTerm(alpha, [0, 1]), new ProductTerm(-Fr.One, [0, 1, 2]), new ProductTerm(-beta, [0, 1, 3]), new ProductTerm(-Fr.One, [0, 4]),
           new ProductTerm(lambda, [0, 3]), new ProductTerm(-lambda, [0, 4, 3])]
        : [new ProductTerm(alpha, [0, 1]), new ProductTerm(-Fr.One, [0, 1, 2]), new ProductTerm(-beta, [0, 1, 3]), new ProductTerm(-Fr.One, [0, 4])]);
    // Table side, factors (eq, g, t, m): α·eq·g − eq·g·t − eq·m.
    internal static SumCheckTerms TableTerms(in Fr alpha) => new(4,
        [new ProductTerm(alpha, [0, 1]), new ProductTerm(-Fr.One, [0, 1, 2]), new ProductTerm(-Fr.One, [0, 3])]);

    public static void Verify(VerifierContext ctx, LookupPlan lk, EvalClaim y)
    {
        if (!lk.YPublic) ctx.Columns(lk).Y!.AddPointClaim(y);
        var layout = ctx.Plan.Layout(lk.X);
        var cx = Verify(ctx, lk, layout, lk.YPublic ? () => layout.ToTable(ctx.PublicOutput(lk.Layer!.Output)) : null);
        ctx.Claim(lk.X, cx);
    }

    /// <summary>Mirror of the prover's argument over a layout (LookupStepProver, ZkmlProver.Prover);
    /// <paramref name="publicY"/> gives the public output table when Y is public.</summary>
    public static EvalClaim Verify(VerifierContext ctx, LookupPlan lk, TensorLayout layout, Func<Fr[]>? publicY)
    {
        var v = ctx.Session;
        int n = layout.NumVars;
        var ab = v.Challenges($"{lk.Name}/alpha-beta", 2);
        Fr alpha = ab[0], beta = ab[1];
        var hC = Receive(ctx, n, $"{lk.Name}/h");
        var gC = Receive(ctx, lk.TVars, $"{lk.Name}/g");

        var ch = v.ReceiveValue("lookup/h-half", Half(n));
        var cg = v.ReceiveValue("lookup/g-half", Half(lk.TVars));
        hC.AddPointClaim(ch);
        gC.AddPointClaim(cg);
        var sumEq = v.Read<EqualityProof>("lookup sum equality", EqualityProof.TryRead);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, Pow2(n) * ch.Commitment, Pow2(lk.TVars) * cg.Commitment, sumEq, v.Acc), $"lookup '{lk.Name}' sums");

        var tau = v.Challenges($"{lk.Name}/tau", n);
        Fr lambda = lk.YPublic ? Fr.Zero : v.Challenges($"{lk.Name}/y-padding", 1)[0];
        var p1 = v.Read<ZkSumCheckProof>("lookup input sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, n, 3, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, Point.Identity, n, 3, p1, out var sub1, v.Acc), $"lookup '{lk.Name}' input zero-check");
        var r1 = sub1!.Point;
        var chp = v.ReceiveValue("lookup/h", r1);
        var cx = v.ReceiveValue("lookup/x", r1);
        var chx = v.ReceiveValue("lookup/hx", r1);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, chp.Commitment, cx.Commitment, chx.Commitment, v.Read<ProductProof>("lookup hx", ProductProof.TryRead), v.Acc), $"lookup '{lk.Name}' h·x");
        Point hy;
        if (lk.YPublic)
        {
            hy = Mle.Evaluate(publicY!(), r1) * chp.Commitment;
        }
        else
        {
            var cy = v.ReceiveValue("lookup/y", r1);
            var chy = v.ReceiveValue("lookup/hy", r1);
            VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, chp.Commitment, cy.Commitment, chy.Commitment, v.Read<ProductProof>("lookup hy", ProductProof.TryRead), v.Acc), $"lookup '{lk.Name}' h·y");
            ctx.Columns(lk).Y!.AddPointClaim(cy);
            hy = chy.Commitment - Fr.Inverse(beta) * (lambda * (Fr.One - layout.ValidIndicator(r1))) * cy.Commitment;
        }
        Fr e1 = Mle.Eq(tau, r1), v1 = layout.ValidIndicator(r1);
        var target = e1 * (alpha * chp.Commitment - chx.Commitment - beta * hy - v1 * v.Key.G);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub1.Commitment, target, v.Read<EqualityProof>("lookup input final", EqualityProof.TryRead), v.Acc), $"lookup '{lk.Name}' input final check");
        hC.AddPointClaim(chp);

        var tau2 = v.Challenges($"{lk.Name}/tau-table", lk.TVars);
        var p2 = v.Read<ZkSumCheckProof>("lookup table sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, lk.TVars, 3, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, Point.Identity, lk.TVars, 3, p2, out var sub2, v.Acc), $"lookup '{lk.Name}' table zero-check");
        var r2 = sub2!.Point;
        var cgp = v.ReceiveValue("lookup/g", r2);
        var cm = v.ReceiveValue("lookup/m", r2);
        Fr e2 = Mle.Eq(tau2, r2), tv = lk.EvaluateCombined(beta, r2);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub2.Commitment, e2 * ((alpha - tv) * cgp.Commitment - cm.Commitment),
            v.Read<EqualityProof>("lookup table final", EqualityProof.TryRead), v.Acc), $"lookup '{lk.Name}' table final check");
        gC.AddPointClaim(cgp);
        ctx.Columns(lk).Multiplicities!.AddPointClaim(cm);
        return cx;
    }

    private static CommittedTensor Receive(VerifierContext ctx, int vars, string label)
    {
        var v = ctx.Session;
        var shape = new HyraxShape(vars);
        var c = v.Read<HyraxCommitment>($"commitment '{label}'", (r, out hc) => HyraxCommitment.TryRead(r, shape, out hc));
        c.AppendTo(v.Transcript, label);
        var ct = new CommittedTensor(label, c);
        ctx.Extra.Add(ct);
        return ct;
    }

    internal static Fr[] Half(int n)
    {
        var half = Fr.Inverse(Fr.FromInt64(2));
        return Enumerable.Repeat(half, n).ToArray();
    }

    internal static Fr Pow2(int n) => Fr.Pow(Fr.FromInt64(2), (ulong)n);
    internal static Fr Pow2Inv(int n) => Fr.Inverse(Pow2(n));
}

/// <summary>A lookup layer in the plan and the verifier: its columns (multiplicities, and Y unless
/// public) are committed in phase 0; its output has the table's output range.</summary>
internal sealed class LookupProofStep : ProofStep<LookupLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, LookupLayer lk, Func<string, IntRange> proven)
        => plan.Lookups.TryGetValue(lk.Output, out var lp) ? new IntRange(lp.TableOut.Min(), lp.TableOut.Max()) : IntRange.Of(plan.Circuit.Tensor(lk.Output));
    protected override void ReceiveColumns(VerifierContext ctx, LookupLayer layer, int phase)
    {
        if (phase != 0) return;
        var lk = ctx.Plan.Lookups[layer.Output];
        var columns = ctx.Columns(lk);
        ctx.WitnessColumns.Add(columns.Multiplicities = ctx.ReceiveColumn($"{lk.Name}/m", lk.TVars));
        if (!lk.YPublic) ctx.WitnessColumns.Add(columns.Y = ctx.ReceiveColumn($"{lk.Name}/y", ctx.Plan.Layout(layer.Output).NumVars));
    }
    protected override void Verify(VerifierContext ctx, LookupLayer layer, EvalClaim claim) => LookupStep.Verify(ctx, ctx.Plan.Lookups[layer.Output], claim);
}
