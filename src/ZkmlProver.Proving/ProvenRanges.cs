using System.Numerics;
using ZkmlProver.Circuit;

namespace ZkmlProver.Proving;

/// <summary>An integer interval [Lo, Hi] of values a tensor can take in any accepted proof.</summary>
public readonly record struct IntRange(BigInteger Lo, BigInteger Hi)
{
    public static IntRange Of(TensorInfo t) => new(t.MinValue, t.MaxValue);
    public static IntRange Point(BigInteger v) => new(v, v);
    public IntRange Union(IntRange o) => new(BigInteger.Min(Lo, o.Lo), BigInteger.Max(Hi, o.Hi));
    public static IntRange operator +(IntRange a, IntRange b) => new(a.Lo + b.Lo, a.Hi + b.Hi);
    public static IntRange operator -(IntRange a, IntRange b) => new(a.Lo - b.Hi, a.Hi - b.Lo);
    public static IntRange operator *(IntRange a, IntRange b)
    {
        BigInteger p1 = a.Lo * b.Lo, p2 = a.Lo * b.Hi, p3 = a.Hi * b.Lo, p4 = a.Hi * b.Hi;
        return new(BigInteger.Min(BigInteger.Min(p1, p2), BigInteger.Min(p3, p4)), BigInteger.Max(BigInteger.Max(p1, p2), BigInteger.Max(p3, p4)));
    }
    /// <summary>The range of a sum of <paramref name="terms"/> values each in this range.</summary>
    public IntRange Times(long terms) => new(Lo * terms, Hi * terms);
    public IntRange Clamp(BigInteger min, BigInteger max) => new(BigInteger.Clamp(Lo, min, max), BigInteger.Clamp(Hi, min, max));
    public BigInteger Magnitude => BigInteger.Max(BigInteger.Abs(Lo), BigInteger.Abs(Hi));
    public bool Within(long lo, long hi) => Lo >= lo && Hi <= hi;
    public override string ToString() => $"[{Lo}, {Hi}]";
}

/// <summary>
/// The value range of every live tensor that an accepted proof establishes — derived from the
/// range-checked leaves and each step's guarantee, never from a declared range that nothing checks
/// (docs/SOUNDNESS.md, Proven ranges).
/// </summary>
/// <remarks>
/// Leaves: the public input (the verifier reads it and checks its declared range), the private input
/// (tied to bits), weights (the model commitment's well-formedness proof). A layer whose output is
/// recomposed from committed bits (Rescale, LeakyRelu, AvgPool) or tied to bits (a committed softmax
/// output) has its declared range; a layer whose step reads its input through bits (ReLU's sign
/// bits) has the image of the declared input range; a lookup has its table's output range; every
/// other layer has the interval-arithmetic image of its inputs' proven ranges. Two uses:
/// a Clip may drop a bound only when the *proven* input range satisfies it, and the plan refuses
/// a circuit in which some proven range reaches 2^<see cref="HeadroomBits"/>, so that no field
/// relation of the proof can wrap around n (≈ 2^256): every identity that holds mod n between values
/// of these magnitudes (and the products of two of them that the sum-checks form) holds over ℤ.
/// </remarks>
public sealed class ProvenRanges
{
    /// <summary>Largest magnitude, in bits, allowed for any proven range (far below n/2 ≈ 2^255
    /// even for the product of two such values plus a sum over 2^30 terms).</summary>
    public const int HeadroomBits = 100;

    private readonly Dictionary<string, IntRange> _ranges = new(StringComparer.Ordinal);

    public IntRange this[string tensor] => _ranges[tensor];
    public bool TryGet(string tensor, out IntRange range) => _ranges.TryGetValue(tensor, out range);

    public static ProvenRanges Compute(InferencePlan plan)
    {
        var c = plan.Circuit;
        var pr = new ProvenRanges();
        var r = pr._ranges;
        r[c.Input] = IntRange.Of(c.InputTensor);
        foreach (var w in c.WeightTensors) r[w.Name] = IntRange.Of(w);
        foreach (var l in c.Layers)
        {
            var outT = c.Tensor(l.Output);
            IntRange In(string t) => r.TryGetValue(t, out var v) ? v
                : throw new ProvingException($"layer '{l.Name}': input '{t}' has no proven range (it is produced later or by a dead layer)");
            IntRange range = Steps.ProofSteps.For(l)?.ProvenRange(plan, l, In)
                ?? throw new ProvingException($"layer '{l.Name}' ({l.Op}): no proven-range rule for this layer");
            if (range.Magnitude >= BigInteger.One << HeadroomBits)
                throw new ProvingException($"layer '{l.Name}' ({l.Op}): its output '{l.Output}' can reach {range}, beyond 2^{HeadroomBits}, so its relations could wrap around the field; lower the scales or bits of its inputs");
            r[l.Output] = range;
        }
        return pr;
    }
}
