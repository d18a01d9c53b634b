using System.Globalization;
using System.Text.Json;
using ZkmlProver.Circuit;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Workflows.Registry;

/// <summary>
/// A decision rule on the first output of each row: <see cref="AtOrAbove"/> when the value is at least
/// <see cref="Threshold"/>, else <see cref="Below"/>. The credit demo's rule is
/// <c>new DecisionRule(0.5)</c>: deny when P(bad) ≥ 0.5 (<see cref="CreditDemo.Threshold"/>).
/// Text form (stored with each proof): <c>threshold:0.5:deny:approve</c>.
/// </summary>
public sealed record DecisionRule(double Threshold, string AtOrAbove = "deny", string Below = "approve")
{
    /// <summary>The credit demo's rule.</summary>
    public static DecisionRule Credit { get; } = new(CreditDemo.Threshold);

    /// <summary>The decision for one row's first output value.</summary>
    public string Decide(double firstOutput) => firstOutput >= Threshold ? AtOrAbove : Below;

    /// <summary><c>threshold:&lt;t&gt;:&lt;at-or-above&gt;:&lt;below&gt;</c>.</summary>
    public string ToText() => $"threshold:{Threshold.ToString("R", CultureInfo.InvariantCulture)}:{AtOrAbove}:{Below}";

    /// <summary>Parses <see cref="ToText"/>'s form.</summary>
    public static DecisionRule Parse(string text)
    {
        var p = text.Split(':');
        if (p.Length == 4 && p[0] == "threshold" && double.TryParse(p[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double t) && p[2].Length > 0 && p[3].Length > 0)
            return new DecisionRule(t, p[2], p[3]);
        throw new WorkflowException($"decision rule '{text}': expected threshold:<t>:<at-or-above>:<below>");
    }

    /// <summary>"first output ≥ 0.5 → deny, else approve".</summary>
    public override string ToString() => $"first output ≥ {Threshold.ToString("R", CultureInfo.InvariantCulture)} → {AtOrAbove}, else {Below}";
}

/// <summary>Settings of <see cref="RegistryIndexer.Add"/>.</summary>
/// <param name="StoreBytes">Also copy each proof's bytes into the database.</param>
/// <param name="Decision">Decision rule applied to each row's first output, or null (no decision column).</param>
/// <param name="FirstRow">For a lone proof file (no manifest): the 0-based data row of its first row.</param>
/// <param name="Inputs">The input file, to record each row's id column (optional).</param>
public sealed record RegistryAddOptions(bool StoreBytes = false, DecisionRule? Decision = null, int FirstRow = 0, InputData? Inputs = null);

/// <summary>What an add did, per file.</summary>
/// <param name="Added">Newly indexed proof files.</param>
/// <param name="Unchanged">Already registered (same bytes, same path).</param>
/// <param name="PathUpdated">Already registered under another path (moved): path updated.</param>
/// <param name="Problems">Files not indexed, each "file: reason".</param>
public sealed record RegistryAddResult(IReadOnlyList<string> Added, IReadOnlyList<string> Unchanged, IReadOnlyList<string> PathUpdated, IReadOnlyList<string> Problems);

/// <summary>
/// Indexes proof files into a <see cref="ProofRegistry"/>: a proofs folder written by
/// <c>zkml prove-batch</c> (every manifest in it; row range, input hash and creation time from the
/// manifest; <c>.zkp</c> files no manifest lists are indexed as lone proofs) or a lone proof file
/// (rows <see cref="RegistryAddOptions.FirstRow"/>…+B−1, input hash of its public inputs or
/// "private", creation time = file time). Each proof is decoded (not verified: that is
/// <see cref="RegistryAuditor"/>'s job) and must belong to the given circuit and commitment.
/// </summary>
public static class RegistryIndexer
{
    /// <summary>Private-input proofs of a lone file: the inputs are not known.</summary>
    public const string PrivateInputHash = "private";

