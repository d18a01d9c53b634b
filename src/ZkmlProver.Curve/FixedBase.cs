using System.Runtime.CompilerServices;
using ZkmlProver.Field;

namespace ZkmlProver.Curve;

/// <summary>
/// Precomputed multiples of a fixed base point P for fast k·P: the scalar's canonical 256 bits in
/// 33 signed 8-bit windows (digits in [−128, 128], the 33rd absorbs the last carry), and for window i
/// the affine points d·2^(8i)·P for d = 1…128. Then k·P = Σ_i digit_i·2^(8i)·P is at most 33 mixed
/// additions and no doublings (≈ 13 µs, against ≈ 76 µs for a variable-base GLV multiplication).
/// </summary>
/// <remarks>
/// Zero-knowledge sum-check rounds and Σ-protocols commit with the same two generators (the value
/// generator G and the blinding generator H) thousands of times per proof; profiling put half of all
/// scalar multiplications of a proof on them. A table costs 33·128 affine points (≈ 270 KB) and
/// ≈ 3 ms to build. <see cref="Register"/> makes <see cref="Point.Multiply"/> use the table whenever
/// it multiplies that exact (normalized) point, so callers need not change. Results are bit-identical
/// to the variable-base path (tested against it and against BouncyCastle).
/// </remarks>
public sealed class FixedBase
{
    private const int Window = 8, Digits = 1 << (Window - 1), Windows = 256 / Window + 1;
    private static FixedBase[] _registered = [];
    private static readonly object Gate = new();

    private readonly Fp[] _x = new Fp[Windows * Digits];
    private readonly Fp[] _y = new Fp[Windows * Digits];

    public FixedBase(Point p)
    {
        Base = p.Normalize();
        if (Base.IsIdentity) throw new ArgumentException("the identity has no fixed-base table");
        var pts = new Point[Windows * Digits];
        var b = Base;
        for (int w = 0; w < Windows; w++)
        {
            pts[w * Digits] = b;
            for (int d = 1; d < Digits; d++) Point.Add(in pts[w * Digits + d - 1], in b, out pts[w * Digits + d]);
            for (int s = 0; s < Window; s++) Point.Double(in b, out b);
        }
        Point.BatchNormalize(pts);
        for (int i = 0; i < pts.Length; i++) { _x[i] = pts[i].X; _y[i] = pts[i].Y; }
    }

    /// <summary>The (normalized) base point.</summary>
    public Point Base { get; }

    /// <summary>k·P with the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Point Multiply(in Fr k)
    {
        k.ToCanonicalLimbs(out var c0, out var c1, out var c2, out var c3);
        Span<ulong> limbs = [c0, c1, c2, c3];
        Point acc = Point.Identity;
        int carry = 0;
        for (int w = 0; w < Windows; w++)
        {
            int bit = w * Window;
            int raw = bit >= 256 ? 0 : (int)((limbs[bit >> 6] >> (bit & 63)) & 0xFF);
            int d = raw + carry;
            carry = 0;
            if (d > Digits) { d -= 1 << Window; carry = 1; }
            if (d == 0) continue;
            int idx = w * Digits + Math.Abs(d) - 1;
            if (d > 0) Point.AddMixed(in acc, in _x[idx], in _y[idx], out acc);
            else
            {
                Fp.Neg(in _y[idx], out var ny);
                Point.AddMixed(in acc, in _x[idx], in ny, out acc);
            }
        }
        return acc;
    }

    /// <summary>Builds (once) and registers a table for <paramref name="p"/>: from then on every
    /// <see cref="Point.Multiply"/> of that normalized point uses it. Idempotent, thread-safe.</summary>
    public static FixedBase Register(Point p)
    {
        var n = p.Normalize();
        foreach (var t in _registered) if (t.Base.SameRepresentation(n)) return t;
        lock (Gate)
        {
            foreach (var t in _registered) if (t.Base.SameRepresentation(n)) return t;
            var table = new FixedBase(n);
            _registered = [.. _registered, table];
            return table;
        }
    }

    /// <summary>Benchmarks only (A/B in one process): false makes every multiplication take the
    /// variable-base path.</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>The registered table of <paramref name="p"/> (exact representation), or null.</summary>
    internal static FixedBase? Find(in Point p)
    {
        if (!Enabled) return null;
        var tables = _registered;
        for (int i = 0; i < tables.Length; i++) if (tables[i].Base.SameRepresentation(p)) return tables[i];
        return null;
    }
}
