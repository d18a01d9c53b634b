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

    /// <summary>Prover: the padded table of lo·valid − X ("lo") or X − hi·valid ("hi").</summary>
    public static long[] Difference(ProverContext ctx, ClipLayer layer, string part)
    {
        long bound = Parts(ctx.Plan, layer).First(p => p.Part == part).Bound;
        var x = ctx.LongTable(layer.Input);
        var valid = InferenceProver.ValidMask(ctx.Plan.Layout(layer.Input));
        var d = new long[x.Length];
        for (int i = 0; i < d.Length; i++)
            d[i] = !valid[i] ? 0 : part == "lo" ? bound - x[i] : x[i] - bound;
        return d;
    }

    public static void Prove(ProverContext ctx, ClipLayer layer, EvalClaim y)
    {
        var s = ctx.Session;
        var parts = Parts(ctx.Plan, layer);
        if (parts.Count == 0) { ctx.Claim(layer.Input, y); return; }
        var cx = s.CommitValue("clip/x", y.Point, Mle.Evaluate(ctx.LongTable(layer.Input), y.Point));
        var rels = new List<(EvalClaim Claim, long[] D)>();
        foreach (var (part, _) in parts)
        {
            var d = Difference(ctx, layer, part);
            var relu = Array.ConvertAll(d, v => Math.Max(v, 0));
            rels.Add((s.CommitValue($"clip/{part}", y.Point, Mle.Evaluate(relu, y.Point)), d));
        }
        var sum = cx.Commitment;
        Fr blind = cx.Blind;
        for (int i = 0; i < parts.Count; i++)
        {
            Fr sign = parts[i].Part == "lo" ? Fr.One : -Fr.One;
            sum += sign * rels[i].Claim.Commitment;
            blind += sign * rels[i].Claim.Blind;
        }
        EqualityProof.Prove(s.Transcript, s.Key, y.Commitment, sum, y.Blind, blind, s.Rng).Write(s.Writer);
        ctx.Claim(layer.Input, cx);
        for (int i = 0; i < parts.Count; i++)
        {
            var (cd, cs) = ReluArgument.Prove(s, rels[i].Claim, Operands.ToField(rels[i].D), rels[i].D);
            Record(ctx, layer, parts[i], cd, cs);
        }
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
    private static void Record(ContextBase ctx, ClipLayer layer, (string Part, long Bound) part, EvalClaim cd, EvalClaim cs)
    {
        var bits = ctx.Plan.BitsOf(layer, part.Part);
        var xp = bits.XPoint(cd.Point);
        bits.Committed!.AddWeightedClaim(xp, bits.SignWeights(), cs);
        bits.Committed.AddWeightedClaim(xp, bits.QWeights(), cd);
        Fr b = Fr.FromInt64(part.Bound) * bits.Layout.ValidIndicator(cd.Point);
        var g = EvalClaim.Key.G;
        var x = part.Part == "lo"
            ? new EvalClaim(cd.Point, b * g - cd.Commitment, b - cd.Value, -cd.Blind)
            : new EvalClaim(cd.Point, cd.Commitment + b * g, cd.Value + b, cd.Blind);
        ctx.Claim(layer.Input, x);
    }
}
