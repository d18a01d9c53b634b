using System.Runtime.CompilerServices;
using ZkmlProver.Field;

namespace ZkmlProver.Curve;

/// <remarks>Jacobian formulas for a = 0 (Explicit-Formulas Database: dbl-2009-l, madd-2007-bl,
/// add-2007-bl). Kernels read every input before writing the output, so outputs may alias inputs.</remarks>
public readonly partial struct Point
{
    /// <summary>r = 2p (2M + 5S). Not inlined: it is also the rare path of the additions, and
    /// inlining it there exhausts the JIT's inlining budget.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Double(in Point p, out Point r)
    {
        if (p.Z.IsZero) { r = default; return; }
        Fp.Square(in p.X, out var a);
        Fp.Square(in p.Y, out var b);
        Fp.Square(in b, out var c);
        Fp.Add(in p.X, in b, out var d);
        Fp.Square(in d, out d);
        Fp.Sub(in d, in a, out d);
        Fp.Sub(in d, in c, out d);
        Fp.Double(in d, out d);
        Fp.Double(in a, out var e);
        Fp.Add(in e, in a, out e);
        Fp.Square(in e, out var f);
        Fp.Mul(in p.Y, in p.Z, out var z3);
        Fp.Double(in z3, out z3);
        Fp.Double(in d, out var d2);
        Fp.Sub(in f, in d2, out var x3);
        Fp.Sub(in d, in x3, out var t);
        Fp.Mul(in e, in t, out var y3);
        Fp.MulSmall(in c, 8, out var c8);
        Fp.Sub(in y3, in c8, out y3);
        r = new Point(x3, y3, z3);
    }

    /// <summary>r = p + (x2, y2) for an affine finite point (7M + 4S; handles p = ±(x2, y2) and
    /// the identity).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddMixed(in Point p, in Fp x2, in Fp y2, out Point r)
    {
        if (p.Z.IsZero) { r = FromAffine(x2, y2); return; }
        Fp.Square(in p.Z, out var z1z1);
        Fp.Mul(in x2, in z1z1, out var u2);
        Fp.Mul(in p.Z, in z1z1, out var s2);
        Fp.Mul(in y2, in s2, out s2);
        Fp.Sub(in u2, in p.X, out var h);
        Fp.Sub(in s2, in p.Y, out var rr);
        if (h.IsZero)
        {
            if (rr.IsZero) Double(in p, out r);
            else r = default;
            return;
        }
        Fp.Square(in h, out var hh);
        Fp.Double(in hh, out var i);
        Fp.Double(in i, out i);
        Fp.Mul(in h, in i, out var j);
        Fp.Double(in rr, out rr);
        Fp.Mul(in p.X, in i, out var v);
        Fp.Square(in rr, out var x3);
        Fp.Sub(in x3, in j, out x3);
        Fp.Sub(in x3, in v, out x3);
        Fp.Sub(in x3, in v, out x3);
        Fp.Sub(in v, in x3, out var t);
        Fp.Mul(in rr, in t, out var y3);
        Fp.Mul(in p.Y, in j, out var yj);
        Fp.Double(in yj, out yj);
        Fp.Sub(in y3, in yj, out y3);
        Fp.Mul(in p.Z, in h, out var z3);
        Fp.Double(in z3, out z3);
        r = new Point(x3, y3, z3);
    }

    /// <summary>r = p + q (general Jacobian addition, 11M + 5S; mixed when q has Z = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Add(in Point p, in Point q, out Point r)
    {
        if (q.Z.IsZero) { r = p; return; }
        if (p.Z.IsZero) { r = q; return; }
        if (q.Z.IsOne) { AddMixed(in p, in q.X, in q.Y, out r); return; }
        if (p.Z.IsOne) { AddMixed(in q, in p.X, in p.Y, out r); return; }
        Fp.Square(in p.Z, out var z1z1);
        Fp.Square(in q.Z, out var z2z2);
        Fp.Mul(in p.X, in z2z2, out var u1);
        Fp.Mul(in q.X, in z1z1, out var u2);
        Fp.Mul(in q.Z, in z2z2, out var s1);
        Fp.Mul(in p.Y, in s1, out s1);
        Fp.Mul(in p.Z, in z1z1, out var s2);
        Fp.Mul(in q.Y, in s2, out s2);
        Fp.Sub(in u2, in u1, out var h);
        Fp.Sub(in s2, in s1, out var rr);
        if (h.IsZero)
        {
            if (rr.IsZero) Double(in p, out r);
            else r = default;
            return;
        }
        Fp.Double(in h, out var i);
        Fp.Square(in i, out i);
        Fp.Mul(in h, in i, out var j);
        Fp.Double(in rr, out rr);
        Fp.Mul(in u1, in i, out var v);
        Fp.Square(in rr, out var x3);
        Fp.Sub(in x3, in j, out x3);
        Fp.Sub(in x3, in v, out x3);
        Fp.Sub(in x3, in v, out x3);
        Fp.Sub(in v, in x3, out var t);
        Fp.Mul(in rr, in t, out var y3);
        Fp.Mul(in s1, in j, out var sj);
        Fp.Double(in sj, out sj);
        Fp.Sub(in y3, in sj, out y3);
        Fp.Mul(in p.Z, in q.Z, out var z3);
        Fp.Mul(in z3, in h, out z3);
        Fp.Double(in z3, out z3);
        r = new Point(x3, y3, z3);
    }

    /// <summary>The endomorphism φ(x, y) = (β·x, y), equal to λ·P (valid in Jacobian coordinates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Point Endo()
    {
        Fp.Mul(in X, in Glv.Beta, out var bx);
        return new Point(bx, Y, Z);
    }

    private const int MulWindow = 5;

    /// <summary>k·P: GLV split k = k₁ + λk₂ (|kᵢ| &lt; 2^129), then signed 5-bit windows over both
    /// halves with shared doublings.</summary>
    public Point Multiply(in Fr k)
    {
        if (IsIdentity || k.IsZero) return Identity;
        if (FixedBase.Find(in this) is { } table) return table.Multiply(k);
        k.ToCanonicalLimbs(out var c0, out var c1, out var c2, out var c3);
        Glv.Split(c0, c1, c2, c3, out var m1, out var n1, out var m2, out var n2);

        const int tableSize = 1 << (MulWindow - 1);
        Span<Point> t1 = stackalloc Point[tableSize];
        Span<Point> t2 = stackalloc Point[tableSize];
        t1[0] = this;
        Double(in this, out t1[1]);
        for (int j = 2; j < tableSize; j++) Add(in t1[j - 1], in this, out t1[j]);
        for (int j = 0; j < tableSize; j++) t2[j] = t1[j].Endo();

        int bits = Math.Max(BitLength(m1), BitLength(m2));
        int windows = (bits + 1 + MulWindow - 1) / MulWindow; // ⌈(bits+1)/w⌉ windows absorb the last carry
        Span<int> d1 = stackalloc int[windows];
        Span<int> d2 = stackalloc int[windows];
        SignedDigits(m1, MulWindow, d1);
        SignedDigits(m2, MulWindow, d2);

        Point acc = Identity;
        for (int w = windows - 1; w >= 0; w--)
        {
            if (!acc.IsIdentity)
                for (int s = 0; s < MulWindow; s++) Double(in acc, out acc);
            AddDigit(ref acc, t1, d1[w], n1);
            AddDigit(ref acc, t2, d2[w], n2);
        }
        return acc;

        static void AddDigit(ref Point acc, Span<Point> table, int d, bool neg)
        {
            if (d == 0) return;
            ref readonly var e = ref table[Math.Abs(d) - 1];
            if ((d < 0) != neg) { var ne = e.Negate(); Add(in acc, in ne, out acc); }
            else Add(in acc, in e, out acc);
        }
    }

    internal static int BitLength(UInt128 v) => 128 - (int)UInt128.LeadingZeroCount(v);

    /// <summary>Signed base-2^c digits d_w ∈ (−2^(c−1), 2^(c−1)] with m = Σ d_w·2^(cw); the digit
    /// span must hold ⌈(bitlen(m)+1)/c⌉ entries (then the last carry is absorbed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SignedDigits(UInt128 m, int c, Span<int> digits)
    {
        ulong lo = (ulong)m, hi = (ulong)(m >> 64);
        uint mask = (1u << c) - 1, half = 1u << (c - 1);
        uint carry = 0;
        for (int w = 0; w < digits.Length; w++)
        {
            int shift = w * c;
            ulong word;
            if (shift < 64) word = (lo >> shift) | (shift == 0 ? 0 : hi << (64 - shift));
            else if (shift < 128) word = hi >> (shift - 64);
            else word = 0;
            uint raw = ((uint)word & mask) + carry;
            if (raw > half) { digits[w] = (int)raw - (1 << c); carry = 1; }
            else { digits[w] = (int)raw; carry = 0; }
        }
    }
}
