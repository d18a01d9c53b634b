using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static System.Runtime.Intrinsics.Vector512;

namespace ZkmlProver.Field;

/// <summary>
/// AVX-512 Montgomery multiplication of eight <see cref="Fr"/> at a time, bit-identical to
/// <see cref="Fr.Mul"/> (same Montgomery form, R = 2^256, fully reduced output).
/// </summary>
/// <remarks>
/// <para><b>Layout.</b> Memory keeps the ordinary 4×64 little-endian limbs. Eight elements (32 words)
/// are transposed with <c>vpermt2q</c> into four vectors L0..L3 (lane e = element e), then split into
/// nine 29-bit limbs per lane (limb k = bits 29k … 29k + 28; limb 8 holds bits 232…255).
/// .NET 10 exposes no IFMA, so products use <c>vpmuludq</c> (32×32 → 64): a 29×29-bit product is
/// &lt; 2^58 and a column of up to 17 of them fits a signed 64-bit lane.</para>
/// <para><b>Product scanning.</b> Column k of a·b + M·n is summed, then (columns 0 … 8) the digit
/// m_k = (column · (−n⁻¹)) mod 2^29 (mod 2^24 for column 8) is chosen so that the column's low bits
/// vanish, and the carry (arithmetic shift) moves to column k + 1. The digit sizes 8·29 + 24 = 256 make
/// M &lt; 2^256 and the result (a·b + M·n)/2^256 &lt; 2n: exactly <see cref="Fr.Mul"/>'s R.</para>
/// <para><b>n's special form.</b> n's 29-bit limbs 5, 6, 7 are 2^29 − 1 and limb 8 is 2^24 − 1, so
/// their part of n is 2^256 − 2^145: instead of four products, m_i contributes −m_i to column i + 5
/// and m_i·2^24 to column i + 8 (2^256 = 2^(29·8 + 24)). Lanes are signed; carries use arithmetic
/// shifts, and the low bits of a negative column are still right in two's complement.</para>
/// <para><b>Output.</b> The result limbs start at bit 256, i.e. at bit 24 of column 8: q0 = 5 bits,
/// q1 … q8 = columns 9 … 16 (29 bits each, at bits 5 + 29(k − 1)), q9 = the final carry (bit 237 up).
/// One conditional subtraction of n (a borrow chain over the same split), then the limbs are packed
/// back into 4×64 words and transposed back.</para>
/// <para><b>Registers.</b> Per 8 elements: 81 + 54 <c>vpmuludq</c> and ≈ 300 other vector
/// instructions. Holding all 18 operand limbs, the digits and the constants in registers needs more
/// than 32, and the JIT's spills land in 16-byte-aligned stack slots: 64-byte spills then straddle
/// cache lines, store-to-load forwarding fails and the kernel runs 2.5× slower in half of all
/// processes (it depends on the stack's address). So the kernel keeps only a's limbs, the constants
/// and the running column in registers and reads b's limbs and the digits from a 64-byte-aligned
/// scratch block that the caller provides (<see cref="Scratch"/>).</para>
/// <para><b>Column code.</b> <see cref="MulBlock"/> and <see cref="FoldBlock"/> share the same
/// straight-line columns (written out by a script; edit both or neither): column k is the sum of
/// a_i·b_(k−i), m_i·n_(k−i) for k − i ∈ {2, 3, 4} and m_(k−8)·2^24, minus m_(k−5), then plus the
/// latest digit's m_(k−1)·n_1 and the carry (the only terms on the serial chain).</para>
/// </remarks>
[SkipLocalsInit]
internal static partial class FrAvx512
{
    /// <summary>True when the CPU and runtime support the kernel (AVX-512F).</summary>
    internal static bool IsSupported => Avx512F.IsSupported;

    private const long M29 = (1L << 29) - 1;

    // n in 29-bit limbs (limbs 5…8 are handled by the special form above).
    private const long Nl0 = 0x10364141, Nl1 = 0x1e92f466, Nl2 = 0x12280eef, Nl3 = 0x1db9cd5e, Nl4 = 0x1fffebaa;
    // −n⁻¹ mod 2^29.
    private const long NInvL = 0x1588b13f;
    // n split like the result: 5 bits, eight 29-bit limbs, then the rest (bits 237…255).
    private const long P0 = 0x1, P1 = 0x681b20a, P2 = 0xff497a3, P3 = 0x1e914077, P4 = 0xaedce6a,
                       P5 = 0x1fffff5d, P9 = 0x7ffff; // P6 = P7 = P8 = 2^29 − 1

    /// <summary>Low 32 × low 32 → 64 bits per lane (<c>vpmuludq</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Mul(Vector512<long> x, Vector512<long> y)
        => Avx512F.Multiply(x.AsUInt32(), y.AsUInt32()).AsInt64();

