using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Workflows;

/// <summary>One problem found by the audit.</summary>
/// <param name="File">The proof or manifest file concerned ("-" for the bundle as a whole).</param>
/// <param name="Rows">Row range concerned ("rows 11–20", 1-based inclusive) or "-".</param>
/// <param name="Reason">What is wrong.</param>
public sealed record AuditProblem(string File, string Rows, string Reason);

/// <summary>The verification of one proof file.</summary>
public sealed record AuditedProof(string File, string Rows, bool Accepted, string? Reason, int Batch, long VerifyMilliseconds);

/// <summary>The result of <see cref="BundleAuditor.Audit"/>; <see cref="Passed"/> only when every proof
/// verifies and the manifest checks find nothing. <see cref="RowsCovered"/> counts rows proven by listed,
/// accepted proofs without any problem of their own.</summary>
public sealed record AuditResult(
    bool Passed, string ProofsDir, string CircuitDigest, string CommitmentDigest, int Manifests, int ProofFiles,
    int Accepted, int Rejected, int RowsCovered, int TotalRows, bool InputsChecked, long Milliseconds, string CheckedAtUtc,
    IReadOnlyList<AuditProblem> Problems, IReadOnlyList<AuditedProof> Proofs)
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Machine-readable result (indented camelCase JSON).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Human report (Markdown).</summary>
    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"# Audit of `{ProofsDir}`").AppendLine();
        sb.AppendLine($"**Result: {(Passed ? "PASSED" : "FAILED")}** — {Accepted} of {ProofFiles} proof(s) verified, {Problems.Count} problem(s), {RowsCovered} of {TotalRows} row(s) covered.").AppendLine();
        sb.AppendLine($"- circuit digest: `{CircuitDigest}`");
        sb.AppendLine($"- model commitment digest: `{CommitmentDigest}`");
        sb.AppendLine($"- manifests: {Manifests}; inputs checked against their hashes: {(InputsChecked ? "yes" : "no")}");
        sb.AppendLine($"- checked at {CheckedAtUtc} in {Milliseconds.ToString(inv)} ms").AppendLine();
        if (Problems.Count > 0)
        {
            sb.AppendLine("## Problems").AppendLine().AppendLine("| file | rows | reason |").AppendLine("|---|---|---|");
            foreach (var p in Problems) sb.AppendLine($"| `{p.File}` | {p.Rows} | {Escape(p.Reason)} |");
            sb.AppendLine();
        }
        sb.AppendLine("## Proofs").AppendLine().AppendLine("| file | rows | batch | verdict | verify ms |").AppendLine("|---|---|---:|---|---:|");
        foreach (var p in Proofs)
            sb.AppendLine($"| `{p.File}` | {p.Rows} | {p.Batch} | {(p.Accepted ? "accepted" : "REJECTED: " + Escape(p.Reason ?? ""))} | {p.VerifyMilliseconds} |");
        return sb.ToString();
    }

    static string Escape(string s) => s.Replace("|", "\\|").ReplaceLineEndings(" ");

    /// <summary>Human report as one self-contained HTML page (<see cref="HtmlReport"/>): the verdict, the
    /// problems by file and rows, the proofs (sortable) and a chart of the verification times.</summary>
    public HtmlReport ToHtml()
    {
        var inv = CultureInfo.InvariantCulture;
        var page = new HtmlReport($"Audit of {ProofsDir}").Verdict(Passed,
            $"{Accepted} of {ProofFiles} proof(s) verified, {RowsCovered} of {TotalRows} row(s) covered, {Problems.Count} problem(s)",
            Passed ? "Every proof verifies and the manifest checks found nothing: every row is proven exactly once by an unchanged proof of the given model."
                   : "At least one check failed; each problem below names the file and the rows concerned.");
        page.Summary(
        [
            ("proofs verified", $"{Accepted}/{ProofFiles}", Accepted == ProofFiles && ProofFiles > 0),
            ("proofs rejected", Rejected.ToString(inv), Rejected == 0),
            ("rows covered", $"{RowsCovered}/{TotalRows}", RowsCovered == TotalRows && TotalRows > 0),
            ("problems", Problems.Count.ToString(inv), Problems.Count == 0),
            ("manifests", Manifests.ToString(inv), null),
            ("audit time", $"{(Milliseconds / 1000.0).ToString("F1", inv)} s", null),
        ]);
        page.Section("Problems", "By file, then rows; click a column header to sort.");
        page.Table("problems", [new("file", "file"), new("rows", "rows", Numeric: true), new("reason", "reason")],
            Problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => FirstRow(p.Rows))
                .Select(p => (IReadOnlyList<HtmlCell>)[new(p.File, Class: "mono"), new(p.Rows, FirstRow(p.Rows).ToString(inv)), p.Reason]),
            emptyText: "No problems found.", rowClass: _ => "bad");
        page.Section("Proofs", $"{ProofFiles} proof file(s); click a column header to sort.");
        page.Table("proofs", [new("file", "file"), new("rows", "rows", Numeric: true), new("batch", "batch", Numeric: true), new("verdict", "verdict"), new("reason", "reason"), new("ms", "verify ms", Numeric: true)],
            Proofs.Select(p => (IReadOnlyList<HtmlCell>)
            [
                new(p.File, Class: "mono"), new(p.Rows, FirstRow(p.Rows).ToString(inv)), p.Batch.ToString(inv),
                new(p.Accepted ? "accepted" : "rejected", Class: p.Accepted ? "good" : "bad"), p.Reason ?? "-", p.VerifyMilliseconds.ToString(inv),
            ]),
            emptyText: "No proof files.", rowClass: i => Proofs[i].Accepted ? null : "bad");
        if (Proofs.Count > 0)
            page.Section("Verification time").Images([("Verification time per proof (ms); rejected proofs in red",
                Charts.BarChart("Verification time per proof", "milliseconds", Proofs.Select(p => (p.Rows == "-" ? p.File : p.Rows.Replace("rows ", ""), (double)p.VerifyMilliseconds)).ToList(),
                    Proofs.Select(p => !p.Accepted).ToList()))]);
        page.Section("Model").Facts(
        [
            ("circuit digest", CircuitDigest), ("model commitment digest", CommitmentDigest),
            ("inputs checked against their hashes", InputsChecked ? "yes" : "no"), ("checked at", CheckedAtUtc),
        ]);
        page.Footer("zkml audit · self-contained page (no network access)");
        return page;
    }

    // "rows 11–20" sorts by 11; "-" (the whole bundle) first.
    static int FirstRow(string rows) =>
        rows.Split(' ', '–').Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : (int?)null).FirstOrDefault(n => n is not null) ?? 0;
}

