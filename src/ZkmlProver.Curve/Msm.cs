using ZkmlProver.Field;

namespace ZkmlProver.Curve;

/// <summary>Multi-scalar multiplication Σ sᵢ·Pᵢ. Reference implementation (to be replaced by the
/// fast bucket method with the same signatures).</summary>
public static class Msm
{
    public static Point Compute(ReadOnlySpan<Point> points, ReadOnlySpan<Fr> scalars)
    {
        if (points.Length != scalars.Length) throw new ArgumentException($"MSM length mismatch: {points.Length} points, {scalars.Length} scalars");
        var acc = Point.Identity;
        for (int i = 0; i < points.Length; i++) acc += points[i] * scalars[i];
        return acc;
    }

    /// <summary>MSM with small signed scalars (weights, activations, bits, lookup counts).</summary>
    public static Point ComputeSmall(ReadOnlySpan<Point> points, ReadOnlySpan<long> scalars)
    {
        if (points.Length != scalars.Length) throw new ArgumentException($"MSM length mismatch: {points.Length} points, {scalars.Length} scalars");
        var acc = Point.Identity;
        for (int i = 0; i < points.Length; i++)
            if (scalars[i] != 0) acc += points[i] * Fr.FromInt64(scalars[i]);
        return acc;
    }
}
