using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>A claim on a gathered view M·X of a tensor X: the claim point is (batch, map output).</summary>
public sealed record GatherClaim(GatherMap Map, EvalClaim Claim);

/// <summary>
/// Reduces any number of claims on gathered views of one tensor X to a single claim on X: with
/// challenges γ_i, Σ_i γ_i·(M_i X)~(r_i) = Σ_x A(x)·X̃(x), A(b, x) = Σ_i γ_i·eq(r_b^i, b)·M̃_i(r_out^i, x),
/// one ZK sum-check of degree 2; the verifier evaluates A at the final point in O(Σ pairs).
/// </summary>
public static class GatherStep
{
    private static readonly SumCheckTerms Terms = SumCheckTerms.Product(2);

    public static void Prove(ProverContext ctx, string x, IReadOnlyList<GatherClaim> claims)
    {
        var s = ctx.Session;
        var layout = ctx.Plan.Layout(x);
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
            map.AccumulateIn(Mle.EqTable(claim.Point[bv..]), gamma[i], ai);
            var eqB = Mle.EqTable(claim.Point[..bv]);
            for (int b = 0; b < eqB.Length; b++)
                FieldVectors.ScaledAdd(a.AsSpan(b * xs, xs), eqB[b], ai);
            value += gamma[i] * claim.Value; blind += gamma[i] * claim.Blind; c += gamma[i] * claim.Commitment;
        }
        var output = ZkSumCheck.Prove(s.Transcript, c, value, blind, Terms, [a, ctx.Table(x)], s.Rng);
        output.Proof.Write(s.Writer);
        Fr av = output.FactorValues[0], xv = output.FactorValues[1];
        if (ctx.IsPublicInput(x))
        {
            EqualityProof.ProvePublic(s.Transcript, s.Key, output.Commitment, av * xv, output.Blind, s.Rng).Write(s.Writer);
            return;
        }
        var cx = s.CommitValue("gather/x", output.Point, xv);
        EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, av * cx.Commitment, output.Blind, av * cx.Blind, s.Rng).Write(s.Writer);
        ctx.Claim(x, cx);
    }

    public static void Verify(VerifierContext ctx, string x, IReadOnlyList<GatherClaim> claims)
    {
        var v = ctx.Session;
        var layout = ctx.Plan.Layout(x);
        int bv = layout.Vars[0], n = layout.NumVars;
        var gamma = v.Challenges($"gather/{x}/gamma", claims.Count);
        var c = Curve.Point.Identity;
        for (int i = 0; i < claims.Count; i++) c += gamma[i] * claims[i].Claim.Commitment;
        var proof = v.Read<ZkSumCheckProof>($"gather '{x}' sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, n, 2, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, c, n, 2, proof, out var sub, v.Acc), $"gather '{x}' sum-check");
        var rStar = sub!.Point;
        Fr av = Fr.Zero;
        for (int i = 0; i < claims.Count; i++)
        {
            var (map, claim) = claims[i];
            av += gamma[i] * Mle.Eq(claim.Point[..bv], rStar[..bv]) * map.Evaluate(claim.Point[bv..], rStar[bv..]);
        }
        if (ctx.IsPublicInput(x))
        {
            Fr xv = Mle.Evaluate(ctx.PublicInputTable(), rStar);
            VerifierSession.Check(EqualityProof.VerifyPublic(v.Transcript, v.Key, sub.Commitment, av * xv, v.Read<EqualityProof>("gather input", EqualityProof.TryRead), v.Acc), $"gather '{x}' input check");
            return;
        }
        var cx = v.ReceiveValue("gather/x", rStar);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, av * cx.Commitment, v.Read<EqualityProof>("gather final", EqualityProof.TryRead), v.Acc), $"gather '{x}' final check");
        ctx.Claim(x, cx);
    }
}
