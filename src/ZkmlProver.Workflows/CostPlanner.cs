using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ZkmlProver.Circuit;
using ZkmlProver.Onnx;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Workflows;

/// <summary>A measured sample run: one proof of <see cref="Batch"/> rows.</summary>
/// <param name="PeakWorkingSetBytes">Highest process working set seen while proving (sampled every 5 ms).</param>
public sealed record PlanMeasurement(int Batch, long ProveMs, long VerifyMs, long ProofBytes, long PeakWorkingSetBytes);

/// <summary>Cost of one proof of <see cref="Batch"/> rows, extrapolated linearly from two measurements.</summary>
public sealed record PlanEstimate(int Batch, double ProveMs, double VerifyMs, double ProofBytes, double PeakWorkingSetBytes);

/// <summary>One candidate quantization setting: its agreement with the float model and its costs.</summary>
/// <param name="Setting">Short name ("act16/w12").</param>
/// <param name="Error">Why the setting cannot be used (quantization or proving error), or null.</param>
/// <param name="Agreement">Fraction of rows whose decision (single output ≥ 0.5) or argmax equals ONNX Runtime's; null for value-only outputs.</param>
public sealed record PlanRow(string Setting, int ActivationBits, int WeightBits, string? Error, double? Agreement, int Rows, double MaxAbsError,
    IReadOnlyList<PlanMeasurement> Measured, IReadOnlyList<PlanEstimate> Estimates);

/// <summary>The planner's result, written as plan.json / plan.md / plan.png.</summary>
public sealed record PlanResult(string Model, string Calibration, double AgreementBar, IReadOnlyList<int> BatchSizes,
    IReadOnlyList<PlanRow> Rows, string? Recommended, string Recommendation, string OutputDir)
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    /// <summary>Indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>
/// Cost planner (<c>zkml plan</c>): for candidate quantization settings (activation bits 12/14/16 by
/// default) it measures agreement with ONNX Runtime on the calibration rows, then commits and proves
/// sample batches of two small sizes (each proven twice, fastest kept), and extrapolates prove time, verify time, proof size and peak
/// memory per requested batch size with a straight line through the two measurements
/// (cost(B) = a + b·B, clamped at 0). Recommendation: the setting with the lowest estimated prove
/// time at the largest batch size among those with agreement ≥ <see cref="AgreementBar"/>.
/// </summary>
public static class CostPlanner
{
    /// <summary>Minimum decision/argmax agreement for a recommended setting.</summary>
    public const double AgreementBar = 0.995;

    /// <summary>Default candidates: activation bits 12, 14, 16 with the default weight bits.</summary>
    public static IReadOnlyList<QuantizeOptions> DefaultCandidates =>
        [new QuantizeOptions { ActivationBits = 12 }, new QuantizeOptions { ActivationBits = 14 }, new QuantizeOptions { ActivationBits = 16 }];

    /// <summary>Fits y = a + b·x through two points and evaluates it at <paramref name="x"/>. Costs do not
    /// shrink with the batch size, so a negative slope (measurement noise) is taken as 0 and the estimate
    /// is the larger measurement; the result is never below 0.</summary>
    public static double Extrapolate(double x1, double y1, double x2, double y2, double x)
    {
        double slope = x2 == x1 ? 0 : (y2 - y1) / (x2 - x1);
        if (slope < 0) return Math.Max(0, Math.Max(y1, y2));
        return Math.Max(0, y1 + slope * (x - x1));
    }

    /// <summary>Sample proofs per batch size; the fastest is kept (less noise on a shared machine).</summary>
    public const int Repeats = 2;

