using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>A claim on a linear view M·X of a tensor X (<see cref="Map"/> null: on X itself); the
/// claim point is (batch, map output).</summary>
public sealed record GatherClaim(GatherMap? Map, EvalClaim Claim);

/// <summary>
/// Reduces any number of claims on linear views of one tensor X (and on X itself: several layers
/// read X) to a single claim on X: with challenges γ_i, Σ_i γ_i·(M_i X)~(r_i) = Σ_x A(x)·X̃(x),
/// A(b, x) = Σ_i γ_i·eq(r_b^i, b)·M̃_i(r_out^i, x), one ZK sum-check of degree 2; the verifier
/// evaluates A at the final point in O(Σ pairs). For the public input the verifier evaluates X̃
/// itself and nothing is passed on.
/// </summary>
public static class GatherStep
{
    internal static readonly SumCheckTerms Terms = SumCheckTerms.Product(2);

    public static EvalClaim? Verify(VerifierContext ctx, string x, IReadOnlyList<GatherClaim> claims)
    {
        var v = ctx.Session;
        var layout = ctx.Plan.Layout(x);
        if (claims is [{ Map: null, Claim: var only }])
        {
            if (!ctx.IsPublicInput(x)) return only;
            Fr value = Mle.Evaluate(ctx.PublicInputTable(), only.Point);
            VerifierSession.Check(EqualityProof.VerifyPublic(v.Transcript, v.Key, only.Commitment, value, v.Read<EqualityProof>("input claim", EqualityProof.TryRead), v.Acc), "claim on the public input");
            return null;
        }
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
            Fr m = map is null ? Mle.Eq(claim.Point[bv..], rStar[bv..]) : map.Evaluate(claim.Point[bv..], rStar[bv..]);
            av += gamma[i] * Mle.Eq(claim.Point[..bv], rStar[..bv]) * m;
        }
        if (ctx.IsPublicInput(x))
        {
            Fr xv = Mle.Evaluate(ctx.PublicInputTable(), rStar);
            VerifierSession.Check(EqualityProof.VerifyPublic(v.Transcript, v.Key, sub.Commitment, av * xv, v.Read<EqualityProof>("gather input", EqualityProof.TryRead), v.Acc), $"gather '{x}' input check");
            return null;
        }
        var cx = v.ReceiveValue("gather/x", rStar);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, av * cx.Commitment, v.Read<EqualityProof>("gather final", EqualityProof.TryRead), v.Acc), $"gather '{x}' final check");
        return cx;
    }

    public static void VerifyWeight(VerifierContext ctx, string weight, GatherMap map, EvalClaim claim)
    {
        int bv = claim.Point.Length - map.Out.NumVars;
        ctx.Weight(weight).AddPointClaim(VerifyView(ctx.Session, ctx.Plan.WeightLayouts[weight].NumVars, claim, $"view of '{weight}'",
            r => TensorLayout.PrefixIndicator(ctx.Plan.Batch, claim.Point[..bv]) * map.Evaluate(claim.Point[bv..], r)));
    }

    public static void VerifyCommitted(VerifierContext ctx, CommittedTensor target, GatherMap map, EvalClaim claim)
    {
        int n = target.Shape.NumVars, bv = n - map.In.NumVars;
        target.AddPointClaim(VerifyView(ctx.Session, n, claim, $"view of '{target.Name}'",
            r => Mle.Eq(claim.Point[..bv], r[..bv]) * map.Evaluate(claim.Point[bv..], r[bv..])));
    }

    /// <summary>Σ_x A(x)·T(x) = claim by a ZK sum-check of degree 2 (A public, T committed); returns the
    /// committed claim T̃(r*) after proving C_final = Ã(r*)·C_T.</summary>
    internal static EvalClaim ProveView(ProverSession s, Fr[] a, Fr[] t, EvalClaim claim)
    {
        var output = ZkSumCheck.Prove(s.Transcript, claim.Commitment, claim.Value, claim.Blind, Terms, [a, t], s.Rng, requireTrueClaim: !s.Cheating);
        output.Proof.Write(s.Writer);
        Fr av = output.FactorValues[0];
        var ct = s.CommitValue("view/t", output.Point, output.FactorValues[1]);
        EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, av * ct.Commitment, output.Blind, av * ct.Blind, s.Rng).Write(s.Writer);
        return ct;
    }

    /// <summary>Mirror of <see cref="ProveView"/>; <paramref name="aAt"/> evaluates Ã at the final point.</summary>
    private static EvalClaim VerifyView(VerifierSession v, int n, EvalClaim claim, string where, Func<Fr[], Fr> aAt)
    {
        var proof = v.Read<ZkSumCheckProof>($"{where} sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, n, 2, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, claim.Commitment, n, 2, proof, out var sub, v.Acc), $"{where} sum-check");
        Fr av = aAt(sub!.Point);
        var ct = v.ReceiveValue("view/t", sub.Point);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, av * ct.Commitment, v.Read<EqualityProof>("view final", EqualityProof.TryRead), v.Acc), $"{where} final check");
        return ct;
    }
}
