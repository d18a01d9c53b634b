using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using ZkmlProver.Quantize;
using ZkmlProver.Workflows;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml prove-batch &lt;dir&gt; --input &lt;rows.csv|json&gt; --batch-size N -o &lt;proofs-dir&gt; [--shard i/N]
/// [--parallel P] [--private-input] [--force] [--registry db [--decision-threshold t]]</c>: one proof per batch of rows, in parallel, each written
/// atomically with a manifest entry; rerunning the same command resumes (docs/BATCH.md). Ctrl+C stops
/// after the batches in flight and keeps everything finished (exit 130).
/// </summary>
public static class ProveBatchCommand
{
    public static Command Create()
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "model folder (circuit.json, weights.bin, model.commitment, model.key)" };
        var input = new Option<FileInfo>("--input", "-i") { Description = "input rows: CSV (header; id/label columns ignored) or EZKL input.json", Required = true };
        var batch = new Option<int>("--batch-size", "-b") { Description = "rows per proof", Required = true };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "proofs folder (created if needed)", Required = true };
        var shard = new Option<string?>("--shard") { Description = "prove only shard i of N (0-based, e.g. 2/8): a deterministic contiguous slice of the batches" };
        var parallel = new Option<int>("--parallel", "-p") { Description = "batches proven at once (default: number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var priv = new Option<bool>("--private-input") { Description = "commit to the inputs and keep them out of the proofs" };
        var force = new Option<bool>("--force") { Description = "replace proofs and manifests that do not belong to this run instead of refusing" };
        var json = new Option<bool>("--json") { Description = "machine-readable summary on stdout" };
        var registry = new Option<FileInfo?>("--registry") { Description = "also add each batch to this proof registry (SQLite file) as it is written" };
        var threshold = new Option<double?>("--decision-threshold") { Description = "with --registry: record a decision per row (first output ≥ t → deny, else approve)" };
        var cmd = new Command("prove-batch", "Prove many input rows as batches in parallel, resumably, with a manifest") { dir, input, batch, output, shard, parallel, priv, force, json, registry, threshold };
        cmd.SetAction(pr => WorkflowCli.Run(() => Run(pr.GetValue(dir)!, pr.GetValue(input)!, pr.GetValue(batch), pr.GetValue(output)!, pr.GetValue(shard),
            pr.GetValue(parallel), pr.GetValue(priv), pr.GetValue(force), pr.GetValue(json), pr.GetValue(registry), pr.GetValue(threshold))));
        return cmd;
    }

    static int Run(DirectoryInfo dir, FileInfo inputFile, int batchSize, DirectoryInfo outDir, string? shard, int parallel, bool priv, bool force, bool json,
        FileInfo? registryFile = null, double? threshold = null)
    {
        var (si, sn) = shard is null ? (0, 1) : BatchProver.ParseShard(shard);
        var data = InputData.Load(inputFile.ToString());
        var options = new BatchProveOptions(batchSize, si, sn, parallel, priv, force);
        using var registrar = registryFile is null ? null : new Workflows.Registry.BatchRegistrar(registryFile.FullName, dir.FullName,
            new Workflows.Registry.RegistryAddOptions(Decision: threshold is { } t ? new Workflows.Registry.DecisionRule(t) : null, Inputs: data));
        string manifestPath = Path.Combine(outDir.FullName, BatchManifest.FileName(si, sn));
        Action<BatchProgress> toRegistry = p => { if (registrar is not null && p.Last is { } last) registrar.OnBatch(manifestPath, last); };
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); Console.Error.WriteLine("zkml: stopping after the batches in flight…"); };
        Console.CancelKeyPress += onCancel;
        BatchRunResult result;
        try
        {
            if (json || Console.IsOutputRedirected)
            {
                var plain = new PlainProgress("prove-batch", "batches", quiet: json);
                result = BatchProver.Run(dir.FullName, data, outDir.FullName, options, p => { toRegistry(p); plain.Report(p.Done, p.Total, p.Eta); }, cts.Token);
            }
            else
            {
                result = null!;
                AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("batches", maxValue: 1);
                        result = BatchProver.Run(dir.FullName, data, outDir.FullName, options, p =>
                        {
                            toRegistry(p);
                            task.MaxValue = Math.Max(1, p.Total);
                            task.Value = p.Done;
                            task.Description = $"batches {p.Done}/{p.Total}" + (p.Eta is { } eta ? $" (ETA {eta:hh\\:mm\\:ss})" : "");
                        }, cts.Token);
                        task.Value = task.MaxValue;
                    });
            }
        }
        finally { Console.CancelKeyPress -= onCancel; }
        registrar?.Finish(result.ManifestPath);
        foreach (var problem in registrar?.Problems ?? []) Console.Error.WriteLine($"zkml: registry: {problem}");

        var inv = CultureInfo.InvariantCulture;
        double secs = result.Elapsed.TotalSeconds;
        int rows = result.ProvenEntries.Sum(e => e.Rows);
        if (json)
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                manifest = result.ManifestPath, planned = result.Planned, proven = result.Proven, skipped = result.Skipped, adopted = result.Adopted,
                cancelled = result.Cancelled, seconds = secs, rowsProven = rows, rowsPerSecond = secs > 0 ? rows / secs : 0,
                batches = result.ProvenEntries,
                registry = registryFile?.FullName, registered = registrar?.Registered, registryProblems = registrar?.Problems,
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        else
        {
            Console.Out.WriteLine($"{(result.Cancelled ? "interrupted" : "done")}: {result.Proven} batch(es) proven, {result.Skipped} already done, {result.Adopted} adopted, " +
                $"of {result.Planned} in this {(sn > 1 ? $"shard {si}/{sn}" : "run")}; {rows} rows in {secs.ToString("F1", inv)} s ({(secs > 0 ? rows / secs : 0).ToString("F1", inv)} rows/s)");
            Console.Out.WriteLine($"manifest: {result.ManifestPath}");
            if (result.Cancelled) Console.Out.WriteLine("rerun the same command to resume; finished batches are kept");
            if (registrar is not null) Console.Out.WriteLine($"registry: {registryFile!.FullName} ({registrar.Registered} proof(s) added, {registrar.Problems.Count} problem(s))");
        }
        return result.Cancelled ? 130 : registrar is { Problems.Count: > 0 } ? Program.BadInput : 0;
    }
}