/// <summary>
/// Post-hoc audit of a proofs folder written by <see cref="BatchProver"/> (<c>zkml audit</c>), with only
/// the public artefacts: verifies every <c>*.zkp</c> in parallel and checks the manifest(s): every
/// row of the input covered exactly once (no gap, overlap or duplicate), proof files unchanged
/// (SHA-256), digests equal to the given circuit and commitment, each proof's public inputs equal
/// to the rows its manifest entry names, and — when the input rows are given — those rows equal
/// the hashed ones. Problems name the file, the row range and the reason; nothing throws on bad
/// proof or manifest bytes.
/// </summary>
public static partial class BundleAuditor
{
    [GeneratedRegex(@"^batch-(\d+)-(\d+)\.zkp$")]
    private static partial Regex ProofName();

    /// <summary>Audits <paramref name="proofsDir"/>. <paramref name="progress"/> gets (verified, total).</summary>
    public static AuditResult Audit(string proofsDir, Circuit.Circuit circuit, ModelCommitment commitment, InputData? inputs = null,
        int parallelism = 0, Action<int, int>? progress = null)
    {
        var sw = Stopwatch.StartNew();
        if (!Directory.Exists(proofsDir)) throw new WorkflowException($"{proofsDir}: folder not found");
        var problems = new List<AuditProblem>();
        void Problem(string file, string rows, string reason) => problems.Add(new AuditProblem(file, rows, reason));

        // Manifests.
        var manifestFiles = Directory.GetFiles(proofsDir, "*.json").Where(p => BatchManifest.IsManifestName(Path.GetFileName(p))).Order(StringComparer.Ordinal).ToList();
        var manifests = new List<(string Name, BatchManifest M)>();
        foreach (var path in manifestFiles)
        {
            string name = Path.GetFileName(path);
            try { manifests.Add((name, BatchManifest.Load(path))); }
            catch (WorkflowException e) { Problem(name, "-", e.Message.Replace(path, name)); }
        }
        if (manifestFiles.Count == 0) Problem("-", "-", "no manifest (manifest.json or manifest-shard-*.json): row coverage and file hashes cannot be checked");
        foreach (var (name, m) in manifests)
        {
            if (m.CircuitDigest != circuit.Digest) Problem(name, "-", $"manifest is for circuit {m.CircuitDigest}, not the given circuit {circuit.Digest}");
            if (m.CommitmentDigest != commitment.DigestHex) Problem(name, "-", $"manifest is for model commitment {m.CommitmentDigest}, not the given commitment {commitment.DigestHex}");
        }
        int totalRows = manifests.Count > 0 ? manifests.Max(m => m.M.TotalRows) : 0;
        foreach (var (name, m) in manifests.Where(m => m.M.TotalRows != totalRows))
            Problem(name, "-", $"manifest says the input has {m.TotalRows} rows, another manifest says {totalRows}");
        var shardCounts = manifests.Select(m => m.M.ShardCount).Distinct().ToList();
        if (shardCounts.Count == 1 && shardCounts[0] > 1)
            foreach (int missing in Enumerable.Range(0, shardCounts[0]).Except(manifests.Select(m => m.M.ShardIndex)))
                Problem(BatchManifest.FileName(missing, shardCounts[0]), "-", $"manifest of shard {missing} of {shardCounts[0]} is missing");

        // Entries: files, hashes, digests, coverage.
        var entries = manifests.SelectMany(m => m.M.Batches.Select(e => (Manifest: m.Name, E: e))).ToList();
        var byFile = new Dictionary<string, BatchEntry>(StringComparer.Ordinal);
        foreach (var (mName, e) in entries)
        {
            string rows = e.RowLabel;
            if (e.Start < 0 || e.End <= e.Start || e.End > totalRows) { Problem(e.ProofFile, rows, $"{mName}: row range [{e.Start}, {e.End}) is not within the input's {totalRows} rows"); continue; }
            if (!byFile.TryAdd(e.ProofFile, e)) { Problem(e.ProofFile, rows, $"{mName}: the proof file is listed twice"); continue; }
            var header = manifests.First(m => m.Name == mName).M;   // a header mismatch is reported once, above
            if (e.CircuitDigest != circuit.Digest && e.CircuitDigest != header.CircuitDigest) Problem(e.ProofFile, rows, $"{mName}: entry names circuit {e.CircuitDigest}, not the given one");
            if (e.CommitmentDigest != commitment.DigestHex && e.CommitmentDigest != header.CommitmentDigest) Problem(e.ProofFile, rows, $"{mName}: entry names model commitment {e.CommitmentDigest}, not the given one");
            string path = Path.Combine(proofsDir, e.ProofFile);
            if (Path.GetFileName(e.ProofFile) != e.ProofFile) Problem(e.ProofFile, rows, $"{mName}: proof file name is not a plain file name");
            else if (!File.Exists(path)) Problem(e.ProofFile, rows, "proof file is missing (listed in the manifest)");
        }
        var sorted = entries.Select(x => x.E).Where(e => e.Start >= 0 && e.End > e.Start && e.End <= totalRows).OrderBy(e => e.Start).ThenBy(e => e.End).ToList();
        int covered = 0, reach = 0;
        BatchEntry? prev = null;
        foreach (var e in sorted)
        {
            if (prev is not null && prev.Start == e.Start && prev.End == e.End)
                Problem(e.ProofFile, e.RowLabel, $"row range duplicated: also proven by {prev.ProofFile}");
            else if (e.Start < reach)
                Problem(e.ProofFile, e.RowLabel, $"row range overlaps {prev!.ProofFile} ({prev.RowLabel})");
            else if (e.Start > reach)
                Problem("-", BatchHashing.RowLabel(reach, e.Start), "no proof covers these rows (missing batch)");
            covered += Math.Max(0, e.End - Math.Max(e.Start, reach));
            reach = Math.Max(reach, e.End);
            prev = e;
        }
        if (manifests.Count > 0 && reach < totalRows) Problem("-", BatchHashing.RowLabel(reach, totalRows), "no proof covers these rows (missing batch)");

        // Inputs against their hashes.
        if (inputs is not null && manifests.Count > 0)
        {
            long[]? q = null;
            try { q = QuantizedModel.QuantizeInputs(circuit, inputs); }
            catch (QuantizeException e) { Problem(Path.GetFileName(inputs.Source), "-", e.Message); }
            if (q is not null && inputs.Count != totalRows) Problem(Path.GetFileName(inputs.Source), "-", $"the input file has {inputs.Count} rows, the manifest {totalRows}");
            int size = circuit.InputTensor.Size;
            if (q is not null)
                foreach (var e in byFile.Values.Where(e => e.End <= inputs.Count && e.Start >= 0 && e.End > e.Start))
                    if (BatchHashing.InputHash(q.AsSpan(e.Start * size, e.Rows * size)) != e.InputSha256)
                        Problem(e.ProofFile, e.RowLabel, $"the rows of {Path.GetFileName(inputs.Source)} do not match the input hash in the manifest");
        }

        // Verify every proof file in parallel.
        var proofFiles = Directory.GetFiles(proofsDir, "*.zkp").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var audited = new AuditedProof[proofFiles.Count];
        var extra = new List<AuditProblem>[proofFiles.Count];
        int verified = 0;
        progress?.Invoke(0, proofFiles.Count);
        Parallel.For(0, proofFiles.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount }, i =>
        {
            string name = proofFiles[i]!;
            var found = new List<AuditProblem>();
            byFile.TryGetValue(name, out var entry);
            string rows = entry?.RowLabel ?? RowsFromName(name);
            byte[] bytes;
            try { bytes = File.ReadAllBytes(Path.Combine(proofsDir, name)); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                found.Add(new AuditProblem(name, rows, $"cannot read: {ex.Message}"));
                audited[i] = new AuditedProof(name, rows, false, "unreadable", 0, 0);
                extra[i] = found;
                Interlocked.Increment(ref verified);
                return;
            }
            var t = Stopwatch.StartNew();
            var result = InferenceVerifier.Verify(circuit, commitment, bytes);
            t.Stop();
            if (!result.Accepted) found.Add(new AuditProblem(name, rows, $"proof rejected: {result.Verdict.Reason}"));
            if (entry is null) found.Add(new AuditProblem(name, rows, "proof file is not listed in any manifest"));
            else
            {
                if (BatchHashing.Sha256(bytes) != entry.ProofSha256)
                    found.Add(new AuditProblem(name, rows, "file's SHA-256 differs from the manifest (altered, replaced or swapped)"));
                if (result.Proof is { } p)
                {
                    if (p.Batch != entry.Rows) found.Add(new AuditProblem(name, rows, $"proof covers {p.Batch} row(s), the manifest entry {entry.Rows}"));
                    else if (!p.PrivateInput && BatchHashing.InputHash(p.PublicInput!) != entry.InputSha256)
                        found.Add(new AuditProblem(name, rows, "the proof's public inputs are not the rows the manifest names (swapped or misplaced proof)"));
                }
            }
            audited[i] = new AuditedProof(name, rows, result.Accepted, result.Verdict.Reason, result.Proof?.Batch ?? 0, t.ElapsedMilliseconds);
            extra[i] = found;
            int n = Interlocked.Increment(ref verified);
            progress?.Invoke(n, proofFiles.Count);
        });
        foreach (var f in extra) problems.AddRange(f);
        if (proofFiles.Count == 0) Problem("-", "-", "no proof files (*.zkp) in the folder");

        // Rows covered by sound proofs only: listed, accepted, and without any problem of their own.
        var sound = new HashSet<string>(audited.Where((a, i) => a.Accepted && extra[i].Count == 0).Select(a => a.File), StringComparer.Ordinal);
        covered = 0; reach = 0;
        foreach (var e in sorted.Where(e => sound.Contains(e.ProofFile)))
        {
            covered += Math.Max(0, e.End - Math.Max(e.Start, reach));
            reach = Math.Max(reach, e.End);
        }
        int accepted = audited.Count(a => a.Accepted);
        return new AuditResult(problems.Count == 0, proofsDir, circuit.Digest!, commitment.DigestHex, manifests.Count, proofFiles.Count,
            accepted, proofFiles.Count - accepted, covered, totalRows, inputs is not null, sw.ElapsedMilliseconds,
            DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture), problems, audited);
    }

    static string RowsFromName(string name)
    {
        var m = ProofName().Match(name);
        return m.Success && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out int s) && int.TryParse(m.Groups[2].Value, CultureInfo.InvariantCulture, out int e) && e > s
            ? BatchHashing.RowLabel(s, e) : "-";
    }
}
