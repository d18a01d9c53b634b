using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static System.Runtime.Intrinsics.Vector512;

namespace ZkmlProver.Field;

/// <summary>
/// Eight-lane modular addition and subtraction on transposed words (vector w = word w of eight
/// elements, values &lt; n), bit-identical to <see cref="Fr.Add"/> / <see cref="Fr.Sub"/>, and the
/// span kernels built on them. Carries and borrows are all-ones lane masks (unsigned compares):
/// x + y carries iff the sum is below x; adding a carry of one (subtracting the all-ones mask)
/// carries further iff the result is zero. Branch-free, so random data costs no mispredictions.
/// </summary>
internal static partial class FrAvx512
{
    /// <summary>2^256 − n = [C0, C1, 1, 0] (little-endian words).</summary>
    private const ulong C0 = Fr.R0, C1 = Fr.R1;

    /// <summary>(a + b) mod n for a, b &lt; n: s = a + b; if s carried out of 2^256 or s + (2^256 − n) does,
    /// the result is s + (2^256 − n) mod 2^256 (= a + b − n), else s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddMod(
        Vector512<ulong> a0, Vector512<ulong> a1, Vector512<ulong> a2, Vector512<ulong> a3,
        Vector512<ulong> b0, Vector512<ulong> b1, Vector512<ulong> b2, Vector512<ulong> b3,
        out Vector512<ulong> r0, out Vector512<ulong> r1, out Vector512<ulong> r2, out Vector512<ulong> r3)
    {
        var zero = Vector512<ulong>.Zero;
        var s0 = a0 + b0; var c = LessThan(s0, a0);
        var s1 = a1 + b1; var k = LessThan(s1, a1); s1 -= c; c = k | (c & Vector512.Equals(s1, zero));
        var s2 = a2 + b2; k = LessThan(s2, a2); s2 -= c; c = k | (c & Vector512.Equals(s2, zero));
        var s3 = a3 + b3; k = LessThan(s3, a3); s3 -= c; c = k | (c & Vector512.Equals(s3, zero));
        var t0 = s0 + Create(C0); var d = LessThan(t0, s0);
        var t1 = s1 + Create(C1); k = LessThan(t1, s1); t1 -= d; d = k | (d & Vector512.Equals(t1, zero));
        var t2 = s2 + Create(1UL); k = Vector512.Equals(t2, zero); t2 -= d; d = k | (d & Vector512.Equals(t2, zero));
        var t3 = s3 - d; d &= Vector512.Equals(t3, zero);
        var useT = c | d;
        r0 = ConditionalSelect(useT, t0, s0); r1 = ConditionalSelect(useT, t1, s1);
        r2 = ConditionalSelect(useT, t2, s2); r3 = ConditionalSelect(useT, t3, s3);
    }

    /// <summary>(a − b) mod n for a, b &lt; n: d = a − b; if it borrowed, d + n = d − (2^256 − n) mod 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SubMod(
        Vector512<ulong> a0, Vector512<ulong> a1, Vector512<ulong> a2, Vector512<ulong> a3,
        Vector512<ulong> b0, Vector512<ulong> b1, Vector512<ulong> b2, Vector512<ulong> b3,
        out Vector512<ulong> r0, out Vector512<ulong> r1, out Vector512<ulong> r2, out Vector512<ulong> r3)
    {
        var zero = Vector512<ulong>.Zero;
        var d0 = a0 - b0; var br = LessThan(a0, b0);
        var d1 = a1 - b1; var k = LessThan(a1, b1); var z = Vector512.Equals(d1, zero); d1 += br; br = k | (br & z);
        var d2 = a2 - b2; k = LessThan(a2, b2); z = Vector512.Equals(d2, zero); d2 += br; br = k | (br & z);
        var d3 = a3 - b3; k = LessThan(a3, b3); z = Vector512.Equals(d3, zero); d3 += br; br = k | (br & z);
        var u0 = d0 - Create(C0); var bb = LessThan(d0, Create(C0));
        var u1 = d1 - Create(C1); k = LessThan(d1, Create(C1)); z = Vector512.Equals(u1, zero); u1 += bb; bb = k | (bb & z);
        var u2 = d2 - Create(1UL); k = Vector512.Equals(d2, zero); z = Vector512.Equals(u2, zero); u2 += bb; bb = k | (bb & z);
        var u3 = d3 + bb;
        r0 = ConditionalSelect(br, u0, d0); r1 = ConditionalSelect(br, u1, d1);
        r2 = ConditionalSelect(br, u2, d2); r3 = ConditionalSelect(br, u3, d3);
    }

    /// <summary>c[i] = a[i] + b[i] (subtract: a[i] − b[i]) for the first ⌊len/8⌋·8 entries; returns
    /// how many were done. c may be a or b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int AddBatch(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, Span<Fr> c, bool subtract)
    {
        ref ulong pa = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(a));
        ref ulong pb = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(b));
        ref ulong pc = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(c));
        int blocks = c.Length >> 3;
        for (int i = 0; i < blocks; i++)
        {
            nuint o = (nuint)i * 32;
            Transpose(ref Unsafe.Add(ref pa, o), out var a0, out var a1, out var a2, out var a3);
            Transpose(ref Unsafe.Add(ref pb, o), out var b0, out var b1, out var b2, out var b3);
            Vector512<ulong> r0, r1, r2, r3;
            if (subtract) SubMod(a0, a1, a2, a3, b0, b1, b2, b3, out r0, out r1, out r2, out r3);
            else AddMod(a0, a1, a2, a3, b0, b1, b2, b3, out r0, out r1, out r2, out r3);
            TransposeStore(ref Unsafe.Add(ref pc, o), r0, r1, r2, r3);
        }
        return blocks << 3;
    }

    /// <summary>Σ a[i] over the first ⌊len/8⌋·8 entries (eight lane sums, then added in lane order);
    /// <paramref name="done"/> = how many were summed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Fr Sum(ReadOnlySpan<Fr> a, out int done)
    {
        int blocks = a.Length >> 3;
        done = blocks << 3;
        if (blocks == 0) return Fr.Zero;
        ref ulong pa = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(a));
        Vector512<ulong> s0 = default, s1 = default, s2 = default, s3 = default;
        for (int i = 0; i < blocks; i++)
        {
            Transpose(ref Unsafe.Add(ref pa, (nuint)i * 32), out var a0, out var a1, out var a2, out var a3);
            AddMod(s0, s1, s2, s3, a0, a1, a2, a3, out s0, out s1, out s2, out s3);
        }
        Span<Fr> lanes = stackalloc Fr[8];
        TransposeStore(ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(lanes)), s0, s1, s2, s3);
        Fr acc = lanes[0];
        for (int l = 1; l < 8; l++) Fr.Add(in acc, in lanes[l], out acc);
        return acc;
    }

    /// <summary>dst[j·stride + i] = lo[i] + (j + 2)·(hi[i] − lo[i]) for j &lt; count, i &lt; ⌊len/8⌋·8
    /// (the line through (0, lo), (1, hi) at X = 2 … count + 1, by repeated addition of the
    /// difference); returns how many i were done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int ExtendLine(ReadOnlySpan<Fr> lo, ReadOnlySpan<Fr> hi, Span<Fr> dst, int count, int stride)
    {
        ref ulong pl = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(lo));
        ref ulong ph = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(hi));
        ref ulong pd = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(dst));
        int blocks = lo.Length >> 3;
        for (int i = 0; i < blocks; i++)
        {
            nuint o = (nuint)i * 32;
            Transpose(ref Unsafe.Add(ref pl, o), out var l0, out var l1, out var l2, out var l3);
            Transpose(ref Unsafe.Add(ref ph, o), out var h0, out var h1, out var h2, out var h3);
            SubMod(h0, h1, h2, h3, l0, l1, l2, l3, out var d0, out var d1, out var d2, out var d3);
            var v0 = h0; var v1 = h1; var v2 = h2; var v3 = h3;
            for (int j = 0; j < count; j++)
            {
                AddMod(v0, v1, v2, v3, d0, d1, d2, d3, out v0, out v1, out v2, out v3);
                TransposeStore(ref Unsafe.Add(ref pd, o + (nuint)j * (nuint)stride * 4), v0, v1, v2, v3);
            }
        }
        return blocks << 3;
    }
}
