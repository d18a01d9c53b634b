using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using ZkmlProver.Circuit;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Cli.Commands;

/// <summary>
/// <c>zkml prove &lt;dir&gt; --input &lt;input.json|csv&gt; -o &lt;proof.zkp&gt; [--private-input]</c>: one
/// proof for the whole batch of input rows. The proof is written atomically (an interrupted run
/// leaves no partial file); an existing file is kept unless <c>--force</c>.
/// </summary>
public static class ProveCommand
{
    public static Command Create()
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "model folder (circuit.json, weights.bin, model.commitment, model.key)" };
        var input = new Option<FileInfo>("--input", "-i") { Description = "input rows: EZKL input.json or CSV", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "proof file to write", Required = true };
        var priv = new Option<bool>("--private-input") { Description = "commit to the inputs and keep them out of the proof" };
        var onnx = new Option<FileInfo?>("--onnx") { Description = "the float ONNX model, to compare the proven outputs with ONNX Runtime" };
        var force = new Option<bool>("--force") { Description = "overwrite an existing proof file" };
        var json = new Option<bool>("--json") { Description = "machine-readable summary" };
        var cmd = new Command("prove", "Prove that the committed model produced the outputs for a batch of inputs") { dir, input, output, priv, onnx, force, json };
        cmd.SetAction(pr => CliErrors.Run(() => Run(pr.GetValue(dir)!, pr.GetValue(input)!, pr.GetValue(output)!, pr.GetValue(priv), pr.GetValue(onnx), pr.GetValue(force), pr.GetValue(json))));
        return cmd;
    }

    static int Run(DirectoryInfo dir, FileInfo inputFile, FileInfo proofFile, bool privateInput, FileInfo? onnx, bool force, bool json)
    {
        var files = new ModelFiles(dir.FullName);
        var circuit = ModelFiles.LoadCircuit(files.CircuitPath);
        var weights = WeightSet.Read(files.WeightsPath, circuit);
        var commitment = ModelFiles.LoadCommitment(files.CommitmentPath, circuit);
        var key = ModelFiles.LoadKey(files.KeyPath, circuit);
        if (proofFile.Exists && !force) throw new ProvingException($"{proofFile}: exists; pass --force to replace it");
        if (proofFile.Directory is { Exists: false } folder) throw new ProvingException($"{proofFile}: folder {folder.FullName} does not exist");
        var data = InputData.Load(inputFile.ToString());
        var input = InputQuantizer.Quantize(circuit, data);

        var sw = Stopwatch.StartNew();
        InferenceProof? proof = null;
        if (json || Console.IsOutputRedirected)
            proof = InferenceProver.ProveVerified(circuit, weights, commitment, key, input, data.Count, privateInput,
                progress: json ? null : msg => Console.Error.WriteLine($"prove: {msg}"));
        else
            AnsiConsole.Status().Start("proving", ctx =>
                proof = InferenceProver.ProveVerified(circuit, weights, commitment, key, input, data.Count, privateInput, progress: msg => ctx.Status(msg)));
        sw.Stop();
        var bytes = proof!.ToBytes();
        AtomicFile.WriteAllBytes(proofFile.FullName, bytes);

        var outputs = proof.Outputs.Select(o => Dequantize(circuit, o.Name, o.Values, data.Count)).ToArray();
        var agreement = onnx is null ? null : CompareWithOrt(onnx.ToString(), data, outputs[0]);
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                proof = proofFile.FullName, bytes = bytes.Length, milliseconds = sw.ElapsedMilliseconds, batch = data.Count,
                privateInput, outputs = proof.Outputs.Select((o, i) => new { name = o.Name, values = outputs[i] }),
                onnxRuntime = agreement,
            }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        var inv = CultureInfo.InvariantCulture;
        AnsiConsole.MarkupLine($"proved {data.Count} row(s) of {Markup.Escape(data.Source)} in {sw.ElapsedMilliseconds} ms; proof {bytes.Length.ToString("N0", inv)} bytes → {Markup.Escape(proofFile.FullName)}");
        AnsiConsole.MarkupLine(privateInput ? "inputs: committed (hidden)" : "inputs: public (in the proof)");
        PrintOutputs(circuit.Outputs[0], outputs[0], data);
        if (agreement is not null)
            AnsiConsole.MarkupLine($"ONNX Runtime: max |error| {agreement.MaxAbsError.ToString("G4", inv)}, decisions agree on {agreement.Agreeing}/{agreement.Rows} rows");
        return 0;
    }

    public static double[][] Dequantize(Circuit.Circuit circuit, string name, long[] values, int batch) =>
        Verifier.ProofVerifier.Dequantize(circuit, name, values, batch);

    public static void PrintOutputs(string name, double[][] rows, InputData? data, int limit = 20)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Title($"output '{Markup.Escape(name)}'").AddColumns("row", "values", rows[0].Length > 1 ? "argmax" : "decision (≥ 0.5)");
        for (int i = 0; i < Math.Min(limit, rows.Length); i++)
        {
            string vals = string.Join(", ", rows[i].Take(10).Select(v => v.ToString("F4", inv))) + (rows[i].Length > 10 ? ", …" : "");
            string decision = rows[i].Length > 1 ? Array.IndexOf(rows[i], rows[i].Max()).ToString(inv) : (rows[i][0] >= 0.5 ? "1" : "0");
            table.AddRow(new Text(data?.RowName(i) ?? (i + 1).ToString(inv)), new Text(vals), new Text(decision));
        }
        AnsiConsole.Write(table);
        if (rows.Length > limit) AnsiConsole.MarkupLine($"… {rows.Length - limit} more rows");
    }

    public sealed record OrtAgreement(int Rows, int Agreeing, double MaxAbsError);

    public static OrtAgreement CompareWithOrt(string onnxPath, InputData data, double[][] proven)
    {
        using var ort = new OrtRunner(onnxPath);
        int agree = 0;
        double maxErr = 0;
        for (int r = 0; r < data.Count; r++)
        {
            var f = ort.Run(data.Rows[r])[0];
            for (int j = 0; j < f.Length; j++) maxErr = Math.Max(maxErr, Math.Abs(f[j] - proven[r][j]));
            bool same = f.Length > 1
                ? Array.IndexOf(f, f.Max()) == Array.IndexOf(proven[r], proven[r].Max())
                : (f[0] >= 0.5f) == (proven[r][0] >= 0.5);
            if (same) agree++;
        }
        return new OrtAgreement(data.Count, agree, maxErr);
    }
}