    /// <summary>Indexes <paramref name="path"/> (folder or .zkp file).</summary>
    public static RegistryAddResult Add(ProofRegistry registry, string path, Circuit.Circuit circuit, string circuitJson, ModelCommitment commitment,
        RegistryAddOptions options, string? circuitPath = null, string? commitmentPath = null)
    {
        registry.AddArtifacts(circuitJson, circuit.Digest!, commitment.Bytes, commitment.DigestHex, circuitPath, commitmentPath);
        var added = new List<string>(); var same = new List<string>(); var moved = new List<string>(); var problems = new List<string>();
        void Record(string file, ProofRecord? rec, byte[]? bytes, string? problem)
        {
            if (problem is not null) { problems.Add($"{file}: {problem}"); return; }
            var (_, outcome) = registry.AddProof(rec!, options.StoreBytes ? bytes : null);
            (outcome switch { AddOutcome.Added => added, AddOutcome.Unchanged => same, _ => moved }).Add(file);
        }

        path = Path.GetFullPath(path);
        if (File.Exists(path))
        {
            var (rec, bytes, problem) = FromLoneFile(path, circuit, commitment, options);
            Record(path, rec, bytes, problem);
        }
        else if (Directory.Exists(path))
        {
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var manifestPath in Directory.GetFiles(path, "*.json").Where(f => BatchManifest.IsManifestName(Path.GetFileName(f))).Order(StringComparer.Ordinal))
                foreach (var (file, rec, bytes, problem) in FromManifest(manifestPath, circuit, commitment, options))
                {
                    listed.Add(file);
                    Record(file, rec, bytes, problem);
                }
            foreach (var file in Directory.GetFiles(path, "*.zkp").Order(StringComparer.Ordinal))
                if (!listed.Contains(Path.GetFullPath(file)))
                {
                    var (rec, bytes, problem) = FromLoneFile(file, circuit, commitment, options);
                    Record(file, rec, bytes, problem);
                }
        }
        else throw new WorkflowException($"{path}: file not found");
        return new RegistryAddResult(added, same, moved, problems);
    }

    /// <summary>Records for every entry of a manifest (file paths absolute).</summary>
    public static IEnumerable<(string File, ProofRecord? Record, byte[]? Bytes, string? Problem)> FromManifest(string manifestPath, Circuit.Circuit circuit,
        ModelCommitment commitment, RegistryAddOptions options)
    {
        manifestPath = Path.GetFullPath(manifestPath);
        var m = BatchManifest.Load(manifestPath);
        foreach (var e in m.Batches)
        {
            string file = Path.Combine(Path.GetDirectoryName(manifestPath)!, e.ProofFile);
            var (rec, bytes, problem) = FromManifestEntry(file, manifestPath, e, circuit, commitment, options);
            yield return (file, rec, bytes, problem);
        }
    }

    /// <summary>The record of one manifest entry (used by <c>prove-batch --registry</c> as batches finish).</summary>
    public static (ProofRecord? Record, byte[]? Bytes, string? Problem) FromManifestEntry(string file, string manifestPath, BatchEntry e,
        Circuit.Circuit circuit, ModelCommitment commitment, RegistryAddOptions options)
    {
        if (!File.Exists(file)) return (null, null, "file not found (listed in " + Path.GetFileName(manifestPath) + ")");
        var bytes = File.ReadAllBytes(file);
        string sha = BatchHashing.Sha256(bytes);
        if (sha != e.ProofSha256) return (null, null, $"hash mismatch: file has sha256 {sha[..16]}…, {Path.GetFileName(manifestPath)} says {e.ProofSha256[..Math.Min(16, e.ProofSha256.Length)]}…");
        var (proof, problem) = Decode(bytes, circuit, commitment);
        if (proof is null) return (null, null, problem);
        if (proof.Batch != e.End - e.Start) return (null, null, $"proof holds {proof.Batch} rows, manifest says {e.RowLabel}");
        if (!proof.PrivateInput && BatchHashing.InputHash(proof.PublicInput!) != e.InputSha256)
            return (null, null, "the proof's public inputs do not hash to the manifest's input hash");
        string created = TryTime(e.ProvedAtUtc) ?? RegistryTime.Format(File.GetLastWriteTimeUtc(file));
        return (Build(Path.GetFullPath(file), bytes, sha, proof, circuit, e.Start, e.InputSha256, "manifest:" + Path.GetFullPath(manifestPath), created, options), bytes, null);
    }

