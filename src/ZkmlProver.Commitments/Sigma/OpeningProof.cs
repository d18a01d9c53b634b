using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;

namespace ZkmlProver.Commitments.Sigma;

using Transcript = ZkmlProver.Transcript.Transcript;

/// <summary>
/// Σ-protocol 1 (PROTOCOL.md): knowledge of an opening (x, r) of C = x·G + r·H.
/// P: α = t₁·G + t₂·H. c. z₁ = t₁ + c·x, z₂ = t₂ + c·r. V: z₁·G + z₂·H = α + c·C.
/// </summary>
/// <remarks>Transcript: <c>sigma = "opening"</c>, <c>"sigma/opening/C"</c> (statement),
/// <c>"sigma/opening/alpha"</c>, then challenge <c>"sigma/c"</c>. Wire format: α (33 bytes), z₁, z₂.</remarks>
public sealed record OpeningProof(Point Alpha, Fr Z1, Fr Z2)
{
    private const string Name = "opening";

    /// <summary>Proves knowledge of (x, r) with C = x·G + r·H.</summary>
    public static OpeningProof Prove(Transcript transcript, PedersenKey key, Point commitment, in Fr x, in Fr r, System.Random? rng = null)
    {
        Fr t1 = SigmaCommon.NextScalar(rng), t2 = SigmaCommon.NextScalar(rng);
        var alpha = key.Commit(t1, t2);
        var c = Challenge(transcript, commitment, alpha);
        return new OpeningProof(alpha, t1 + c * x, t2 + c * r);
    }

    /// <summary>Replays the transcript and checks the proof. Never throws on proof data.</summary>
    public static Verdict Verify(Transcript transcript, PedersenKey key, Point commitment, OpeningProof? proof)
    {
        if (proof is null) return Verdict.Reject("opening proof: missing");
        var c = Challenge(transcript, commitment, proof.Alpha);
        return proof.VerifyWithChallenge(key, commitment, c);
    }

    /// <summary>The verification equation for a given challenge (no transcript).</summary>
    public Verdict VerifyWithChallenge(PedersenKey key, Point commitment, in Fr challenge)
        => key.Commit(Z1, Z2) == Alpha + challenge * commitment
            ? Verdict.Accept
            : Verdict.Reject("opening proof: z₁·G + z₂·H ≠ α + c·C");

    /// <summary>Simulator: picks z₁, z₂ and solves α = z₁·G + z₂·H − c·C, without the witness.</summary>
    public static OpeningProof Simulate(PedersenKey key, Point commitment, in Fr challenge, System.Random? rng = null)
    {
        Fr z1 = SigmaCommon.NextScalar(rng), z2 = SigmaCommon.NextScalar(rng);
        return new OpeningProof(key.Commit(z1, z2) - challenge * commitment, z1, z2);
    }

    private static Fr Challenge(Transcript t, Point commitment, Point alpha)
    {
        SigmaCommon.AppendDomain(t, Name);
        t.AppendPoint("sigma/opening/C", commitment);
        t.AppendPoint("sigma/opening/alpha", alpha);
        return t.ChallengeScalar(SigmaCommon.ChallengeLabel);
    }

    public void Write(ProofWriter w) { w.WritePoint(Alpha); w.WriteScalar(Z1); w.WriteScalar(Z2); }

    public byte[] ToBytes() => SigmaCommon.Encode(Write);

    public static bool TryRead(ProofReader r, out OpeningProof? proof)
    {
        proof = null;
        if (!r.ReadPoint("opening.alpha", out var a) || !r.ReadScalar("opening.z1", out var z1) || !r.ReadScalar("opening.z2", out var z2)) return false;
        proof = new OpeningProof(a, z1, z2);
        return true;
    }

    public static bool TryFromBytes(ReadOnlyMemory<byte> bytes, out OpeningProof? proof, out string? error)
        => SigmaCommon.TryDecode<OpeningProof>(bytes, TryRead, out proof, out error);
}