    /// <summary>Eight elements (32 words from <paramref name="p"/>) → four vectors, vector w holding
    /// word w of elements 0…7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref ulong p, out Vector512<ulong> w0, out Vector512<ulong> w1, out Vector512<ulong> w2, out Vector512<ulong> w3)
    {
        var v0 = LoadUnsafe(ref p, 0); var v1 = LoadUnsafe(ref p, 8);
        var v2 = LoadUnsafe(ref p, 16); var v3 = LoadUnsafe(ref p, 24);
        var ia = Create(0UL, 4, 8, 12, 1, 5, 9, 13);
        var ib = Create(2UL, 6, 10, 14, 3, 7, 11, 15);
        var u0 = Avx512F.PermuteVar8x64x2(v0, ia, v1); // word 0, word 1 of elements 0…3
        var u1 = Avx512F.PermuteVar8x64x2(v0, ib, v1); // word 2, word 3 of elements 0…3
        var x0 = Avx512F.PermuteVar8x64x2(v2, ia, v3); // same for elements 4…7
        var x1 = Avx512F.PermuteVar8x64x2(v2, ib, v3);
        var lo = Create(0UL, 1, 2, 3, 8, 9, 10, 11);
        var hi = Create(4UL, 5, 6, 7, 12, 13, 14, 15);
        w0 = Avx512F.PermuteVar8x64x2(u0, lo, x0);
        w1 = Avx512F.PermuteVar8x64x2(u0, hi, x0);
        w2 = Avx512F.PermuteVar8x64x2(u1, lo, x1);
        w3 = Avx512F.PermuteVar8x64x2(u1, hi, x1);
    }

    /// <summary>Inverse of <see cref="Transpose"/>: stores the four word vectors as eight elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeStore(ref ulong p, Vector512<ulong> w0, Vector512<ulong> w1, Vector512<ulong> w2, Vector512<ulong> w3)
    {
        var lo = Create(0UL, 1, 2, 3, 8, 9, 10, 11);
        var hi = Create(4UL, 5, 6, 7, 12, 13, 14, 15);
        var u0 = Avx512F.PermuteVar8x64x2(w0, lo, w1);
        var u1 = Avx512F.PermuteVar8x64x2(w2, lo, w3);
        var x0 = Avx512F.PermuteVar8x64x2(w0, hi, w1);
        var x1 = Avx512F.PermuteVar8x64x2(w2, hi, w3);
        var ia = Create(0UL, 4, 8, 12, 1, 5, 9, 13);
        var ib = Create(2UL, 6, 10, 14, 3, 7, 11, 15);
        Avx512F.PermuteVar8x64x2(u0, ia, u1).StoreUnsafe(ref p, 0);
        Avx512F.PermuteVar8x64x2(u0, ib, u1).StoreUnsafe(ref p, 8);
        Avx512F.PermuteVar8x64x2(x0, ia, x1).StoreUnsafe(ref p, 16);
        Avx512F.PermuteVar8x64x2(x0, ib, x1).StoreUnsafe(ref p, 24);
    }

