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
    public static EvalClaim Receive(VerifierContext ctx, OperandView v, Fr[] point, string label)
    {
        var c = ctx.Session.ReceiveValue(label, point);
        Register(ctx, v, c);
        return c;
    }

    internal static void Register(ContextBase ctx, OperandView v, EvalClaim c)
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