    static (ProofRecord?, byte[]?, string?) FromLoneFile(string file, Circuit.Circuit circuit, ModelCommitment commitment, RegistryAddOptions options)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (null, null, "cannot read: " + e.Message); }
        var (proof, problem) = Decode(bytes, circuit, commitment);
        if (proof is null) return (null, null, problem);
        string hash = proof.PrivateInput ? PrivateInputHash : BatchHashing.InputHash(proof.PublicInput!);
        return (Build(Path.GetFullPath(file), bytes, BatchHashing.Sha256(bytes), proof, circuit, options.FirstRow, hash, "file",
            RegistryTime.Format(File.GetLastWriteTimeUtc(file)), options), bytes, null);
    }

    static (InferenceProof?, string?) Decode(byte[] bytes, Circuit.Circuit circuit, ModelCommitment commitment)
    {
        if (!InferenceProof.TryDecode(bytes, circuit, out var proof, out var error)) return (null, "not a proof of this circuit: " + error);
        if (!proof!.CommitmentDigest.AsSpan().SequenceEqual(commitment.Digest))
            return (null, $"made against model commitment {Convert.ToHexStringLower(proof.CommitmentDigest)[..16]}…, not {commitment.DigestHex[..16]}…");
        return (proof, null);
    }

    static string? TryTime(string text)
    {
        try { return RegistryTime.Parse(text); } catch (WorkflowException) { return null; }
    }

    static ProofRecord Build(string file, byte[] bytes, string sha, InferenceProof proof, Circuit.Circuit circuit, int firstRow, string inputHash,
        string source, string created, RegistryAddOptions options)
    {
        var rows = new List<RowRecord>(proof.Batch);
        for (int b = 0; b < proof.Batch; b++)
        {
            var outputs = RowOutputs(circuit, proof, b);
            int rowIndex = firstRow + b;
            string? id = options.Inputs?.Ids is { } ids && rowIndex < ids.Count ? ids[rowIndex] : null;
            string? decision = options.Decision?.Decide(outputs.First().Value[0]);
            rows.Add(new RowRecord(rowIndex, id, JsonSerializer.Serialize(outputs), decision));
        }
        return new ProofRecord(sha, file, bytes.Length, proof.CircuitDigest, Convert.ToHexStringLower(proof.CommitmentDigest), proof.Batch,
            firstRow, firstRow + proof.Batch, inputHash, source, created, options.Decision?.ToText(), rows);
    }

    /// <summary>Row <paramref name="b"/>'s outputs, dequantized, in the circuit's output order.</summary>
    public static Dictionary<string, double[]> RowOutputs(Circuit.Circuit circuit, InferenceProof proof, int b)
    {
        var d = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (name, values) in proof.Outputs)
        {
            var t = circuit.Tensor(name);
            d[name] = values.AsSpan(b * t.Size, t.Size).ToArray().Select(q => FixedPoint.ToReal(q, t.Scale)).ToArray();
        }
        return d;
    }
}

/// <summary>
/// <c>prove-batch --registry</c>: registers the model's public files once, each batch as it is
/// written (<see cref="OnBatch"/>, called serially from the progress callback) and, at the end, every
/// entry of the run's manifest (<see cref="Finish"/>: also the batches skipped or adopted on resume).
/// Registry problems are collected, not thrown, so proving is never lost to them.
/// </summary>
public sealed class BatchRegistrar : IDisposable
{
    readonly ProofRegistry registry;
    readonly Circuit.Circuit circuit;
    readonly ModelCommitment commitment;
    readonly RegistryAddOptions options;
    readonly List<string> problems = [];

    /// <summary>Opens <paramref name="registryPath"/> and registers the circuit and commitment of <paramref name="modelDir"/>.</summary>
    public BatchRegistrar(string registryPath, string modelDir, RegistryAddOptions options)
    {
        var files = new ModelFiles(modelDir);
        circuit = ModelFiles.LoadCircuit(files.CircuitPath);
        commitment = ModelFiles.LoadCommitment(files.CommitmentPath, circuit);
        this.options = options;
        registry = ProofRegistry.Open(registryPath);
        registry.AddArtifacts(File.ReadAllText(files.CircuitPath), circuit.Digest!, commitment.Bytes, commitment.DigestHex,
            Path.GetFullPath(files.CircuitPath), Path.GetFullPath(files.CommitmentPath));
    }

    /// <summary>Proofs added or updated so far.</summary>
    public int Registered { get; private set; }
    /// <summary>Problems so far ("file: reason").</summary>
    public IReadOnlyList<string> Problems => problems;

    /// <summary>Registers one finished batch of the manifest at <paramref name="manifestPath"/>.</summary>
    public void OnBatch(string manifestPath, BatchEntry entry)
    {
        string file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, entry.ProofFile);
        var (rec, bytes, problem) = RegistryIndexer.FromManifestEntry(file, manifestPath, entry, circuit, commitment, options);
        Take(file, rec, bytes, problem);
    }

    /// <summary>Registers every entry of the manifest (idempotent for those already registered).</summary>
    public void Finish(string manifestPath)
    {
        foreach (var (file, rec, bytes, problem) in RegistryIndexer.FromManifest(manifestPath, circuit, commitment, options))
            Take(file, rec, bytes, problem);
    }

    void Take(string file, ProofRecord? rec, byte[]? bytes, string? problem)
    {
        if (problem is not null) { problems.Add($"{file}: {problem}"); return; }
        try
        {
            var (_, outcome) = registry.AddProof(rec!, options.StoreBytes ? bytes : null);
            if (outcome != AddOutcome.Unchanged) Registered++;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) { problems.Add($"{file}: registry {registry.FilePath}: {e.Message}"); }
    }

    /// <summary>Closes the registry.</summary>
    public void Dispose() => registry.Dispose();
}
