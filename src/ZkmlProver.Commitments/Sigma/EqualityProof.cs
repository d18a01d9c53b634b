using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;

namespace ZkmlProver.Commitments.Sigma;

using Transcript = ZkmlProver.Transcript.Transcript;

/// <summary>
/// Σ-protocol 2 (PROTOCOL.md): C₁ and C₂ commit to the same value. With D = C₁ − C₂ = (r₁ − r₂)·H:
/// P: α = t·H. c. z = t + c·(r₁ − r₂). V: z·H = α + c·D.
/// Opening to a public value v is the same proof with D = C − v·G (blind difference r).
/// </summary>
/// <remarks>Transcript, two commitments: <c>sigma = "equality"</c>, <c>"sigma/equality/C1"</c>,
/// <c>"sigma/equality/C2"</c>, <c>"sigma/equality/alpha"</c>, challenge <c>"sigma/c"</c>.
/// Public value: <c>sigma = "equality-public"</c>, <c>"sigma/equality/C"</c>, <c>"sigma/equality/v"</c>
/// (scalar), <c>"sigma/equality/alpha"</c>, challenge <c>"sigma/c"</c>. Wire format: α (33 bytes), z.</remarks>
public sealed record EqualityProof(Point Alpha, Fr Z)
{
    /// <summary>Proves that C₁ = x·G + r₁·H and C₂ = x·G + r₂·H hold the same x.</summary>
    public static EqualityProof Prove(Transcript transcript, PedersenKey key, Point c1, Point c2, in Fr r1, in Fr r2, System.Random? rng = null)
    {
        Fr t = SigmaCommon.NextScalar(rng);
        var alpha = t * key.H;
        var c = ChallengePair(transcript, c1, c2, alpha);
        return new EqualityProof(alpha, t + c * (r1 - r2));
    }

    /// <summary>Proves that C = v·G + r·H opens to the public value v.</summary>
    public static EqualityProof ProvePublic(Transcript transcript, PedersenKey key, Point commitment, in Fr value, in Fr r, System.Random? rng = null)
    {
        Fr t = SigmaCommon.NextScalar(rng);
        var alpha = t * key.H;
        var c = ChallengePublic(transcript, commitment, value, alpha);
        return new EqualityProof(alpha, t + c * r);
    }

    /// <summary>Checks a proof that C₁ and C₂ commit to the same value. Never throws on proof data.</summary>
    public static Verdict Verify(Transcript transcript, PedersenKey key, Point c1, Point c2, EqualityProof? proof)
    {
        if (proof is null) return Verdict.Reject("equality proof: missing");
        var c = ChallengePair(transcript, c1, c2, proof.Alpha);
        if (SigmaObserver.Active) SigmaObserver.Report(new EqualityInstance(key, Difference(c1, c2), c, proof));
        return proof.VerifyWithChallenge(key, Difference(c1, c2), c);
    }

    /// <summary>Checks a proof that C opens to the public value v. Never throws on proof data.</summary>
    public static Verdict VerifyPublic(Transcript transcript, PedersenKey key, Point commitment, in Fr value, EqualityProof? proof)
    {
        if (proof is null) return Verdict.Reject("equality proof: missing");
        var c = ChallengePublic(transcript, commitment, value, proof.Alpha);
        if (SigmaObserver.Active) SigmaObserver.Report(new EqualityInstance(key, PublicDifference(key, commitment, value), c, proof));
        return proof.VerifyWithChallenge(key, PublicDifference(key, commitment, value), c);
    }

    /// <summary>With <paramref name="acc"/> non-null, the equation α + c·(C₁ − C₂) − z·H = O is deferred to it
    /// (the caller must call <see cref="MsmAccumulator.Check"/>); otherwise as the overload without it.</summary>
    public static Verdict Verify(Transcript transcript, PedersenKey key, Point c1, Point c2, EqualityProof? proof, MsmAccumulator? acc)
    {
        if (acc is null) return Verify(transcript, key, c1, c2, proof);
        if (proof is null) return Verdict.Reject("equality proof: missing");
        var c = ChallengePair(transcript, c1, c2, proof.Alpha);
        if (SigmaObserver.Active) SigmaObserver.Report(new EqualityInstance(key, Difference(c1, c2), c, proof));
        acc.BeginEquation();
        acc.Add(proof.Alpha); acc.Add(c, c1); acc.Subtract(c, c2); acc.AddBlindGenerator(-proof.Z);
        return Verdict.Accept;
    }

