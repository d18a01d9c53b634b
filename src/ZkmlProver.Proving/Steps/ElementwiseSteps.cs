using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Y = A ± B with broadcasting: Ỹ(r) = f_A·Ã(p_A) ± f_B·B̃(p_B) (<see cref="OperandView"/>). The
/// prover commits Ã(p_A) and B̃(p_B) and proves C_Y = f_A·C_A ± f_B·C_B (equality Σ-proof); the two
/// commitments become claims on A and B. No sum-check: addition is linear.
/// </summary>
public static class AddStep
{
    public static void Prove(ProverContext ctx, Layer layer, string a, string b, bool subtract, EvalClaim y)
    {
        var s = ctx.Session;
        var (va, vb) = (OperandView.Broadcast(ctx.Plan, a, layer.Output), OperandView.Broadcast(ctx.Plan, b, layer.Output));
        var (pa, fa) = va.Project(y.Point);
        var (pb, fb) = vb.Project(y.Point);
        if (subtract) fb = -fb;
        var ca = Operands.Commit(ctx, va, pa, "add/a");
        var cb = Operands.Commit(ctx, vb, pb, "add/b");
        EqualityProof.Prove(s.Transcript, s.Key, y.Commitment, fa * ca.Commitment + fb * cb.Commitment, y.Blind, fa * ca.Blind + fb * cb.Blind, s.Rng).Write(s.Writer);
    }

    public static void Verify(VerifierContext ctx, Layer layer, string a, string b, bool subtract, EvalClaim y)
    {
        var v = ctx.Session;
        var (va, vb) = (OperandView.Broadcast(ctx.Plan, a, layer.Output), OperandView.Broadcast(ctx.Plan, b, layer.Output));
        var (pa, fa) = va.Project(y.Point);
        var (pb, fb) = vb.Project(y.Point);
        if (subtract) fb = -fb;
        var ca = Operands.Receive(ctx, va, pa, "add/a");
        var cb = Operands.Receive(ctx, vb, pb, "add/b");
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, y.Commitment, fa * ca.Commitment + fb * cb.Commitment,
            v.Read<EqualityProof>($"'{layer.Name}' sum", EqualityProof.TryRead), v.Acc), $"layer '{layer.Name}' ({layer.Op})");
    }
}

/// <summary>
/// Y = A ∘ B (elementwise, broadcast): ZK sum-check of Σ_x eq(r, x)·A_b(x)·B_b(x) (degree 3) over
/// the output's variables; at its point r′ the prover commits a = Ã(p_A′), b = B̃(p_B′), ab = a·b,
/// proves the product and that the sum-check's final value is eq(r, r′)·f_A·f_B·ab. Shared by Mul
/// and ChannelAffine.
/// </summary>
public static class ProductStep
{
    private static readonly SumCheckTerms Terms = SumCheckTerms.Product(3);

    public static void Prove(ProverContext ctx, EvalClaim y, OperandView va, OperandView vb)
    {
        var s = ctx.Session;
        var ta = Operands.ToField(Operands.Broadcast(ctx, va));
        var tb = Operands.ToField(Operands.Broadcast(ctx, vb));
        var output = ZkSumCheck.Prove(s.Transcript, y.Commitment, y.Value, y.Blind, Terms, [Mle.EqTable(y.Point), ta, tb], s.Rng, requireTrueClaim: !s.Cheating);
        output.Proof.Write(s.Writer);
        var r2 = output.Point;
        var (pa, fa) = va.Project(r2);
        var (pb, fb) = vb.Project(r2);
        var ca = Operands.Commit(ctx, va, pa, "mul/a");
        var cb = Operands.Commit(ctx, vb, pb, "mul/b");
        var cab = s.CommitValue("mul/ab", r2, ca.Value * cb.Value);
        ProductProof.Prove(s.Transcript, s.Key, ca.Commitment, cb.Commitment, cab.Commitment, ca.Value, ca.Blind, cb.Value, cb.Blind, cab.Blind, s.Rng).Write(s.Writer);
        Fr e = Mle.Eq(y.Point, r2) * fa * fb;
        EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, e * cab.Commitment, output.Blind, e * cab.Blind, s.Rng).Write(s.Writer);
    }

    public static void Verify(VerifierContext ctx, EvalClaim y, OperandView va, OperandView vb, string where)
    {
        var v = ctx.Session;
        int n = y.Point.Length;
        var proof = v.Read<ZkSumCheckProof>($"{where} sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, n, 3, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, y.Commitment, n, 3, proof, out var sub, v.Acc), $"{where} sum-check");
        var r2 = sub!.Point;
        var (pa, fa) = va.Project(r2);
        var (pb, fb) = vb.Project(r2);
        var ca = Operands.Receive(ctx, va, pa, "mul/a");
        var cb = Operands.Receive(ctx, vb, pb, "mul/b");
        var cab = v.ReceiveValue("mul/ab", r2);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, ca.Commitment, cb.Commitment, cab.Commitment, v.Read<ProductProof>($"{where} product", ProductProof.TryRead), v.Acc), $"{where} product");
        Fr e = Mle.Eq(y.Point, r2) * fa * fb;
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, e * cab.Commitment, v.Read<EqualityProof>($"{where} final", EqualityProof.TryRead), v.Acc), $"{where} final check");
    }
}