    /// <summary>Four word vectors → nine 29-bit limb vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Split(Vector512<ulong> w0, Vector512<ulong> w1, Vector512<ulong> w2, Vector512<ulong> w3,
        out Vector512<long> l0, out Vector512<long> l1, out Vector512<long> l2, out Vector512<long> l3, out Vector512<long> l4,
        out Vector512<long> l5, out Vector512<long> l6, out Vector512<long> l7, out Vector512<long> l8)
    {
        var m = Create((ulong)M29);
        l0 = (w0 & m).AsInt64();
        l1 = (ShiftRightLogical(w0, 29) & m).AsInt64();
        l2 = ((ShiftRightLogical(w0, 58) | ShiftLeft(w1, 6)) & m).AsInt64();
        l3 = (ShiftRightLogical(w1, 23) & m).AsInt64();
        l4 = ((ShiftRightLogical(w1, 52) | ShiftLeft(w2, 12)) & m).AsInt64();
        l5 = (ShiftRightLogical(w2, 17) & m).AsInt64();
        l6 = ((ShiftRightLogical(w2, 46) | ShiftLeft(w3, 18)) & m).AsInt64();
        l7 = (ShiftRightLogical(w3, 11) & m).AsInt64();
        l8 = ShiftRightLogical(w3, 40).AsInt64();
    }

    /// <summary>Loads eight elements as nine 29-bit limb vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load(ref ulong p,
        out Vector512<long> l0, out Vector512<long> l1, out Vector512<long> l2, out Vector512<long> l3, out Vector512<long> l4,
        out Vector512<long> l5, out Vector512<long> l6, out Vector512<long> l7, out Vector512<long> l8)
    {
        Transpose(ref p, out var w0, out var w1, out var w2, out var w3);
        Split(w0, w1, w2, w3, out l0, out l1, out l2, out l3, out l4, out l5, out l6, out l7, out l8);
    }

    /// <summary>Vectors in a <see cref="Scratch"/> block: b's nine limbs, the nine digits m_k, four spare (fold).</summary>
    internal const int ScratchVectors = 22;

    /// <summary>A 64-byte-aligned block of <see cref="ScratchVectors"/> vectors inside
    /// <paramref name="raw"/> (stack memory of at least <see cref="ScratchBytes"/> bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe ref Vector512<long> Scratch(Span<byte> raw)
    {
        ref byte r0 = ref MemoryMarshal.GetReference(raw);
        nuint adj = (64 - ((nuint)Unsafe.AsPointer(ref r0) & 63)) & 63;
        return ref Unsafe.As<byte, Vector512<long>>(ref Unsafe.Add(ref r0, adj));
    }

    /// <summary>Bytes to stackalloc for one <see cref="Scratch"/> block (alignment slack included).</summary>
    internal const int ScratchBytes = 64 * (ScratchVectors + 1);

    /// <summary>Splits eight elements at <paramref name="pb"/> into the limb slots s[0 … 8].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadB(ref ulong pb, ref Vector512<long> s)
    {
        Load(ref pb, out var b0, out var b1, out var b2, out var b3, out var b4, out var b5, out var b6, out var b7, out var b8);
        s = b0; Unsafe.Add(ref s, 1) = b1; Unsafe.Add(ref s, 2) = b2; Unsafe.Add(ref s, 3) = b3; Unsafe.Add(ref s, 4) = b4;
        Unsafe.Add(ref s, 5) = b5; Unsafe.Add(ref s, 6) = b6; Unsafe.Add(ref s, 7) = b7; Unsafe.Add(ref s, 8) = b8;
    }

    /// <summary>Writes <paramref name="b"/>'s limbs, broadcast to all lanes, into the limb slots s[0 … 8].</summary>
    internal static void BroadcastB(in Fr b, ref Vector512<long> s)
    {
        Split(Create(b.L0), Create(b.L1), Create(b.L2), Create(b.L3), out var b0, out var b1, out var b2, out var b3, out var b4, out var b5, out var b6, out var b7, out var b8);
        s = b0; Unsafe.Add(ref s, 1) = b1; Unsafe.Add(ref s, 2) = b2; Unsafe.Add(ref s, 3) = b3; Unsafe.Add(ref s, 4) = b4;
        Unsafe.Add(ref s, 5) = b5; Unsafe.Add(ref s, 6) = b6; Unsafe.Add(ref s, 7) = b7; Unsafe.Add(ref s, 8) = b8;
    }

    /// <summary>c = a·b for eight elements (32 words each): a from <paramref name="pa"/>, b's limbs
    /// from s[0 … 8] (see <see cref="LoadB"/>, <see cref="BroadcastB"/>); digits go to s[9 … 17].
    /// Sums the 17 product columns with the reduction digits interleaved, subtracts n once if
    /// needed, packs and stores to <paramref name="pc"/> (which may be <paramref name="pa"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void MulBlock(ref ulong pa, ref Vector512<long> s, ref ulong pc)
    {
        Load(ref pa, out var a0, out var a1, out var a2, out var a3, out var a4, out var a5, out var a6, out var a7, out var a8);
        var Mask29 = Create(M29);
        var NInv29 = Create(NInvL);
        var N0 = Create(Nl0); var N1 = Create(Nl1); var N2 = Create(Nl2); var N3 = Create(Nl3); var N4 = Create(Nl4);
        Vector512<long> acc, carry, m, q0, q1, q2, q3, q4, q5, q6, q7, q8, q9;
        Vector512<ulong> w0, w1, w2, w3;
        // Column 0.
        acc = Mul(a0, Unsafe.Add(ref s, 0));
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 9) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 1.
        acc = Mul(a0, Unsafe.Add(ref s, 1)) + Mul(a1, Unsafe.Add(ref s, 0));
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 10) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 2.
        acc = Mul(a0, Unsafe.Add(ref s, 2)) + Mul(a1, Unsafe.Add(ref s, 1)) + Mul(a2, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 9), N2);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 11) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 3.
        acc = Mul(a0, Unsafe.Add(ref s, 3)) + Mul(a1, Unsafe.Add(ref s, 2)) + Mul(a2, Unsafe.Add(ref s, 1)) + Mul(a3, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 9), N3) + Mul(Unsafe.Add(ref s, 10), N2);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 12) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 4.
        acc = Mul(a0, Unsafe.Add(ref s, 4)) + Mul(a1, Unsafe.Add(ref s, 3)) + Mul(a2, Unsafe.Add(ref s, 2)) + Mul(a3, Unsafe.Add(ref s, 1)) + Mul(a4, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 9), N4) + Mul(Unsafe.Add(ref s, 10), N3) + Mul(Unsafe.Add(ref s, 11), N2);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 13) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 5.
        acc = Mul(a0, Unsafe.Add(ref s, 5)) + Mul(a1, Unsafe.Add(ref s, 4)) + Mul(a2, Unsafe.Add(ref s, 3)) + Mul(a3, Unsafe.Add(ref s, 2)) + Mul(a4, Unsafe.Add(ref s, 1)) + Mul(a5, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 10), N4) + Mul(Unsafe.Add(ref s, 11), N3) + Mul(Unsafe.Add(ref s, 12), N2) - Unsafe.Add(ref s, 9);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 14) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 6.
        acc = Mul(a0, Unsafe.Add(ref s, 6)) + Mul(a1, Unsafe.Add(ref s, 5)) + Mul(a2, Unsafe.Add(ref s, 4)) + Mul(a3, Unsafe.Add(ref s, 3)) + Mul(a4, Unsafe.Add(ref s, 2)) + Mul(a5, Unsafe.Add(ref s, 1)) + Mul(a6, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 11), N4) + Mul(Unsafe.Add(ref s, 12), N3) + Mul(Unsafe.Add(ref s, 13), N2) - Unsafe.Add(ref s, 10);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 15) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 7.
        acc = Mul(a0, Unsafe.Add(ref s, 7)) + Mul(a1, Unsafe.Add(ref s, 6)) + Mul(a2, Unsafe.Add(ref s, 5)) + Mul(a3, Unsafe.Add(ref s, 4)) + Mul(a4, Unsafe.Add(ref s, 3)) + Mul(a5, Unsafe.Add(ref s, 2)) + Mul(a6, Unsafe.Add(ref s, 1)) + Mul(a7, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 12), N4) + Mul(Unsafe.Add(ref s, 13), N3) + Mul(Unsafe.Add(ref s, 14), N2) - Unsafe.Add(ref s, 11);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 16) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 8.
        acc = Mul(a0, Unsafe.Add(ref s, 8)) + Mul(a1, Unsafe.Add(ref s, 7)) + Mul(a2, Unsafe.Add(ref s, 6)) + Mul(a3, Unsafe.Add(ref s, 5)) + Mul(a4, Unsafe.Add(ref s, 4)) + Mul(a5, Unsafe.Add(ref s, 3)) + Mul(a6, Unsafe.Add(ref s, 2)) + Mul(a7, Unsafe.Add(ref s, 1)) + Mul(a8, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 13), N4) + Mul(Unsafe.Add(ref s, 14), N3) + Mul(Unsafe.Add(ref s, 15), N2) + ShiftLeft(Unsafe.Add(ref s, 9), 24) - Unsafe.Add(ref s, 12);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Create((1L << 24) - 1);
        Unsafe.Add(ref s, 17) = m;
        acc += Mul(m, N0);
        q0 = ShiftRightArithmetic(acc, 24) & Create(31L);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 9.
        acc = Mul(a1, Unsafe.Add(ref s, 8)) + Mul(a2, Unsafe.Add(ref s, 7)) + Mul(a3, Unsafe.Add(ref s, 6)) + Mul(a4, Unsafe.Add(ref s, 5)) + Mul(a5, Unsafe.Add(ref s, 4)) + Mul(a6, Unsafe.Add(ref s, 3)) + Mul(a7, Unsafe.Add(ref s, 2)) + Mul(a8, Unsafe.Add(ref s, 1)) + Mul(Unsafe.Add(ref s, 14), N4) + Mul(Unsafe.Add(ref s, 15), N3) + Mul(Unsafe.Add(ref s, 16), N2) + ShiftLeft(Unsafe.Add(ref s, 10), 24) - Unsafe.Add(ref s, 13);
        acc += Mul(m, N1) + carry;
        q1 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 10.
        acc = Mul(a2, Unsafe.Add(ref s, 8)) + Mul(a3, Unsafe.Add(ref s, 7)) + Mul(a4, Unsafe.Add(ref s, 6)) + Mul(a5, Unsafe.Add(ref s, 5)) + Mul(a6, Unsafe.Add(ref s, 4)) + Mul(a7, Unsafe.Add(ref s, 3)) + Mul(a8, Unsafe.Add(ref s, 2)) + Mul(Unsafe.Add(ref s, 15), N4) + Mul(Unsafe.Add(ref s, 16), N3) + Mul(Unsafe.Add(ref s, 17), N2) + ShiftLeft(Unsafe.Add(ref s, 11), 24) - Unsafe.Add(ref s, 14);
        acc += carry;
        q2 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 11.
        acc = Mul(a3, Unsafe.Add(ref s, 8)) + Mul(a4, Unsafe.Add(ref s, 7)) + Mul(a5, Unsafe.Add(ref s, 6)) + Mul(a6, Unsafe.Add(ref s, 5)) + Mul(a7, Unsafe.Add(ref s, 4)) + Mul(a8, Unsafe.Add(ref s, 3)) + Mul(Unsafe.Add(ref s, 16), N4) + Mul(Unsafe.Add(ref s, 17), N3) + ShiftLeft(Unsafe.Add(ref s, 12), 24) - Unsafe.Add(ref s, 15);
        acc += carry;
        q3 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 12.
        acc = Mul(a4, Unsafe.Add(ref s, 8)) + Mul(a5, Unsafe.Add(ref s, 7)) + Mul(a6, Unsafe.Add(ref s, 6)) + Mul(a7, Unsafe.Add(ref s, 5)) + Mul(a8, Unsafe.Add(ref s, 4)) + Mul(Unsafe.Add(ref s, 17), N4) + ShiftLeft(Unsafe.Add(ref s, 13), 24) - Unsafe.Add(ref s, 16);
        acc += carry;
        q4 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 13.
        acc = Mul(a5, Unsafe.Add(ref s, 8)) + Mul(a6, Unsafe.Add(ref s, 7)) + Mul(a7, Unsafe.Add(ref s, 6)) + Mul(a8, Unsafe.Add(ref s, 5)) + ShiftLeft(Unsafe.Add(ref s, 14), 24) - Unsafe.Add(ref s, 17);
        acc += carry;
        q5 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 14.
        acc = Mul(a6, Unsafe.Add(ref s, 8)) + Mul(a7, Unsafe.Add(ref s, 7)) + Mul(a8, Unsafe.Add(ref s, 6)) + ShiftLeft(Unsafe.Add(ref s, 15), 24);
        acc += carry;
        q6 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 15.
        acc = Mul(a7, Unsafe.Add(ref s, 8)) + Mul(a8, Unsafe.Add(ref s, 7)) + ShiftLeft(Unsafe.Add(ref s, 16), 24);
        acc += carry;
        q7 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 16.
        acc = Mul(a8, Unsafe.Add(ref s, 8)) + ShiftLeft(Unsafe.Add(ref s, 17), 24);
        acc += carry;
        q8 = acc & Mask29;
        q9 = ShiftRightArithmetic(acc, 29);


        // Conditional subtraction of n: d = q − n with a signed borrow chain; keep q if d < 0.
        Vector512<long> d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, br;
        d0 = q0 - Create(P0); br = ShiftRightArithmetic(d0, 5); d0 &= Create(31L);
        d1 = q1 - Create(P1) + br; br = ShiftRightArithmetic(d1, 29); d1 &= Mask29;
        d2 = q2 - Create(P2) + br; br = ShiftRightArithmetic(d2, 29); d2 &= Mask29;
        d3 = q3 - Create(P3) + br; br = ShiftRightArithmetic(d3, 29); d3 &= Mask29;
        d4 = q4 - Create(P4) + br; br = ShiftRightArithmetic(d4, 29); d4 &= Mask29;
        d5 = q5 - Create(P5) + br; br = ShiftRightArithmetic(d5, 29); d5 &= Mask29;
        d6 = q6 - Mask29 + br; br = ShiftRightArithmetic(d6, 29); d6 &= Mask29;
        d7 = q7 - Mask29 + br; br = ShiftRightArithmetic(d7, 29); d7 &= Mask29;
        d8 = q8 - Mask29 + br; br = ShiftRightArithmetic(d8, 29); d8 &= Mask29;
        d9 = q9 - Create(P9) + br;
        var keep = LessThan(d9, Vector512<long>.Zero);
        q0 = ConditionalSelect(keep, q0, d0); q1 = ConditionalSelect(keep, q1, d1);
        q2 = ConditionalSelect(keep, q2, d2); q3 = ConditionalSelect(keep, q3, d3);
        q4 = ConditionalSelect(keep, q4, d4); q5 = ConditionalSelect(keep, q5, d5);
        q6 = ConditionalSelect(keep, q6, d6); q7 = ConditionalSelect(keep, q7, d7);
        q8 = ConditionalSelect(keep, q8, d8); q9 = ConditionalSelect(keep, q9, d9);

        // Pack: q0 at bit 0, q_k (k ≥ 1) at bit 5 + 29(k − 1).
        w0 = (q0 | ShiftLeft(q1, 5) | ShiftLeft(q2, 34) | ShiftLeft(q3, 63)).AsUInt64();
        w1 = (ShiftRightLogical(q3, 1) | ShiftLeft(q4, 28) | ShiftLeft(q5, 57)).AsUInt64();
        w2 = (ShiftRightLogical(q5, 7) | ShiftLeft(q6, 22) | ShiftLeft(q7, 51)).AsUInt64();
        w3 = (ShiftRightLogical(q7, 13) | ShiftLeft(q8, 16) | ShiftLeft(q9, 45)).AsUInt64();
        TransposeStore(ref pc, w0, w1, w2, w3);
    }

    /// <summary>lo ← lo + r·(hi − lo) for eight elements; r's limbs in s[0 … 8] (see
    /// <see cref="BroadcastB"/>), digits in s[9 … 17], lo's words kept in s[18 … 21] meanwhile.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void FoldBlock(ref ulong plo, ref ulong phi, ref Vector512<long> s)
    {
        Transpose(ref plo, out var l0, out var l1, out var l2, out var l3);
        ref Vector512<ulong> saved = ref Unsafe.As<Vector512<long>, Vector512<ulong>>(ref Unsafe.Add(ref s, 18));
        saved = l0; Unsafe.Add(ref saved, 1) = l1; Unsafe.Add(ref saved, 2) = l2; Unsafe.Add(ref saved, 3) = l3;
        Transpose(ref phi, out var h0, out var h1, out var h2, out var h3);
        SubMod(h0, h1, h2, h3, l0, l1, l2, l3, out var e0, out var e1, out var e2, out var e3);
        Split(e0, e1, e2, e3, out var a0, out var a1, out var a2, out var a3, out var a4, out var a5, out var a6, out var a7, out var a8);
        var Mask29 = Create(M29);
        var NInv29 = Create(NInvL);
        var N0 = Create(Nl0); var N1 = Create(Nl1); var N2 = Create(Nl2); var N3 = Create(Nl3); var N4 = Create(Nl4);
        Vector512<long> acc, carry, m, q0, q1, q2, q3, q4, q5, q6, q7, q8, q9;
        Vector512<ulong> w0, w1, w2, w3;
        // Column 0.
        acc = Mul(a0, Unsafe.Add(ref s, 0));
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 9) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 1.
        acc = Mul(a0, Unsafe.Add(ref s, 1)) + Mul(a1, Unsafe.Add(ref s, 0));
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 10) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 2.
        acc = Mul(a0, Unsafe.Add(ref s, 2)) + Mul(a1, Unsafe.Add(ref s, 1)) + Mul(a2, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 9), N2);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 11) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 3.
        acc = Mul(a0, Unsafe.Add(ref s, 3)) + Mul(a1, Unsafe.Add(ref s, 2)) + Mul(a2, Unsafe.Add(ref s, 1)) + Mul(a3, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 9), N3) + Mul(Unsafe.Add(ref s, 10), N2);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 12) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 4.
        acc = Mul(a0, Unsafe.Add(ref s, 4)) + Mul(a1, Unsafe.Add(ref s, 3)) + Mul(a2, Unsafe.Add(ref s, 2)) + Mul(a3, Unsafe.Add(ref s, 1)) + Mul(a4, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 9), N4) + Mul(Unsafe.Add(ref s, 10), N3) + Mul(Unsafe.Add(ref s, 11), N2);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 13) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 5.
        acc = Mul(a0, Unsafe.Add(ref s, 5)) + Mul(a1, Unsafe.Add(ref s, 4)) + Mul(a2, Unsafe.Add(ref s, 3)) + Mul(a3, Unsafe.Add(ref s, 2)) + Mul(a4, Unsafe.Add(ref s, 1)) + Mul(a5, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 10), N4) + Mul(Unsafe.Add(ref s, 11), N3) + Mul(Unsafe.Add(ref s, 12), N2) - Unsafe.Add(ref s, 9);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 14) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 6.
        acc = Mul(a0, Unsafe.Add(ref s, 6)) + Mul(a1, Unsafe.Add(ref s, 5)) + Mul(a2, Unsafe.Add(ref s, 4)) + Mul(a3, Unsafe.Add(ref s, 3)) + Mul(a4, Unsafe.Add(ref s, 2)) + Mul(a5, Unsafe.Add(ref s, 1)) + Mul(a6, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 11), N4) + Mul(Unsafe.Add(ref s, 12), N3) + Mul(Unsafe.Add(ref s, 13), N2) - Unsafe.Add(ref s, 10);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 15) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 7.
        acc = Mul(a0, Unsafe.Add(ref s, 7)) + Mul(a1, Unsafe.Add(ref s, 6)) + Mul(a2, Unsafe.Add(ref s, 5)) + Mul(a3, Unsafe.Add(ref s, 4)) + Mul(a4, Unsafe.Add(ref s, 3)) + Mul(a5, Unsafe.Add(ref s, 2)) + Mul(a6, Unsafe.Add(ref s, 1)) + Mul(a7, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 12), N4) + Mul(Unsafe.Add(ref s, 13), N3) + Mul(Unsafe.Add(ref s, 14), N2) - Unsafe.Add(ref s, 11);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Mask29;
        Unsafe.Add(ref s, 16) = m;
        acc += Mul(m, N0);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 8.
        acc = Mul(a0, Unsafe.Add(ref s, 8)) + Mul(a1, Unsafe.Add(ref s, 7)) + Mul(a2, Unsafe.Add(ref s, 6)) + Mul(a3, Unsafe.Add(ref s, 5)) + Mul(a4, Unsafe.Add(ref s, 4)) + Mul(a5, Unsafe.Add(ref s, 3)) + Mul(a6, Unsafe.Add(ref s, 2)) + Mul(a7, Unsafe.Add(ref s, 1)) + Mul(a8, Unsafe.Add(ref s, 0)) + Mul(Unsafe.Add(ref s, 13), N4) + Mul(Unsafe.Add(ref s, 14), N3) + Mul(Unsafe.Add(ref s, 15), N2) + ShiftLeft(Unsafe.Add(ref s, 9), 24) - Unsafe.Add(ref s, 12);
        acc += Mul(m, N1) + carry;
        m = Mul(acc, NInv29) & Create((1L << 24) - 1);
        Unsafe.Add(ref s, 17) = m;
        acc += Mul(m, N0);
        q0 = ShiftRightArithmetic(acc, 24) & Create(31L);
        carry = ShiftRightArithmetic(acc, 29);
        // Column 9.
        acc = Mul(a1, Unsafe.Add(ref s, 8)) + Mul(a2, Unsafe.Add(ref s, 7)) + Mul(a3, Unsafe.Add(ref s, 6)) + Mul(a4, Unsafe.Add(ref s, 5)) + Mul(a5, Unsafe.Add(ref s, 4)) + Mul(a6, Unsafe.Add(ref s, 3)) + Mul(a7, Unsafe.Add(ref s, 2)) + Mul(a8, Unsafe.Add(ref s, 1)) + Mul(Unsafe.Add(ref s, 14), N4) + Mul(Unsafe.Add(ref s, 15), N3) + Mul(Unsafe.Add(ref s, 16), N2) + ShiftLeft(Unsafe.Add(ref s, 10), 24) - Unsafe.Add(ref s, 13);
        acc += Mul(m, N1) + carry;
        q1 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 10.
        acc = Mul(a2, Unsafe.Add(ref s, 8)) + Mul(a3, Unsafe.Add(ref s, 7)) + Mul(a4, Unsafe.Add(ref s, 6)) + Mul(a5, Unsafe.Add(ref s, 5)) + Mul(a6, Unsafe.Add(ref s, 4)) + Mul(a7, Unsafe.Add(ref s, 3)) + Mul(a8, Unsafe.Add(ref s, 2)) + Mul(Unsafe.Add(ref s, 15), N4) + Mul(Unsafe.Add(ref s, 16), N3) + Mul(Unsafe.Add(ref s, 17), N2) + ShiftLeft(Unsafe.Add(ref s, 11), 24) - Unsafe.Add(ref s, 14);
        acc += carry;
        q2 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 11.
        acc = Mul(a3, Unsafe.Add(ref s, 8)) + Mul(a4, Unsafe.Add(ref s, 7)) + Mul(a5, Unsafe.Add(ref s, 6)) + Mul(a6, Unsafe.Add(ref s, 5)) + Mul(a7, Unsafe.Add(ref s, 4)) + Mul(a8, Unsafe.Add(ref s, 3)) + Mul(Unsafe.Add(ref s, 16), N4) + Mul(Unsafe.Add(ref s, 17), N3) + ShiftLeft(Unsafe.Add(ref s, 12), 24) - Unsafe.Add(ref s, 15);
        acc += carry;
        q3 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 12.
        acc = Mul(a4, Unsafe.Add(ref s, 8)) + Mul(a5, Unsafe.Add(ref s, 7)) + Mul(a6, Unsafe.Add(ref s, 6)) + Mul(a7, Unsafe.Add(ref s, 5)) + Mul(a8, Unsafe.Add(ref s, 4)) + Mul(Unsafe.Add(ref s, 17), N4) + ShiftLeft(Unsafe.Add(ref s, 13), 24) - Unsafe.Add(ref s, 16);
        acc += carry;
        q4 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 13.
        acc = Mul(a5, Unsafe.Add(ref s, 8)) + Mul(a6, Unsafe.Add(ref s, 7)) + Mul(a7, Unsafe.Add(ref s, 6)) + Mul(a8, Unsafe.Add(ref s, 5)) + ShiftLeft(Unsafe.Add(ref s, 14), 24) - Unsafe.Add(ref s, 17);
        acc += carry;
        q5 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 14.
        acc = Mul(a6, Unsafe.Add(ref s, 8)) + Mul(a7, Unsafe.Add(ref s, 7)) + Mul(a8, Unsafe.Add(ref s, 6)) + ShiftLeft(Unsafe.Add(ref s, 15), 24);
        acc += carry;
        q6 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 15.
        acc = Mul(a7, Unsafe.Add(ref s, 8)) + Mul(a8, Unsafe.Add(ref s, 7)) + ShiftLeft(Unsafe.Add(ref s, 16), 24);
        acc += carry;
        q7 = acc & Mask29;
        carry = ShiftRightArithmetic(acc, 29);
        // Column 16.
        acc = Mul(a8, Unsafe.Add(ref s, 8)) + ShiftLeft(Unsafe.Add(ref s, 17), 24);
        acc += carry;
        q8 = acc & Mask29;
        q9 = ShiftRightArithmetic(acc, 29);


        // Conditional subtraction of n: d = q − n with a signed borrow chain; keep q if d < 0.
        Vector512<long> d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, br;
        d0 = q0 - Create(P0); br = ShiftRightArithmetic(d0, 5); d0 &= Create(31L);
        d1 = q1 - Create(P1) + br; br = ShiftRightArithmetic(d1, 29); d1 &= Mask29;
        d2 = q2 - Create(P2) + br; br = ShiftRightArithmetic(d2, 29); d2 &= Mask29;
        d3 = q3 - Create(P3) + br; br = ShiftRightArithmetic(d3, 29); d3 &= Mask29;
        d4 = q4 - Create(P4) + br; br = ShiftRightArithmetic(d4, 29); d4 &= Mask29;
        d5 = q5 - Create(P5) + br; br = ShiftRightArithmetic(d5, 29); d5 &= Mask29;
        d6 = q6 - Mask29 + br; br = ShiftRightArithmetic(d6, 29); d6 &= Mask29;
        d7 = q7 - Mask29 + br; br = ShiftRightArithmetic(d7, 29); d7 &= Mask29;
        d8 = q8 - Mask29 + br; br = ShiftRightArithmetic(d8, 29); d8 &= Mask29;
        d9 = q9 - Create(P9) + br;
        var keep = LessThan(d9, Vector512<long>.Zero);
        q0 = ConditionalSelect(keep, q0, d0); q1 = ConditionalSelect(keep, q1, d1);
        q2 = ConditionalSelect(keep, q2, d2); q3 = ConditionalSelect(keep, q3, d3);
        q4 = ConditionalSelect(keep, q4, d4); q5 = ConditionalSelect(keep, q5, d5);
        q6 = ConditionalSelect(keep, q6, d6); q7 = ConditionalSelect(keep, q7, d7);
        q8 = ConditionalSelect(keep, q8, d8); q9 = ConditionalSelect(keep, q9, d9);

        // Pack: q0 at bit 0, q_k (k ≥ 1) at bit 5 + 29(k − 1).
        w0 = (q0 | ShiftLeft(q1, 5) | ShiftLeft(q2, 34) | ShiftLeft(q3, 63)).AsUInt64();
        w1 = (ShiftRightLogical(q3, 1) | ShiftLeft(q4, 28) | ShiftLeft(q5, 57)).AsUInt64();
        w2 = (ShiftRightLogical(q5, 7) | ShiftLeft(q6, 22) | ShiftLeft(q7, 51)).AsUInt64();
        w3 = (ShiftRightLogical(q7, 13) | ShiftLeft(q8, 16) | ShiftLeft(q9, 45)).AsUInt64();
        AddMod(saved, Unsafe.Add(ref saved, 1), Unsafe.Add(ref saved, 2), Unsafe.Add(ref saved, 3), w0, w1, w2, w3, out w0, out w1, out w2, out w3);
        TransposeStore(ref plo, w0, w1, w2, w3);
    }

    /// <summary>lo[i] ← lo[i] + r·(hi[i] − lo[i]) for the first ⌊len/8⌋·8 entries; returns how many were done.</summary>
    internal static int Fold(Span<Fr> lo, ReadOnlySpan<Fr> hi, in Fr r)
    {
        int blocks = lo.Length >> 3;
        if (blocks == 0) return 0;
        ref ulong pl = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(lo));
        ref ulong ph = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(hi));
        ref Vector512<long> s = ref Scratch(stackalloc byte[ScratchBytes]);
        BroadcastB(in r, ref s);
        for (int i = 0; i < blocks; i++)
        {
            nuint o = (nuint)i * 32;
            FoldBlock(ref Unsafe.Add(ref pl, o), ref Unsafe.Add(ref ph, o), ref s);
        }
        return blocks << 3;
    }

    /// <summary>c[i] = a[i]·b[i] for the first ⌊len/8⌋·8 entries; returns how many were done. Lengths
    /// are the caller's to check; c may be a or b (each block is read before it is written).</summary>
    internal static int MulBatch(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, Span<Fr> c)
    {
        int blocks = c.Length >> 3;
        if (blocks == 0) return 0;
        ref ulong pa = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(a));
        ref ulong pb = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(b));
        ref ulong pc = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(c));
        ref Vector512<long> s = ref Scratch(stackalloc byte[ScratchBytes]);
        for (int i = 0; i < blocks; i++)
        {
            nuint o = (nuint)i * 32;
            LoadB(ref Unsafe.Add(ref pb, o), ref s);
            MulBlock(ref Unsafe.Add(ref pa, o), ref s, ref Unsafe.Add(ref pc, o));
        }
        return blocks << 3;
    }

    /// <summary>c[i] = a[i]·b for the first ⌊len/8⌋·8 entries; returns how many were done.</summary>
    internal static int MulBatch(ReadOnlySpan<Fr> a, in Fr b, Span<Fr> c)
    {
        int blocks = c.Length >> 3;
        if (blocks == 0) return 0;
        ref ulong pa = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(a));
        ref ulong pc = ref Unsafe.As<Fr, ulong>(ref MemoryMarshal.GetReference(c));
        ref Vector512<long> s = ref Scratch(stackalloc byte[ScratchBytes]);
        BroadcastB(in b, ref s);
        for (int i = 0; i < blocks; i++)
        {
            nuint o = (nuint)i * 32;
            MulBlock(ref Unsafe.Add(ref pa, o), ref s, ref Unsafe.Add(ref pc, o));
        }
        return blocks << 3;
    }
}
