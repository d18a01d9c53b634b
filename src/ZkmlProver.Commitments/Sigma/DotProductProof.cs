using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;

namespace ZkmlProver.Commitments.Sigma;

using Transcript = ZkmlProver.Transcript.Transcript;

/// <summary>
/// Σ-protocol 4 (PROTOCOL.md), linear size: C_x = Com(x; r_x) = ⟨x, G_vec⟩ + r_x·H, C_y = Com(y; r_y)
/// = y·G + r_y·H, public a, claim ⟨a, x⟩ = y.
/// P: δ = Com(d; r_δ), β = Com(⟨a, d⟩; r_β). c. z = d + c·x, z_δ = r_δ + c·r_x, z_β = r_β + c·r_y.
/// V: c·C_x + δ = ⟨z, G_vec⟩ + z_δ·H and c·C_y + β = ⟨a, z⟩·G + z_β·H.
/// </summary>
/// <remarks>
/// Used for short vectors (sum-check round polynomials); the vector generators are the first
/// a.Length generators of the <see cref="PedersenKey"/>. Transcript: <c>sigma = "dot-product"</c>,
/// <c>"sigma/dot/Cx"</c>, <c>"sigma/dot/Cy"</c>, <c>"sigma/dot/a"</c> (the public vector, all
/// entries), <c>"sigma/dot/delta"</c>, <c>"sigma/dot/beta"</c>, challenge <c>"sigma/c"</c>.
/// Wire format: δ, β (33 bytes each), z as a count-prefixed scalar vector, z_δ, z_β.
/// </remarks>
public sealed record DotProductProof(Point Delta, Point Beta, Fr[] Z, Fr ZDelta, Fr ZBeta)
{
    /// <summary>Proves ⟨a, x⟩ = y for C_x = Com(x; r_x), C_y = Com(y; r_y).</summary>
    public static DotProductProof Prove(Transcript transcript, PedersenKey key, Point cx, Point cy, ReadOnlySpan<Fr> a,
        ReadOnlySpan<Fr> x, in Fr rx, in Fr ry, System.Random? rng = null)
    {
        if (x.Length != a.Length) throw new ArgumentException($"witness has length {x.Length}, public vector {a.Length}");
        if (a.Length > key.Size) throw new ArgumentException($"vector of length {a.Length} exceeds key size {key.Size}");
        var d = new Fr[x.Length];
        for (int i = 0; i < d.Length; i++) d[i] = SigmaCommon.NextScalar(rng);
        Fr rDelta = SigmaCommon.NextScalar(rng), rBeta = SigmaCommon.NextScalar(rng);
        var delta = key.Commit(d, rDelta);
        var beta = key.Commit(FieldVectors.InnerProduct(a, d), rBeta);
        var c = Challenge(transcript, cx, cy, a, delta, beta);
        var z = new Fr[d.Length];
        for (int i = 0; i < z.Length; i++) z[i] = d[i] + c * x[i];
        return new DotProductProof(delta, beta, z, rDelta + c * rx, rBeta + c * ry);
    }

    /// <summary>Replays the transcript and checks the proof. Never throws on proof data.</summary>
    public static Verdict Verify(Transcript transcript, PedersenKey key, Point cx, Point cy, ReadOnlySpan<Fr> a, DotProductProof? proof)
    {
        if (proof is null) return Verdict.Reject("dot-product proof: missing");
        var c = Challenge(transcript, cx, cy, a, proof.Delta, proof.Beta);
        return proof.VerifyWithChallenge(key, cx, cy, a, c);
    }

    /// <summary>The two verification equations for a given challenge (lengths checked first).</summary>
    public Verdict VerifyWithChallenge(PedersenKey key, Point cx, Point cy, ReadOnlySpan<Fr> a, in Fr challenge)
    {
        if (Z is null) return Verdict.Reject("dot-product proof: missing response vector");
        if (Z.Length != a.Length) return Verdict.Reject($"dot-product proof: response has length {Z.Length}, expected {a.Length}");
        if (a.Length > key.Size) return Verdict.Reject($"dot-product proof: vector length {a.Length} exceeds key size {key.Size}");
        if (challenge * cx + Delta != key.Commit(Z, ZDelta)) return Verdict.Reject("dot-product proof: c·C_x + δ ≠ ⟨z, G⟩ + z_δ·H");
        if (challenge * cy + Beta != key.Commit(FieldVectors.InnerProduct(a, Z), ZBeta)) return Verdict.Reject("dot-product proof: c·C_y + β ≠ ⟨a, z⟩·G + z_β·H");
        return Verdict.Accept;
    }

