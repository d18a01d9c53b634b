using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Claims on the operands of elementwise layers: the prover commits Õ(p) at the projected point of
/// an <see cref="OperandView"/> and the claim goes to the weight's commitment or to the tensor's
/// pending claims (the verifier receives the commitment and records the same claim).
/// </summary>
public static class Operands
{
    /// <summary>Prover: the operand's padded integer table in its own layout.</summary>
    public static long[] Table(ProverContext ctx, OperandView v)
        => v.IsWeight ? v.Layout.ToLongTable(ctx.WeightValues[v.Tensor]) : ctx.LongTable(v.Tensor);

    /// <summary>Prover: the operand's row-major values (activations batch-major).</summary>
    public static long[] Values(ProverContext ctx, OperandView v)
        => v.IsWeight ? ctx.WeightValues[v.Tensor] : ctx.Witness[v.Tensor];

    /// <summary>Prover: the operand broadcast to the output layout. A cheating prover's padded table
    /// (soundness tests) is used as it is when the operand is not broadcast, so that its padding
    /// reaches every sum that runs over padded indices.</summary>
    public static long[] Broadcast(ProverContext ctx, OperandView v)
    {
        if (!v.IsWeight && ctx.PaddedOverrides?.ContainsKey(ctx.Plan.Source(v.Tensor)) == true && v.Layout.Dims.SequenceEqual(v.OutLayout.Dims))
            return ctx.LongTable(v.Tensor);
        return v.BroadcastTable(Values(ctx, v));
    }

    public static EvalClaim Commit(ProverContext ctx, OperandView v, Fr[] point, string label)
    {
        var c = ctx.Session.CommitValue(label, point, Mle.Evaluate(Table(ctx, v), point));
        Register(ctx, v, c);
        return c;
    }

    public static EvalClaim Receive(VerifierContext ctx, OperandView v, Fr[] point, string label)
    {
        var c = ctx.Session.ReceiveValue(label, point);
        Register(ctx, v, c);
        return c;
    }

    private static void Register(ContextBase ctx, OperandView v, EvalClaim c)
    {
        if (v.IsWeight) ctx.Weight(v.Tensor).AddPointClaim(c);
        else ctx.Claim(v.Tensor, c);
    }

    internal static Fr[] ToField(long[] v)
    {
        var f = new Fr[v.Length];
        for (int i = 0; i < v.Length; i++) if (v[i] != 0) f[i] = Fr.FromInt64(v[i]);
        return f;
    }
}
