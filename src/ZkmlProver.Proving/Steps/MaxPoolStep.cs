using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// MaxPool2d as a <see cref="MaxChain"/> over the K window slots X_k = G_k·X (gather maps). A window cell in the padding reads the window's first in-bounds cell
/// instead (a duplicate leaves the maximum unchanged), so every window has all K slots.
/// </summary>
public static class MaxPoolStep
{
    public static GatherMap[] Slots(InferencePlan plan, MaxPool2dLayer layer) => plan.Memo($"maxpool-slots:{layer.Output}", () =>
    {
        var x = plan.Circuit.Tensor(layer.Input).Shape;
        var y = plan.Circuit.Tensor(layer.Output).Shape;
        var maps = new List<GatherMap>();
        for (int i = 0; i < layer.Kernel[0]; i++)
            for (int j = 0; j < layer.Kernel[1]; j++)
                maps.Add(GatherMap.Window(x[0], x[1], x[2], layer.Kernel[0], layer.Kernel[1], layer.Strides, layer.Pads, layer.Dilations, y[1], y[2], (i, j), replaceOutside: true));
        return maps.ToArray();
    });

    public static string BitsPart(int k) => $"d{k}";

    /// <summary>The window slot k of a bits part "d{k}" (inverse of <see cref="BitsPart"/>).</summary>
    public static int SlotOf(string part) => int.Parse(part.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);

    public static void Verify(VerifierContext ctx, MaxPool2dLayer layer, EvalClaim y)
        => MaxChain.Verify(ctx, layer, layer.Input, Slots(ctx.Plan, layer), y);
}

/// <summary>
/// Y = max_k X_k over K slot views X_k = G_k·X as a chain: m_0 = X_0, m_k = max(m_{k−1}, X_k) =
/// X_k + relu(d_k) with d_k = m_{k−1} − X_k, Y = m_{K−1}. Each d_k has committed bits
/// (<see cref="InferencePlan.BitsOf"/>(owner, "d{k}"): sign and range); the claim on m_k splits into a
/// claim on X_k and a ReLU claim on d_k (<see cref="ReluArgument"/>), whose claim on d_k splits into
/// claims on m_{k−1} and X_k. The claims on the X_k are views of X, reduced with X's other claims by
/// <see cref="GatherStep"/>. Used by MaxPool (window slots) and Softmax (the row maximum).
/// </summary>
public static class MaxChain
{
    public static void Verify(VerifierContext ctx, Layer owner, string input, GatherMap[] slots, EvalClaim y)
    {
        var v = ctx.Session;
        var gathers = new List<GatherClaim>();
        var claim = y;
        for (int k = slots.Length - 1; k >= 1; k--)
        {
            var bits = ctx.Plan.BitsOf(owner, MaxPoolStep.BitsPart(k));
            var r = claim.Point;
            var crel = v.ReceiveValue("maxpool/relu", r);
            var cx = v.ReceiveValue("maxpool/x", r);
            VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, claim.Commitment, crel.Commitment + cx.Commitment, v.Read<EqualityProof>("maxpool split", EqualityProof.TryRead), v.Acc), $"layer '{owner.Name}' slot {k}");
            gathers.Add(new GatherClaim(slots[k], cx));
            var (cd, cs) = ReluArgument.Verify(v, crel, $"layer '{owner.Name}' slot {k}");
            var xp = bits.XPoint(cd.Point);
            ctx.Committed(bits).AddWeightedClaim(xp, bits.SignWeights(), cs);
            ctx.Committed(bits).AddWeightedClaim(xp, bits.QWeights(), cd);
            var cm = v.ReceiveValue("maxpool/m", cd.Point);
            var cx2 = v.ReceiveValue("maxpool/x", cd.Point);
            VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, cd.Commitment, cm.Commitment - cx2.Commitment, v.Read<EqualityProof>("maxpool difference", EqualityProof.TryRead), v.Acc), $"layer '{owner.Name}' slot {k} difference");
            gathers.Add(new GatherClaim(slots[k], cx2));
            claim = cm;
        }
        gathers.Add(new GatherClaim(slots[0], claim));
        foreach (var g in gathers) ctx.ClaimView(input, g.Map, g.Claim);
    }
}

/// <summary>MaxPool in the plan and the verifier: one bits tensor per window slot after the first
/// (the max chain's differences).</summary>
internal sealed class MaxPoolProofStep : ProofStep<MaxPool2dLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, MaxPool2dLayer layer, Func<string, IntRange> proven) => proven(layer.Input);
    protected override void DeclareBits(InferencePlan plan, MaxPool2dLayer mp)
    {
        for (int k = 1; k < mp.Kernel[0] * mp.Kernel[1]; k++)
            plan.DeclareBits(mp, MaxPoolStep.BitsPart(k), 0, plan.Circuit.Tensor(mp.Input).Bits + 1, 0, plan.Layout(mp.Output), $"widen the range (Bits) of '{mp.Input}'");
    }
    protected override void Verify(VerifierContext ctx, MaxPool2dLayer layer, EvalClaim claim) => MaxPoolStep.Verify(ctx, layer, claim);
}
