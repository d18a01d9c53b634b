using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Y = clip(X, lo, hi) = X + relu(lo − X) − relu(X − hi), a bound dropped when X's declared range
/// already satisfies it. Each difference d has committed bits ("layer#lo", "layer#hi": its sign and
/// range); the prover commits X̃(r) and relu(d)~(r) and proves C_Y = C_X + C_lo − C_hi; each relu
/// claim goes through <see cref="ReluArgument"/>, whose claim on d is tied to the bits and turned
/// into a claim on X (d = lo·valid − X, or X − hi·valid) homomorphically.
/// (A Clip read only by a Lookup is fused into its table instead, <see cref="LookupPlan"/>.)
/// </summary>
public static class ClipStep
{
    /// <summary>The bounds that can bite: ("lo", Min) and/or ("hi", Max). A bound is dropped only
    /// when X's <em>proven</em> range (<see cref="ProvenRanges"/>) satisfies it — never on X's
    /// declared range alone, which a cheating prover need not respect.</summary>
    public static List<(string Part, long Bound)> Parts(InferencePlan plan, ClipLayer layer)
    {
        var x = plan.Ranges[layer.Input];
        var parts = new List<(string, long)>();
        if (layer.Min > x.Lo) parts.Add(("lo", layer.Min));
        if (layer.Max < x.Hi) parts.Add(("hi", layer.Max));
        return parts;
    }

    public static void Verify(VerifierContext ctx, ClipLayer layer, EvalClaim y)
    {
        var v = ctx.Session;
        var parts = Parts(ctx.Plan, layer);
        if (parts.Count == 0) { ctx.Claim(layer.Input, y); return; }
        var cx = v.ReceiveValue("clip/x", y.Point);
        var rels = parts.Select(p => v.ReceiveValue($"clip/{p.Part}", y.Point)).ToList();
        var sum = cx.Commitment;
        for (int i = 0; i < parts.Count; i++) sum += (parts[i].Part == "lo" ? Fr.One : -Fr.One) * rels[i].Commitment;
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, y.Commitment, sum,
            v.Read<EqualityProof>($"'{layer.Name}' split", EqualityProof.TryRead), v.Acc), $"layer '{layer.Name}' (Clip)");
        ctx.Claim(layer.Input, cx);
        for (int i = 0; i < parts.Count; i++)
        {
            var (cd, cs) = ReluArgument.Verify(v, rels[i], $"layer '{layer.Name}' {parts[i].Part}");
            Record(ctx, layer, parts[i], cd, cs);
        }
    }

    /// <summary>Ties the claim on d to its bits and turns it into a claim on X.</summary>
    internal static void Record(ContextBase ctx, ClipLayer layer, (string Part, long Bound) part, EvalClaim cd, EvalClaim cs)
    {
        var bits = ctx.Plan.BitsOf(layer, part.Part);
        var xp = bits.XPoint(cd.Point);
        ctx.Committed(bits).AddWeightedClaim(xp, bits.SignWeights(), cs);
        ctx.Committed(bits).AddWeightedClaim(xp, bits.QWeights(), cd);
        Fr b = Fr.FromInt64(part.Bound) * bits.Layout.ValidIndicator(cd.Point);
        var g = EvalClaim.Key.G;
        var x = part.Part == "lo"
            ? new EvalClaim(cd.Point, b * g - cd.Commitment, b - cd.Value, -cd.Blind)
            : new EvalClaim(cd.Point, cd.Commitment + b * g, cd.Value + b, cd.Blind);
        ctx.Claim(layer.Input, x);
    }
}

/// <summary>Clip in the plan and the verifier. A Clip fused into the lookup that reads it has no
/// step of its own (the lookup's table clamps), and bounds it may drop are checked on the proven range.</summary>
internal sealed class ClipProofStep : ProofStep<ClipLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, ClipLayer cl, Func<string, IntRange> proven)
        => (plan.FusedClips.Contains(cl.Output) ? IntRange.Of(plan.Circuit.Tensor(cl.Input)) : proven(cl.Input)).Clamp(cl.Min, cl.Max);
    protected override void DeclareBits(InferencePlan plan, ClipLayer cl)
    {
        if (plan.FusedClips.Contains(cl.Output)) return;
        foreach (var (part, _) in ClipStep.Parts(plan, cl))
            plan.DeclareBits(cl, part, 0, plan.Circuit.Tensor(cl.Input).Bits + 1, 0, plan.Layout(cl.Input), $"widen the range (Bits) of '{cl.Input}'");
    }
    protected override void Verify(VerifierContext ctx, ClipLayer layer, EvalClaim claim) => ClipStep.Verify(ctx, layer, claim);
}
