using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Y = floor((Z + 2^(t−1)) / 2^t), Z = (2^t − a)·relu(X) + a·X. Z + 2^(t−1) has committed bits
/// ("layer#z", low t bits = remainder, high bits = Y), exactly as a Rescale: the claim on Y is a
/// bits claim; the prover commits z̃(r) (full bit weights) and, for Z, relu(X)~(r) and X̃(r), proving
/// C_Z = (2^t − a)·C_relu + a·C_X; the ReLU claim goes through <see cref="ReluArgument"/> with X's
/// sign bits (<see cref="InferencePlan.SignBits"/>).
/// </summary>
public static class LeakyReluStep
{
    public static void Verify(VerifierContext ctx, LeakyReluLayer layer, EvalClaim y)
    {
        var v = ctx.Session;
        var zc = RescaleStep.VerifyQuotient(v, ctx.Plan.BitsOf(layer, "z"), ctx.Committed(ctx.Plan.BitsOf(layer, "z")), y).Commitment;
        var crel = v.ReceiveValue("leaky/relu", y.Point);
        var cx = v.ReceiveValue("leaky/x", y.Point);
        var (ka, kx) = Coefficients(layer);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, zc, ka * crel.Commitment + kx * cx.Commitment,
            v.Read<EqualityProof>($"'{layer.Name}' split", EqualityProof.TryRead), v.Acc), $"layer '{layer.Name}' (LeakyRelu)");
        ctx.Claim(layer.Input, cx);
        var (cq, cs) = ReluArgument.Verify(v, crel, $"layer '{layer.Name}'");
        ReluStep.Record(ctx, layer, layer.Input, cq, cs);
    }

    internal static (Fr Relu, Fr X) Coefficients(LeakyReluLayer layer)
        => (Fr.FromInt64((1L << layer.AlphaShift) - layer.AlphaNum), Fr.FromInt64(layer.AlphaNum));
}

/// <summary>LeakyReLU in the plan and the verifier: sign bits of X and the bits of the scaled branch.</summary>
internal sealed class LeakyReluProofStep : ProofStep<LeakyReluLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, LeakyReluLayer layer, Func<string, IntRange> proven) => IntRange.Of(plan.Circuit.Tensor(layer.Output));
    protected override void DeclareBits(InferencePlan plan, LeakyReluLayer lr)
    {
        plan.DeclareSignBits(lr, lr.Input);
        plan.DeclareBits(lr, "z", lr.AlphaShift, plan.Circuit.Tensor(lr.Output).Bits, 1L << (lr.AlphaShift - 1), plan.Layout(lr.Output), $"widen the range (Bits) of '{lr.Output}'");
    }
    protected override void Verify(VerifierContext ctx, LeakyReluLayer layer, EvalClaim claim) => LeakyReluStep.Verify(ctx, layer, claim);
}
