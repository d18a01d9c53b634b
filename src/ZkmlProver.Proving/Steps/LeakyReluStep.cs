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
    /// <summary>Prover: the padded table of Z over the output layout.</summary>
    public static long[] Scaled(ProverContext ctx, LeakyReluLayer layer)
    {
        var x = ctx.LongTable(layer.Input);
        long full = 1L << layer.AlphaShift;
        var z = new long[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            Int128 v = (Int128)(full - layer.AlphaNum) * Math.Max(x[i], 0) + (Int128)layer.AlphaNum * x[i];
            if (v > long.MaxValue || v < long.MinValue)
                throw new ProvingException($"layer '{layer.Name}': the scaled value at index {i} overflows 64 bits; lower the bits of '{layer.Input}'");
            z[i] = (long)v;
        }
        return z;
    }

    public static void Prove(ProverContext ctx, LeakyReluLayer layer, EvalClaim y)
    {
        var s = ctx.Session;
        var zc = RescaleStep.ProveQuotient(s, ctx.Plan.BitsOf(layer, "z"), y, Mle.Evaluate(Scaled(ctx, layer), y.Point));
        var xl = ctx.LongTable(layer.Input);
        var relu = new long[xl.Length];
        for (int i = 0; i < relu.Length; i++) relu[i] = Math.Max(xl[i], 0);
        var crel = s.CommitValue("leaky/relu", y.Point, Mle.Evaluate(relu, y.Point));
        var cx = s.CommitValue("leaky/x", y.Point, Mle.Evaluate(ctx.LongTable(layer.Input), y.Point));
        var (ka, kx) = Coefficients(layer);
        EqualityProof.Prove(s.Transcript, s.Key, zc.Commitment, ka * crel.Commitment + kx * cx.Commitment, zc.Blind, ka * crel.Blind + kx * cx.Blind, s.Rng).Write(s.Writer);
        ctx.Claim(layer.Input, cx);
        var (cq, cs) = ReluArgument.Prove(s, crel, ctx.Table(layer.Input), xl);
        ReluStep.Record(ctx, layer, layer.Input, cq, cs);
    }

    public static void Verify(VerifierContext ctx, LeakyReluLayer layer, EvalClaim y)
    {
        var v = ctx.Session;
        var zc = RescaleStep.VerifyQuotient(v, ctx.Plan.BitsOf(layer, "z"), y).Commitment;
        var crel = v.ReceiveValue("leaky/relu", y.Point);
        var cx = v.ReceiveValue("leaky/x", y.Point);
        var (ka, kx) = Coefficients(layer);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, zc, ka * crel.Commitment + kx * cx.Commitment,
            v.Read<EqualityProof>($"'{layer.Name}' split", EqualityProof.TryRead), v.Acc), $"layer '{layer.Name}' (LeakyRelu)");
        ctx.Claim(layer.Input, cx);
        var (cq, cs) = ReluArgument.Verify(v, crel, $"layer '{layer.Name}'");
        ReluStep.Record(ctx, layer, layer.Input, cq, cs);
    }

    private static (Fr Relu, Fr X) Coefficients(LeakyReluLayer layer)
        => (Fr.FromInt64((1L << layer.AlphaShift) - layer.AlphaNum), Fr.FromInt64(layer.AlphaNum));
}
