using System.Runtime.CompilerServices;

namespace ZkmlProver.Curve;

/// <summary>
/// The secp256k1 GLV endomorphism: φ(x, y) = (β·x, y) = λ·(x, y), with β a cube root of unity mod
/// p and λ one mod n (libsecp256k1's pair; pinned by a test against BouncyCastle). A scalar k is
/// split as k ≡ k₁ + k₂·λ (mod n) with |k₁|, |k₂| &lt; 2^128.
/// </summary>
/// <remarks>
/// Split (Babai rounding on the lattice basis v₁ = (a₁, b₁), v₂ = (a₂, b₂) of
/// {(x, y) : x + yλ ≡ 0 mod n}): c₁ = round(k·g₁ / 2^384), c₂ = round(k·g₂ / 2^384) with
/// g₁ = round(2^384·b₂/n), g₂ = round(2^384·(−b₁)/n); then k₁ = k − c₁a₁ − c₂a₂ and
/// k₂ = −c₁b₁ − c₂b₂, computed exactly in 192-bit two's complement (the true values are small).
/// </remarks>
internal static class Glv
{
    /// <summary>β = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501ee.</summary>
    internal static readonly Fp Beta = new(0xc1396c28719501eeUL, 0x9cf0497512f58995UL, 0x6e64479eac3434e9UL, 0x7ae96a2b657c0710UL);

    /// <summary>λ = 0x5363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72 (mod n).</summary>
    internal static readonly System.Numerics.BigInteger Lambda = System.Numerics.BigInteger.Parse(
        "05363ad4cc05c30e0a5261c028812645a122e22ea20816678df02967c1b23bd72", System.Globalization.NumberStyles.HexNumber);

    // a₁ = b₂ = 0x3086d221a7d46bcde86c90e49284eb15, −b₁ = 0xe4437ed6010e88286f547fa90abfe4c3,
    // a₂ = 0x114ca50f7a8e2f3f657c1108d9d44cfd8.
    internal const ulong A1Lo = 0xe86c90e49284eb15UL, A1Hi = 0x3086d221a7d46bcdUL;
    internal const ulong MB1Lo = 0x6f547fa90abfe4c3UL, MB1Hi = 0xe4437ed6010e8828UL;
    internal const ulong A2Lo = 0x57c1108d9d44cfd8UL, A2Mid = 0x14ca50f7a8e2f3f6UL, A2Hi = 0x1UL;
    internal const ulong B2Lo = A1Lo, B2Hi = A1Hi;

    // g₁ = 0x3086d221a7d46bcde86c90e49284eb153daa8a1471e8ca7fe893209a45dbb031
    // g₂ = 0xe4437ed6010e88286f547fa90abfe4c4221208ac9df506c61571b4ae8ac47f71
    private const ulong G10 = 0xe893209a45dbb031UL, G11 = 0x3daa8a1471e8ca7fUL, G12 = 0xe86c90e49284eb15UL, G13 = 0x3086d221a7d46bcdUL;
    private const ulong G20 = 0x1571b4ae8ac47f71UL, G21 = 0x221208ac9df506c6UL, G22 = 0x6f547fa90abfe4c4UL, G23 = 0xe4437ed6010e8828UL;

    /// <summary>Splits the canonical scalar k (little-endian limbs, k &lt; n) into signed halves:
    /// k ≡ (n1 ? −m1 : m1) + λ·(n2 ? −m2 : m2) (mod n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Split(ulong k0, ulong k1, ulong k2, ulong k3, out UInt128 m1, out bool n1, out UInt128 m2, out bool n2)
    {
        RoundedHigh(k0, k1, k2, k3, G10, G11, G12, G13, out ulong c1lo, out ulong c1hi);
        RoundedHigh(k0, k1, k2, k3, G20, G21, G22, G23, out ulong c2lo, out ulong c2hi);

        // k₂ = c₁·(−b₁) − c₂·b₂ (mod 2^192).
        Mul2x3(c1lo, c1hi, MB1Lo, MB1Hi, 0, out var p0, out var p1, out var p2);
        Mul2x3(c2lo, c2hi, B2Lo, B2Hi, 0, out var q0, out var q1, out var q2);
        Sub3(p0, p1, p2, q0, q1, q2, out var r0, out var r1, out var r2);
        ToSignedMagnitude(r0, r1, r2, out m2, out n2);

        // k₁ = k − c₁·a₁ − c₂·a₂ (mod 2^192).
        Mul2x3(c1lo, c1hi, A1Lo, A1Hi, 0, out p0, out p1, out p2);
        Mul2x3(c2lo, c2hi, A2Lo, A2Mid, A2Hi, out q0, out q1, out q2);
        Sub3(k0, k1, k2, p0, p1, p2, out r0, out r1, out r2);
        Sub3(r0, r1, r2, q0, q1, q2, out r0, out r1, out r2);
        ToSignedMagnitude(r0, r1, r2, out m1, out n1);
    }