/// <summary>Progress lines for redirected output (Spectre's fallback prints nothing for short runs and no
/// final line): one line per step, at most one a second, plus always the last.</summary>
internal sealed class PlainProgress(string name, string unit, bool quiet)
{
    readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    TimeSpan last = TimeSpan.FromSeconds(-10);
    readonly object gate = new();

    public void Report(int done, int total, TimeSpan? eta)
    {
        if (quiet) return;
        lock (gate)
        {
            if (done < total && clock.Elapsed - last < TimeSpan.FromSeconds(1)) return;
            last = clock.Elapsed;
            int pct = total == 0 ? 100 : (int)(100L * done / total);
            Console.Error.WriteLine($"{name}: {done}/{total} {unit} ({pct}%), elapsed {clock.Elapsed:hh\\:mm\\:ss}" + (eta is { } e && done < total ? $", ETA {e:hh\\:mm\\:ss}" : ""));
        }
    }
}

/// <summary>Runs a workflow command: <see cref="WorkflowException"/> and the CLI's expected errors become one line and exit 1.</summary>
internal static class WorkflowCli
{
    public static int Run(Func<int> body) => CliErrors.Run(() =>
    {
        try { return body(); }
        catch (WorkflowException e)
        {
            Console.Error.WriteLine($"zkml: error: {e.Message.ReplaceLineEndings(" ")}");
            return Program.BadInput;
        }
    });
}
