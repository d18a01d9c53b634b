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
/// measures prove time, verify time, proof size and the process's peak memory for one proof of a
/// batch (rows of the model's data repeated to fill it). The defaults are the performance bars of
/// the proof-of-inference issue. Timings are medians over the runs.
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
        var cmd = new Command("bench", "Measure prove/verify time, proof size and peak memory on the repository's models") { cases, runs, models, json };
        cmd.SetAction(pr => CliErrors.Run(() => Run(pr.GetValue(cases) is { Length: > 0 } c ? c : DefaultCases, pr.GetValue(runs),
            pr.GetValue(models)?.FullName ?? Path.Combine(Environment.CurrentDirectory, "models"), pr.GetValue(json))));
        return cmd;
    }

    public sealed record Result(string Model, int Batch, double ProveMs, double VerifyMs, int ProofBytes, double PeakMemoryMb, bool Accepted);

    static int Run(string[] cases, int runs, string modelsDir, bool json)
    {
        var results = new List<Result>();
        foreach (var c in cases)
        {
            var parts = c.Split('@');
            if (parts.Length != 2 || !int.TryParse(parts[1], out int batch) || batch < 1)
                throw new ProvingException($"--case '{c}': expected model@batch, e.g. credit_mlp@1024");
            if (!json) Console.Error.WriteLine($"bench: {parts[0]} batch {batch} …");
            results.Add(Measure(Path.Combine(modelsDir, parts[0]), parts[0], batch, Math.Max(1, runs)));
        }
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { machine = $"{Environment.ProcessorCount} cores", results }, new JsonSerializerOptions { WriteIndented = true }));
            return results.All(r => r.Accepted) ? 0 : 1;
        }
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Title($"zkml bench ({Environment.ProcessorCount} cores, median of {runs})")
            .AddColumns("model", "batch", "prove", "verify", "proof size", "peak memory", "verified");
        foreach (var r in results)
            table.AddRow(r.Model, r.Batch.ToString(inv), $"{r.ProveMs.ToString("F0", inv)} ms", $"{r.VerifyMs.ToString("F1", inv)} ms",
                $"{(r.ProofBytes / 1024.0).ToString("F1", inv)} KiB", $"{r.PeakMemoryMb.ToString("F0", inv)} MiB", r.Accepted ? "yes" : "NO");
        AnsiConsole.Write(table);
        return results.All(r => r.Accepted) ? 0 : 1;
    }

    public static Result Measure(string dir, string name, int batch, int runs)
    {
        var onnx = OnnxLoader.Load(Path.Combine(dir, "network.onnx"));
        var data = InputData.Load(Path.Combine(dir, File.Exists(Path.Combine(dir, "test.csv")) ? "test.csv" : "input.json"));
        var qm = Quantizer.Quantize(onnx, data);
        var (commitment, key) = ModelCommitter.Commit(qm.Circuit, qm.Weights);
        var rows = Enumerable.Range(0, batch).Select(i => data.Rows[i % data.Count]).ToArray();
        var input = InputQuantizer.Quantize(qm.Circuit, new InputData(data.Source, rows));
        var prove = new List<double>();
        var verify = new List<double>();
        byte[] bytes = [];
        bool accepted = true;
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            var sw = Stopwatch.StartNew();
            bytes = InferenceProver.Prove(qm.Circuit, qm.Weights, commitment, key, input, batch).ToBytes();
            prove.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            accepted &= InferenceVerifier.Verify(qm.Circuit, commitment, bytes).Accepted;
            verify.Add(sw.Elapsed.TotalMilliseconds);
        }
        double peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        return new Result(name, batch, Median(prove), Median(verify), bytes.Length, peak, accepted);
    }

    static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
}
