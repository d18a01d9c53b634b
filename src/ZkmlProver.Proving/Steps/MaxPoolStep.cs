using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// MaxPool2d as a chain over the K window slots X_k = G_k·X (gather maps): m_0 = X_0,
/// m_k = max(m_{k−1}, X_k) = X_k + relu(d_k) with d_k = m_{k−1} − X_k, Y = m_{K−1}. Each d_k has
/// committed bits (sign and range, <see cref="BitsTensor"/> with no low bits); the claim on m_k
/// splits into a claim on X_k and a ReLU claim on d_k (<see cref="ReluArgument"/>), whose claim on
/// d_k splits into claims on m_{k−1} and X_k. All claims on the X_k are reduced to one claim on X
/// by <see cref="GatherStep"/>. A window cell in the padding reads the window's first in-bounds cell
/// instead (a duplicate leaves the maximum unchanged), so every window has all K slots.
/// </summary>
public static class MaxPoolStep
{
    public static GatherMap[] Slots(InferencePlan plan, MaxPool2dLayer layer)
    {
        var x = plan.Circuit.Tensor(layer.Input).Shape;
        var y = plan.Circuit.Tensor(layer.Output).Shape;
        var maps = new List<GatherMap>();
        for (int i = 0; i < layer.Kernel[0]; i++)
            for (int j = 0; j < layer.Kernel[1]; j++)
                maps.Add(GatherMap.Window(x[0], x[1], x[2], layer.Kernel[0], layer.Kernel[1], layer.Strides, layer.Pads, layer.Dilations, y[1], y[2], (i, j), replaceOutside: true));
        return [.. maps];
    }

    public static string BitsPart(int k) => $"d{k}";

    /// <summary>Prover: the padded tables of m_{k−1} (k = 1..K−1 gives d_k = m_{k−1} − X_k) and the slots.</summary>
    public static (long[][] M, long[][] X) Chain(ProverContext ctx, MaxPool2dLayer layer)
    {
        var slots = Slots(ctx.Plan, layer);
        var x = ctx.LongTable(layer.Input);
        int bp = 1 << ctx.Plan.Layout(layer.Input).Vars[0];
        var xs = slots.Select(m => m.Apply(x, bp)).ToArray();
        var ms = new long[xs.Length][];
        ms[0] = xs[0];
        for (int k = 1; k < xs.Length; k++)
        {
            ms[k] = new long[xs[k].Length];
            for (int i = 0; i < ms[k].Length; i++) ms[k][i] = Math.Max(ms[k - 1][i], xs[k][i]);
        }
        return (ms, xs);
    }

    /// <summary>Prover: the padded table of d_k = m_{k−1} − X_k.</summary>
    public static long[] Difference(ProverContext ctx, MaxPool2dLayer layer, int k)
    {
        var (ms, xs) = Chain(ctx, layer);
        var d = new long[ms[k].Length];
        for (int i = 0; i < d.Length; i++) d[i] = ms[k - 1][i] - xs[k][i];
        return d;
    }

    public static void Prove(ProverContext ctx, MaxPool2dLayer layer, EvalClaim y)
    {
        var s = ctx.Session;
        var slots = Slots(ctx.Plan, layer);
        var (ms, xs) = Chain(ctx, layer);
        var gathers = new List<GatherClaim>();
        var claim = y;
        for (int k = slots.Length - 1; k >= 1; k--)
        {
            var bits = ctx.Plan.BitsOf(layer, BitsPart(k));
            var r = claim.Point;
            var d = new long[ms[k].Length];
            for (int i = 0; i < d.Length; i++) d[i] = ms[k - 1][i] - xs[k][i];
            long relu(int i) => Math.Max(d[i], 0);
            var crel = s.CommitValue("maxpool/relu", r, Mle.Evaluate(ToField(Enumerable.Range(0, d.Length).Select(relu).ToArray()), r));
            var cx = s.CommitValue("maxpool/x", r, Mle.Evaluate(ToField(xs[k]), r));
            EqualityProof.Prove(s.Transcript, s.Key, claim.Commitment, crel.Commitment + cx.Commitment, claim.Blind, crel.Blind + cx.Blind, s.Rng).Write(s.Writer);
            gathers.Add(new GatherClaim(slots[k], cx));
            var (cd, cs) = ReluArgument.Prove(s, crel, ToField(d), d);
            var xp = bits.XPoint(cd.Point);
            bits.Committed!.AddWeightedClaim(xp, bits.SignWeights(), cs);
            bits.Committed.AddWeightedClaim(xp, bits.QWeights(), cd);
            var cm = s.CommitValue("maxpool/m", cd.Point, Mle.Evaluate(ToField(ms[k - 1]), cd.Point));
            var cx2 = s.CommitValue("maxpool/x", cd.Point, Mle.Evaluate(ToField(xs[k]), cd.Point));
            EqualityProof.Prove(s.Transcript, s.Key, cd.Commitment, cm.Commitment - cx2.Commitment, cd.Blind, cm.Blind - cx2.Blind, s.Rng).Write(s.Writer);
            gathers.Add(new GatherClaim(slots[k], cx2));
            claim = cm;
        }
        gathers.Add(new GatherClaim(slots[0], claim));
        foreach (var g in gathers) ctx.ClaimView(layer.Input, g.Map, g.Claim);
    }

    public static void Verify(VerifierContext ctx, MaxPool2dLayer layer, EvalClaim y)
    {
        var v = ctx.Session;
        var slots = Slots(ctx.Plan, layer);
        var gathers = new List<GatherClaim>();
        var claim = y;
        for (int k = slots.Length - 1; k >= 1; k--)
        {
            var bits = ctx.Plan.BitsOf(layer, BitsPart(k));
            var r = claim.Point;
            var crel = v.ReceiveValue("maxpool/relu", r);
            var cx = v.ReceiveValue("maxpool/x", r);
            VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, claim.Commitment, crel.Commitment + cx.Commitment, v.Read<EqualityProof>("maxpool split", EqualityProof.TryRead), v.Acc), $"layer '{layer.Name}' slot {k}");
            gathers.Add(new GatherClaim(slots[k], cx));
            var (cd, cs) = ReluArgument.Verify(v, crel, $"layer '{layer.Name}' slot {k}");
            var xp = bits.XPoint(cd.Point);
            bits.Committed!.AddWeightedClaim(xp, bits.SignWeights(), cs);
            bits.Committed.AddWeightedClaim(xp, bits.QWeights(), cd);
            var cm = v.ReceiveValue("maxpool/m", cd.Point);
            var cx2 = v.ReceiveValue("maxpool/x", cd.Point);
            VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, cd.Commitment, cm.Commitment - cx2.Commitment, v.Read<EqualityProof>("maxpool difference", EqualityProof.TryRead), v.Acc), $"layer '{layer.Name}' slot {k} difference");
            gathers.Add(new GatherClaim(slots[k], cx2));
            claim = cm;
        }
        gathers.Add(new GatherClaim(slots[0], claim));
        foreach (var g in gathers) ctx.ClaimView(layer.Input, g.Map, g.Claim);
    }

    private static Fr[] ToField(long[] v)
    {
        var f = new Fr[v.Length];
        for (int i = 0; i < v.Length; i++) if (v[i] != 0) f[i] = Fr.FromInt64(v[i]);
        return f;
    }
}
