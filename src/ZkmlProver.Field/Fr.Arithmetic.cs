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
        ulong hi = Math.BigMul(a, b, out ulong lo);
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

    /// <summary>Montgomery product a·b·2^-256 mod n (CIOS, fully reduced output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Mul(in Fr a, in Fr b, out Fr r)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3;
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, c, m;

        // Round i: t += a·b_i; then t = (t + m·n) / 2^64.
        Round(b.L0); Round(b.L1); Round(b.L2); Round(b.L3);
        ReduceOnce(t0, t1, t2, t3, t4, out r);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void Round(ulong bi)
        {
            c = 0;
            t0 = MulAdd(a0, bi, t0, ref c);
            t1 = MulAdd(a1, bi, t1, ref c);
            t2 = MulAdd(a2, bi, t2, ref c);
            t3 = MulAdd(a3, bi, t3, ref c);
            ulong t5 = 0;
            t4 = AddC(t4, c, ref t5);
            m = t0 * NInv;
            c = 0;
            MulAdd(m, N0, t0, ref c);
            t0 = MulAdd(m, N1, t1, ref c);
            t1 = MulAdd(m, N2, t2, ref c);
            t2 = MulAdd(m, N3, t3, ref c);
            ulong c2 = 0;
            t3 = AddC(t4, c, ref c2);
            t4 = t5 + c2;
        }
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
