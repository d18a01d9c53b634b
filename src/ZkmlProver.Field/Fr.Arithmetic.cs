using System.Runtime.CompilerServices;

namespace ZkmlProver.Field;

public readonly partial struct Fr
{
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

    /// <summary>lo(a·b + c + carry); carry ← hi. Never overflows 128 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong a, ulong b, ulong c, ref ulong carry)
    {
        // High and low halves as two register results: Math.BigMul's `out` low word goes through
        // memory, which costs a store-to-load round trip on the reduction's serial dependency chain.
        ulong hi, lo;
        if (System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported)
        {
            hi = System.Runtime.Intrinsics.X86.Bmi2.X64.MultiplyNoFlags(a, b);
            lo = a * b;
        }
        else hi = Math.BigMul(a, b, out lo);
        lo += c; hi += lo < c ? 1UL : 0UL;
        lo += carry; hi += lo < carry ? 1UL : 0UL;
        carry = hi;
        return lo;
    }

    /// <summary>Subtracts n once if (carry, r) ≥ n. Input must be &lt; 2n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceOnce(ulong t0, ulong t1, ulong t2, ulong t3, ulong carry, out Fr r)
    {
        ulong b = 0;
        ulong s0 = SubB(t0, N0, ref b), s1 = SubB(t1, N1, ref b), s2 = SubB(t2, N2, ref b), s3 = SubB(t3, N3, ref b);
        // Keep the subtraction unless it borrowed past the carry word.
        if (carry != 0 || b == 0) r = new Fr(s0, s1, s2, s3);
        else r = new Fr(t0, t1, t2, t3);
    }

    public static void Add(in Fr a, in Fr b, out Fr r)
    {
        ulong c = 0;
        ulong t0 = AddC(a.L0, b.L0, ref c), t1 = AddC(a.L1, b.L1, ref c), t2 = AddC(a.L2, b.L2, ref c), t3 = AddC(a.L3, b.L3, ref c);
        ReduceOnce(t0, t1, t2, t3, c, out r);
    }

    public static void Sub(in Fr a, in Fr b, out Fr r)
    {
        ulong br = 0;
        ulong t0 = SubB(a.L0, b.L0, ref br), t1 = SubB(a.L1, b.L1, ref br), t2 = SubB(a.L2, b.L2, ref br), t3 = SubB(a.L3, b.L3, ref br);
        if (br != 0)
        {
            ulong c = 0;
            t0 = AddC(t0, N0, ref c); t1 = AddC(t1, N1, ref c); t2 = AddC(t2, N2, ref c); t3 = AddC(t3, N3, ref c);
        }
        r = new Fr(t0, t1, t2, t3);
    }

    public static void Neg(in Fr a, out Fr r)
    {
        if (a.IsZero) { r = default; return; }
        ulong br = 0;
        r = new Fr(SubB(N0, a.L0, ref br), SubB(N1, a.L1, ref br), SubB(N2, a.L2, ref br), SubB(N3, a.L3, ref br));
    }

    public static void Double(in Fr a, out Fr r) => Add(in a, in a, out r);

    /// <summary>hi(a·b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulHi(ulong a, ulong b)
        => System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported
            ? System.Runtime.Intrinsics.X86.Bmi2.X64.MultiplyNoFlags(a, b)
            : Math.BigMul(a, b, out _);

    /// <summary>Montgomery product a·b·2^-256 mod n, fully reduced: schoolbook 512-bit product
    /// (operand scanning), then <see cref="MontReduce"/>. Straight-line code, no allocation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Mul(in Fr a, in Fr b, out Fr r)
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
        MontReduce(t0, t1, t2, t3, t4, t5, t6, t7, out r);
    }

    /// <summary>(t0..t7)·2^-256 mod n for t &lt; n², fully reduced, exploiting n's two top words.</summary>
    /// <remarks>
    /// Word-by-word Montgomery reduction computes M = Σ m_i·2^(64i) (m_i = (current word i)·NInv)
    /// with T + M·n ≡ 0 mod 2^256 and returns (T + M·n)/2^256 &lt; 2n. Since N2 + N3·2^64 = 2^128 − 2,
    /// M·n = M·(N0 + N1·2^64) + M·2^256 − M·2^129, so only two 64×64 products per round remain:
    /// each round adds m_i·(N0 + N1·2^64) at word i and m_i at word i + 4 (X below), and the term
    /// −M·2^129 is applied as −2m_{i−2} (and the spilled bit of m_{i−3}) when forming m_i.
    /// Because the low 256 bits of X and of M·2^129 are equal (their difference is ≡ 0 mod 2^256
    /// word by word), the result is simply X/2^256 − (M >> 127), then one conditional subtraction
    /// of n. The low word of m_i·N0 is −(word i) and is not computed (its carry is word i ≠ 0).
    /// Pending carries are folded into the next round's high word (h1 &lt; N1, so adding a few never
    /// overflows).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MontReduce(ulong x0, ulong x1, ulong x2, ulong x3, ulong x4, ulong x5, ulong x6, ulong x7, out Fr r)
    {
        ulong k, h0, h1, l1, c, p, q0, q1, q2, q3, s, y, d;
        // Round 0: word 0 → 0.
        ulong m0 = x0 * NInv;
        k = x0 != 0 ? 1UL : 0UL;
        h0 = MulHi(m0, N0) + k;
        h1 = MulHi(m0, N1); l1 = m0 * N1;
        x1 += h0; c = x1 < h0 ? 1UL : 0UL;
        x1 += l1; c += x1 < l1 ? 1UL : 0UL;
        h1 += c; x2 += h1; p = x2 < h1 ? 1UL : 0UL;
        x4 += m0; q0 = x4 < m0 ? 1UL : 0UL;
        // Round 1: word 1 → 0.
        ulong m1 = x1 * NInv;
        k = x1 != 0 ? 1UL : 0UL;
        h0 = MulHi(m1, N0) + k;
        h1 = MulHi(m1, N1); l1 = m1 * N1;
        x2 += h0; c = x2 < h0 ? 1UL : 0UL;
        x2 += l1; c += x2 < l1 ? 1UL : 0UL;
        h1 += c + p; x3 += h1; p = x3 < h1 ? 1UL : 0UL;
        x5 += m1; q1 = x5 < m1 ? 1UL : 0UL;
        // Round 2: word 2 − 2m0 → 0.
        y = m0 << 1;
        d = x2 - y;
        ulong m2 = d * NInv;
        s = 0 - d; x2 += s; k = x2 < s ? 1UL : 0UL;
        h0 = MulHi(m2, N0) + k;
        h1 = MulHi(m2, N1); l1 = m2 * N1;
        x3 += h0; c = x3 < h0 ? 1UL : 0UL;
        x3 += l1; c += x3 < l1 ? 1UL : 0UL;
        h1 += c + p; x4 += h1; p = x4 < h1 ? 1UL : 0UL;
        x6 += m2; q2 = x6 < m2 ? 1UL : 0UL;
        // Round 3: word 3 − ((m0 >> 63) | (m1 << 1)) → 0.
        y = (m0 >> 63) | (m1 << 1);
        d = x3 - y;
        ulong m3 = d * NInv;
        s = 0 - d; x3 += s; k = x3 < s ? 1UL : 0UL;
        h0 = MulHi(m3, N0) + k;
        h1 = MulHi(m3, N1); l1 = m3 * N1;
        x4 += h0; c = x4 < h0 ? 1UL : 0UL;
        x4 += l1; c += x4 < l1 ? 1UL : 0UL;
        h1 += c + p + q0; x5 += h1; p = x5 < h1 ? 1UL : 0UL;
        x7 += m3; q3 = x7 < m3 ? 1UL : 0UL;
        // Pending carries: p and q1 into word 6, q2 into word 7, q3 into word 8 (e).
        p += q1; x6 += p; p = x6 < p ? 1UL : 0UL;
        p += q2; x7 += p; ulong e = q3 + (x7 < p ? 1UL : 0UL);
        // (e, x4..x7) −= M >> 127 = [(m1 >> 63) | (m2 << 1), (m2 >> 63) | (m3 << 1), m3 >> 63, 0].
        y = (m1 >> 63) | (m2 << 1);
        ulong b = x4 < y ? 1UL : 0UL; x4 -= y;
        y = (m2 >> 63) | (m3 << 1);
        ulong t = x5 - y; ulong b2 = x5 < y ? 1UL : 0UL; b2 += t < b ? 1UL : 0UL; x5 = t - b;
        y = (m3 >> 63) + b2;
        b = x6 < y ? 1UL : 0UL; x6 -= y;
        b2 = x7 < b ? 1UL : 0UL; x7 -= b;
        e -= b2;
        // Now r = (e, x4..x7) < 2n; r − n = r + (2^256 − n) − 2^256 with 2^256 − n = [R0, R1, 1, 0].
        ulong s0 = x4 + R0; c = s0 < R0 ? 1UL : 0UL;
        t = R1 + c; ulong s1 = x5 + t; c = s1 < t ? 1UL : 0UL;
        t = 1 + c; ulong s2 = x6 + t; c = s2 < t ? 1UL : 0UL;
        ulong s3 = x7 + c; c = s3 < c ? 1UL : 0UL;
        if ((e | c) != 0) r = new Fr(s0, s1, s2, s3);
        else r = new Fr(x4, x5, x6, x7);
    }

    public static void Square(in Fr a, out Fr r) => Mul(in a, in a, out r);

    public Fr Square() { Mul(in this, in this, out var r); return r; }

    /// <summary>a^e for a non-negative exponent given as little-endian limbs.</summary>
    public static Fr Pow(in Fr a, ReadOnlySpan<ulong> exponent)
    {
        Fr result = One, bas = a;
        for (int i = 0; i < exponent.Length; i++)
        {
            ulong e = exponent[i];
            for (int j = 0; j < 64; j++)
            {
                if ((e & 1) != 0) Mul(in result, in bas, out result);
                Mul(in bas, in bas, out bas);
                e >>= 1;
            }
        }
        return result;
    }

    public static Fr Pow(in Fr a, ulong exponent) => Pow(in a, [exponent]);

    /// <summary>a⁻¹ (Fermat: a^(n−2)). The inverse of zero is defined as zero; callers that must
    /// refuse zero check <see cref="IsZero"/> first.</summary>
    public static Fr Inverse(in Fr a) => Pow(in a, [N0 - 2, N1, N2, N3]);

    public Fr Inverse() => Inverse(in this);
}
