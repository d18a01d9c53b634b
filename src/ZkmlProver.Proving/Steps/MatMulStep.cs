using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Y[b, l, i, j] = Σ_k A[b, l, i, k]·B[b, l, k, j] for two operands of any kind (activations,
/// input, weights; leading dimensions broadcast as in ONNX). Rows shared by both operands (batch b
/// and leading dims l) must be summed jointly, so the claim Ỹ(r_bl, r_i, r_j) is a ZK sum-check over
/// (bl, k) of eq(r_bl, bl)·A′(bl, k)·B′(bl, k) (degree 3) with A′ = Ã_bcast(·, r_i, ·) and
/// B′ = B̃_bcast(·, ·, r_j); at (r_bl′, r_k′) the operands' claims come from their broadcast views
/// (<see cref="OperandView"/>) as in <see cref="ProductStep"/>. Prover work O(|A| + |B| + |Y|).
/// (A MatMul by a constant matrix is a Dense layer: cheaper, O(B·K + M·K).)
/// </summary>
public static class MatMulStep
{
    internal static readonly SumCheckTerms Terms = SumCheckTerms.Product(3);

    public sealed record Geometry(OperandView A, OperandView B, int RowVars, int IVars, int JVars, int KVars);

    public static string? Supported(InferencePlan plan, MatMulLayer layer)
    {
        int ra = plan.Circuit.Tensor(layer.A).Shape.Length, rb = plan.Circuit.Tensor(layer.B).Shape.Length;
        if (ra < 2 || rb < 2 || plan.Circuit.Tensor(layer.Output).Shape.Length < 2) return "a MatMul with a 1-D operand";
        try { Shapes(plan, layer); return null; }
        catch (ProvingException e) { return $"this MatMul ({e.Message})"; }
    }

    public static Geometry Shapes(InferencePlan plan, MatMulLayer layer)
    {
        var y = plan.Layout(layer.Output);
        int k = plan.Circuit.Tensor(layer.A).Shape[^1];
        var lead = y.Dims[..^2];
        var va = new TensorLayout([.. lead, y.Dims[^2], k]);
        var vb = new TensorLayout([.. lead, k, y.Dims[^1]]);
        var a = OperandView.Broadcast(plan, layer.A, va, layer.Output);
        var b = OperandView.Broadcast(plan, layer.B, vb, layer.Output);
        return new Geometry(a, b, y.Vars[..^2].Sum(), y.Vars[^2], y.Vars[^1], va.Vars[^1]);
    }

    public static void Verify(VerifierContext ctx, MatMulLayer layer, EvalClaim y)
    {
        var v = ctx.Session;
        var g = Shapes(ctx.Plan, layer);
        var (rbl, ri, rj) = Split(y.Point, g);
        int n = g.RowVars + g.KVars;
        string where = $"layer '{layer.Name}'";
        var proof = v.Read<ZkSumCheckProof>($"{where} sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, n, 3, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, y.Commitment, n, 3, proof, out var sub, v.Acc), $"{where} sum-check");
        var (pa, fa, pb, fb, e) = Final(g, rbl, ri, rj, sub!.Point);
        var ca = Operands.Receive(ctx, g.A, pa, "matmul/a");
        var cb = Operands.Receive(ctx, g.B, pb, "matmul/b");
        var cab = v.ReceiveValue("matmul/ab", sub.Point);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, ca.Commitment, cb.Commitment, cab.Commitment, v.Read<ProductProof>($"{where} product", ProductProof.TryRead), v.Acc), $"{where} product");
        e *= fa * fb;
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, e * cab.Commitment, v.Read<EqualityProof>($"{where} final", EqualityProof.TryRead), v.Acc), $"{where} final check");
    }

    internal static (Fr[] Rbl, Fr[] Ri, Fr[] Rj) Split(Fr[] r, Geometry g)
        => (r[..g.RowVars], r[g.RowVars..(g.RowVars + g.IVars)], r[(g.RowVars + g.IVars)..]);

    /// <summary>The operand points at the sum-check's point (r_bl′, r_k′), their broadcast factors and eq(r_bl, r_bl′).</summary>
    internal static (Fr[] Pa, Fr Fa, Fr[] Pb, Fr Fb, Fr Eq) Final(Geometry g, Fr[] rbl, Fr[] ri, Fr[] rj, Fr[] point)
    {
        var bl2 = point[..g.RowVars];
        var k2 = point[g.RowVars..];
        var (pa, fa) = g.A.Project([.. bl2, .. ri, .. k2]);
        var (pb, fb) = g.B.Project([.. bl2, .. k2, .. rj]);
        return (pa, fa, pb, fb, Mle.Eq(rbl, bl2));
    }
}

/// <summary>MatMul of two tensors in the plan and the verifier.</summary>
internal sealed class MatMulProofStep : ProofStep<MatMulLayer>
{
    protected override string? Unsupported(InferencePlan plan, MatMulLayer layer) => MatMulStep.Supported(plan, layer);
    protected override IntRange ProvenRange(InferencePlan plan, MatMulLayer mm, Func<string, IntRange> proven)
        => (proven(mm.A) * proven(mm.B)).Times(plan.Circuit.Tensor(mm.A).Shape[^1]);
    protected override void Verify(VerifierContext ctx, MatMulLayer layer, EvalClaim claim) => MatMulStep.Verify(ctx, layer, claim);
}
