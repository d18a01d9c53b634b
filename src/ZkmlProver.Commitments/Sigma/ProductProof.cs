using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;

namespace ZkmlProver.Commitments.Sigma;

using Transcript = ZkmlProver.Transcript.Transcript;

/// <summary>
/// Σ-protocol 3 (PROTOCOL.md): X = x·G + r_x·H, Y = y·G + r_y·H, Z = (x·y)·G + r_z·H, using
/// Z = x·Y + (r_z − x·r_y)·H.
/// P: α = b₁·G + b₂·H, β = b₃·G + b₄·H, δ = b₁·Y + b₅·H. c.
/// z₁ = b₁ + c·x, z₂ = b₂ + c·r_x, z₃ = b₃ + c·y, z₄ = b₄ + c·r_y, z₅ = b₅ + c·(r_z − x·r_y).
/// V: α + c·X = z₁·G + z₂·H; β + c·Y = z₃·G + z₄·H; δ + c·Z = z₁·Y + z₅·H.
/// </summary>
/// <remarks>Transcript: <c>sigma = "product"</c>, <c>"sigma/product/X"</c>, <c>"sigma/product/Y"</c>,
/// <c>"sigma/product/Z"</c>, <c>"sigma/product/alpha"</c>, <c>"sigma/product/beta"</c>,
/// <c>"sigma/product/delta"</c>, challenge <c>"sigma/c"</c>. Wire format: α, β, δ (33 bytes each), z₁…z₅.</remarks>
public sealed record ProductProof(Point Alpha, Point Beta, Point Delta, Fr Z1, Fr Z2, Fr Z3, Fr Z4, Fr Z5)
{
    /// <summary>Proves Z commits to x·y given openings (x, r_x) of X, (y, r_y) of Y and r_z of Z.</summary>
    public static ProductProof Prove(Transcript transcript, PedersenKey key, Point cx, Point cy, Point cz,
        in Fr x, in Fr rx, in Fr y, in Fr ry, in Fr rz, System.Random? rng = null)
    {
        Fr b1 = SigmaCommon.NextScalar(rng), b2 = SigmaCommon.NextScalar(rng), b3 = SigmaCommon.NextScalar(rng),
           b4 = SigmaCommon.NextScalar(rng), b5 = SigmaCommon.NextScalar(rng);
        var alpha = key.Commit(b1, b2);
        var beta = key.Commit(b3, b4);
        var delta = b1 * cy + b5 * key.H;
        var c = Challenge(transcript, cx, cy, cz, alpha, beta, delta);
        return new ProductProof(alpha, beta, delta,
            b1 + c * x, b2 + c * rx, b3 + c * y, b4 + c * ry, b5 + c * (rz - x * ry));
    }

    /// <summary>Replays the transcript and checks the proof. Never throws on proof data.</summary>
    public static Verdict Verify(Transcript transcript, PedersenKey key, Point cx, Point cy, Point cz, ProductProof? proof)
    {
        if (proof is null) return Verdict.Reject("product proof: missing");
        var c = Challenge(transcript, cx, cy, cz, proof.Alpha, proof.Beta, proof.Delta);
        if (SigmaObserver.Active) SigmaObserver.Report(new ProductInstance(key, cx, cy, cz, c, proof));
        return proof.VerifyWithChallenge(key, cx, cy, cz, c);
    }

    /// <summary>With <paramref name="acc"/> non-null, the three group equations are deferred to it
    /// (the caller must call <see cref="MsmAccumulator.Check"/>); otherwise as the overload without it.</summary>
    public static Verdict Verify(Transcript transcript, PedersenKey key, Point cx, Point cy, Point cz, ProductProof? proof, MsmAccumulator? acc)
    {
        if (acc is null) return Verify(transcript, key, cx, cy, cz, proof);
        if (proof is null) return Verdict.Reject("product proof: missing");
        var c = Challenge(transcript, cx, cy, cz, proof.Alpha, proof.Beta, proof.Delta);
        if (SigmaObserver.Active) SigmaObserver.Report(new ProductInstance(key, cx, cy, cz, c, proof));
        proof.AccumulateWithChallenge(acc, cx, cy, cz, c);
        return Verdict.Accept;
    }

