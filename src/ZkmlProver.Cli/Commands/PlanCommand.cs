using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZkmlProver.Quantize;
using ZkmlProver.Workflows;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml plan &lt;model.onnx&gt; --calibration &lt;file&gt; [--batch-sizes 1,64,1024] -o &lt;dir&gt;</c>: for candidate
/// quantization settings, agreement with ONNX Runtime and prove/verify time, proof size and peak memory
/// measured on two small sample batches and extrapolated per batch size (see <see cref="CostPlanner"/>);
/// writes plan.json, plan.md and plan.png and prints a table and a recommendation.
/// </summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "ONNX model file" };
        var calib = new Option<FileInfo>("--calibration", "-c") { Description = "calibration rows (CSV or EZKL input.json); also used for the agreement check", Required = true };
        var sizes = new Option<string>("--batch-sizes") { Description = "batch sizes to estimate, comma separated", DefaultValueFactory = _ => "1,64,1024" };
        var bits = new Option<string>("--activation-bits") { Description = "candidate activation bit widths, comma separated", DefaultValueFactory = _ => "12,14,16" };
        var samples = new Option<string>("--sample-batches") { Description = "the two small batch sizes measured", DefaultValueFactory = _ => "4,32" };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "folder for plan.json, plan.md, plan.png", Required = true };
        var force = new Option<bool>("--force") { Description = "overwrite an existing plan" };
        var cmd = new Command("plan", "Compare quantization settings: agreement with the float model vs proving cost per batch size") { model, calib, sizes, bits, samples, output, force };
        cmd.SetAction(pr => WorkflowCli.Run(() => Run(pr.GetValue(model)!, pr.GetValue(calib)!, pr.GetValue(sizes)!, pr.GetValue(bits)!, pr.GetValue(samples)!, pr.GetValue(output)!, pr.GetValue(force))));
        return cmd;
    }

    static int[] Ints(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var v = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out v[i]) || v[i] <= 0)
                throw new WorkflowException($"{option} '{text}': expected positive integers separated by commas");
        if (v.Length == 0) throw new WorkflowException($"{option}: empty list");
        return v;
    }

    static int Run(FileInfo model, FileInfo calibFile, string sizesText, string bitsText, string samplesText, DirectoryInfo output, bool force)
    {
        var sizes = Ints(sizesText, "--batch-sizes");
        var samples = Ints(samplesText, "--sample-batches");
        if (samples.Length != 2) throw new WorkflowException("--sample-batches: give exactly two sizes, e.g. 4,16");
        var candidates = Ints(bitsText, "--activation-bits").Select(b => new QuantizeOptions { ActivationBits = b }).ToList();
        var data = InputData.Load(calibFile.ToString());
        var r = CostPlanner.Run(model.ToString(), data, sizes, output.FullName, force, msg => Console.Error.WriteLine($"plan: {msg}"), candidates, samples.Min(), samples.Max());
        var inv = CultureInfo.InvariantCulture;
        var t = new Table().Title($"cost plan for {Markup.Escape(model.Name)} (estimates linear in the batch size)")
            .AddColumns("setting", "agreement", "batch", "prove ms", "verify ms", "proof KB", "peak MB");
        foreach (var row in r.Rows)
        {
            string agr = row.Agreement is { } a ? (a * 100).ToString("F2", inv) + " %" : "-";
            if (row.Error is not null) { t.AddRow(new Text(row.Setting), new Text(agr), new Text("-"), new Text("unusable: " + row.Error), new Text(""), new Text(""), new Text("")); continue; }
            foreach (var e in row.Estimates)
                t.AddRow(row.Setting, agr, e.Batch.ToString(inv), e.ProveMs.ToString("F0", inv), e.VerifyMs.ToString("F0", inv),
                    (e.ProofBytes / 1024).ToString("F1", inv), (e.PeakWorkingSetBytes / 1048576).ToString("F0", inv));
        }
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine($"[bold]recommendation:[/] {Markup.Escape(r.Recommendation)}");
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(Path.Combine(r.OutputDir, "plan.md"))}, plan.json, plan.png");
        return 0;
    }
}
