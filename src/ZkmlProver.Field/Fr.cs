using System.Runtime.CompilerServices;

namespace ZkmlProver.Field;

/// <summary>
/// An element of F_n, the scalar field of secp256k1 (n = the group order,
/// 0xFFFFFFFF_FFFFFFFF_FFFFFFFF_FFFFFFFE_BAAEDCE6_AF48A03B_BFD25E8C_D0364141).
/// </summary>
/// <remarks>
/// Stored in Montgomery form: the limbs hold a·2^256 mod n, little-endian (L0 least significant),
/// always fully reduced (&lt; n). All kernels take <c>in</c> arguments and write an <c>out</c>
/// result; they read every input limb before writing the output, so the output may alias an input.
/// The type is immutable and allocation-free. Encoding conventions live in Fr.Encoding.cs.
/// </remarks>
public readonly partial struct Fr : IEquatable<Fr>
{
    internal readonly ulong L0, L1, L2, L3;

    internal Fr(ulong l0, ulong l1, ulong l2, ulong l3) { L0 = l0; L1 = l1; L2 = l2; L3 = l3; }

    // n, little-endian limbs.
    internal const ulong N0 = 0xBFD25E8CD0364141UL, N1 = 0xBAAEDCE6AF48A03BUL,
                         N2 = 0xFFFFFFFFFFFFFFFEUL, N3 = 0xFFFFFFFFFFFFFFFFUL;
    /// <summary>−n⁻¹ mod 2^64 (Montgomery constant).</summary>
    internal const ulong NInv = 0x4B0DFF665588B13FUL;
    // R = 2^256 mod n = 2^256 − n.
    internal const ulong R0 = 0x402DA1732FC9BEBFUL, R1 = 0x4551231950B75FC4UL, R2_ = 1UL, R3 = 0UL;
    // R² mod n.
    internal const ulong RR0 = 0x896CF21467D7D140UL, RR1 = 0x741496C20E7CF878UL,
                         RR2 = 0xE697F5E45BCD07C6UL, RR3 = 0x9D671CD581C69BC5UL;

    /// <summary>The modulus n as a BigInteger (for tests and diagnostics).</summary>
    public static readonly System.Numerics.BigInteger Modulus = System.Numerics.BigInteger.Parse(
        "115792089237316195423570985008687907852837564279074904382605163141518161494337");

    public static Fr Zero => default;
    public static Fr One => new(R0, R1, R2_, R3);

    public bool IsZero => (L0 | L1 | L2 | L3) == 0;
    public bool IsOne => L0 == R0 && L1 == R1 && L2 == R2_ && L3 == R3;

    public bool Equals(Fr other) => L0 == other.L0 && L1 == other.L1 && L2 == other.L2 && L3 == other.L3;
    public override bool Equals(object? obj) => obj is Fr f && Equals(f);
    public override int GetHashCode() => HashCode.Combine(L0, L1, L2, L3);
    public static bool operator ==(Fr a, Fr b) => a.Equals(b);
    public static bool operator !=(Fr a, Fr b) => !a.Equals(b);

    public static Fr operator +(in Fr a, in Fr b) { Add(in a, in b, out var r); return r; }
    public static Fr operator -(in Fr a, in Fr b) { Sub(in a, in b, out var r); return r; }
    public static Fr operator -(in Fr a) { Neg(in a, out var r); return r; }
    public static Fr operator *(in Fr a, in Fr b) { Mul(in a, in b, out var r); return r; }

    public static implicit operator Fr(long v) => FromInt64(v);

    public override string ToString() => ToBigInteger().ToString();
}
