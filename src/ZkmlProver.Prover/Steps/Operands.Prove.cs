using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using static ZkmlProver.Proving.Steps.Operands;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="Operands"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>Operands.Prove</c> as before.</summary>
public static class OperandsProving
{
    extension(Operands)
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
    }
}
