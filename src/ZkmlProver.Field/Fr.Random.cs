using System.Security.Cryptography;

namespace ZkmlProver.Field;

public readonly partial struct Fr
{
    /// <summary>A uniform element from a cryptographic RNG (wide reduction of 64 bytes).</summary>
    public static Fr RandomSecure()
    {
        Span<byte> b = stackalloc byte[64];
        RandomNumberGenerator.Fill(b);
        return FromBytesWide(b);
    }

    /// <summary>A uniform element from a seeded RNG — tests and reproducible proofs only.</summary>
    public static Fr Random(System.Random rng)
    {
        Span<byte> b = stackalloc byte[64];
        rng.NextBytes(b);
        return FromBytesWide(b);
    }
}