    /// <summary>Runs the planner and writes plan.json, plan.md and plan.png into <paramref name="outDir"/>.</summary>
    public static PlanResult Run(string onnxPath, InputData calibration, IReadOnlyList<int> batchSizes, string outDir, bool force = false,
        Action<string>? log = null, IReadOnlyList<QuantizeOptions>? candidates = null, int sampleSmall = 4, int sampleLarge = 32)
    {
        if (batchSizes.Count == 0 || batchSizes.Any(b => b <= 0)) throw new WorkflowException("--batch-sizes: give positive batch sizes, e.g. 1,64,1024");
        if (sampleLarge <= sampleSmall || sampleSmall <= 0) throw new WorkflowException("sample batch sizes must satisfy 0 < small < large");
        outDir = Path.GetFullPath(outDir);
        foreach (var f in new[] { "plan.json", "plan.md", "plan.png" })
            if (File.Exists(Path.Combine(outDir, f)) && !force) throw new WorkflowException($"{Path.Combine(outDir, f)} exists; pass --force to replace it");
        Directory.CreateDirectory(outDir);
        var model = OnnxLoader.Load(onnxPath);
        var rows = new List<PlanRow>();
        bool warmedUp = false;
        foreach (var opt in candidates ?? DefaultCandidates)
        {
            string name = $"act{opt.ActivationBits}/w{opt.WeightBits}";
            log?.Invoke($"{name}: quantizing and comparing with ONNX Runtime on {calibration.Count} rows");
            QuantizedModel qm;
            AccuracyReport acc;
            try
            {
                qm = Quantizer.Quantize(model, calibration, opt);
                acc = AccuracyReport.Measure(onnxPath, qm, calibration);
            }
            catch (Exception e) when (e is QuantizeException or CircuitRangeException or ProvingException)
            {
                rows.Add(new PlanRow(name, opt.ActivationBits, opt.WeightBits, e.Message, null, calibration.Count, double.NaN, [], []));
                continue;
            }
            var o0 = acc.Outputs[0];
            double? agreement = o0.Task == "values" ? null : acc.Outputs.Where(o => o.Task != "values").Min(o => o.Agreement);
            try
            {
                var circuit = qm.Circuit.Digest is null ? qm.Circuit.WithDigest() : qm.Circuit;
                var (commitment, key) = ModelCommitter.Commit(circuit, qm.Weights);
                if (!warmedUp) { Measure(circuit, qm, commitment, key, calibration, 1); warmedUp = true; }
                var measured = new List<PlanMeasurement>();
                foreach (int b in new[] { sampleSmall, sampleLarge })
                {
                    log?.Invoke($"{name}: proving a sample batch of {b}");
                    var reps = Enumerable.Range(0, Repeats).Select(_ => Measure(circuit, qm, commitment, key, calibration, b)).ToList();
                    measured.Add(new PlanMeasurement(b, reps.Min(m => m.ProveMs), reps.Min(m => m.VerifyMs), reps[0].ProofBytes, reps.Max(m => m.PeakWorkingSetBytes)));
                }
                var (m1, m2) = (measured[0], measured[1]);
                var est = batchSizes.Select(B => new PlanEstimate(B,
                    Extrapolate(m1.Batch, m1.ProveMs, m2.Batch, m2.ProveMs, B), Extrapolate(m1.Batch, m1.VerifyMs, m2.Batch, m2.VerifyMs, B),
                    Extrapolate(m1.Batch, m1.ProofBytes, m2.Batch, m2.ProofBytes, B), Extrapolate(m1.Batch, m1.PeakWorkingSetBytes, m2.Batch, m2.PeakWorkingSetBytes, B))).ToList();
                rows.Add(new PlanRow(name, opt.ActivationBits, opt.WeightBits, null, agreement, acc.Rows, o0.MaxAbsError, measured, est));
            }
            catch (Exception e) when (e is QuantizeException or CircuitRangeException or ProvingException)
            {
                rows.Add(new PlanRow(name, opt.ActivationBits, opt.WeightBits, e.Message, agreement, acc.Rows, o0.MaxAbsError, [], []));
            }
        }

        int largest = batchSizes.Max();
        double Cost(PlanRow r) => r.Estimates.First(e => e.Batch == largest).ProveMs;
        var usable = rows.Where(r => r.Error is null).ToList();
        var meeting = usable.Where(r => (r.Agreement ?? 0) >= AgreementBar).OrderBy(Cost).ThenBy(r => r.ActivationBits).ToList();
        string? recommended; string text;
        var inv = CultureInfo.InvariantCulture;
        if (meeting.Count > 0)
        {
            recommended = meeting[0].Setting;
            text = $"{recommended}: the cheapest setting with ≥ {AgreementBar * 100:F1} % agreement with the float model " +
                   $"({(meeting[0].Agreement!.Value * 100).ToString("F2", inv)} %, est. {Cost(meeting[0]).ToString("F0", inv)} ms to prove a batch of {largest}).";
        }
        else if (usable.Count > 0)
        {
            var best = usable.OrderByDescending(r => r.Agreement ?? 0).ThenBy(Cost).First();
            recommended = best.Setting;
            text = $"no setting reaches {AgreementBar * 100:F1} % agreement; {best.Setting} comes closest ({((best.Agreement ?? 0) * 100).ToString("F2", inv)} %). Try more activation bits or better calibration data.";
        }
        else { recommended = null; text = "no candidate setting could be quantized and proven; see the errors."; }

        var result = new PlanResult(onnxPath, calibration.Source, AgreementBar, batchSizes, rows, recommended, text, outDir);
        Write(result, largest);
        return result;
    }

