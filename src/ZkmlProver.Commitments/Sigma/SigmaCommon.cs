using ZkmlProver.Field;
using ZkmlProver.Transcript;

namespace ZkmlProver.Commitments.Sigma;

using Transcript = ZkmlProver.Transcript.Transcript;

/// <summary>
/// Shared plumbing of the Σ-protocols: prover randomness and byte-level decoding.
/// </summary>
/// <remarks>
/// <para><b>Randomness.</b> Every prover and simulator takes an optional <see cref="System.Random"/>:
/// null (the default, and the only choice for real proofs) draws from the OS CSPRNG
/// (<see cref="Fr.RandomSecure"/>); a seeded instance makes proofs reproducible in tests.</para>
/// <para><b>Transcript discipline.</b> Each protocol first absorbs a domain label
/// (<c>AppendBytes("sigma", name)</c>), then its statement, then its first messages, and only then
/// draws its challenge <c>"sigma/c"</c>. <c>Verify</c> replays exactly these calls and hands the
/// challenge to <c>VerifyWithChallenge</c>, which is also what simulated transcripts are checked with.</para>
/// <para><b>Encoding.</b> Points are 33 bytes (identity allowed: an honest first message is
/// uniformly random), scalars 32 bytes big-endian canonical, vector lengths as 4-byte counts.</para>
/// </remarks>
public static class SigmaCommon
{
    /// <summary>The label of the single challenge of every Σ-protocol.</summary>
    public const string ChallengeLabel = "sigma/c";

    /// <summary>A fresh uniform scalar: CSPRNG when <paramref name="rng"/> is null, else from the seeded source.</summary>
    public static Fr NextScalar(System.Random? rng) => rng is null ? Fr.RandomSecure() : Fr.Random(rng);

    internal static void AppendDomain(Transcript t, string name)
        => t.AppendBytes("sigma", System.Text.Encoding.UTF8.GetBytes(name));

    /// <summary>Decodes a whole byte string with <paramref name="read"/>, requiring every byte to be consumed.</summary>
    public static bool TryDecode<T>(ReadOnlyMemory<byte> bytes, TryReader<T> read, out T? value, out string? error) where T : class
    {
        var reader = new ProofReader(bytes);
        if (read(reader, out value) && reader.ExpectEnd()) { error = null; return true; }
        value = null;
        error = reader.Error ?? "malformed proof";
        return false;
    }

    /// <summary>Serialises with <paramref name="write"/> into a fresh byte array.</summary>
    public static byte[] Encode(Action<ProofWriter> write)
    {
        var w = new ProofWriter();
        write(w);
        return w.ToArray();
    }
}

/// <summary>A reader of one proof element from a <see cref="ProofReader"/> (false with the reader's Error set on failure).</summary>
public delegate bool TryReader<T>(ProofReader reader, out T? value) where T : class;