    /// <summary>Adds α + c·X − z₁·G − z₂·H = O, β + c·Y − z₃·G − z₄·H = O and δ + c·Z − z₁·Y − z₅·H = O to <paramref name="acc"/>.</summary>
    public void AccumulateWithChallenge(MsmAccumulator acc, Point cx, Point cy, Point cz, in Fr challenge)
    {
        acc.BeginEquation();
        acc.Add(Alpha); acc.Add(challenge, cx); acc.AddValueGenerator(-Z1); acc.AddBlindGenerator(-Z2);
        acc.BeginEquation();
        acc.Add(Beta); acc.Add(challenge, cy); acc.AddValueGenerator(-Z3); acc.AddBlindGenerator(-Z4);
        acc.BeginEquation();
        acc.Add(Delta); acc.Add(challenge, cz); acc.Subtract(Z1, cy); acc.AddBlindGenerator(-Z5);
    }

    /// <summary>The three verification equations for a given challenge.</summary>
    public Verdict VerifyWithChallenge(PedersenKey key, Point cx, Point cy, Point cz, in Fr challenge)
    {
        if (Alpha + challenge * cx != key.Commit(Z1, Z2)) return Verdict.Reject("product proof: α + c·X ≠ z₁·G + z₂·H");
        if (Beta + challenge * cy != key.Commit(Z3, Z4)) return Verdict.Reject("product proof: β + c·Y ≠ z₃·G + z₄·H");
        if (Delta + challenge * cz != Z1 * cy + Z5 * key.H) return Verdict.Reject("product proof: δ + c·Z ≠ z₁·Y + z₅·H");
        return Verdict.Accept;
    }

    /// <summary>Simulator: picks z₁…z₅ and solves the three equations for α, β, δ.</summary>
    public static ProductProof Simulate(PedersenKey key, Point cx, Point cy, Point cz, in Fr challenge, System.Random? rng = null)
    {
        Fr z1 = SigmaCommon.NextScalar(rng), z2 = SigmaCommon.NextScalar(rng), z3 = SigmaCommon.NextScalar(rng),
           z4 = SigmaCommon.NextScalar(rng), z5 = SigmaCommon.NextScalar(rng);
        return new ProductProof(
            key.Commit(z1, z2) - challenge * cx,
            key.Commit(z3, z4) - challenge * cy,
            z1 * cy + z5 * key.H - challenge * cz,
            z1, z2, z3, z4, z5);
    }

    private static Fr Challenge(Transcript t, Point cx, Point cy, Point cz, Point alpha, Point beta, Point delta)
    {
        SigmaCommon.AppendDomain(t, "product");
        t.AppendPoint("sigma/product/X", cx);
        t.AppendPoint("sigma/product/Y", cy);
        t.AppendPoint("sigma/product/Z", cz);
        t.AppendPoint("sigma/product/alpha", alpha);
        t.AppendPoint("sigma/product/beta", beta);
        t.AppendPoint("sigma/product/delta", delta);
        return t.ChallengeScalar(SigmaCommon.ChallengeLabel);
    }

    public void Write(ProofWriter w)
    {
        w.WritePoint(Alpha); w.WritePoint(Beta); w.WritePoint(Delta);
        w.WriteScalar(Z1); w.WriteScalar(Z2); w.WriteScalar(Z3); w.WriteScalar(Z4); w.WriteScalar(Z5);
    }

    public byte[] ToBytes() => SigmaCommon.Encode(Write);

    public static bool TryRead(ProofReader r, out ProductProof? proof)
    {
        proof = null;
        if (!r.ReadPoint("product.alpha", out var a) || !r.ReadPoint("product.beta", out var b) || !r.ReadPoint("product.delta", out var d)
            || !r.ReadScalar("product.z1", out var z1) || !r.ReadScalar("product.z2", out var z2) || !r.ReadScalar("product.z3", out var z3)
            || !r.ReadScalar("product.z4", out var z4) || !r.ReadScalar("product.z5", out var z5)) return false;
        proof = new ProductProof(a, b, d, z1, z2, z3, z4, z5);
        return true;
    }

    public static bool TryFromBytes(ReadOnlyMemory<byte> bytes, out ProductProof? proof, out string? error)
        => SigmaCommon.TryDecode<ProductProof>(bytes, TryRead, out proof, out error);
}
