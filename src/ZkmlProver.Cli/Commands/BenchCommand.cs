using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using ZkmlProver.Onnx;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml bench [--case model@batch …] [--runs N]</c>: compiles each model from models/, commits, and
/// measures prove time, verify time, proof size and peak memory for one proof of a batch (rows of the
/// model's data repeated to fill it). Timings are medians over the runs.
/// <para>
/// Each case runs in its own child process (this program with <c>--in-process</c>), so a case's peak
/// memory is its own and not that of a larger case before it; within the child the kernel's
/// high-water mark is reset after compile and commit (Linux <c>/proc/self/clear_refs</c>), so
/// "peak memory" is that of proving and verifying, and "case peak" includes compile and commit. The
/// proof size is split into the body (what a proof costs) and the statement it carries (public
/// inputs, outputs, header), which grows with the batch whatever the proof system.
/// </para>
/// </summary>
public static class BenchCommand
{
    public static readonly string[] DefaultCases = ["mnist_mlp_shape@1", "credit_mlp@1024", "mlp_deep@64"];

    public static Command Create()
    {
        var cases = new Option<string[]>("--case") { Description = "model@batch (model folder under models/); repeatable", AllowMultipleArgumentsPerToken = true };
        var runs = new Option<int>("--runs") { Description = "runs per case (median reported)", DefaultValueFactory = _ => 3 };
        var models = new Option<DirectoryInfo?>("--models") { Description = "models folder (default: ./models)" };
        var json = new Option<bool>("--json") { Description = "machine-readable results" };
        var inProcess = new Option<bool>("--in-process") { Description = "measure every case in this process (peak memory is then the largest so far)" };
        var cmd = new Command("bench", "Measure prove/verify time, proof size and peak memory on the repository's models") { cases, runs, models, json, inProcess };
        cmd.SetAction(pr => CliErrors.Run(() => Run(pr.GetValue(cases) is { Length: > 0 } c ? c : DefaultCases, Math.Max(1, pr.GetValue(runs)),
            pr.GetValue(models)?.FullName ?? Path.Combine(Environment.CurrentDirectory, "models"), pr.GetValue(json), pr.GetValue(inProcess))));
        return cmd;
    }

    /// <summary>One case. <c>ProofBytes</c> is the whole proof file = <c>ProofBodyBytes</c> + <c>StatementBytes</c>;
    /// <c>PeakMemoryMb</c> covers proving and verifying, <c>CasePeakMemoryMb</c> the whole case with compile and commit.</summary>
    public sealed record Result(string Model, int Batch, double ProveMs, double VerifyMs, int ProofBytes, int ProofBodyBytes, int StatementBytes,
        double PeakMemoryMb, double CasePeakMemoryMb, bool PerProcess, bool Accepted);

