using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ZkmlProver.Circuit;

namespace ZkmlProver.Workflows;

/// <summary>
/// One proven batch in a <see cref="BatchManifest"/>. Row ranges are 0-based data rows of the input
/// file (the header is not a row), <see cref="Start"/> inclusive, <see cref="End"/> exclusive.
/// </summary>
/// <param name="Start">First data row (0-based).</param>
/// <param name="End">One past the last data row.</param>
/// <param name="InputSha256">Lowercase hex SHA-256 of the batch's quantized input (<see cref="BatchHashing.InputHash"/>).</param>
/// <param name="CircuitDigest">Circuit digest the proof was made for.</param>
/// <param name="CommitmentDigest">Lowercase hex model-commitment digest the proof was made against.</param>
/// <param name="ProofFile">Proof file name, relative to the proofs folder.</param>
/// <param name="ProofSha256">Lowercase hex SHA-256 of the proof file's bytes.</param>
/// <param name="ProofBytes">Size of the proof file.</param>
/// <param name="ProveMilliseconds">Wall time of the proof (0 for a proof adopted on resume, whose time is unknown).</param>
/// <param name="PrivateInput">Whether the inputs are committed (not in the proof).</param>
/// <param name="ProvedAtUtc">When the proof was written (ISO 8601, UTC).</param>
public sealed record BatchEntry(
    int Start, int End, string InputSha256, string CircuitDigest, string CommitmentDigest,
    string ProofFile, string ProofSha256, long ProofBytes, long ProveMilliseconds, bool PrivateInput, string ProvedAtUtc)
{
    /// <summary>Number of rows.</summary>
    [JsonIgnore] public int Rows => End - Start;
    /// <summary>"rows 10–19" (1-based, inclusive, as people count data rows).</summary>
    [JsonIgnore] public string RowLabel => BatchHashing.RowLabel(Start, End);
}

/// <summary>
/// The manifest of a proofs folder written by <c>zkml prove-batch</c>: <c>manifest.json</c>, or
/// <c>manifest-shard-&lt;i&gt;-of-&lt;N&gt;.json</c> for one shard of an array job (so shards sharing a
/// folder never write the same file). Rewritten atomically after every finished batch, entries
/// sorted by <see cref="BatchEntry.Start"/>.
/// </summary>
public sealed record BatchManifest
{
    /// <summary>Format tag stored in every manifest.</summary>
    public const string FormatTag = "zkml-batch-manifest/1";

    /// <summary>Always <see cref="FormatTag"/>.</summary>
    public string Format { get; init; } = FormatTag;
    /// <summary>Circuit digest of every proof.</summary>
    public required string CircuitDigest { get; init; }
    /// <summary>Model commitment digest (lowercase hex) of every proof.</summary>
    public required string CommitmentDigest { get; init; }
    /// <summary>Input file name (for people; not checked).</summary>
    public required string InputSource { get; init; }
    /// <summary>Number of data rows in the whole input file (all shards).</summary>
    public required int TotalRows { get; init; }
    /// <summary>Rows per batch (the last batch may be shorter).</summary>
    public required int BatchSize { get; init; }
    /// <summary>Shard index (0-based) when sharded, else 0.</summary>
    public int ShardIndex { get; init; }
    /// <summary>Number of shards (1 when not sharded).</summary>
    public int ShardCount { get; init; } = 1;
    /// <summary>Finished batches, sorted by start row.</summary>
    public required IReadOnlyList<BatchEntry> Batches { get; init; }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, RespectNullableAnnotations = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>File name of the manifest for a shard (<c>manifest.json</c> when <paramref name="count"/> is 1).</summary>
    public static string FileName(int index, int count) => count <= 1 ? "manifest.json" : $"manifest-shard-{index}-of-{count}.json";

    /// <summary>True for names <see cref="FileName"/> produces.</summary>
    public static bool IsManifestName(string name) =>
        name == "manifest.json" || (name.StartsWith("manifest-shard-", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal));

    /// <summary>Indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the manifest atomically (temporary file, then rename).</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(ToJson() + "\n"));

    /// <summary>Parses a manifest; a malformed one is a <see cref="WorkflowException"/> naming the file.</summary>
    public static BatchManifest Parse(string json, string source)
    {
        BatchManifest? m;
        try { m = JsonSerializer.Deserialize<BatchManifest>(json, Json); }
        catch (JsonException e) { throw new WorkflowException($"{source}: not a valid batch manifest: {e.Message}"); }
        if (m is null) throw new WorkflowException($"{source}: empty manifest");
        if (m.Format != FormatTag) throw new WorkflowException($"{source}: manifest format '{m.Format}' is not supported (expected {FormatTag})");
        if (m.BatchSize <= 0 || m.TotalRows <= 0 || m.ShardCount <= 0 || m.ShardIndex < 0 || m.ShardIndex >= m.ShardCount)
            throw new WorkflowException($"{source}: invalid batch size, row count or shard numbers");
        return m;
    }

    /// <summary>Loads and parses a manifest file.</summary>
    public static BatchManifest Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new WorkflowException($"{path}: cannot read manifest: {e.Message}"); }
        return Parse(text, path);
    }
}

/// <summary>Hashes and names used by batch proving and auditing.</summary>
public static class BatchHashing
{
    /// <summary>
    /// SHA-256 (lowercase hex) of a quantized input: the values as int64 little-endian, batch-major
    /// (row 0's elements first), exactly the encoding of public inputs inside a proof.
    /// Example: [1, −1] hashes the 16 bytes 01 00 00 00 00 00 00 00 FF FF FF FF FF FF FF FF.
    /// </summary>
    public static string InputHash(ReadOnlySpan<long> values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Lowercase hex SHA-256 of bytes.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Proof file name of rows [start, end): <c>batch-&lt;start&gt;-&lt;end&gt;.zkp</c>, 0-based, end
    /// exclusive, zero-padded to 7 digits so names sort in row order.</summary>
    public static string ProofFileName(int start, int end) => $"batch-{start:D7}-{end:D7}.zkp";

    /// <summary>"rows 11–20" for [10, 20): 1-based inclusive, the way CSV data rows are counted in messages.</summary>
    public static string RowLabel(int start, int end) => end - start == 1 ? $"row {start + 1}" : $"rows {start + 1}–{end}";
}

/// <summary>An expected workflow error (bad manifest, refusing to overwrite, mismatched bundle): one line for the user.</summary>
public sealed class WorkflowException(string message) : Exception(message);
