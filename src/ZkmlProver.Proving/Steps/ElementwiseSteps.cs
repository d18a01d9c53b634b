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
    internal static readonly SumCheckTerms Terms = SumCheckTerms.Product(3);

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
    public static void Verify(VerifierContext ctx, MulLayer layer, EvalClaim y)
        => ProductStep.Verify(ctx, y, OperandView.Broadcast(ctx.Plan, layer.A, layer.Output), OperandView.Broadcast(ctx.Plan, layer.B, layer.Output), $"layer '{layer.Name}'");
}

/// <summary>Y = m·X for a public constant m: the prover commits X̃(r) and proves C_Y = m·C_X.</summary>
public static class MulConstStep
{
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

/// <summary>Add in the plan and the verifier.</summary>
internal sealed class AddProofStep : ProofStep<AddLayer>
{
    protected override string? Unsupported(InferencePlan plan, AddLayer layer) => plan.Broadcasts(layer);
    protected override IntRange ProvenRange(InferencePlan plan, AddLayer a, Func<string, IntRange> proven) => proven(a.A) + proven(a.B);
    protected override void Verify(VerifierContext ctx, AddLayer a, EvalClaim claim) => AddStep.Verify(ctx, a, a.A, a.B, subtract: false, claim);
}

/// <summary>Sub in the plan and the verifier.</summary>
internal sealed class SubProofStep : ProofStep<SubLayer>
{
    protected override string? Unsupported(InferencePlan plan, SubLayer layer) => plan.Broadcasts(layer);
    protected override IntRange ProvenRange(InferencePlan plan, SubLayer sb, Func<string, IntRange> proven) => proven(sb.A) - proven(sb.B);
    protected override void Verify(VerifierContext ctx, SubLayer sb, EvalClaim claim) => AddStep.Verify(ctx, sb, sb.A, sb.B, subtract: true, claim);
}

/// <summary>Mul of two tensors in the plan and the verifier.</summary>
internal sealed class MulProofStep : ProofStep<MulLayer>
{
    protected override string? Unsupported(InferencePlan plan, MulLayer layer) => plan.Broadcasts(layer);
    protected override IntRange ProvenRange(InferencePlan plan, MulLayer m, Func<string, IntRange> proven) => proven(m.A) * proven(m.B);
    protected override void Verify(VerifierContext ctx, MulLayer layer, EvalClaim claim) => MulStep.Verify(ctx, layer, claim);
}

/// <summary>Mul by a constant in the plan and the verifier.</summary>
internal sealed class MulConstProofStep : ProofStep<MulConstLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, MulConstLayer mc, Func<string, IntRange> proven) => proven(mc.Input) * IntRange.Point(mc.Multiplier);
    protected override void Verify(VerifierContext ctx, MulConstLayer layer, EvalClaim claim) => MulConstStep.Verify(ctx, layer, claim);
}

/// <summary>Per-channel affine (folded BatchNorm) in the plan and the verifier.</summary>
internal sealed class ChannelAffineProofStep : ProofStep<ChannelAffineLayer>
{
    protected override string? Unsupported(InferencePlan plan, ChannelAffineLayer layer) => plan.Broadcasts(layer);
    protected override IntRange ProvenRange(InferencePlan plan, ChannelAffineLayer ca, Func<string, IntRange> proven) => proven(ca.Input) * proven(ca.Weight) + proven(ca.Bias);
    protected override void Verify(VerifierContext ctx, ChannelAffineLayer layer, EvalClaim claim) => ChannelAffineStep.Verify(ctx, layer, claim);
}