    // Property names as before the split (PascalCase record members): --json consumers keep working.
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    static int Run(string[] cases, int runs, string modelsDir, bool json, bool inProcess)
    {
        var parsed = cases.Select(ParseCase).ToArray();
        var results = new List<Result>();
        if (inProcess)
            foreach (var (model, batch) in parsed)
            {
                if (!json) Console.Error.WriteLine($"bench: {model} batch {batch} …");
                results.Add(Measure(Path.Combine(modelsDir, model), model, batch, runs, resetPeakAfterSetup: parsed.Length == 1));
            }
        else if (json || Console.IsErrorRedirected)
            foreach (var (model, batch) in parsed)
            {
                if (!json) Console.Error.WriteLine($"bench: {model} batch {batch} (own process) …");
                results.Add(MeasureInChild(model, batch, runs, modelsDir));
            }
        else
            AnsiConsole.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("bench", maxValue: parsed.Length);
                    foreach (var (model, batch) in parsed)
                    {
                        task.Description = $"{model}@{batch}";
                        results.Add(MeasureInChild(model, batch, runs, modelsDir));
                        task.Increment(1);
                    }
                });
        bool ok = results.All(r => r.Accepted);
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { machine = $"{Environment.ProcessorCount} cores", runs, results }, Json));
            return ok ? 0 : 1;
        }
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Title($"zkml bench ({Environment.ProcessorCount} cores, median of {runs}{(inProcess ? ", one process" : ", one process per case")})")
            .AddColumns("model", "batch", "prove", "verify", "proof body", "statement", "peak memory", "case peak", "verified");
        foreach (var r in results)
            table.AddRow(r.Model, r.Batch.ToString(inv), $"{r.ProveMs.ToString("F0", inv)} ms", $"{r.VerifyMs.ToString("F1", inv)} ms",
                $"{(r.ProofBodyBytes / 1024.0).ToString("F1", inv)} KiB", $"{(r.StatementBytes / 1024.0).ToString("F1", inv)} KiB",
                $"{r.PeakMemoryMb.ToString("F0", inv)} MiB", $"{r.CasePeakMemoryMb.ToString("F0", inv)} MiB", r.Accepted ? "yes" : "NO");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]peak memory: proving and verifying; case peak: with compile and commit; statement: public inputs, outputs and header carried in the proof file[/]");
        return ok ? 0 : 1;
    }

    static (string Model, int Batch) ParseCase(string c)
    {
        var parts = c.Split('@');
        if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int batch) || batch < 1)
            throw new ProvingException($"--case '{c}': expected model@batch, e.g. credit_mlp@1024");
        return (parts[0], batch);
    }

    /// <summary>Runs one case as <c>zkml bench --in-process --json</c> in a child process and reads its result.</summary>
    static Result MeasureInChild(string model, int batch, int runs, string modelsDir)
    {
        var (program, prefix) = SelfLauncher.Command();
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix.Concat(["bench", "--in-process", "--json", "--case", $"{model}@{batch}", "--runs", runs.ToString(CultureInfo.InvariantCulture), "--models", modelsDir]))
            psi.ArgumentList.Add(a);
        using var child = Process.Start(psi) ?? throw new ProvingException($"bench: cannot start {program}");
        var stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        string err = stderr.Result;
        ChildReport? report = null;
        try { report = JsonSerializer.Deserialize<ChildReport>(stdout, new JsonSerializerOptions { PropertyNameCaseInsensitive = true }); } catch (JsonException) { }
        if (report?.Results is not [var r])
        {
            string why = err.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {child.ExitCode}";
            throw new ProvingException($"bench: case {model}@{batch} failed in its process: {why}");
        }
        return r with { PerProcess = true };
    }

    sealed record ChildReport(Result[] Results);

    public static Result Measure(string dir, string name, int batch, int runs, bool resetPeakAfterSetup = false)
    {
        var onnx = OnnxLoader.Load(Path.Combine(dir, "network.onnx"));
        var data = InputData.Load(Path.Combine(dir, File.Exists(Path.Combine(dir, "test.csv")) ? "test.csv" : "input.json"));
        var qm = Quantizer.Quantize(onnx, data);
        var (commitment, key) = ModelCommitter.Commit(qm.Circuit, qm.Weights);
        var rows = Enumerable.Range(0, batch).Select(i => data.Rows[i % data.Count]).ToArray();
        var input = InputQuantizer.Quantize(qm.Circuit, new InputData(data.Source, rows));
        // Aggressive: compacts and returns the freed compile/commit heap to the OS, so the resident set
        // the high-water mark is reset to is what proving starts from.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        double casePeakBeforeReset = PeakMemoryMb();
        bool reset = resetPeakAfterSetup && PeakMemory.TryReset();
        var prove = new List<double>();
        var verify = new List<double>();
        byte[] bytes = [];
        int body = 0;
        bool accepted = true;
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            var sw = Stopwatch.StartNew();
            var proof = InferenceProver.Prove(qm.Circuit, qm.Weights, commitment, key, input, batch);
            bytes = proof.ToBytes();
            body = proof.Body.Length;
            prove.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            accepted &= InferenceVerifier.Verify(qm.Circuit, commitment, bytes).Accepted;
            verify.Add(sw.Elapsed.TotalMilliseconds);
        }
        double peak = PeakMemoryMb();
        return new Result(name, batch, Median(prove), Median(verify), bytes.Length, body, bytes.Length - body,
            peak, reset ? Math.Max(peak, casePeakBeforeReset) : peak, false, accepted);
    }

    static double PeakMemoryMb()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
}

/// <summary>The process high-water mark (VmHWM) reset, so a phase's peak can be measured on its own.</summary>
internal static class PeakMemory
{
    /// <summary>Linux: writing 5 to /proc/self/clear_refs resets VmHWM to the current resident set. False elsewhere.</summary>
    public static bool TryReset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException) { return false; }
    }
}

/// <summary>How to start this program again as a child: its apphost (an installed tool's shim, or the
/// <c>zkml</c> executable next to zkml.dll), else the dotnet host with zkml.dll.</summary>
internal static class SelfLauncher
{
    public static (string Program, string[] Prefix) Command()
    {
        string dll = typeof(SelfLauncher).Assembly.Location;
        string apphostName = OperatingSystem.IsWindows() ? "zkml.exe" : "zkml";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == apphostName) return (self, []);
        string beside = Path.Combine(Path.GetDirectoryName(dll)!, apphostName);
        if (File.Exists(beside)) return (beside, []);
        string host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return (host, [dll]);
    }
}
