using System.CommandLine;
using System.Text;
using Spectre.Console;
using ZkmlProver.Circuit;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;
using ZkmlProver.Workflows;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml audit &lt;proofs-dir&gt; --circuit &lt;circuit.json&gt; --commitment &lt;model.commitment&gt; [--inputs &lt;rows.csv&gt;]
/// [--report &lt;file.html|file.md&gt;]</c>: verifies every proof of a <c>prove-batch</c> folder in parallel and checks its
/// manifest. Exit 0 only when everything verifies and checks out; 1 when any problem is found (each
/// printed with file, rows and reason); 2 for unreadable circuit/commitment files.
/// With <c>--report r.html</c> it writes a self-contained HTML page there (<see cref="AuditResult.ToHtml"/>),
/// with <c>--report r.md</c> (or any other extension) the Markdown report; the JSON result goes to <c>r.json</c>.
/// </summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var dir = new Argument<DirectoryInfo>("proofs-dir") { Description = "folder written by 'zkml prove-batch'" };
        var circuit = new Option<FileInfo>("--circuit") { Description = "circuit.json (public)", Required = true };
        var commitment = new Option<FileInfo>("--commitment") { Description = "model.commitment (public)", Required = true };
        var inputs = new Option<FileInfo?>("--inputs") { Description = "the input rows, to check them against the hashes in the manifest" };
        var report = new Option<FileInfo?>("--report") { Description = "report to write, chosen by its extension: .html (or .htm) a self-contained HTML page, anything else (.md) Markdown; the JSON result goes next to it (.json)" };
        var parallel = new Option<int>("--parallel", "-p") { Description = "proofs verified at once (default: number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<bool>("--json") { Description = "print the JSON result on stdout" };
        var force = new Option<bool>("--force") { Description = "overwrite an existing report" };
        var cmd = new Command("audit", "Verify every proof in a batch proofs folder and check its manifest (no weights needed)") { dir, circuit, commitment, inputs, report, parallel, json, force };
        cmd.SetAction(pr => Run(pr.GetValue(dir)!, pr.GetValue(circuit)!, pr.GetValue(commitment)!, pr.GetValue(inputs), pr.GetValue(report), pr.GetValue(parallel), pr.GetValue(json), pr.GetValue(force)));
        return cmd;
    }

    static int Run(DirectoryInfo dir, FileInfo circuitFile, FileInfo commitmentFile, FileInfo? inputsFile, FileInfo? report, int parallel, bool json, bool force)
    {
        Circuit.Circuit circuit;
        ModelCommitment commitment;
        InputData? inputs = null;
        try
        {
            circuit = ModelFiles.LoadCircuit(circuitFile.FullName);
            commitment = ModelFiles.LoadCommitment(commitmentFile.FullName, circuit);
            if (inputsFile is not null) inputs = InputData.Load(inputsFile.ToString());
            if (!dir.Exists) throw new IOException($"{dir}: folder not found");
            if (report is not null && !force)
                foreach (var p in new[] { report.FullName, Path.ChangeExtension(report.FullName, ".json") })
                    if (File.Exists(p)) throw new IOException($"{p} exists; pass --force to replace it");
        }
        catch (Exception e) when (e is ProvingException or CircuitFormatException or QuantizeException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"zkml: error: {e.Message.ReplaceLineEndings(" ")}");
            return Program.Usage;
        }

        var plain = new PlainProgress("audit", "proofs", quiet: json);
        AuditResult result;
        if (json || Console.IsOutputRedirected)
            result = BundleAuditor.Audit(dir.FullName, circuit, commitment, inputs, parallel, (d, t) => plain.Report(d, t, null));
        else
        {
            result = null!;
            AnsiConsole.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("verifying", maxValue: 1);
                    result = BundleAuditor.Audit(dir.FullName, circuit, commitment, inputs, parallel, (d, t) => { task.MaxValue = Math.Max(1, t); task.Value = d; });
                });
        }
        if (report is not null)
        {
            if (report.Directory is { } rd) Directory.CreateDirectory(rd.FullName);
            if (IsHtml(report)) result.ToHtml().Save(report.FullName);
            else AtomicFile.WriteAllBytes(report.FullName, Encoding.UTF8.GetBytes(result.ToMarkdown()));
            AtomicFile.WriteAllBytes(Path.ChangeExtension(report.FullName, ".json"), Encoding.UTF8.GetBytes(result.ToJson() + "\n"));
        }
        if (json) Console.Out.WriteLine(result.ToJson());
        else
        {
            foreach (var p in result.Problems) Console.Out.WriteLine($"PROBLEM {p.File} [{p.Rows}]: {p.Reason}");
            Console.Out.WriteLine($"{(result.Passed ? "AUDIT PASSED" : "AUDIT FAILED")}: {result.Accepted}/{result.ProofFiles} proofs verified, {result.RowsCovered}/{result.TotalRows} rows covered, " +
                $"{result.Problems.Count} problem(s), {result.Milliseconds} ms");
            if (report is not null) Console.Out.WriteLine($"report: {report.FullName} (+ {Path.ChangeExtension(report.FullName, ".json")})");
        }
        return result.Passed ? 0 : 1;
    }

    static bool IsHtml(FileInfo report) => report.Extension.ToLowerInvariant() is ".html" or ".htm";
}
