using System.Numerics;
using System.Runtime.CompilerServices;

namespace ZkmlProver.Curve;

/// <summary>
/// Field inversion by Bernstein–Yang "safegcd" divsteps, variable-time variant (batches of 62
/// divsteps on the low words, the 2×2 transition matrix then applied to the full-width values).
/// </summary>
/// <remarks>
/// <para>Values are held in signed-62 form: five signed 64-bit limbs v₀..v₄ with value Σ vᵢ·2^(62i)
/// (v₀..v₃ in [0, 2^62) when normalized, v₄ carrying the sign). p in that form is
/// (−0x1000003D1, 0, 0, 0, 256), so the modulus terms of the d/e update reduce to limbs 0 and 4.
/// The loop keeps f odd, starts from (f, g) = (p, a) with d = 0, e = 1 and the invariants
/// d·a ≡ f, e·a ≡ g (mod p) up to the common factor 2^(−62k); when g reaches 0, f = ±1 and
/// ±d is a⁻¹. d and e stay in (−2p, p).</para>
/// <para>This is variable-time (the number of rounds and the divstep branches depend on the input):
/// nothing in this library inverts secret values where timing matters (the MSM's batch-affine
/// denominators and point normalizations are of public points).</para>
/// </remarks>
internal readonly partial struct Fp
{
    private const ulong M62 = ulong.MaxValue >> 2;

    /// <summary>p in signed-62 form: limb 0 and limb 4 (limbs 1–3 are zero).</summary>
    private const long PS0 = -0x1000003D1L, PS4 = 256;

    /// <summary>p⁻¹ mod 2^62 (pinned by a test).</summary>
    internal const ulong PInv62 = 0x27C7F6E22DDACACFUL;

    /// <summary>a⁻¹ mod p by safegcd (variable time); the inverse of zero is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InverseVar(in Fp a, out Fp r)
    {
        // g = a in signed-62 form, f = p.
        long g0 = (long)(a.L0 & M62);
        long g1 = (long)(((a.L0 >> 62) | (a.L1 << 2)) & M62);
        long g2 = (long)(((a.L1 >> 60) | (a.L2 << 4)) & M62);
        long g3 = (long)(((a.L2 >> 58) | (a.L3 << 6)) & M62);
        long g4 = (long)(a.L3 >> 56);
        long f0 = PS0, f1 = 0, f2 = 0, f3 = 0, f4 = PS4;
        long d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0;
        long e0 = 1, e1 = 0, e2 = 0, e3 = 0, e4 = 0;
        if ((g0 | g1 | g2 | g3 | g4) == 0) { r = default; return; }
        long eta = -1;
        int len = 5;
        while (true)
        {
            eta = Divsteps62(eta, (ulong)f0, (ulong)g0, out long u, out long v, out long q, out long rr);
            UpdateDe(ref d0, ref d1, ref d2, ref d3, ref d4, ref e0, ref e1, ref e2, ref e3, ref e4, u, v, q, rr);
            UpdateFg(len, ref f0, ref f1, ref f2, ref f3, ref f4, ref g0, ref g1, ref g2, ref g3, ref g4, u, v, q, rr);
            if (g0 == 0 && (g1 | g2 | g3 | g4) == 0) break;
            // Shorten the f/g limb count when both top limbs are sign extensions of the next.
            long fn, gn;
            switch (len)
            {
                case 5: fn = f4; gn = g4; break;
                case 4: fn = f3; gn = g3; break;
                case 3: fn = f2; gn = g2; break;
                case 2: fn = f1; gn = g1; break;
                default: continue;
            }
            if (((fn ^ (fn >> 63)) | (gn ^ (gn >> 63))) == 0)
            {
                switch (len)
                {
                    case 5: f3 |= (long)((ulong)fn << 62); g3 |= (long)((ulong)gn << 62); f4 = g4 = 0; break;
                    case 4: f2 |= (long)((ulong)fn << 62); g2 |= (long)((ulong)gn << 62); f3 = g3 = 0; break;
                    case 3: f1 |= (long)((ulong)fn << 62); g1 |= (long)((ulong)gn << 62); f2 = g2 = 0; break;
                    case 2: f0 |= (long)((ulong)fn << 62); g0 |= (long)((ulong)gn << 62); f1 = g1 = 0; break;
                }
                len--;
            }
        }
        // f = ±1 now (its top used limb carries the sign); a⁻¹ = sign(f)·d.
        long fTop = len switch { 5 => f4, 4 => f3, 3 => f2, 2 => f1, _ => f0 };
        Normalize(d0, d1, d2, d3, d4, fTop, out r);
    }

    /// <summary>62 variable-time divsteps on the low words of f (odd) and g; returns the new η and
    /// the transition matrix (u v; q r) with 2^62·(f', g') = (u·f + v·g, q·f + r·g).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Divsteps62(long eta, ulong f, ulong g, out long uo, out long vo, out long qo, out long ro)
    {
        ulong u = 1, v = 0, q = 0, r = 1;
        int i = 62;
        while (true)
        {
            // Sentinel bit: count zeros only up to i.
            int zeros = BitOperations.TrailingZeroCount(g | (ulong.MaxValue << i));
            g >>= zeros;
            u <<= zeros;
            v <<= zeros;
            eta -= zeros;
            i -= zeros;
            if (i == 0) break;
            // f and g are odd here.
            ulong w;
            int limit;
            if (eta < 0)
            {
                eta = -eta;
                ulong t = f; f = g; g = 0 - t;
                t = u; u = q; q = 0 - t;
                t = v; v = r; r = 0 - t;
                // Cancel up to 6 bits of g (no more than i, no more than η + 1).
                limit = (int)eta + 1 > i ? i : (int)eta + 1;
                ulong m = (ulong.MaxValue >> (64 - limit)) & 63;
                w = (f * g * (f * f - 2)) & m;
            }
            else
            {
                // Up to 4 bits.
                limit = (int)eta + 1 > i ? i : (int)eta + 1;
                ulong m = (ulong.MaxValue >> (64 - limit)) & 15;
                w = f + (((f + 1) & 4) << 1);
                w = (0 - w * g) & m;
            }
            g += f * w;
            q += u * w;
            r += v * w;
        }
        uo = (long)u; vo = (long)v; qo = (long)q; ro = (long)r;
        return eta;
    }

    /// <summary>hi:lo += a·b (signed 64×64 into a signed 128-bit accumulator).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulAcc(ref ulong lo, ref long hi, long a, long b)
    {
        ulong pl = (ulong)(a * b);
        long ph = Math.BigMul(a, b, out _);
        lo += pl;
        hi += ph + (lo < pl ? 1L : 0L);
    }

    /// <summary>Arithmetic shift of hi:lo right by 62 bits (the result fits in 66 bits: hi keeps the sign).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Shr62(ref ulong lo, ref long hi)
    {
        lo = (lo >> 62) | ((ulong)hi << 2);
        hi >>= 62;
    }

    /// <summary>(d, e) ← (t·(d, e) + p·(md, me)) / 2^62 with md, me chosen to clear the low 62 bits and
    /// keep the results in (−2p, p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateDe(ref long d0, ref long d1, ref long d2, ref long d3, ref long d4,
                                 ref long e0, ref long e1, ref long e2, ref long e3, ref long e4,
                                 long u, long v, long q, long r)
    {
        long sd = d4 >> 63, se = e4 >> 63;
        long md = (u & sd) + (v & se);
        long me = (q & sd) + (r & se);
        ulong cdl = 0, cel = 0; long cdh = 0, ceh = 0;
        MulAcc(ref cdl, ref cdh, u, d0); MulAcc(ref cdl, ref cdh, v, e0);
        MulAcc(ref cel, ref ceh, q, d0); MulAcc(ref cel, ref ceh, r, e0);
        md -= (long)((PInv62 * cdl + (ulong)md) & M62);
        me -= (long)((PInv62 * cel + (ulong)me) & M62);
        MulAcc(ref cdl, ref cdh, PS0, md);
        MulAcc(ref cel, ref ceh, PS0, me);
        Shr62(ref cdl, ref cdh); Shr62(ref cel, ref ceh);
        // Limb 1 (p has no limbs 1–3).
        MulAcc(ref cdl, ref cdh, u, d1); MulAcc(ref cdl, ref cdh, v, e1);
        MulAcc(ref cel, ref ceh, q, d1); MulAcc(ref cel, ref ceh, r, e1);
        long nd0 = (long)(cdl & M62), ne0 = (long)(cel & M62);
        Shr62(ref cdl, ref cdh); Shr62(ref cel, ref ceh);
        // Limb 2.
        MulAcc(ref cdl, ref cdh, u, d2); MulAcc(ref cdl, ref cdh, v, e2);
        MulAcc(ref cel, ref ceh, q, d2); MulAcc(ref cel, ref ceh, r, e2);
        long nd1 = (long)(cdl & M62), ne1 = (long)(cel & M62);
        Shr62(ref cdl, ref cdh); Shr62(ref cel, ref ceh);
        // Limb 3.
        MulAcc(ref cdl, ref cdh, u, d3); MulAcc(ref cdl, ref cdh, v, e3);
        MulAcc(ref cel, ref ceh, q, d3); MulAcc(ref cel, ref ceh, r, e3);
        long nd2 = (long)(cdl & M62), ne2 = (long)(cel & M62);
        Shr62(ref cdl, ref cdh); Shr62(ref cel, ref ceh);
        // Limb 4 and p's top limb (256 = 2^8).
        MulAcc(ref cdl, ref cdh, u, d4); MulAcc(ref cdl, ref cdh, v, e4);
        MulAcc(ref cel, ref ceh, q, d4); MulAcc(ref cel, ref ceh, r, e4);
        MulAcc(ref cdl, ref cdh, PS4, md);
        MulAcc(ref cel, ref ceh, PS4, me);
        long nd3 = (long)(cdl & M62), ne3 = (long)(cel & M62);
        Shr62(ref cdl, ref cdh); Shr62(ref cel, ref ceh);
        d0 = nd0; d1 = nd1; d2 = nd2; d3 = nd3; d4 = (long)cdl;
        e0 = ne0; e1 = ne1; e2 = ne2; e3 = ne3; e4 = (long)cel;
    }

    /// <summary>(f, g) ← t·(f, g) / 2^62 over the first <paramref name="len"/> limbs (exact division).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateFg(int len, ref long f0, ref long f1, ref long f2, ref long f3, ref long f4,
                                 ref long g0, ref long g1, ref long g2, ref long g3, ref long g4,
                                 long u, long v, long q, long r)
    {
        ulong cfl = 0, cgl = 0; long cfh = 0, cgh = 0;
        MulAcc(ref cfl, ref cfh, u, f0); MulAcc(ref cfl, ref cfh, v, g0);
        MulAcc(ref cgl, ref cgh, q, f0); MulAcc(ref cgl, ref cgh, r, g0);
        Shr62(ref cfl, ref cfh); Shr62(ref cgl, ref cgh);
        // Limb i of the product becomes limb i − 1; the last one keeps the sign.
        if (len == 1) { f0 = (long)cfl; g0 = (long)cgl; return; }
        MulAcc(ref cfl, ref cfh, u, f1); MulAcc(ref cfl, ref cfh, v, g1);
        MulAcc(ref cgl, ref cgh, q, f1); MulAcc(ref cgl, ref cgh, r, g1);
        f0 = (long)(cfl & M62); g0 = (long)(cgl & M62);
        Shr62(ref cfl, ref cfh); Shr62(ref cgl, ref cgh);
        if (len == 2) { f1 = (long)cfl; g1 = (long)cgl; return; }
        MulAcc(ref cfl, ref cfh, u, f2); MulAcc(ref cfl, ref cfh, v, g2);
        MulAcc(ref cgl, ref cgh, q, f2); MulAcc(ref cgl, ref cgh, r, g2);
        f1 = (long)(cfl & M62); g1 = (long)(cgl & M62);
        Shr62(ref cfl, ref cfh); Shr62(ref cgl, ref cgh);
        if (len == 3) { f2 = (long)cfl; g2 = (long)cgl; return; }
        MulAcc(ref cfl, ref cfh, u, f3); MulAcc(ref cfl, ref cfh, v, g3);
        MulAcc(ref cgl, ref cgh, q, f3); MulAcc(ref cgl, ref cgh, r, g3);
        f2 = (long)(cfl & M62); g2 = (long)(cgl & M62);
        Shr62(ref cfl, ref cfh); Shr62(ref cgl, ref cgh);
        if (len == 4) { f3 = (long)cfl; g3 = (long)cgl; return; }
        MulAcc(ref cfl, ref cfh, u, f4); MulAcc(ref cfl, ref cfh, v, g4);
        MulAcc(ref cgl, ref cgh, q, f4); MulAcc(ref cgl, ref cgh, r, g4);
        f3 = (long)(cfl & M62); g3 = (long)(cgl & M62);
        Shr62(ref cfl, ref cfh); Shr62(ref cgl, ref cgh);
        f4 = (long)cfl; g4 = (long)cgl;
    }

    /// <summary>Maps d ∈ (−2p, p), negated when <paramref name="sign"/> &lt; 0, to [0, p) and packs it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Normalize(long r0, long r1, long r2, long r3, long r4, long sign, out Fp res)
    {
        // Add p if negative, then negate if requested: (−2p, p) → (−p, p).
        long ca = r4 >> 63;
        r0 += PS0 & ca; r4 += PS4 & ca;
        long cn = sign >> 63;
        r0 = (r0 ^ cn) - cn; r1 = (r1 ^ cn) - cn; r2 = (r2 ^ cn) - cn; r3 = (r3 ^ cn) - cn; r4 = (r4 ^ cn) - cn;
        r1 += r0 >> 62; r0 &= (long)M62;
        r2 += r1 >> 62; r1 &= (long)M62;
        r3 += r2 >> 62; r2 &= (long)M62;
        r4 += r3 >> 62; r3 &= (long)M62;
        // Add p again if still negative: → [0, p).
        ca = r4 >> 63;
        r0 += PS0 & ca; r4 += PS4 & ca;
        r1 += r0 >> 62; r0 &= (long)M62;
        r2 += r1 >> 62; r1 &= (long)M62;
        r3 += r2 >> 62; r2 &= (long)M62;
        r4 += r3 >> 62; r3 &= (long)M62;
        ulong u0 = (ulong)r0, u1 = (ulong)r1, u2 = (ulong)r2, u3 = (ulong)r3, u4 = (ulong)r4;
        res = new Fp(u0 | (u1 << 62), (u1 >> 2) | (u2 << 60), (u2 >> 4) | (u3 << 58), (u3 >> 6) | (u4 << 56));
    }
}
