using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ZkmlProver.Circuit;

/// <summary>
/// Tables of smooth functions for <see cref="LookupLayer"/> and <see cref="SoftmaxLayer"/>.
/// T[q − Min] = round_half_away(f(q / 2^InScale) · 2^OutScale), computed in double; f is one of
/// <see cref="LookupFunctions"/> (sigmoid(x) = 1 / (1 + exp(−x)), tanh, exp, erf, gelu, …).
/// </summary>
public static class LookupTables
{
    /// <summary>Largest table (entries) the circuit accepts.</summary>
    public const long MaxEntries = 1 << 24;


    /// <summary>The table for q = min..max (index q − min).</summary>
    public static long[] Build(string function, int inScale, int outScale, long min, long max)
    {
        if (max < min || unchecked((ulong)(max - min)) >= MaxEntries)
            throw new CircuitFormatException($"lookup domain [{min}, {max}] is empty or has more than {MaxEntries} entries");
        if (inScale < 0 || inScale > 62 || outScale < 0 || outScale > 62)
            throw new CircuitFormatException($"lookup scales in={inScale} out={outScale} must be in [0, 62]");
        var f = LookupFunctions.Resolve(function, Math.ScaleB(1.0, -inScale));
        var t = new long[max - min + 1];
        double inv = Math.ScaleB(1.0, -inScale), mul = Math.ScaleB(1.0, outScale);
        for (long q = min; q <= max; q++)
        {
            double v = Math.Round(f(q * inv) * mul, MidpointRounding.AwayFromZero);
            if (!(v >= -9.2e18 && v <= 9.2e18))
                throw new CircuitFormatException($"lookup {function} value at q={q} (= {q * inv}) overflows 64 bits at out scale {outScale}");
            t[q - min] = (long)v;
        }
        return t;
    }

    /// <summary>Lowercase hex SHA-256 of the table values as little-endian int64.</summary>
    public static string Digest(ReadOnlySpan<long> table)
    {
        var bytes = new byte[table.Length * 8];
        for (int i = 0; i < table.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), table[i]);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Digest of <see cref="Build"/>(function, inScale, outScale, min, max).</summary>
    public static string Digest(string function, int inScale, int outScale, long min, long max)
        => Digest(Build(function, inScale, outScale, min, max));
}
