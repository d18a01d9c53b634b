using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// The ReLU relation A = Q·(1 − s), s the sign bit of Q: a claim on Ã(r) becomes claims on Q̃(r′)
/// and s̃(r′) by the ZK sum-check of Σ_x eq(r, x)·Q(x)·(1 − s(x)) (degree 3); the prover commits
/// q, s and qs = q·s at r′ and proves product(q, s, qs) and C_eℓ = eq(r, r′)·(C_q − C_qs).
/// Shared by the Relu and MaxPool steps.
/// </summary>
public static class ReluArgument
{
    // factors (eq, Q, s): g = eq·Q − eq·Q·s
    private static readonly SumCheckTerms Terms = new(3, [new ProductTerm(Fr.One, [0, 1]), new ProductTerm(-Fr.One, [0, 1, 2])]);

    public static (EvalClaim Q, EvalClaim Sign) Prove(ProverSession s, EvalClaim a, Fr[] q, long[] qLong)
    {
        var sign = new Fr[q.Length];
        for (int i = 0; i < sign.Length; i++) if (qLong[i] < 0) sign[i] = Fr.One;
        var output = ZkSumCheck.Prove(s.Transcript, a.Commitment, a.Value, a.Blind, Terms, [Mle.EqTable(a.Point), q, sign], s.Rng, requireTrueClaim: !s.Cheating);
        output.Proof.Write(s.Writer);
        var r2 = output.Point;
        var cq = s.CommitValue("relu/q", r2, output.FactorValues[1]);
        var cs = s.CommitValue("relu/s", r2, output.FactorValues[2]);
        var cqs = s.CommitValue("relu/qs", r2, cq.Value * cs.Value);
        ProductProof.Prove(s.Transcript, s.Key, cq.Commitment, cs.Commitment, cqs.Commitment, cq.Value, cq.Blind, cs.Value, cs.Blind, cqs.Blind, s.Rng).Write(s.Writer);
        Fr e = Mle.Eq(a.Point, r2);
        EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, e * (cq.Commitment - cqs.Commitment), output.Blind, e * (cq.Blind - cqs.Blind), s.Rng).Write(s.Writer);
        return (cq, cs);
    }

    public static (EvalClaim Q, EvalClaim Sign) Verify(VerifierSession v, EvalClaim a, string where)
    {
        int n = a.Point.Length;
        var proof = v.Read<ZkSumCheckProof>($"{where} sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, n, 3, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, a.Commitment, n, 3, proof, out var sub, v.Acc), $"{where} sum-check");
        var r2 = sub!.Point;
        var cq = v.ReceiveValue("relu/q", r2);
        var cs = v.ReceiveValue("relu/s", r2);
        var cqs = v.ReceiveValue("relu/qs", r2);
        var prod = v.Read<ProductProof>($"{where} product", ProductProof.TryRead);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, cq.Commitment, cs.Commitment, cqs.Commitment, prod, v.Acc), $"{where} product");
        Fr e = Mle.Eq(a.Point, r2);
        var eqp = v.Read<EqualityProof>($"{where} equality", EqualityProof.TryRead);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, e * (cq.Commitment - cqs.Commitment), eqp, v.Acc), $"{where} final check");
        return (cq, cs);
    }
}
