using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using ZkmlProver.Circuit;
using ZkmlProver.Onnx;
using ZkmlProver.Quantize;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml compile &lt;model.onnx&gt; --calibration &lt;input.json|csv&gt; -o &lt;dir&gt;</c>: quantizes the model,
/// measures the circuit against ONNX Runtime, and writes <c>&lt;dir&gt;/circuit.json</c> and
/// <c>&lt;dir&gt;/weights.bin</c>. Both files are written to temporary names and renamed only after
/// everything succeeded, so an error leaves no partial output.
/// </summary>
public static class CompileCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Argument<FileInfo>("model") { Description = "ONNX model file (.onnx)" };
        var calib = new Option<FileInfo>("--calibration", "-c") { Description = "calibration data: EZKL input.json or CSV (header; id/label columns ignored)", Required = true };
        var outDir = new Option<DirectoryInfo>("--output", "-o") { Description = "output folder for circuit.json and weights.bin", Required = true };
        var eval = new Option<FileInfo?>("--eval") { Description = "data for the accuracy report (default: the calibration data)" };
        var json = new Option<bool>("--json") { Description = "print a machine-readable JSON summary instead of tables" };
        var defaults = new QuantizeOptions();
        var actBits = new Option<int>("--activation-bits") { Description = "signed bit width of activations", DefaultValueFactory = _ => defaults.ActivationBits };
        var weightBits = new Option<int>("--weight-bits") { Description = "signed bit width of weight matrices", DefaultValueFactory = _ => defaults.WeightBits };
        var lookupBits = new Option<int>("--lookup-bits") { Description = "log2 of the largest lookup table (sigmoid/tanh/exp)", DefaultValueFactory = _ => defaults.LookupInputBits };
        var inputScale = new Option<int?>("--input-scale") { Description = "input scale exponent (default: from calibration)" };
        var cmd = new Command("compile", "Quantize an ONNX model into a circuit (circuit.json + weights.bin) and report its accuracy")
        { model, calib, outDir, eval, json, actBits, weightBits, lookupBits, inputScale };
        cmd.SetAction(pr => CliErrors.Run(() => Run(pr.GetValue(model)!, pr.GetValue(calib)!, pr.GetValue(outDir)!, pr.GetValue(eval), pr.GetValue(json),
            new QuantizeOptions { ActivationBits = pr.GetValue(actBits), WeightBits = pr.GetValue(weightBits), LookupInputBits = pr.GetValue(lookupBits), InputScale = pr.GetValue(inputScale) })));
        return cmd;
    }

    static int Run(FileInfo modelFile, FileInfo calibFile, DirectoryInfo outDir, FileInfo? evalFile, bool json, QuantizeOptions options)
    {
        string modelPath = modelFile.ToString(), calibPath = calibFile.ToString();
        var model = OnnxLoader.Load(modelPath);
        var calibration = InputData.Load(calibPath);
        var qm = Quantizer.Quantize(model, calibration, options);
        var evalData = evalFile is null ? calibration : InputData.Load(evalFile.ToString());
        var report = AccuracyReport.Measure(modelPath, qm, evalData);

        Directory.CreateDirectory(outDir.FullName);
        string circuitPath = Path.Combine(outDir.FullName, "circuit.json"), weightsPath = Path.Combine(outDir.FullName, "weights.bin");
        WriteBoth(circuitPath, System.Text.Encoding.UTF8.GetBytes(qm.Circuit.ToJson() + "\n"), weightsPath, qm.Weights.ToBytes(qm.Circuit));

        if (json) PrintJson(qm, report, circuitPath, weightsPath);
        else PrintTables(qm, report, circuitPath, weightsPath);
        return 0;
    }

    /// <summary>Writes both files to temporary names in the target folder, then renames them; on any
    /// failure the temporary files are removed and the previous outputs are untouched.</summary>
    static void WriteBoth(string pathA, byte[] a, string pathB, byte[] b)
    {
        string suffix = $".tmp-{Environment.ProcessId}";
        string ta = pathA + suffix, tb = pathB + suffix;
        try
        {
            File.WriteAllBytes(ta, a);
            File.WriteAllBytes(tb, b);
            File.Move(ta, pathA, overwrite: true);
            File.Move(tb, pathB, overwrite: true);
        }
        finally
        {
            if (File.Exists(ta)) File.Delete(ta);
            if (File.Exists(tb)) File.Delete(tb);
        }
    }

    static void PrintJson(QuantizedModel qm, AccuracyReport report, string circuitPath, string weightsPath)
    {
        var summary = new
        {
            circuit = circuitPath, weights = weightsPath, digest = qm.Circuit.Digest, name = qm.Circuit.Name,
            inputScale = qm.InputScale, layers = qm.Circuit.Layers.Length, weightTensors = qm.Circuit.WeightTensors.Count(),
            options = new { qm.Options.ActivationBits, qm.Options.WeightBits, qm.Options.LookupInputBits },
            notes = qm.Notes,
            accuracy = report,
            tensors = qm.Report.Select(t => new { t.Name, kind = t.Kind.ToString(), t.Shape, t.Scale, t.Bits, t.CalibratedMaxAbs }),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }

    /// <summary>Adds a row of plain (non-markup) cells.</summary>
    static void Row(Table t, params string[] cells) => t.AddRow(cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());

    static void PrintTables(QuantizedModel qm, AccuracyReport report, string circuitPath, string weightsPath)
    {
        var inv = CultureInfo.InvariantCulture;
        var c = qm.Circuit;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(c.Name)}[/]: {c.Layers.Length} layers, {c.WeightTensors.Sum(t => (long)t.Size).ToString("N0", inv)} weights, input scale 2^-{qm.InputScale}");
        AnsiConsole.MarkupLine($"digest  {c.Digest}");
        AnsiConsole.MarkupLine($"wrote   {Markup.Escape(circuitPath)}");
        AnsiConsole.MarkupLine($"wrote   {Markup.Escape(weightsPath)}");
        foreach (var note in qm.Notes) AnsiConsole.MarkupLine($"[yellow]note[/]    {Markup.Escape(note)}");
        var layers = new Table().Title("layers").AddColumns("#", "op", "node", "output", "shape", "scale", "bits");
        int i = 0;
        foreach (var l in c.Layers)
        {
            var t = c.Tensor(l.Output);
            Row(layers, (i++).ToString(inv), l.Op, l.Name, t.Name, ShapeUtil.Format(t.Shape), t.Scale.ToString(inv), t.Bits.ToString(inv));
        }
        AnsiConsole.Write(layers);
        var acc = new Table().Title($"float (ONNX Runtime) vs circuit on {report.Rows} rows of {Markup.Escape(report.Data)}")
            .AddColumns("output", "task", "max |err|", "mean |err|", "agreement", "disagreeing rows");
        foreach (var o in report.Outputs)
            Row(acc, o.Name, o.Task, o.MaxAbsError.ToString("G4", inv), o.MeanAbsError.ToString("G4", inv),
                o.Task == "values" ? "-" : (o.Agreement * 100).ToString("F2", inv) + " %", o.Disagreements.ToString(inv));
        AnsiConsole.Write(acc);
        if (report.FloatAccuracy is { } fa && report.QuantizedAccuracy is { } qa)
            AnsiConsole.MarkupLine($"accuracy vs labels ({report.LabelledRows} rows): float {(fa * 100).ToString("F2", inv)} %, circuit {(qa * 100).ToString("F2", inv)} % (loss {((fa - qa) * 100).ToString("F2", inv)} points)");
    }
}