    /// <summary>round(k·g / 2^384) for 256-bit k and g (fits 128 bits here): the product's words
    /// 6 and 7 plus bit 383 (straight-line 4×4 schoolbook).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RoundedHigh(ulong k0, ulong k1, ulong k2, ulong k3, ulong g0, ulong g1, ulong g2, ulong g3, out ulong lo, out ulong hi)
    {
        ulong c = 0;
        ulong t0, t1, t2, t3, t4, t5, t6, t7;
        t0 = MulAdd(k0, g0, 0, ref c); t1 = MulAdd(k0, g1, 0, ref c); t2 = MulAdd(k0, g2, 0, ref c); t3 = MulAdd(k0, g3, 0, ref c); t4 = c; c = 0;
        t1 = MulAdd(k1, g0, t1, ref c); t2 = MulAdd(k1, g1, t2, ref c); t3 = MulAdd(k1, g2, t3, ref c); t4 = MulAdd(k1, g3, t4, ref c); t5 = c; c = 0;
        t2 = MulAdd(k2, g0, t2, ref c); t3 = MulAdd(k2, g1, t3, ref c); t4 = MulAdd(k2, g2, t4, ref c); t5 = MulAdd(k2, g3, t5, ref c); t6 = c; c = 0;
        t3 = MulAdd(k3, g0, t3, ref c); t4 = MulAdd(k3, g1, t4, ref c); t5 = MulAdd(k3, g2, t5, ref c); t6 = MulAdd(k3, g3, t6, ref c); t7 = c;
        _ = t0; _ = t1; _ = t2;
        // Bits 384.. plus the rounding bit 383.
        ulong round = t5 >> 63;
        lo = t6 + round;
        hi = t7 + (lo < round ? 1UL : 0UL);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong a, ulong b, ulong c, ref ulong carry)
    {
        ulong hi = System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported ? System.Runtime.Intrinsics.X86.Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _);
        ulong lo = a * b;
        lo += c; hi += lo < c ? 1UL : 0UL;
        lo += carry; hi += lo < carry ? 1UL : 0UL;
        carry = hi;
        return lo;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mul2x3(ulong x0, ulong x1, ulong y0, ulong y1, ulong y2, out ulong r0, out ulong r1, out ulong r2)
    {
        // (x0 + x1·2^64)(y0 + y1·2^64 + y2·2^128) mod 2^192.
        ulong carry = 0;
        r0 = MulAdd(x0, y0, 0, ref carry);            // carry = hi(x0·y0)
        ulong h = carry; carry = 0;
        ulong b = MulAdd(x0, y1, h, ref carry);       // x0·y1 + hi(x0·y0) = bHi·2^64 + b
        ulong bHi = carry; carry = 0;
        r1 = MulAdd(x1, y0, b, ref carry);
        r2 = bHi + carry + x0 * y2 + x1 * y1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sub3(ulong a0, ulong a1, ulong a2, ulong b0, ulong b1, ulong b2, out ulong r0, out ulong r1, out ulong r2)
    {
        // Plain ulong borrows (UInt128 operators are separate calls, Tier-0 code in the first MSMs).
        r0 = a0 - b0;
        ulong br = a0 < b0 ? 1UL : 0UL;
        ulong d1 = a1 - b1;
        ulong br1 = a1 < b1 ? 1UL : 0UL;
        r1 = d1 - br;
        br = br1 | (d1 < br ? 1UL : 0UL);
        r2 = a2 - b2 - br;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ToSignedMagnitude(ulong r0, ulong r1, ulong r2, out UInt128 mag, out bool neg)
    {
        neg = (long)r2 < 0;
        if (neg)
        {
            // Two's complement negation in 192 bits.
            r0 = ~r0; r1 = ~r1; r2 = ~r2;
            r0++;
            if (r0 == 0) { r1++; if (r1 == 0) r2++; }
        }
        if (r2 != 0) OutOfRange();
        mag = new UInt128(r1, r0);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OutOfRange() => throw new InvalidOperationException("GLV split out of range (internal error)");
}
