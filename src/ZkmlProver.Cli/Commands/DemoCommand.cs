using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZkmlProver.Workflows;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml demo credit [-o &lt;dir&gt;]</c>: the end-to-end credit-scoring story (see <see cref="CreditDemo"/>):
/// the lender compiles, commits, scores and proves its decisions (deny when P(bad) ≥ 0.5); the auditor
/// verifies from public files only and catches a flipped decision. Prints a summary table and writes
/// <c>&lt;dir&gt;/report.md</c> with PNG charts and the same as one self-contained page, <c>&lt;dir&gt;/report.html</c>.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "folder for the demo's files and report", DefaultValueFactory = _ => new DirectoryInfo("zkml-demo-credit") };
        var models = new Option<DirectoryInfo?>("--models") { Description = "the repository's models/ folder (default: found above the current folder)" };
        var force = new Option<bool>("--force") { Description = "reuse a non-empty output folder, overwriting the demo's files" };
        var credit = new Command("credit", "Lender proves credit decisions with a committed secret model; an auditor verifies them and catches a tampered one") { output, models, force };
        credit.SetAction(pr => WorkflowCli.Run(() => Run(pr.GetValue(output)!, pr.GetValue(models), pr.GetValue(force))));
        var demo = new Command("demo", "End-to-end demonstrations") { credit };
        return demo;
    }

    static int Run(DirectoryInfo output, DirectoryInfo? models, bool force)
    {
        string modelsDir = models?.FullName ?? CreditDemo.FindModelsDir();
        var r = CreditDemo.Run(modelsDir, output.FullName, force, msg => AnsiConsole.MarkupLine($"[grey]•[/] {Markup.Escape(msg)}"));
        var inv = CultureInfo.InvariantCulture;
        var t = new Table().Title("credit demo").AddColumns("", "");
        void Row(string a, string b) => t.AddRow(new Text(a), new Markup(b));
        Row("applicants (held out)", $"{r.Applicants.Count}");
        Row("decision rule", $"deny when P(bad) ≥ {r.Threshold.ToString(inv)}");
        Row("decisions", $"{r.Approved} approved, {r.Denied} denied");
        Row("agreement with float model", $"{r.Agreeing}/{r.Applicants.Count} (max |Δ P(bad)| {r.MaxAbsScoreError.ToString("G3", inv)})");
        if (r.ProvenAccuracy is { } pa && r.FloatAccuracy is { } fa)
            Row("accuracy vs true outcomes", $"proven {(pa * 100).ToString("F1", inv)} %, float {(fa * 100).ToString("F1", inv)} %");
        Row("proof", $"{r.ProofBytes.ToString("N0", inv)} bytes (one proof, {r.Applicants.Count} decisions)");
        Row("prove / verify", $"{r.ProveMs} ms / {r.VerifyMs} ms");
        Row("audit (public files only)", r.AuditAccepted ? "[green]ACCEPTED[/]" : $"[red]REJECTED[/]: {Markup.Escape(r.AuditReason ?? "")}");
        Row("tampered copy", $"applicant {Markup.Escape(r.TamperedApplicant)} P(bad) {r.TamperedFrom.ToString("F3", inv)} → {r.TamperedTo.ToString("F3", inv)}: " +
            (r.TamperAccepted ? "[red]ACCEPTED (must not happen)[/]" : $"[green]REJECTED[/] ({Markup.Escape(r.TamperReason ?? "")})"));
        Row("total time", $"{(r.TotalMs / 1000.0).ToString("F1", inv)} s");
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine($"report: {Markup.Escape(r.HtmlReportPath)} (+ {Markup.Escape(r.ReportPath)})");
        return r.AuditAccepted && !r.TamperAccepted ? 0 : 1;
    }
}
