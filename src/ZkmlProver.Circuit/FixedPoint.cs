namespace ZkmlProver.Circuit;

/// <summary>Float ↔ fixed-point conversion (round half away from zero).</summary>
public static class FixedPoint
{
    /// <summary>round_half_away(x·2^scale); throws <see cref="OverflowException"/> if not finite or beyond ±2^62.</summary>
    public static long ToFixed(double x, int scale)
    {
        double v = Math.Round(Math.ScaleB(x, scale), MidpointRounding.AwayFromZero);
        if (!(Math.Abs(v) <= 4.6e18)) throw new OverflowException($"{x} at scale {scale} does not fit in 63 bits");
        return (long)v;
    }

    /// <summary>q / 2^scale.</summary>
    public static double ToReal(long q, int scale) => Math.ScaleB(q, -scale);

    /// <summary>Smallest signed bit width holding every value of <paramref name="values"/> (at least 2).</summary>
    public static int BitsFor(ReadOnlySpan<long> values)
    {
        long m = 0;
        foreach (long v in values) m = Math.Max(m, v < 0 ? -(v + 1) : v);
        return BitsForMagnitude(m);
    }

    /// <summary>Smallest b ≥ 2 with −2^(b−1) ≤ −m−1 and m ≤ 2^(b−1) − 1.</summary>
    public static int BitsForMagnitude(long m)
    {
        int b = 2;
        while (b < 63 && m > (1L << (b - 1)) - 1) b++;
        return b;
    }
}
