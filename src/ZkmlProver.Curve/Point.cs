using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using ZkmlProver.Field;

namespace ZkmlProver.Curve;

/// <summary>
/// A point of secp256k1 (prime order n, cofactor 1). Immutable value type.
/// </summary>
/// <remarks>
/// <para><b>Encoding.</b> 33 bytes: SEC1 compressed (0x02/0x03 ‖ x, big-endian) for a finite point;
/// the identity, where a format allows it, is 33 zero bytes. <see cref="TryDecode"/> rejects wrong
/// lengths, bad prefixes, x ≥ p, x not on the curve, and the identity unless allowed.</para>
/// <para>This is the public API every layer above uses; the arithmetic behind it may be the
/// project's own (cross-checked against BouncyCastle in tests).</para>
/// </remarks>
public readonly partial struct Point : IEquatable<Point>
{
    public const int EncodedLength = 33;

    internal static readonly X9ECParameters Params = CustomNamedCurves.GetByName("secp256k1");
    internal static ECCurve BcCurve => Params.Curve;

    /// <summary>BouncyCastle point, always normalized (affine) or infinity; null means identity.</summary>
    internal readonly ECPoint? Bc;

    internal Point(ECPoint? p) { Bc = p is null || p.IsInfinity ? null : p.Normalize(); }

    public static Point Identity => default;
    /// <summary>The standard secp256k1 base point (not used as a commitment generator).</summary>
    public static Point BasePoint => new(Params.G);

    public bool IsIdentity => Bc is null;

    public static Point operator +(Point a, Point b)
        => a.Bc is null ? b : b.Bc is null ? a : new Point(a.Bc.Add(b.Bc));
    public static Point operator -(Point a) => a.Bc is null ? a : new Point(a.Bc.Negate());
    public static Point operator -(Point a, Point b) => a + (-b);
    public static Point operator *(in Fr k, Point p) => p.Multiply(k);
    public static Point operator *(Point p, in Fr k) => p.Multiply(k);

    public Point Double() => Bc is null ? this : new Point(Bc.Twice());

    public Point Multiply(in Fr k)
    {
        if (Bc is null || k.IsZero) return Identity;
        return new Point(Bc.Multiply(new BigInteger(1, k.ToBytes())));
    }

    public bool Equals(Point other)
        => Bc is null ? other.Bc is null : other.Bc is not null && Bc.Equals(other.Bc);
    public override bool Equals(object? obj) => obj is Point p && Equals(p);
    public override int GetHashCode() => Bc is null ? 0 : Bc.AffineXCoord.ToBigInteger().GetHashCode();
    public static bool operator ==(Point a, Point b) => a.Equals(b);
    public static bool operator !=(Point a, Point b) => !a.Equals(b);

    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < EncodedLength) throw new ArgumentException("need 33 bytes", nameof(destination));
        if (Bc is null) { destination[..EncodedLength].Clear(); return; }
        Bc.GetEncoded(true).CopyTo(destination);
    }

    public byte[] ToBytes() { var b = new byte[EncodedLength]; WriteTo(b); return b; }

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
        var x = new BigInteger(1, source[1..].ToArray());
        if (x.CompareTo(BcCurve.Field.Characteristic) >= 0) { error = "point x-coordinate is not below p"; return false; }
        try
        {
            var p = BcCurve.DecodePoint(source.ToArray());
            if (!p.IsValid()) { error = "point is not on the curve"; return false; }
            point = new Point(p);
            return true;
        }
        catch (Exception)
        {
            error = "x-coordinate is not on the curve";
            return false;
        }
    }

    public override string ToString() => IsIdentity ? "O" : Convert.ToHexString(ToBytes());
}
