using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace ZkmlProver.Curve;

/// <summary>
/// An element of the secp256k1 base field F_p, p = 2^256 − 2^32 − 977 = 2^256 − C with
/// C = 0x1000003D1.
/// </summary>
/// <remarks>
/// Four little-endian 64-bit limbs (L0 least significant) of the integer itself (no Montgomery
/// form), always fully reduced to [0, p). Reduction uses the special form: 2^256 ≡ C (mod p), so a
/// 512-bit product hi·2^256 + lo folds to lo + hi·C. All kernels take <c>in</c> arguments and write
/// an <c>out</c> result after reading every input limb, so the output may alias an input.
/// Byte encoding: 32 bytes big-endian.
/// </remarks>
internal readonly partial struct Fp : IEquatable<Fp>
{
    internal readonly ulong L0, L1, L2, L3;

    /// <summary>2^256 − p.</summary>
    internal const ulong C = 0x1000003D1UL;
    internal const ulong P0 = 0xFFFFFFFEFFFFFC2FUL, P1 = ulong.MaxValue, P2 = ulong.MaxValue, P3 = ulong.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Fp(ulong l0, ulong l1, ulong l2, ulong l3) { L0 = l0; L1 = l1; L2 = l2; L3 = l3; }

    public static Fp Zero => default;
    public static Fp One => new(1, 0, 0, 0);

    public bool IsZero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (L0 | L1 | L2 | L3) == 0;
    }

    public bool IsOne
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => L0 == 1 && (L1 | L2 | L3) == 0;
    }

    public bool IsOdd => (L0 & 1) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(Fp o) => ((L0 ^ o.L0) | (L1 ^ o.L1) | (L2 ^ o.L2) | (L3 ^ o.L3)) == 0;
    public override bool Equals(object? obj) => obj is Fp f && Equals(f);
    public override int GetHashCode() => HashCode.Combine(L0, L1, L2, L3);

    /// <summary>Reads 32 big-endian bytes; false when the value is ≥ p (non-canonical).</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> s, out Fp r)
    {
        ulong l3 = BinaryPrimitives.ReadUInt64BigEndian(s), l2 = BinaryPrimitives.ReadUInt64BigEndian(s[8..]),
              l1 = BinaryPrimitives.ReadUInt64BigEndian(s[16..]), l0 = BinaryPrimitives.ReadUInt64BigEndian(s[24..]);
        r = new Fp(l0, l1, l2, l3);
        // v ≥ p ⇔ v + C ≥ 2^256.
        ulong c = 0;
        AddC(l0, C, ref c); AddC(l1, 0, ref c); AddC(l2, 0, ref c); AddC(l3, 0, ref c);
        return c == 0;
    }

    public void WriteBytes(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt64BigEndian(d, L3);
        BinaryPrimitives.WriteUInt64BigEndian(d[8..], L2);
        BinaryPrimitives.WriteUInt64BigEndian(d[16..], L1);
        BinaryPrimitives.WriteUInt64BigEndian(d[24..], L0);
    }

    public System.Numerics.BigInteger ToBigInteger()
    {
        Span<byte> b = stackalloc byte[32];
        WriteBytes(b);
        return new System.Numerics.BigInteger(b, isUnsigned: true, isBigEndian: true);
    }

    public static Fp FromBigInteger(System.Numerics.BigInteger v)
    {
        var p = (System.Numerics.BigInteger.One << 256) - C;
        v %= p;
        if (v.Sign < 0) v += p;
        Span<byte> b = stackalloc byte[32];
        b.Clear();
        int len = v.GetByteCount(isUnsigned: true);
        v.TryWriteBytes(b[(32 - len)..], out _, isUnsigned: true, isBigEndian: true);
        TryFromBytes(b, out var r);
        return r;
    }

    public override string ToString() => ToBigInteger().ToString("x");

    // ---------------------------------------------------------------- limb helpers

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddC(ulong a, ulong b, ref ulong carry)
    {
        ulong s = a + b;
        ulong c1 = s < a ? 1UL : 0UL;
        ulong r = s + carry;
        carry = c1 | (r < s ? 1UL : 0UL);
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubB(ulong a, ulong b, ref ulong borrow)
    {
        ulong d = a - b;
        ulong b1 = a < b ? 1UL : 0UL;
        ulong r = d - borrow;
        borrow = b1 | (d < borrow ? 1UL : 0UL);
        return r;
    }

    /// <summary>High word of a·b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulHi(ulong a, ulong b)
        => System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported ? System.Runtime.Intrinsics.X86.Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _);

    /// <summary>lo(a·b + c + carry); carry ← hi. Never overflows 128 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong a, ulong b, ulong c, ref ulong carry)
    {
        // Both halves as register results (Math.BigMul's `out` low word goes through memory, which
        // measured ~1.7x slower in the point formulas).
        ulong hi = MulHi(a, b), lo = a * b;
        lo += c; hi += lo < c ? 1UL : 0UL;
        lo += carry; hi += lo < carry ? 1UL : 0UL;
        carry = hi;
        return lo;
    }

    /// <summary>Reduces t = (t0..t3) + (t4..t7)·2^256 modulo p into r (fully reduced).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce512(ulong t0, ulong t1, ulong t2, ulong t3, ulong t4, ulong t5, ulong t6, ulong t7, out Fp r)
    {
        // First fold: lo + hi·C, a 256-bit value plus a top word k < 2^34.
        ulong k = 0;
        ulong r0 = MulAdd(t4, C, t0, ref k);
        ulong r1 = MulAdd(t5, C, t1, ref k);
        ulong r2 = MulAdd(t6, C, t2, ref k);
        ulong r3 = MulAdd(t7, C, t3, ref k);
        Fold(r0, r1, r2, r3, k, out r);
    }

    /// <summary>Reduces (r0..r3) + k·2^256 (k &lt; 2^62) modulo p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fold(ulong r0, ulong r1, ulong r2, ulong r3, ulong k, out Fp r)
    {
        // Second fold: add k·C < 2^96 into the low words. A carry past r1 is rare (r ≥ 2^256 − 2^96):
        // predictable branches, no by-ref helpers (they would force the limbs into memory).
        ulong hi = MulHi(k, C), lo = k * C;
        r0 += lo;
        hi += r0 < lo ? 1UL : 0UL;        // hi < 2^34: no overflow
        r1 += hi;
        if (r1 < hi)
        {
            r2++;
            if (r2 == 0)
            {
                r3++;
                if (r3 == 0)
                {
                    // Wrapped past 2^256: the value is (r0, r1, 0, 0) with r1 small; add 2^256 ≡ C.
                    r0 += C;
                    r1 += r0 < C ? 1UL : 0UL;
                }
            }
        }
        // Fully reduce: v ≥ p only when the top three words are all ones (rare).
        if ((r1 & r2 & r3) == ulong.MaxValue && r0 >= P0) { r0 -= P0; r1 = r2 = r3 = 0; }
        r = new Fp(r0, r1, r2, r3);
    }

    // ---------------------------------------------------------------- arithmetic

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(in Fp a, in Fp b, out Fp r)
    {
        ulong c = 0;
        ulong t0 = AddC(a.L0, b.L0, ref c), t1 = AddC(a.L1, b.L1, ref c), t2 = AddC(a.L2, b.L2, ref c), t3 = AddC(a.L3, b.L3, ref c);
        // On carry (data-dependent: branch-free) the value is t + 2^256 ≡ t + C, and t + C < p then.
        // Carries out of t0 are rare (t0 ≥ 2^64 − 2^33): predictable branches.
        ulong cc = C & (0 - c);
        t0 += cc;
        if (t0 < cc) { t1++; if (t1 == 0) { t2++; if (t2 == 0) t3++; } }
        // Without a carry, t ≥ p only when the top three words are all ones (rare).
        if ((t1 & t2 & t3) == ulong.MaxValue && t0 >= P0) { t0 -= P0; t1 = t2 = t3 = 0; }
        r = new Fp(t0, t1, t2, t3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sub(in Fp a, in Fp b, out Fp r)
    {
        ulong br = 0;
        ulong t0 = SubB(a.L0, b.L0, ref br), t1 = SubB(a.L1, b.L1, ref br), t2 = SubB(a.L2, b.L2, ref br), t3 = SubB(a.L3, b.L3, ref br);
        // On borrow t = a − b + 2^256 and we want a − b + p = t − C (no underflow since a − b + p ≥ 0).
        // The borrow is data-dependent (branch-free); a borrow out of t0 is rare (t0 < 2^33).
        ulong cc = C & (0 - br);
        if (t0 < cc) { if (t1-- == 0) { if (t2-- == 0) t3--; } }
        t0 -= cc;
        r = new Fp(t0, t1, t2, t3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Neg(in Fp a, out Fp r)
    {
        if (a.IsZero) { r = default; return; }
        ulong br = 0;
        r = new Fp(SubB(P0, a.L0, ref br), SubB(P1, a.L1, ref br), SubB(P2, a.L2, ref br), SubB(P3, a.L3, ref br));
    }

    /// <summary>r = neg ? −a : a, without a data-dependent branch on <paramref name="neg"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CondNeg(in Fp a, bool neg, out Fp r)
    {
        ulong br = 0;
        ulong n0 = SubB(P0, a.L0, ref br), n1 = SubB(P1, a.L1, ref br), n2 = SubB(P2, a.L2, ref br), n3 = SubB(P3, a.L3, ref br);
        // −0 = 0 (p − 0 = p is not reduced): never select the negation of zero.
        ulong mask = (0UL - (neg ? 1UL : 0UL)) & (0UL - ((a.L0 | a.L1 | a.L2 | a.L3) != 0 ? 1UL : 0UL));
        r = new Fp(a.L0 ^ ((a.L0 ^ n0) & mask), a.L1 ^ ((a.L1 ^ n1) & mask), a.L2 ^ ((a.L2 ^ n2) & mask), a.L3 ^ ((a.L3 ^ n3) & mask));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Double(in Fp a, out Fp r) => Add(in a, in a, out r);

    /// <summary>a·k for a small constant k &lt; 2^28.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MulSmall(in Fp a, ulong k, out Fp r)
    {
        ulong c = 0;
        ulong r0 = MulAdd(a.L0, k, 0, ref c), r1 = MulAdd(a.L1, k, 0, ref c), r2 = MulAdd(a.L2, k, 0, ref c), r3 = MulAdd(a.L3, k, 0, ref c);
        Fold(r0, r1, r2, r3, c, out r);
    }

    /// <summary>a·b mod p (schoolbook 4×4 limbs, special-form reduction). Not inlined on purpose:
    /// inlining this large body into the point formulas exhausts the JIT's inlining budget, after
    /// which even tiny carry helpers become calls (measured slower).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Mul(in Fp a, in Fp b, out Fp r)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3;
        ulong b0 = b.L0, b1 = b.L1, b2 = b.L2, b3 = b.L3;
        ulong c = 0;
        ulong t0 = MulAdd(a0, b0, 0, ref c);
        ulong t1 = MulAdd(a0, b1, 0, ref c);
        ulong t2 = MulAdd(a0, b2, 0, ref c);
        ulong t3 = MulAdd(a0, b3, 0, ref c);
        ulong t4 = c; c = 0;
        t1 = MulAdd(a1, b0, t1, ref c);
        t2 = MulAdd(a1, b1, t2, ref c);
        t3 = MulAdd(a1, b2, t3, ref c);
        t4 = MulAdd(a1, b3, t4, ref c);
        ulong t5 = c; c = 0;
        t2 = MulAdd(a2, b0, t2, ref c);
        t3 = MulAdd(a2, b1, t3, ref c);
        t4 = MulAdd(a2, b2, t4, ref c);
        t5 = MulAdd(a2, b3, t5, ref c);
        ulong t6 = c; c = 0;
        t3 = MulAdd(a3, b0, t3, ref c);
        t4 = MulAdd(a3, b1, t4, ref c);
        t5 = MulAdd(a3, b2, t5, ref c);
        t6 = MulAdd(a3, b3, t6, ref c);
        ulong t7 = c;
        Reduce512(t0, t1, t2, t3, t4, t5, t6, t7, out r);
    }

    /// <summary>a² mod p (10 limb products instead of 16).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Square(in Fp a, out Fp r)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3;
        // Off-diagonal products.
        ulong c = 0;
        ulong t1 = MulAdd(a0, a1, 0, ref c);
        ulong t2 = MulAdd(a0, a2, 0, ref c);
        ulong t3 = MulAdd(a0, a3, 0, ref c);
        ulong t4 = c; c = 0;
        t3 = MulAdd(a1, a2, t3, ref c);
        t4 = MulAdd(a1, a3, t4, ref c);
        ulong t5 = c; c = 0;
        t5 = MulAdd(a2, a3, t5, ref c);
        ulong t6 = c;
        // Double them.
        ulong t7 = t6 >> 63;
        t6 = (t6 << 1) | (t5 >> 63);
        t5 = (t5 << 1) | (t4 >> 63);
        t4 = (t4 << 1) | (t3 >> 63);
        t3 = (t3 << 1) | (t2 >> 63);
        t2 = (t2 << 1) | (t1 >> 63);
        t1 <<= 1;
        // Add the diagonal.
        ulong h0 = MulHi(a0, a0), t0 = a0 * a0;
        ulong h1 = MulHi(a1, a1), l1 = a1 * a1;
        ulong h2 = MulHi(a2, a2), l2 = a2 * a2;
        ulong h3 = MulHi(a3, a3), l3 = a3 * a3;
        c = 0;
        t1 = AddC(t1, h0, ref c);
        t2 = AddC(t2, l1, ref c);
        t3 = AddC(t3, h1, ref c);
        t4 = AddC(t4, l2, ref c);
        t5 = AddC(t5, h2, ref c);
        t6 = AddC(t6, l3, ref c);
        t7 = AddC(t7, h3, ref c);
        Reduce512(t0, t1, t2, t3, t4, t5, t6, t7, out r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SquareN(ref Fp a, int n)
    {
        for (int i = 0; i < n; i++) Square(in a, out a);
    }

    /// <summary>Returns x^(2^k − 1) building blocks used by the inversion and square-root chains
    /// (libsecp256k1's addition chain: blocks of 1-bits of lengths 2, 22 and 223).</summary>
    private static void Blocks(in Fp a, out Fp x2, out Fp x22, out Fp x223)
    {
        Square(in a, out x2); Mul(in x2, in a, out x2);
        Square(in x2, out var x3); Mul(in x3, in a, out x3);
        var x6 = x3; SquareN(ref x6, 3); Mul(in x6, in x3, out x6);
        var x9 = x6; SquareN(ref x9, 3); Mul(in x9, in x3, out x9);
        var x11 = x9; SquareN(ref x11, 2); Mul(in x11, in x2, out x11);
        x22 = x11; SquareN(ref x22, 11); Mul(in x22, in x11, out x22);
        var x44 = x22; SquareN(ref x44, 22); Mul(in x44, in x22, out x44);
        var x88 = x44; SquareN(ref x88, 44); Mul(in x88, in x44, out x88);
        var x176 = x88; SquareN(ref x176, 88); Mul(in x176, in x88, out x176);
        var x220 = x176; SquareN(ref x220, 44); Mul(in x220, in x44, out x220);
        x223 = x220; SquareN(ref x223, 3); Mul(in x223, in x3, out x223);
    }

    /// <summary>a⁻¹ mod p; the inverse of zero is zero. Runs the variable-time safegcd
    /// (<see cref="InverseVar"/>, ≈ 4× faster than the exponentiation chain).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Inverse(in Fp a, out Fp r) => InverseVar(in a, out r);

    /// <summary>a⁻¹ = a^(p−2) (Fermat, constant sequence of 255 squarings and 15 multiplications);
    /// the inverse of zero is zero. Kept as the independent reference for <see cref="InverseVar"/>.</summary>
    public static void InverseFermat(in Fp a, out Fp r)
    {
        Blocks(in a, out var x2, out var x22, out var x223);
        // p − 2 = [223 ones] 0 [22 ones] 0000 1 0 11 0 1
        var t = x223; SquareN(ref t, 23); Mul(in t, in x22, out t);
        SquareN(ref t, 5); Mul(in t, in a, out t);
        SquareN(ref t, 3); Mul(in t, in x2, out t);
        SquareN(ref t, 2); Mul(in t, in a, out r);
    }

    /// <summary>Square root: r = a^((p+1)/4) (p ≡ 3 mod 4). Returns false (r unspecified) when a is
    /// not a square.</summary>
    public static bool Sqrt(in Fp a, out Fp r)
    {
        Blocks(in a, out var x2, out var x22, out var x223);
        // (p + 1)/4 = [223 ones] 0 [22 ones] 0000 11 00
        var t = x223; SquareN(ref t, 23); Mul(in t, in x22, out t);
        SquareN(ref t, 6); Mul(in t, in x2, out t);
        SquareN(ref t, 2);
        r = t;
        Square(in t, out var chk);
        return chk.Equals(a);
    }

    /// <summary>Montgomery's trick: replaces every nonzero entry of <paramref name="values"/> by its
    /// inverse with one field inversion; zeros stay zero. <paramref name="scratch"/> needs the same
    /// length.</summary>
    public static void BatchInverse(Span<Fp> values, Span<Fp> scratch)
    {
        var acc = One;
        for (int i = 0; i < values.Length; i++)
        {
            scratch[i] = acc;
            if (!values[i].IsZero) Mul(in acc, in values[i], out acc);
        }
        Inverse(in acc, out var inv);
        for (int i = values.Length - 1; i >= 0; i--)
        {
            if (values[i].IsZero) continue;
            Mul(in inv, in scratch[i], out var vi);
            Mul(in inv, in values[i], out inv);
            values[i] = vi;
        }
    }
}
