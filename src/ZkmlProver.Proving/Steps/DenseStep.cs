using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Y = X·Wᵀ + b (docs/PROVING.md "Dense"): the claim on Ỹ(r_b, r_m) becomes a claim on the bias
/// b̃(r_m), a claim on the weight W̃(r_m, r_k) and a claim on the input X̃(r_b, r_k) after a
/// zero-knowledge sum-check over k of X̃(r_b, k)·W̃(r_m, k). Prover work O(B·K + M·K + K).
/// </summary>
public static class DenseStep
{
    internal static readonly SumCheckTerms Terms = SumCheckTerms.Product(2);

    public static void Verify(VerifierContext ctx, DenseLayer layer, EvalClaim y)
    {
        var v = ctx.Session;
        var (xLayout, _, bv, mv, kv) = Shapes(ctx.Plan, layer);
        var rb = y.Point[..bv];
        var rm = y.Point[bv..];
        var e0 = y.Commitment;
        if (layer.Bias is not null)
        {
            var cb = v.ReceiveValue("dense/bias", rm);
            ctx.Weight(layer.Bias).AddPointClaim(cb);
            e0 -= RowGate(xLayout, bv, rb) * cb.Commitment;
        }
        var proof = v.Read<ZkSumCheckProof>($"'{layer.Name}' sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, kv, 2, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, e0, kv, 2, proof, out var sub, v.Acc), $"layer '{layer.Name}' sum-check");
        var rk = sub!.Point;
        var cw = v.ReceiveValue("dense/w", [.. rm, .. rk]);
        ctx.Weight(layer.Weight).AddPointClaim(cw);
        if (ctx.IsPublicInput(layer.Input))
        {
            Fr x = Mle.Evaluate(ctx.PublicInputTable(), [.. rb, .. rk]);
            var eq = v.Read<EqualityProof>("dense input equality", EqualityProof.TryRead);
            VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, x * cw.Commitment, eq, v.Acc), $"layer '{layer.Name}' input check");
            return;
        }
        var cx = v.ReceiveValue("dense/x", [.. rb, .. rk]);
        var prod = v.Read<ProductProof>("dense product", ProductProof.TryRead);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, cx.Commitment, cw.Commitment, sub.Commitment, prod, v.Acc), $"layer '{layer.Name}' product");
        ctx.Claim(layer.Input, cx);
    }

    /// <summary>The row variables are the batch's and, for an input [..., K] with leading per-sample
    /// dimensions, those dimensions' too (the contraction is over the last axis); otherwise the
    /// whole per-sample input (possibly a reshaped [C, H, W]) is the contracted K.</summary>
    internal static (TensorLayout X, TensorLayout W, int BatchVars, int MVars, int KVars) Shapes(InferencePlan plan, DenseLayer layer)
    {
        var x = plan.Layout(layer.Input);
        var w = plan.WeightLayouts[layer.Weight];
        int k = plan.Circuit.Tensor(layer.Weight).Shape[1];
        int rowDims = x.Count / x.Dims[0] == k ? 1 : x.Dims.Length - 1;
        int bv = x.Vars[..rowDims].Sum();
        int kv = x.NumVars - bv;
        int mv = w.NumVars - kv;
        if (w.NumVars - w.Vars[0] != kv) throw new InvalidOperationException($"layer '{layer.Name}': weight layout does not match its input layout");
        return (x, w, bv, mv, kv);
    }

    /// <summary>The MLE at r_b of the indicator of valid rows (batch and leading dimensions).</summary>
    internal static Fr RowGate(TensorLayout x, int bv, Fr[] rb)
    {
        int dims = 0, vars = 0;
        while (vars < bv) vars += x.Vars[dims++];
        return Mle.IndicatorMle(Array.ConvertAll(x.Dims[..dims], d => (long)d), x.Vars[..dims], rb);
    }

    /// <summary>f[k] = Σ_row eq[row]·T[row·cols + k] (fixes the high variables of T to a point).</summary>
    internal static Fr[] FoldRows(Fr[] table, Fr[] eq, int cols)
    {
        var f = new Fr[cols];
        for (int row = 0; row < eq.Length; row++)
        {
            if (eq[row].IsZero) continue;
            var slice = table.AsSpan(row * cols, cols);
            bool any = false;
            foreach (var t in slice) if (!t.IsZero) { any = true; break; }
            if (any) FieldVectors.ScaledAdd(f, eq[row], slice);
        }
        return f;
    }
}

/// <summary>Dense in the plan and the verifier.</summary>
internal sealed class DenseProofStep : ProofStep<DenseLayer>
{
    protected override string? Unsupported(InferencePlan plan, DenseLayer d)
    {
        var x = plan.Circuit.Tensor(plan.Source(d.Input)).Shape;
        int k = plan.Circuit.Tensor(d.Weight).Shape[1];
        return ShapeUtil.Size(x) == k || (x.Length > 0 && x[^1] == k) ? null : "a Dense whose input is not [..., K]";
    }
    protected override IntRange ProvenRange(InferencePlan plan, DenseLayer d, Func<string, IntRange> proven)
        => (proven(d.Input) * proven(d.Weight)).Times(plan.Circuit.Tensor(d.Weight).Shape[1]) + (d.Bias is null ? IntRange.Point(0) : proven(d.Bias));
    protected override void Verify(VerifierContext ctx, DenseLayer layer, EvalClaim claim) => DenseStep.Verify(ctx, layer, claim);
}
