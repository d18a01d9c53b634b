using System.Runtime.CompilerServices;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math.EC;
using ZkmlProver.Field;

[assembly: InternalsVisibleTo("ZkmlProver.Curve.Tests")]
[assembly: InternalsVisibleTo("ZkmlProver.Benchmarks")]
// Hot kernels take many `out`/`in` locals; zero-initializing their frames on every call costs more
// than the arithmetic. Every stackalloc in this assembly is fully written before it is read.
[module: SkipLocalsInit]

namespace ZkmlProver.Curve;

/// <summary>
/// A point of secp256k1 (y² = x³ + 7 over F_p; prime order n, cofactor 1). Immutable value type.
/// </summary>
/// <remarks>
/// <para><b>Encoding.</b> 33 bytes: SEC1 compressed (0x02/0x03 ‖ x, big-endian) for a finite point;
/// the identity, where a format allows it, is 33 zero bytes. <see cref="TryDecode"/> rejects wrong
/// lengths, bad prefixes, x ≥ p, x not on the curve, and the identity unless allowed.</para>
/// <para><b>Representation.</b> Jacobian coordinates (X, Y, Z) over the project's own field
/// <see cref="Fp"/>: the affine point is (X/Z², Y/Z³); Z = 0 is the identity, so
/// <c>default(Point)</c> is the identity. Results of arithmetic are left unnormalized (no inversion);
/// decoding and generator derivation give Z = 1. Equality compares the affine points (cross
/// multiplication), so it is independent of the representation; hashing and encoding normalize.
/// Every operation is cross-checked against BouncyCastle in the tests. Thread-safe (immutable).</para>
/// </remarks>
public readonly partial struct Point : IEquatable<Point>
{
    public const int EncodedLength = 33;

    internal static readonly X9ECParameters Params = CustomNamedCurves.GetByName("secp256k1");
    internal static ECCurve BcCurve => Params.Curve;

    internal readonly Fp X, Y, Z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Point(in Fp x, in Fp y, in Fp z) { X = x; Y = y; Z = z; }

    /// <summary>The affine point (x, y) (caller guarantees it is on the curve).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Point FromAffine(in Fp x, in Fp y) => new(x, y, Fp.One);

    public static Point Identity => default;

    private static readonly Point Base = FromBouncyCastle(Params.G);

    /// <summary>The standard secp256k1 base point (not used as a commitment generator).</summary>
    public static Point BasePoint => Base;

    public bool IsIdentity
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Z.IsZero;
    }

    /// <summary>True when the point is the identity or has Z = 1 (affine coordinates at hand).</summary>
    internal bool IsNormalized => Z.IsZero || Z.IsOne;

    // ---------------------------------------------------------------- operators

    public static Point operator +(Point a, Point b) { Add(in a, in b, out var r); return r; }
    public static Point operator -(Point a) => a.Negate();
    public static Point operator -(Point a, Point b) { var nb = b.Negate(); Add(in a, in nb, out var r); return r; }
    public static Point operator *(in Fr k, Point p) => p.Multiply(k);
    public static Point operator *(Point p, in Fr k) => p.Multiply(k);

    public Point Negate()
    {
        if (IsIdentity) return this;
        Fp.Neg(in Y, out var ny);
        return new Point(X, ny, Z);
    }

    public Point Double() { Double(in this, out var r); return r; }

    /// <summary>The point with Z = 1 (or the identity); one field inversion.</summary>
    public Point Normalize()
    {
        if (IsNormalized) return this;
        ToAffine(out var x, out var y);
        return FromAffine(x, y);
    }

    /// <summary>Affine coordinates of a finite point (one inversion unless Z = 1).</summary>
    internal void ToAffine(out Fp x, out Fp y)
    {
        if (Z.IsOne) { x = X; y = Y; return; }
        Fp.Inverse(in Z, out var zi);
        Fp.Square(in zi, out var zi2);
        Fp.Mul(in zi2, in zi, out var zi3);
        Fp.Mul(in X, in zi2, out x);
        Fp.Mul(in Y, in zi3, out y);
    }

    /// <summary>Rewrites every point with Z = 1 using one field inversion for the whole span.</summary>
    public static void BatchNormalize(Span<Point> points)
    {
        if (points.Length == 0) return;
        var zs = new Fp[points.Length];
        var scratch = new Fp[points.Length];
        for (int i = 0; i < points.Length; i++) zs[i] = points[i].Z; // identity → 0 → stays 0
        Fp.BatchInverse(zs, scratch);
        for (int i = 0; i < points.Length; i++)
        {
            if (points[i].IsNormalized) continue;
            Fp.Square(in zs[i], out var zi2);
            Fp.Mul(in zi2, in zs[i], out var zi3);
            Fp.Mul(in points[i].X, in zi2, out var x);
            Fp.Mul(in points[i].Y, in zi3, out var y);
            points[i] = FromAffine(x, y);
        }
    }

    /// <summary>Σ points (plain additions; mixed additions for normalized inputs).</summary>
    public static Point Sum(ReadOnlySpan<Point> points)
    {
        Point acc = Identity;
        for (int i = 0; i < points.Length; i++)
        {
            ref readonly var p = ref points[i];
            if (p.Z.IsOne) AddMixed(in acc, in p.X, in p.Y, out acc);
            else Add(in acc, in p, out acc);
        }
        return acc;
    }

    // ---------------------------------------------------------------- equality, hashing

    /// <summary>Same coordinates (X, Y, Z) — not the group equality of <see cref="Equals(Point)"/>.</summary>
    internal bool SameRepresentation(in Point o) => X.Equals(o.X) && Y.Equals(o.Y) && Z.Equals(o.Z);

    public bool Equals(Point other)
    {
        bool ia = IsIdentity, ib = other.IsIdentity;
        if (ia || ib) return ia && ib;
        if (Z.IsOne && other.Z.IsOne) return X.Equals(other.X) && Y.Equals(other.Y);
        // X1·Z2² = X2·Z1² and Y1·Z2³ = Y2·Z1³.
        Fp.Square(in Z, out var z1s);
        Fp.Square(in other.Z, out var z2s);
        Fp.Mul(in X, in z2s, out var u1);
        Fp.Mul(in other.X, in z1s, out var u2);
        if (!u1.Equals(u2)) return false;
        Fp.Mul(in z2s, in other.Z, out var z2c);
        Fp.Mul(in z1s, in Z, out var z1c);
        Fp.Mul(in Y, in z2c, out var s1);
        Fp.Mul(in other.Y, in z1c, out var s2);
        return s1.Equals(s2);
    }

    public override bool Equals(object? obj) => obj is Point p && Equals(p);

    public override int GetHashCode()
    {
        if (IsIdentity) return 0;
        ToAffine(out var x, out var y);
        return HashCode.Combine(x.L0, x.L1, y.L0);
    }

    public static bool operator ==(Point a, Point b) => a.Equals(b);
    public static bool operator !=(Point a, Point b) => !a.Equals(b);

    // ---------------------------------------------------------------- encoding

    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < EncodedLength) throw new ArgumentException("need 33 bytes", nameof(destination));
        if (IsIdentity) { destination[..EncodedLength].Clear(); return; }
        ToAffine(out var x, out var y);
        destination[0] = (byte)(y.IsOdd ? 3 : 2);
        x.WriteBytes(destination[1..]);
    }

    public byte[] ToBytes() { var b = new byte[EncodedLength]; WriteTo(b); return b; }

    /// <summary>y² = x³ + 7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CurveRhs(in Fp x, out Fp r)
    {
        Fp.Square(in x, out var x2);
        Fp.Mul(in x2, in x, out var x3);
        Fp.Add(in x3, new Fp(7, 0, 0, 0), out r);
    }

    /// <summary>Decompresses x with the given y parity; false when x³ + 7 is not a square.</summary>
    internal static bool TryLift(in Fp x, bool odd, out Point point)
    {
        CurveRhs(in x, out var rhs);
        if (!Fp.Sqrt(in rhs, out var y)) { point = Identity; return false; }
        if (y.IsOdd != odd) Fp.Neg(in y, out y);
        point = FromAffine(x, y);
        return true;
    }

    /// <summary>Decodes a 33-byte encoding; never throws. On failure <paramref name="error"/> says why.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, bool allowIdentity, out Point point, out string? error)
    {
        point = Identity;
        error = null;
        if (source.Length != EncodedLength) { error = $"point encoding has {source.Length} bytes, expected {EncodedLength}"; return false; }
        byte prefix = source[0];
        if (prefix == 0)
        {
            foreach (var b in source) if (b != 0) { error = "identity encoding must be all zero bytes"; return false; }
            if (!allowIdentity) { error = "identity point not allowed here"; return false; }
            return true;
        }
        if (prefix != 2 && prefix != 3) { error = $"bad point prefix 0x{prefix:x2}"; return false; }
        if (!Fp.TryFromBytes(source[1..], out var x)) { error = "point x-coordinate is not below p"; return false; }
        if (!TryLift(in x, prefix == 3, out point)) { error = "x-coordinate is not on the curve"; return false; }
        return true;
    }

    public override string ToString() => IsIdentity ? "O" : Convert.ToHexString(ToBytes());

    // ---------------------------------------------------------------- BouncyCastle interop (tests, constants)

    internal static Point FromBouncyCastle(ECPoint p)
    {
        if (p.IsInfinity) return Identity;
        var n = p.Normalize();
        Fp.TryFromBytes(n.AffineXCoord.GetEncoded(), out var x);
        Fp.TryFromBytes(n.AffineYCoord.GetEncoded(), out var y);
        return FromAffine(x, y);
    }

    internal ECPoint ToBouncyCastle()
    {
        if (IsIdentity) return BcCurve.Infinity;
        ToAffine(out var x, out var y);
        Span<byte> bx = stackalloc byte[32], by = stackalloc byte[32];
        x.WriteBytes(bx); y.WriteBytes(by);
        return BcCurve.CreatePoint(new Org.BouncyCastle.Math.BigInteger(1, bx.ToArray()), new Org.BouncyCastle.Math.BigInteger(1, by.ToArray()));
    }
}
