using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;
using ZkmlProver.Workflows;
using ZkmlProver.Workflows.Registry;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml registry add|verify|show</c>: the proof registry for post-hoc audits (an SQLite file,
/// default <c>zkml-registry.db</c>, chosen with <c>--registry</c>). <c>add</c> indexes a prove-batch
/// folder or a proof file; <c>verify</c> re-verifies what a filter selects, in parallel, recording each
/// result; <c>show</c> finds the proofs behind a row, an input hash or a date, verifies them and prints
/// their verified outputs. Exit codes: 0 all good, 1 a problem (named file: missing, hash mismatch,
/// rejected; or nothing matched), 2 usage errors.
/// </summary>
public static class RegistryCommand
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static Option<FileInfo> RegistryOption() => new("--registry") { Description = $"registry database file (default {ProofRegistry.DefaultFile})", DefaultValueFactory = _ => new FileInfo(ProofRegistry.DefaultFile) };
    static Option<bool> JsonOption() => new("--json") { Description = "machine-readable output" };

    /// <summary>The <c>registry</c> command and its subcommands.</summary>
    public static Command Create()
    {
        var cmd = new Command("registry", "Proof registry for post-hoc audits: index proofs, re-verify them, find the proof behind a decision");
        cmd.Subcommands.Add(CreateAdd());
        cmd.Subcommands.Add(CreateVerify());
        cmd.Subcommands.Add(CreateShow());
        return cmd;
    }

    static Command CreateAdd()
    {
        var path = new Argument<FileSystemInfo>("proofs") { Description = "a prove-batch proofs folder (manifests) or one proof file (.zkp)" };
        var circuit = new Option<FileInfo>("--circuit") { Description = "circuit.json the proofs were made for", Required = true };
        var commitment = new Option<FileInfo>("--commitment") { Description = "model.commitment the proofs were made against", Required = true };
        var store = new Option<bool>("--store-bytes") { Description = "also copy the proof bytes into the database (verifiable without the files)" };
        var threshold = new Option<double?>("--decision-threshold") { Description = "record a decision per row: first output ≥ t → deny, else approve (credit demo: 0.5)" };
        var firstRow = new Option<int>("--first-row") { Description = "for a lone proof file: 0-based data row of its first row (default 0)" };
        var inputs = new Option<FileInfo?>("--inputs") { Description = "the input file (CSV with an id column), to record each row's id" };
        var registry = RegistryOption(); var json = JsonOption();
        var cmd = new Command("add", "Index proofs: circuit/commitment digest, rows, input hash, outputs, decision, file hash") { path, circuit, commitment, registry, store, threshold, firstRow, inputs, json };
        cmd.SetAction(pr => RunSafe(() =>
        {
            var c = ModelFiles.LoadCircuit(pr.GetValue(circuit)!.FullName);
            var m = ModelFiles.LoadCommitment(pr.GetValue(commitment)!.FullName, c);
            double? t = pr.GetValue(threshold);
            var options = new RegistryAddOptions(pr.GetValue(store), t is { } x ? new DecisionRule(x) : null, pr.GetValue(firstRow),
                pr.GetValue(inputs) is { } f ? InputData.Load(f.FullName) : null);
            using var reg = ProofRegistry.Open(pr.GetValue(registry)!.FullName);
            var r = RegistryIndexer.Add(reg, pr.GetValue(path)!.FullName, c, File.ReadAllText(pr.GetValue(circuit)!.FullName), m, options,
                pr.GetValue(circuit)!.FullName, pr.GetValue(commitment)!.FullName);
            if (pr.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new { registry = reg.FilePath, added = r.Added, unchanged = r.Unchanged, pathUpdated = r.PathUpdated, problems = r.Problems }, Json));
            else
            {
                foreach (var p in r.Problems) Console.Out.WriteLine($"PROBLEM {p}");
                Console.Out.WriteLine($"registry {reg.FilePath}: {r.Added.Count} proof(s) added, {r.Unchanged.Count} already registered, {r.PathUpdated.Count} moved (path updated), {r.Problems.Count} problem(s)");
            }
            return r.Problems.Count == 0 && r.Added.Count + r.Unchanged.Count + r.PathUpdated.Count > 0 ? 0 : Program.BadInput;
        }));
        return cmd;
    }

    sealed record Selection(Option<FileInfo> Registry, Option<string?> Since, Option<string?> CircuitDigest, Option<FileInfo?> Circuit,
        Option<FileInfo?> Commitment, Option<int> Parallel, Option<bool> Json);

    static Selection AddSelection(Command cmd)
    {
        var s = new Selection(RegistryOption(),
            new Option<string?>("--since") { Description = "only proofs created at or after this date (UTC, e.g. 2026-11-01)" },
            new Option<string?>("--circuit-digest") { Description = "only proofs of this circuit (digest or prefix)" },
            new Option<FileInfo?>("--circuit") { Description = "verify with this circuit.json instead of the registry's copy (then only its proofs are selected)" },
            new Option<FileInfo?>("--commitment") { Description = "verify with this model.commitment instead of the registry's copy (with --circuit)" },
            new Option<int>("--parallel", "-p") { Description = "proofs verified at once (default: number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount },
            JsonOption());
        cmd.Options.Add(s.Registry); cmd.Options.Add(s.Since); cmd.Options.Add(s.CircuitDigest); cmd.Options.Add(s.Circuit);
        cmd.Options.Add(s.Commitment); cmd.Options.Add(s.Parallel); cmd.Options.Add(s.Json);
        return s;
    }

    /// <summary>Opens the registry (which must exist: verify/show never create one) and the auditor's own files if given.</summary>
    static (ProofRegistry Registry, (Circuit.Circuit, ModelCommitment)? Trusted, ProofFilter Filter) Open(ParseResult pr, Selection s, ProofFilter filter)
    {
        var file = pr.GetValue(s.Registry)!;
        if (!file.Exists) throw new WorkflowException($"{file.FullName}: registry not found (create it with zkml registry add, or pass --registry)");
        (Circuit.Circuit, ModelCommitment)? trusted = null;
        var (cf, mf) = (pr.GetValue(s.Circuit), pr.GetValue(s.Commitment));
        if ((cf is null) != (mf is null)) throw new WorkflowException("--circuit and --commitment go together");
        if (cf is not null)
        {
            var c = ModelFiles.LoadCircuit(cf.FullName);
            trusted = (c, ModelFiles.LoadCommitment(mf!.FullName, c));
        }
        filter = filter with
        {
            SinceUtc = pr.GetValue(s.Since) is { } since ? RegistryTime.Parse(since) : null,
            CircuitDigest = trusted is { } t ? t.Item1.Digest : pr.GetValue(s.CircuitDigest),
        };
        return (ProofRegistry.Open(file.FullName), trusted, filter);
    }

    static Command CreateVerify()
    {
        var cmd = new Command("verify", "Re-verify registered proofs (all, or what --since/--circuit-digest select) in parallel and record each result");
        var s = AddSelection(cmd);
        cmd.SetAction(pr => RunSafe(() =>
        {
            var (reg, trusted, filter) = Open(pr, s, new ProofFilter());
            using var _ = reg;
            var proofs = reg.Find(filter);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var checks = RegistryAuditor.Verify(reg, proofs, pr.GetValue(s.Parallel), trusted);
            int ok = checks.Count(c => c.Accepted);
            if (pr.GetValue(s.Json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    registry = reg.FilePath, selected = checks.Count, accepted = ok, failed = checks.Count - ok, seconds = sw.Elapsed.TotalSeconds,
                    proofs = checks.Select(Summary),
                }, Json));
            else
            {
                foreach (var c in checks.Where(c => !c.Accepted)) Console.Out.WriteLine($"PROBLEM {c.Proof.FileName} [{c.Proof.RowLabel}]: {c.Verdict}: {c.Reason}");
                foreach (var c in checks.Where(c => c.FileNote is not null && c.Accepted)) Console.Out.WriteLine($"NOTE {c.Proof.FileName}: {c.FileNote}");
                Console.Out.WriteLine(checks.Count == 0 ? "no proofs selected"
                    : $"{(ok == checks.Count ? "VERIFIED" : "FAILED")}: {ok}/{checks.Count} proof(s) accepted, {checks.Sum(c => c.Accepted ? c.Proof.RowEnd - c.Proof.RowStart : 0)} row(s); " +
                      $"{sw.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s; results recorded in {reg.FilePath}");
            }
            return checks.Count > 0 && ok == checks.Count ? 0 : Program.BadInput;
        }));
        return cmd;
    }

    static Command CreateShow()
    {
        var row = new Option<int?>("--row") { Description = "the proof(s) covering this 0-based data row of the input file" };
        var id = new Option<string?>("--id") { Description = "the proof(s) holding the row with this id (recorded with add --inputs)" };
        var hash = new Option<string?>("--input-hash") { Description = "the proof(s) with this input hash (or prefix)" };
        var cmd = new Command("show", "Find the proof behind a decision (--row, --id, --input-hash, --since), verify it and print its verified outputs") { row, id, hash };
        var s = AddSelection(cmd);
        cmd.SetAction(pr => RunSafe(() =>
        {
            int? r = pr.GetValue(row);
            string? rid = pr.GetValue(id), h = pr.GetValue(hash);
            if (r is null && rid is null && h is null && pr.GetValue(s.Since) is null)
                throw new WorkflowException("registry show needs --row, --id, --input-hash or --since");
            var (reg, trusted, filter) = Open(pr, s, new ProofFilter(Row: r, RowId: rid, InputHash: h));
            using var _ = reg;
            var proofs = reg.Find(filter);
            var checks = RegistryAuditor.Verify(reg, proofs, pr.GetValue(s.Parallel), trusted);
            bool Wanted(VerifiedRow x) => (r is null || x.RowIndex == r) && (rid is null || x.RowId == rid);
            if (pr.GetValue(s.Json))
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    registry = reg.FilePath, selected = checks.Count, accepted = checks.Count(c => c.Accepted),
                    proofs = checks.Select(c => new { proof = Summary(c), rows = c.Rows.Where(Wanted) }),
                }, Json));
            else
            {
                if (checks.Count == 0) Console.Out.WriteLine("no registered proof matches");
                var inv = CultureInfo.InvariantCulture;
                foreach (var c in checks)
                {
                    var p = c.Proof;
                    Console.Out.WriteLine($"{p.Path} [{p.RowLabel}, rows {p.RowStart}..{p.RowEnd - 1} 0-based]");
                    Console.Out.WriteLine($"  circuit {p.CircuitDigest}, commitment {p.CommitmentDigest}");
                    Console.Out.WriteLine($"  input hash {p.InputHash}, created {p.CreatedUtc}, sha256 {p.Sha256}");
                    if (c.FileNote is not null) Console.Out.WriteLine($"  NOTE {c.FileNote}");
                    if (!c.Accepted) { Console.Out.WriteLine($"  NOT VERIFIED ({c.Verdict}): {c.Reason}"); continue; }
                    Console.Out.WriteLine($"  VERIFIED at {c.VerifiedUtc} in {c.Milliseconds} ms" + (p.DecisionRule is { } rule ? $"; decision rule: {DecisionRule.Parse(rule)}" : ""));
                    foreach (var x in c.Rows.Where(Wanted))
                        Console.Out.WriteLine($"  row {x.RowIndex}{(x.RowId is null ? "" : $" (id {x.RowId})")}: " +
                            string.Join("; ", x.Outputs.Select(o => $"{o.Key} = [{string.Join(", ", o.Value.Select(v => v.ToString("F6", inv)))}]")) +
                            (x.Decision is null ? "" : $" → {x.Decision}"));
                }
            }
            return checks.Count > 0 && checks.All(c => c.Accepted) ? 0 : Program.BadInput;
        }));
        return cmd;
    }

    /// <summary><see cref="WorkflowCli.Run"/>, plus SQLite errors (a corrupt or unwritable database) as one line and exit 1.</summary>
    static int RunSafe(Func<int> body) => WorkflowCli.Run(() =>
    {
        try { return body(); }
        catch (Microsoft.Data.Sqlite.SqliteException e) { throw new WorkflowException($"registry: {e.Message}"); }
    });

    static object Summary(ProofCheck c) => new
    {
        file = c.Proof.Path, sha256 = c.Proof.Sha256, circuitDigest = c.Proof.CircuitDigest, commitmentDigest = c.Proof.CommitmentDigest,
        batchSize = c.Proof.BatchSize, rowStart = c.Proof.RowStart, rowEnd = c.Proof.RowEnd, inputHash = c.Proof.InputHash, createdUtc = c.Proof.CreatedUtc,
        decisionRule = c.Proof.DecisionRule, verdict = c.Verdict, reason = c.Reason, fileNote = c.FileNote, verifiedUtc = c.VerifiedUtc, milliseconds = c.Milliseconds,
    };
}