/// <summary>Y = A ∘ B (<see cref="ProductStep"/> on the broadcast operands).</summary>
public static class MulStep
{
    public static void Prove(ProverContext ctx, MulLayer layer, EvalClaim y)
        => ProductStep.Prove(ctx, y, OperandView.Broadcast(ctx.Plan, layer.A, layer.Output), OperandView.Broadcast(ctx.Plan, layer.B, layer.Output));

    public static void Verify(VerifierContext ctx, MulLayer layer, EvalClaim y)
        => ProductStep.Verify(ctx, y, OperandView.Broadcast(ctx.Plan, layer.A, layer.Output), OperandView.Broadcast(ctx.Plan, layer.B, layer.Output), $"layer '{layer.Name}'");
}

/// <summary>Y = m·X for a public constant m: the prover commits X̃(r) and proves C_Y = m·C_X.</summary>
public static class MulConstStep
{
    public static void Prove(ProverContext ctx, MulConstLayer layer, EvalClaim y)
    {
        var s = ctx.Session;
        var cx = s.CommitValue("mulconst/x", y.Point, Mle.Evaluate(ctx.LongTable(layer.Input), y.Point));
        Fr m = Fr.FromInt64(layer.Multiplier);
        EqualityProof.Prove(s.Transcript, s.Key, y.Commitment, m * cx.Commitment, y.Blind, m * cx.Blind, s.Rng).Write(s.Writer);
        ctx.Claim(layer.Input, cx);
    }

    public static void Verify(VerifierContext ctx, MulConstLayer layer, EvalClaim y)
    {
        var v = ctx.Session;
        var cx = v.ReceiveValue("mulconst/x", y.Point);
        Fr m = Fr.FromInt64(layer.Multiplier);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, y.Commitment, m * cx.Commitment,
            v.Read<EqualityProof>($"'{layer.Name}' scale", EqualityProof.TryRead), v.Acc), $"layer '{layer.Name}' (MulConst)");
        ctx.Claim(layer.Input, cx);
    }
}

/// <summary>
/// Y[c, …] = X[c, …]·W[c] + b[c]: the prover commits t = (X ∘ W_b)~(r) and b̃(p_b), proves
/// C_Y = C_t + f_b·C_b, and the claim on t goes to <see cref="ProductStep"/>.
/// </summary>
public static class ChannelAffineStep
{
    public static void Prove(ProverContext ctx, ChannelAffineLayer layer, EvalClaim y)
    {
        var s = ctx.Session;
        var vx = OperandView.Broadcast(ctx.Plan, layer.Input, layer.Output);
        var vw = OperandView.PerChannel(ctx.Plan, layer.Weight, layer.Output);
        var vb = OperandView.PerChannel(ctx.Plan, layer.Bias, layer.Output);
        var xw = Operands.Broadcast(ctx, vx);
        var w = Operands.Broadcast(ctx, vw);
        for (int i = 0; i < xw.Length; i++) xw[i] *= w[i];
        var ct = s.CommitValue("affine/t", y.Point, Mle.Evaluate(xw, y.Point));
        var (pb, fb) = vb.Project(y.Point);
        var cb = Operands.Commit(ctx, vb, pb, "affine/b");
        EqualityProof.Prove(s.Transcript, s.Key, y.Commitment, ct.Commitment + fb * cb.Commitment, y.Blind, ct.Blind + fb * cb.Blind, s.Rng).Write(s.Writer);
        ProductStep.Prove(ctx, ct, vx, vw);
    }

    public static void Verify(VerifierContext ctx, ChannelAffineLayer layer, EvalClaim y)
    {
        var v = ctx.Session;
        var vx = OperandView.Broadcast(ctx.Plan, layer.Input, layer.Output);
        var vw = OperandView.PerChannel(ctx.Plan, layer.Weight, layer.Output);
        var vb = OperandView.PerChannel(ctx.Plan, layer.Bias, layer.Output);
        var ct = v.ReceiveValue("affine/t", y.Point);
        var (pb, fb) = vb.Project(y.Point);
        var cb = Operands.Receive(ctx, vb, pb, "affine/b");
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, y.Commitment, ct.Commitment + fb * cb.Commitment,
            v.Read<EqualityProof>($"'{layer.Name}' bias", EqualityProof.TryRead), v.Acc), $"layer '{layer.Name}' (ChannelAffine) bias");
        ProductStep.Verify(ctx, ct, vx, vw, $"layer '{layer.Name}'");
    }
}
