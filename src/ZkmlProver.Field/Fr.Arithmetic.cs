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

    /// <summary>Montgomery product a·b·2^-256 mod n, fully reduced (separated operand scanning:
    /// schoolbook 512-bit product, then four word-by-word Montgomery reduction rounds; straight-line
    /// code, no allocation).</summary>
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

    /// <summary>(t0..t7)·2^-256 mod n for t &lt; n·2^256, fully reduced.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MontReduce(ulong t0, ulong t1, ulong t2, ulong t3, ulong t4, ulong t5, ulong t6, ulong t7, out Fr r)
    {
        ulong e = 0, c = 0, m;
        // Round 0: zero t0.
        m = t0 * NInv;
        MulAdd(m, N0, t0, ref c);
        t1 = MulAdd(m, N1, t1, ref c);
        t2 = MulAdd(m, N2, t2, ref c);
        t3 = MulAdd(m, N3, t3, ref c);
        t4 = AddC(t4, c, ref e);
        // Round 1: zero t1.
        m = t1 * NInv; c = 0;
        MulAdd(m, N0, t1, ref c);
        t2 = MulAdd(m, N1, t2, ref c);
        t3 = MulAdd(m, N2, t3, ref c);
        t4 = MulAdd(m, N3, t4, ref c);
        t5 = AddC(t5, c, ref e);
        // Round 2: zero t2.
        m = t2 * NInv; c = 0;
        MulAdd(m, N0, t2, ref c);
        t3 = MulAdd(m, N1, t3, ref c);
        t4 = MulAdd(m, N2, t4, ref c);
        t5 = MulAdd(m, N3, t5, ref c);
        t6 = AddC(t6, c, ref e);
        // Round 3: zero t3.
        m = t3 * NInv; c = 0;
        MulAdd(m, N0, t3, ref c);
        t4 = MulAdd(m, N1, t4, ref c);
        t5 = MulAdd(m, N2, t5, ref c);
        t6 = MulAdd(m, N3, t6, ref c);
        t7 = AddC(t7, c, ref e);
        ReduceOnce(t4, t5, t6, t7, e, out r);
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
