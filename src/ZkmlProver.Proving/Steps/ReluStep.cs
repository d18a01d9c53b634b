using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// A = Q·(1 − s) with s the sign bit of Q from the bits of the Rescale that produced Q: the claim on
/// Ã(r) is the ZK sum-check of Σ_x eq(r, x)·Q(x)·(1 − s(x)) (degree 3) ending at r′; the prover
/// commits q = Q̃(r′), s = s̃(r′), qs = q·s, proves product(q, s, qs) and the final equality
/// C_eℓ = eq(r, r′)·(C_q − C_qs). The sign claim goes to the bits; the claim on Q to the Rescale.
/// </summary>
public static class ReluStep
{
    // factors (eq, Q, s): g = eq·Q − eq·Q·s
    private static readonly SumCheckTerms Terms = new(3, [new ProductTerm(Fr.One, [0, 1]), new ProductTerm(-Fr.One, [0, 1, 2])]);

    public static void Prove(ProverContext ctx, ReluLayer layer, EvalClaim a)
    {
        var s = ctx.Session;
        var bits = ctx.Plan.Bits[ctx.Plan.Producer(layer.Input)!.Name];
        var q = ctx.Table(layer.Input);
        var sign = new Fr[q.Length];
        var qLong = ctx.LongTable(layer.Input);
        for (int i = 0; i < sign.Length; i++) if (qLong[i] < 0) sign[i] = Fr.One;
        var output = ZkSumCheck.Prove(s.Transcript, a.Commitment, a.Value, a.Blind, Terms, [Mle.EqTable(a.Point), q, sign], s.Rng);
        output.Proof.Write(s.Writer);
        var r2 = output.Point;
        var cq = s.CommitValue("relu/q", r2, output.FactorValues[1]);
        var cs = s.CommitValue("relu/s", r2, output.FactorValues[2]);
        var cqs = s.CommitValue("relu/qs", r2, cq.Value * cs.Value);
        ProductProof.Prove(s.Transcript, s.Key, cq.Commitment, cs.Commitment, cqs.Commitment, cq.Value, cq.Blind, cs.Value, cs.Blind, cqs.Blind, s.Rng).Write(s.Writer);
        Fr e = Mle.Eq(a.Point, r2);
        EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, e * (cq.Commitment - cqs.Commitment), output.Blind, e * (cq.Blind - cqs.Blind), s.Rng).Write(s.Writer);
        bits.Committed!.AddWeightedClaim(bits.XPoint(r2), bits.SignWeights(), cs);
        ctx.Claim(layer.Input, cq);
    }

    public static void Verify(VerifierContext ctx, ReluLayer layer, EvalClaim a)
    {
        var v = ctx.Session;
        var bits = ctx.Plan.Bits[ctx.Plan.Producer(layer.Input)!.Name];
        int n = a.Point.Length;
        var proof = v.Read<ZkSumCheckProof>($"'{layer.Name}' sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, n, 3, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, a.Commitment, n, 3, proof, out var sub), $"layer '{layer.Name}' sum-check");
        var r2 = sub!.Point;
        var cq = v.ReceiveValue("relu/q", r2);
        var cs = v.ReceiveValue("relu/s", r2);
        var cqs = v.ReceiveValue("relu/qs", r2);
        var prod = v.Read<ProductProof>("relu product", ProductProof.TryRead);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, cq.Commitment, cs.Commitment, cqs.Commitment, prod), $"layer '{layer.Name}' product");
        Fr e = Mle.Eq(a.Point, r2);
        var eqp = v.Read<EqualityProof>("relu equality", EqualityProof.TryRead);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, e * (cq.Commitment - cqs.Commitment), eqp), $"layer '{layer.Name}' final check");
        bits.Committed!.AddWeightedClaim(bits.XPoint(r2), bits.SignWeights(), cs);
        ctx.Claim(layer.Input, cq);
    }
}
