using System.Diagnostics;
using System.Text.Json;
using ZkmlProver.Proving;

namespace ZkmlProver.Workflows.Registry;

/// <summary>Verdicts recorded in the registry's <c>verifications</c> table.</summary>
public static class RegistryVerdicts
{
    /// <summary>The proof verifies and its statement matches the index.</summary>
    public const string Accepted = "accepted";
    /// <summary>The verifier rejected the proof (reason: the verifier's).</summary>
    public const string Rejected = "rejected";
    /// <summary>The file's bytes are not the registered proof and no stored copy exists.</summary>
    public const string HashMismatch = "hash-mismatch";
    /// <summary>The file is gone and no stored copy exists.</summary>
    public const string Missing = "missing";
    /// <summary>The proof verifies but the registry's index (rows, outputs, input hash) disagrees with it.</summary>
    public const string IndexMismatch = "index-mismatch";
    /// <summary>The circuit or commitment to verify with could not be loaded.</summary>
    public const string Error = "error";
}

/// <summary>One row as verified: outputs taken from the accepted proof, decision recomputed from them.</summary>
public sealed record VerifiedRow(int RowIndex, string? RowId, IReadOnlyDictionary<string, double[]> Outputs, string? Decision);

/// <summary>The result of re-verifying one registered proof.</summary>
/// <param name="Proof">The registry entry.</param>
/// <param name="Verdict">One of <see cref="RegistryVerdicts"/>.</param>
/// <param name="Reason">Why it is not accepted (names the file), or null.</param>
/// <param name="FileNote">A problem with the file when the stored bytes were verified instead (moved, altered, missing), or null.</param>
/// <param name="Milliseconds">Time to read and verify.</param>
/// <param name="VerifiedUtc">When (registry time format).</param>
/// <param name="Rows">The verified rows (only when accepted).</param>
public sealed record ProofCheck(RegisteredProof Proof, string Verdict, string? Reason, string? FileNote, long Milliseconds, string VerifiedUtc,
    IReadOnlyList<VerifiedRow> Rows)
{
    /// <summary>True when the proof was accepted.</summary>
    public bool Accepted => Verdict == RegistryVerdicts.Accepted;
}