    static PlanMeasurement Measure(Circuit.Circuit circuit, QuantizedModel qm, ModelCommitment commitment, ModelKey key, InputData data, int batch)
    {
        var rows = Enumerable.Range(0, batch).Select(i => data.Rows[i % data.Count]).ToList();
        var input = QuantizedModel.QuantizeInputs(circuit, new InputData(data.Source, rows));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long peak = Environment.WorkingSet;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                long ws = Environment.WorkingSet;
                if (ws > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, ws);
                Thread.Sleep(5);
            }
        });
        var sw = Stopwatch.StartNew();
        var proof = InferenceProver.Prove(circuit, qm.Weights, commitment, key, input, batch);
        long proveMs = sw.ElapsedMilliseconds;
        stop.Cancel();
        sampler.Wait();
        var bytes = proof.ToBytes();
        sw.Restart();
        var v = InferenceVerifier.Verify(circuit, commitment, bytes);
        long verifyMs = sw.ElapsedMilliseconds;
        if (!v.Accepted) throw new ProvingException($"sample proof of {batch} rows was rejected: {v.Verdict.Reason}");
        return new PlanMeasurement(batch, proveMs, verifyMs, bytes.Length, Interlocked.Read(ref peak));
    }

    static void Write(PlanResult r, int largest)
    {
        var inv = CultureInfo.InvariantCulture;
        AtomicFile.WriteAllBytes(Path.Combine(r.OutputDir, "plan.json"), Encoding.UTF8.GetBytes(r.ToJson() + "\n"));
        var points = r.Rows.Where(x => x.Error is null && x.Agreement is not null)
            .Select(x => (x.Setting, x.Estimates.First(e => e.Batch == largest).ProveMs, x.Agreement!.Value * 100)).ToList();
        AtomicFile.WriteAllBytes(Path.Combine(r.OutputDir, "plan.png"), Charts.LabelledScatter($"Agreement with the float model vs estimated prove time (batch {largest})",
            $"estimated prove time for a batch of {largest} (ms)", "decision/argmax agreement (%)", points, r.AgreementBar * 100));
        var md = new StringBuilder();
        md.AppendLine($"# Cost plan for `{Path.GetFileName(r.Model)}`").AppendLine();
        md.AppendLine($"Calibration / agreement data: `{r.Calibration}`. Costs measured on sample proofs of two batch sizes and extrapolated linearly (cost = a + b·B); memory is the process's peak working set while proving.").AppendLine();
        md.AppendLine($"**Recommendation:** {r.Recommendation}").AppendLine();
        md.AppendLine("| setting | agreement | max \\|err\\| | batch | prove ms | verify ms | proof KB | peak MB |").AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in r.Rows)
        {
            string agr = row.Agreement is { } a ? (a * 100).ToString("F2", inv) + " %" : "-";
            if (row.Error is not null) { md.AppendLine($"| {row.Setting} | {agr} | - | - | unusable: {row.Error.Replace("|", "\\|")} | | | |"); continue; }
            foreach (var m in row.Measured)
                md.AppendLine($"| {row.Setting} | {agr} | {row.MaxAbsError.ToString("G3", inv)} | {m.Batch} (measured) | {m.ProveMs} | {m.VerifyMs} | {(m.ProofBytes / 1024.0).ToString("F1", inv)} | {(m.PeakWorkingSetBytes / 1048576.0).ToString("F0", inv)} |");
            foreach (var e in row.Estimates)
                md.AppendLine($"| {row.Setting} | {agr} | {row.MaxAbsError.ToString("G3", inv)} | {e.Batch} (est.) | {e.ProveMs.ToString("F0", inv)} | {e.VerifyMs.ToString("F0", inv)} | {(e.ProofBytes / 1024.0).ToString("F1", inv)} | {(e.PeakWorkingSetBytes / 1048576.0).ToString("F0", inv)} |");
        }
        md.AppendLine().AppendLine("![agreement vs prove time](plan.png)").AppendLine();
        md.AppendLine("Linear extrapolation from small batches is a rough guide: padded sizes grow in powers of two, and memory at large batches is better measured with a real run (`zkml prove-batch` on a subset).");
        AtomicFile.WriteAllBytes(Path.Combine(r.OutputDir, "plan.md"), Encoding.UTF8.GetBytes(md.ToString()));
    }
}
