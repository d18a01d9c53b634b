using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ZkmlProver.Field;

/// <remarks>
/// <para><b>Byte order.</b> The canonical encoding of a field element is 32 bytes, big-endian,
/// of the integer in [0, n). Decoding rejects values ≥ n (non-canonical).</para>
/// <para><b>Signed integers.</b> v ∈ ℤ maps to v mod n; <see cref="TryToInt64"/> inverts this for
/// elements in (−2^63, 2^63).</para>
/// <para><b>Wide reduction.</b> <see cref="FromBytesWide"/> reads 64 big-endian bytes as an integer
/// and reduces it mod n (bias ≤ 2^-256), used for Fiat–Shamir challenges.</para>
/// </remarks>
public readonly partial struct Fr
{
    public const int ByteLength = 32;

    /// <summary>Builds an element from canonical (non-Montgomery) little-endian limbs, reducing once
    /// if the value is in [n, 2^256).</summary>
    public static Fr FromCanonicalLimbs(ulong c0, ulong c1, ulong c2, ulong c3)
    {
        ReduceOnce(c0, c1, c2, c3, 0, out var v);
        var rr = new Fr(RR0, RR1, RR2, RR3);
        Mul(in v, in rr, out var r);
        return r;
    }

    /// <summary>The canonical integer in [0, n) as little-endian limbs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ToCanonicalLimbs(out ulong c0, out ulong c1, out ulong c2, out ulong c3)
    {
        var one = new Fr(1, 0, 0, 0);
        Mul(in this, in one, out var r);
        c0 = r.L0; c1 = r.L1; c2 = r.L2; c3 = r.L3;
    }

    public static Fr FromUInt64(ulong v) => FromCanonicalLimbs(v, 0, 0, 0);

    public static Fr FromInt64(long v)
    {
        if (v >= 0) return FromUInt64((ulong)v);
        Neg(FromUInt64((ulong)(-(v + 1)) + 1), out var r);
        return r;
    }

    /// <summary>Returns true and the signed value when the element is v mod n for some
    /// v ∈ [−2^63, 2^63).</summary>
    public bool TryToInt64(out long value)
    {
        ToCanonicalLimbs(out var c0, out var c1, out var c2, out var c3);
        if (c1 == 0 && c2 == 0 && c3 == 0 && c0 <= long.MaxValue) { value = (long)c0; return true; }
        Neg(in this, out var neg);
        neg.ToCanonicalLimbs(out c0, out c1, out c2, out c3);
        if (c1 == 0 && c2 == 0 && c3 == 0 && c0 <= (ulong)long.MaxValue + 1) { value = (long)(0 - c0); return true; }
        value = 0;
        return false;
    }

    public static Fr FromBigInteger(BigInteger v)
    {
        v %= Modulus;
        if (v.Sign < 0) v += Modulus;
        Span<byte> b = stackalloc byte[32];
        b.Clear();
        v.TryWriteBytes(b, out _, isUnsigned: true, isBigEndian: true);
        // TryWriteBytes writes the minimal big-endian form at the start; right-align it.
        int len = v.GetByteCount(isUnsigned: true);
        Span<byte> aligned = stackalloc byte[32];
        aligned.Clear();
        b[..len].CopyTo(aligned[(32 - len)..]);
        return FromCanonicalLimbs(
            BinaryPrimitives.ReadUInt64BigEndian(aligned[24..]), BinaryPrimitives.ReadUInt64BigEndian(aligned[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(aligned[8..]), BinaryPrimitives.ReadUInt64BigEndian(aligned));
    }

    public BigInteger ToBigInteger()
    {
        Span<byte> b = stackalloc byte[32];
        WriteBytes(b);
        return new BigInteger(b, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Writes the canonical 32-byte big-endian encoding.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        if (destination.Length < ByteLength) throw new ArgumentException("need 32 bytes", nameof(destination));
        ToCanonicalLimbs(out var c0, out var c1, out var c2, out var c3);
        BinaryPrimitives.WriteUInt64BigEndian(destination, c3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], c2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], c1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], c0);
    }

    public byte[] ToBytes() { var b = new byte[ByteLength]; WriteBytes(b); return b; }

    /// <summary>Decodes a canonical 32-byte big-endian encoding; false for a wrong length or a
    /// value ≥ n (never throws).</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> source, out Fr value)
    {
        value = default;
        if (source.Length != ByteLength) return false;
        ulong c3 = BinaryPrimitives.ReadUInt64BigEndian(source), c2 = BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
              c1 = BinaryPrimitives.ReadUInt64BigEndian(source[16..]), c0 = BinaryPrimitives.ReadUInt64BigEndian(source[24..]);
        ulong borrow = 0;
        SubB(c0, N0, ref borrow); SubB(c1, N1, ref borrow); SubB(c2, N2, ref borrow); SubB(c3, N3, ref borrow);
        if (borrow == 0) return false; // value ≥ n
        value = FromCanonicalLimbs(c0, c1, c2, c3);
        return true;
    }

    /// <summary>Reduces 64 big-endian bytes modulo n: v = hi·2^256 + lo ↦ hi·R + lo (mod n),
    /// computed as Mont(hi, R²)·… without bias beyond 2^-256.</summary>
    public static Fr FromBytesWide(ReadOnlySpan<byte> source)
    {
        if (source.Length != 64) throw new ArgumentException("need 64 bytes", nameof(source));
        // hi and lo are each < 2^256; reduce each once into [0, n) then combine.
        var hi = FromCanonicalLimbs(BinaryPrimitives.ReadUInt64BigEndian(source[24..]), BinaryPrimitives.ReadUInt64BigEndian(source[16..]),
                                    BinaryPrimitives.ReadUInt64BigEndian(source[8..]), BinaryPrimitives.ReadUInt64BigEndian(source));
        var lo = FromCanonicalLimbs(BinaryPrimitives.ReadUInt64BigEndian(source[56..]), BinaryPrimitives.ReadUInt64BigEndian(source[48..]),
                                    BinaryPrimitives.ReadUInt64BigEndian(source[40..]), BinaryPrimitives.ReadUInt64BigEndian(source[32..]));
        // 2^256 mod n in normal form is R; as a field element that is FromCanonicalLimbs(R).
        var twoTo256 = FromCanonicalLimbs(R0, R1, R2_, R3);
        return hi * twoTo256 + lo;
    }
}
