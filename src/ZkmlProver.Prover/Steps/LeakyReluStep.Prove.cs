using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using static ZkmlProver.Proving.Steps.LeakyReluStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="LeakyReluStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>LeakyReluStep.Prove</c> as before.</summary>
public static class LeakyReluStepProving
{
    extension(LeakyReluStep)
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
            var zc = RescaleStep.ProveQuotient(s, ctx.Plan.BitsOf(layer, "z"), ctx.Committed(ctx.Plan.BitsOf(layer, "z")), y, Mle.Evaluate(Scaled(ctx, layer), y.Point));
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
    }
}

internal sealed class LeakyReluStepProver : StepProver<LeakyReluLayer>
{
    protected override long[] BitsValues(ProverContext ctx, LeakyReluLayer layer, string part)
        => part == "sign" ? ctx.LongTable(layer.Input) : LeakyReluStep.Scaled(ctx, layer);
    protected override void Prove(ProverContext ctx, LeakyReluLayer layer, EvalClaim claim) => LeakyReluStep.Prove(ctx, layer, claim);
}
