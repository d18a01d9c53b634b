using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ZkmlProver.Curve;

/// <summary>
/// Nothing-up-my-sleeve generators by try-and-increment hashing to the curve.
/// </summary>
/// <remarks>
/// Procedure (documented, deterministic): for label L and index i, for counter c = 0, 1, …:
/// x = SHA-256("ZkmlProver/generator/v1" ‖ 0x00 ‖ L ‖ 0x00 ‖ i as 4-byte big-endian ‖ c as 4-byte
/// big-endian) read big-endian; if x &lt; p and x³ + 7 is a square mod p, the generator is the point
/// with that x and even y (prefix 0x02). Nobody knows a discrete-log relation among the outputs.
/// The results have Z = 1 (normalized). Thread-safe.
/// </remarks>
public static class Generators
{
    private static readonly byte[] Prefix = Encoding.UTF8.GetBytes("ZkmlProver/generator/v1");

    public static Point Derive(string label, int index)
    {
        int labLen = Encoding.UTF8.GetByteCount(label);
        int len = Prefix.Length + 1 + labLen + 1 + 8;
        byte[]? rented = null;
        Span<byte> buf = len <= 256 ? stackalloc byte[len] : (rented = new byte[len]);
        Prefix.CopyTo(buf);
        buf[Prefix.Length] = 0;
        Encoding.UTF8.GetBytes(label, buf[(Prefix.Length + 1)..]);
        int off = Prefix.Length + 1 + labLen;
        buf[off++] = 0;
        BinaryPrimitives.WriteInt32BigEndian(buf[off..], index);
        Span<byte> h = stackalloc byte[32];
        for (int c = 0; ; c++)
        {
            BinaryPrimitives.WriteInt32BigEndian(buf[(off + 4)..], c);
            SHA256.HashData(buf, h);
            if (Fp.TryFromBytes(h, out var x) && Point.TryLift(in x, odd: false, out var p)) return p;
        }
    }

    /// <summary>Generators <paramref name="start"/> … <paramref name="start"/> + count − 1 of a label
    /// (derived in parallel).</summary>
    public static Point[] Derive(string label, int start, int count)
    {
        var r = new Point[count];
        int chunks = Math.Max(1, Math.Min(Environment.ProcessorCount * 4, count / 256));
        Parallel.For(0, chunks, ch =>
        {
            int a = (int)((long)count * ch / chunks), b = (int)((long)count * (ch + 1) / chunks);
            for (int i = a; i < b; i++) r[i] = Derive(label, start + i);
        });
        return r;
    }
}
