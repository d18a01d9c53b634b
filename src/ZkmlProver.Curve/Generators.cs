using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math;

namespace ZkmlProver.Curve;

/// <summary>
/// Nothing-up-my-sleeve generators by try-and-increment hashing to the curve.
/// </summary>
/// <remarks>
/// Procedure (documented, deterministic): for label L and index i, for counter c = 0, 1, …:
/// x = SHA-256("ZkmlProver/generator/v1" ‖ 0x00 ‖ L ‖ 0x00 ‖ i as 4-byte big-endian ‖ c as 4-byte
/// big-endian) read big-endian; if x &lt; p and x³ + 7 is a square mod p, the generator is the point
/// with that x and even y (prefix 0x02). Nobody knows a discrete-log relation among the outputs.
/// </remarks>
public static class Generators
{
    public static Point Derive(string label, int index)
    {
        var prefix = Encoding.UTF8.GetBytes("ZkmlProver/generator/v1");
        var lab = Encoding.UTF8.GetBytes(label);
        var buf = new byte[prefix.Length + 1 + lab.Length + 1 + 8];
        prefix.CopyTo(buf, 0);
        lab.CopyTo(buf, prefix.Length + 1);
        int off = prefix.Length + 1 + lab.Length + 1;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(buf.AsSpan(off), index);
        var enc = new byte[33];
        enc[0] = 0x02;
        for (int c = 0; ; c++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(buf.AsSpan(off + 4), c);
            var h = SHA256.HashData(buf);
            h.CopyTo(enc, 1);
            if (Point.TryDecode(enc, allowIdentity: false, out var p, out _)) return p;
        }
    }

    public static Point[] Derive(string label, int start, int count)
    {
        var r = new Point[count];
        Parallel.For(0, count, i => r[i] = Derive(label, start + i));
        return r;
    }
}
