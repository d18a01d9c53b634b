using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using static ZkmlProver.Proving.Steps.AddStep;
using static ZkmlProver.Proving.Steps.ProductStep;
using static ZkmlProver.Proving.Steps.MulStep;
using static ZkmlProver.Proving.Steps.MulConstStep;
using static ZkmlProver.Proving.Steps.ChannelAffineStep;

namespace ZkmlProver.Proving.Steps;

/// <summary>The prover half of <see cref="AddStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>AddStep.Prove</c> as before.</summary>
public static class AddStepProving
{
    extension(AddStep)
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
    }
}

/// <summary>The prover half of <see cref="ProductStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>ProductStep.Prove</c> as before.</summary>
public static class ProductStepProving
{
    extension(ProductStep)
    {
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
    }
}

/// <summary>The prover half of <see cref="MulStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>MulStep.Prove</c> as before.</summary>
public static class MulStepProving
{
    extension(MulStep)
    {
        public static void Prove(ProverContext ctx, MulLayer layer, EvalClaim y)
            => ProductStep.Prove(ctx, y, OperandView.Broadcast(ctx.Plan, layer.A, layer.Output), OperandView.Broadcast(ctx.Plan, layer.B, layer.Output));
    }
}

/// <summary>The prover half of <see cref="MulConstStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>MulConstStep.Prove</c> as before.</summary>
public static class MulConstStepProving
{
    extension(MulConstStep)
    {
        public static void Prove(ProverContext ctx, MulConstLayer layer, EvalClaim y)
        {
            var s = ctx.Session;
            var cx = s.CommitValue("mulconst/x", y.Point, Mle.Evaluate(ctx.LongTable(layer.Input), y.Point));
            Fr m = Fr.FromInt64(layer.Multiplier);
            EqualityProof.Prove(s.Transcript, s.Key, y.Commitment, m * cx.Commitment, y.Blind, m * cx.Blind, s.Rng).Write(s.Writer);
            ctx.Claim(layer.Input, cx);
        }
    }
}

/// <summary>The prover half of <see cref="ChannelAffineStep"/> (the verifier half and the geometry both use
/// are in ZkmlProver.Proving; the two mirror each other's transcript calls). An extension block,
/// so the prover calls <c>ChannelAffineStep.Prove</c> as before.</summary>
public static class ChannelAffineStepProving
{
    extension(ChannelAffineStep)
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
    }
}

internal sealed class AddStepProver : StepProver<AddLayer>
{
    protected override void Prove(ProverContext ctx, AddLayer a, EvalClaim claim) => AddStep.Prove(ctx, a, a.A, a.B, subtract: false, claim);
}

internal sealed class SubStepProver : StepProver<SubLayer>
{
    protected override void Prove(ProverContext ctx, SubLayer sb, EvalClaim claim) => AddStep.Prove(ctx, sb, sb.A, sb.B, subtract: true, claim);
}

internal sealed class MulStepProver : StepProver<MulLayer>
{
    protected override void Prove(ProverContext ctx, MulLayer layer, EvalClaim claim) => MulStep.Prove(ctx, layer, claim);
}

internal sealed class MulConstStepProver : StepProver<MulConstLayer>
{
    protected override void Prove(ProverContext ctx, MulConstLayer layer, EvalClaim claim) => MulConstStep.Prove(ctx, layer, claim);
}

internal sealed class ChannelAffineStepProver : StepProver<ChannelAffineLayer>
{
    protected override void Prove(ProverContext ctx, ChannelAffineLayer layer, EvalClaim claim) => ChannelAffineStep.Prove(ctx, layer, claim);
}