    /// <summary>
    /// Defers the two verification equations to <paramref name="acc"/> instead of checking them:
    /// c·C_x + δ − ⟨z, G⟩ − z_δ·H = O and c·C_y + β − ⟨a, z⟩·G − z_β·H = O. Shape checks (lengths)
    /// still happen here and reject immediately; the group equations are decided by
    /// <see cref="MsmAccumulator.Check"/>.
    /// </summary>
    public Verdict AccumulateWithChallenge(MsmAccumulator acc, PedersenKey key, Point cx, Point cy, ReadOnlySpan<Fr> a, in Fr challenge)
    {
        if (Z is null) return Verdict.Reject("dot-product proof: missing response vector");
        if (Z.Length != a.Length) return Verdict.Reject($"dot-product proof: response has length {Z.Length}, expected {a.Length}");
        if (a.Length > key.Size) return Verdict.Reject($"dot-product proof: vector length {a.Length} exceeds key size {key.Size}");
        acc.BeginEquation();
        acc.Add(challenge, cx);
        acc.Add(Delta);
        acc.SubtractVectorGenerators(Z);
        acc.AddBlindGenerator(-ZDelta);
        acc.BeginEquation();
        acc.Add(challenge, cy);
        acc.Add(Beta);
        acc.AddValueGenerator(-FieldVectors.InnerProduct(a, Z));
        acc.AddBlindGenerator(-ZBeta);
        return Verdict.Accept;
    }

    /// <summary>Like <see cref="Verify(Transcript, PedersenKey, Point, Point, ReadOnlySpan{Fr}, DotProductProof?)"/>,
    /// but with <paramref name="acc"/> non-null the group equations are deferred to it (see
    /// <see cref="AccumulateWithChallenge"/>); the caller must call <see cref="MsmAccumulator.Check"/>.</summary>
    public static Verdict Verify(Transcript transcript, PedersenKey key, Point cx, Point cy, ReadOnlySpan<Fr> a, DotProductProof? proof, MsmAccumulator? acc)
    {
        if (acc is null) return Verify(transcript, key, cx, cy, a, proof);
        if (proof is null) return Verdict.Reject("dot-product proof: missing");
        var c = Challenge(transcript, cx, cy, a, proof.Delta, proof.Beta);
        return proof.AccumulateWithChallenge(acc, key, cx, cy, a, c);
    }

    /// <summary>Simulator: picks z, z_δ, z_β and solves δ = ⟨z, G⟩ + z_δ·H − c·C_x, β = ⟨a, z⟩·G + z_β·H − c·C_y.</summary>
    public static DotProductProof Simulate(PedersenKey key, Point cx, Point cy, ReadOnlySpan<Fr> a, in Fr challenge, System.Random? rng = null)
    {
        if (a.Length > key.Size) throw new ArgumentException($"vector of length {a.Length} exceeds key size {key.Size}");
        var z = new Fr[a.Length];
        for (int i = 0; i < z.Length; i++) z[i] = SigmaCommon.NextScalar(rng);
        Fr zDelta = SigmaCommon.NextScalar(rng), zBeta = SigmaCommon.NextScalar(rng);
        return new DotProductProof(
            key.Commit(z, zDelta) - challenge * cx,
            key.Commit(FieldVectors.InnerProduct(a, z), zBeta) - challenge * cy,
            z, zDelta, zBeta);
    }

    /// <summary>The transcript steps of this protocol (statement, first messages, challenge), exposed so
    /// that callers can replay a transcript (e.g. to check simulated rounds of a sum-check).</summary>
    public static Fr Challenge(Transcript t, Point cx, Point cy, ReadOnlySpan<Fr> a, Point delta, Point beta)
    {
        SigmaCommon.AppendDomain(t, "dot-product");
        t.AppendPoint("sigma/dot/Cx", cx);
        t.AppendPoint("sigma/dot/Cy", cy);
        t.AppendScalars("sigma/dot/a", a);
        t.AppendPoint("sigma/dot/delta", delta);
        t.AppendPoint("sigma/dot/beta", beta);
        return t.ChallengeScalar(SigmaCommon.ChallengeLabel);
    }

    public void Write(ProofWriter w)
    {
        w.WritePoint(Delta); w.WritePoint(Beta); w.WriteScalars(Z); w.WriteScalar(ZDelta); w.WriteScalar(ZBeta);
    }

    public byte[] ToBytes() => SigmaCommon.Encode(Write);

    /// <summary>Reads a proof whose response vector must have exactly <paramref name="expectedLength"/> entries.</summary>
    public static bool TryRead(ProofReader r, int expectedLength, out DotProductProof? proof)
    {
        proof = null;
        if (!r.ReadPoint("dot.delta", out var d) || !r.ReadPoint("dot.beta", out var b)
            || !r.ReadScalars("dot.z", out var z, expectedLength)
            || !r.ReadScalar("dot.zDelta", out var zd) || !r.ReadScalar("dot.zBeta", out var zb)) return false;
        proof = new DotProductProof(d, b, z, zd, zb);
        return true;
    }

    public static bool TryFromBytes(ReadOnlyMemory<byte> bytes, int expectedLength, out DotProductProof? proof, out string? error)
        => SigmaCommon.TryDecode(bytes, (ProofReader r, out DotProductProof? p) => TryRead(r, expectedLength, out p), out proof, out error);
}