/// <summary>
/// Re-verifies registered proofs (<c>zkml registry verify</c> / <c>show</c>): reads each proof's bytes
/// (its file, checked against the registered SHA-256; or the copy stored in the database when the
/// file is gone or altered), verifies them with <see cref="InferenceVerifier.Verify"/> against the
/// circuit and commitment (the stored public artifacts, or the auditor's own files), checks that the
/// proof's statement matches the index (rows, outputs, input hash) and records each result with its time.
/// </summary>
public static class RegistryAuditor
{
    /// <summary>Verifies <paramref name="proofs"/> in parallel (<paramref name="parallelism"/> ≤ 0: one per core)
    /// and records each result. <paramref name="trusted"/>: verify with these instead of the stored artifacts
    /// (a proof made for another circuit or commitment is then rejected).</summary>
    public static IReadOnlyList<ProofCheck> Verify(ProofRegistry registry, IReadOnlyList<RegisteredProof> proofs, int parallelism = 0,
        (Circuit.Circuit Circuit, ModelCommitment Commitment)? trusted = null)
    {
        var artifacts = new Dictionary<(string, string), ((Circuit.Circuit, ModelCommitment)? Value, string? Error)>();
        foreach (var key in proofs.Select(p => (p.CircuitDigest, p.CommitmentDigest)).Distinct())
        {
            if (trusted is { } t)
                artifacts[key] = t.Circuit.Digest == key.CircuitDigest && t.Commitment.DigestHex == key.CommitmentDigest ? (t, null)
                    : (null, $"made for circuit {key.CircuitDigest[..16]}… / commitment {key.CommitmentDigest[..16]}…, not the given circuit {t.Circuit.Digest![..16]}… / commitment {t.Commitment.DigestHex[..16]}…");
            else
                try { artifacts[key] = (registry.LoadArtifacts(key.CircuitDigest, key.CommitmentDigest), null); }
                catch (WorkflowException e) { artifacts[key] = (null, e.Message); }
        }
        var results = new ProofCheck[proofs.Count];
        var po = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount };
        Parallel.For(0, proofs.Count, po, i =>
        {
            var p = proofs[i];
            var a = artifacts[(p.CircuitDigest, p.CommitmentDigest)];
            var check = Check(registry, p, a.Value, a.Error);
            registry.RecordVerification(new VerificationRecord(p.Id, check.VerifiedUtc, check.Verdict, check.Reason ?? check.FileNote, check.Milliseconds));
            results[i] = check;
        });
        return results;
    }

    static ProofCheck Check(ProofRegistry registry, RegisteredProof p, (Circuit.Circuit Circuit, ModelCommitment Commitment)? artifacts, string? artifactError)
    {
        var sw = Stopwatch.StartNew();
        ProofCheck Done(string verdict, string? reason, string? note = null, IReadOnlyList<VerifiedRow>? rows = null) =>
            new(p, verdict, reason, note, sw.ElapsedMilliseconds, RegistryTime.Now(), rows ?? []);

        if (artifactError is not null || artifacts is null) return Done(RegistryVerdicts.Error, $"{p.Path}: {artifactError}");
        var (circuit, commitment) = artifacts.Value;

        byte[]? bytes = null;
        string? fileProblem = null, fileVerdict = null;
        if (!File.Exists(p.Path)) (fileProblem, fileVerdict) = ($"{p.Path}: file not found", RegistryVerdicts.Missing);
        else
        {
            try
            {
                bytes = File.ReadAllBytes(p.Path);
                string sha = BatchHashing.Sha256(bytes);
                if (sha != p.Sha256)
                {
                    (fileProblem, fileVerdict) = ($"{p.Path}: hash mismatch: file has sha256 {sha[..16]}…, registered {p.Sha256[..16]}… (altered or replaced)", RegistryVerdicts.HashMismatch);
                    bytes = null;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                (fileProblem, fileVerdict) = ($"{p.Path}: cannot read: {e.Message}", RegistryVerdicts.Missing);
            }
        }
        string? note = null;
        if (bytes is null)
        {
            var copy = p.HasStoredBytes ? registry.StoredBytes(p.Sha256) : null;
            if (copy is null || BatchHashing.Sha256(copy) != p.Sha256) return Done(fileVerdict!, fileProblem);
            bytes = copy;
            note = fileProblem + "; verified the copy stored in the registry";
        }

        var result = InferenceVerifier.Verify(circuit, commitment, bytes);
        if (!result.Accepted) return Done(RegistryVerdicts.Rejected, $"{p.Path}: {result.Verdict.Reason}", note);
        var proof = result.Proof!;
        if (proof.Batch != p.RowEnd - p.RowStart || proof.Batch != p.BatchSize)
            return Done(RegistryVerdicts.IndexMismatch, $"{p.Path}: proof holds {proof.Batch} rows, the registry says {p.RowLabel}", note);
        if (!proof.PrivateInput && p.InputHash != RegistryIndexer.PrivateInputHash && BatchHashing.InputHash(proof.PublicInput!) != p.InputHash)
            return Done(RegistryVerdicts.IndexMismatch, $"{p.Path}: the proof's public inputs do not hash to the registered input hash", note);
        var rule = p.DecisionRule is null ? null : DecisionRule.Parse(p.DecisionRule);
        var stored = registry.RowsOf(p.Id);
        if (stored.Count != proof.Batch) return Done(RegistryVerdicts.IndexMismatch, $"{p.Path}: the registry holds {stored.Count} rows for a proof of {proof.Batch}", note);
        var rows = new List<VerifiedRow>(proof.Batch);
        for (int b = 0; b < proof.Batch; b++)
        {
            var outputs = RegistryIndexer.RowOutputs(circuit, proof, b);
            string? decision = rule?.Decide(outputs.First().Value[0]);
            var s = stored[b];
            if (s.RowIndex != p.RowStart + b || s.OutputsJson != JsonSerializer.Serialize(outputs) || s.Decision != decision)
                return Done(RegistryVerdicts.IndexMismatch, $"{p.Path}: the registry's outputs or decision for row {p.RowStart + b} differ from the proof's", note);
            rows.Add(new VerifiedRow(s.RowIndex, s.RowId, outputs, decision));
        }
        return Done(RegistryVerdicts.Accepted, null, note, rows);
    }
}