    /// <summary>With <paramref name="acc"/> non-null, the equation α + c·(C − v·G) − z·H = O is deferred to it
    /// (the caller must call <see cref="MsmAccumulator.Check"/>); otherwise as the overload without it.</summary>
    public static Verdict VerifyPublic(Transcript transcript, PedersenKey key, Point commitment, in Fr value, EqualityProof? proof, MsmAccumulator? acc)
    {
        if (acc is null) return VerifyPublic(transcript, key, commitment, value, proof);
        if (proof is null) return Verdict.Reject("equality proof: missing");
        var c = ChallengePublic(transcript, commitment, value, proof.Alpha);
        if (SigmaObserver.Active) SigmaObserver.Report(new EqualityInstance(key, PublicDifference(key, commitment, value), c, proof));
        acc.BeginEquation();
        acc.Add(proof.Alpha); acc.Add(c, commitment); acc.AddValueGenerator(-(c * value)); acc.AddBlindGenerator(-proof.Z);
        return Verdict.Accept;
    }

    /// <summary>D = C₁ − C₂.</summary>
    public static Point Difference(Point c1, Point c2) => c1 - c2;

    /// <summary>D = C − v·G.</summary>
    public static Point PublicDifference(PedersenKey key, Point commitment, in Fr value) => commitment - value * key.G;

    /// <summary>The verification equation z·H = α + c·D for a given challenge and difference D.</summary>
    public Verdict VerifyWithChallenge(PedersenKey key, Point difference, in Fr challenge)
        => Z * key.H == Alpha + challenge * difference
            ? Verdict.Accept
            : Verdict.Reject("equality proof: z·H ≠ α + c·D");

    /// <summary>Simulator: picks z and solves α = z·H − c·D, without the witness.</summary>
    public static EqualityProof Simulate(PedersenKey key, Point difference, in Fr challenge, System.Random? rng = null)
    {
        Fr z = SigmaCommon.NextScalar(rng);
        return new EqualityProof(z * key.H - challenge * difference, z);
    }

    private static Fr ChallengePair(Transcript t, Point c1, Point c2, Point alpha)
    {
        SigmaCommon.AppendDomain(t, "equality");
        t.AppendPoint("sigma/equality/C1", c1);
        t.AppendPoint("sigma/equality/C2", c2);
        t.AppendPoint("sigma/equality/alpha", alpha);
        return t.ChallengeScalar(SigmaCommon.ChallengeLabel);
    }

    private static Fr ChallengePublic(Transcript t, Point commitment, in Fr value, Point alpha)
    {
        SigmaCommon.AppendDomain(t, "equality-public");
        t.AppendPoint("sigma/equality/C", commitment);
        t.AppendScalar("sigma/equality/v", value);
        t.AppendPoint("sigma/equality/alpha", alpha);
        return t.ChallengeScalar(SigmaCommon.ChallengeLabel);
    }

    public void Write(ProofWriter w) { w.WritePoint(Alpha); w.WriteScalar(Z); }

    public byte[] ToBytes() => SigmaCommon.Encode(Write);

    public static bool TryRead(ProofReader r, out EqualityProof? proof)
    {
        proof = null;
        if (!r.ReadPoint("equality.alpha", out var a) || !r.ReadScalar("equality.z", out var z)) return false;
        proof = new EqualityProof(a, z);
        return true;
    }

    public static bool TryFromBytes(ReadOnlyMemory<byte> bytes, out EqualityProof? proof, out string? error)
        => SigmaCommon.TryDecode<EqualityProof>(bytes, TryRead, out proof, out error);
}
