using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZkmlProver.Circuit;
using ZkmlProver.Onnx;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Workflows;

/// <summary>One scored applicant of the demo.</summary>
/// <param name="Id">Applicant id (row of the German Credit data).</param>
/// <param name="Label">True outcome (1 = bad credit), or null.</param>
/// <param name="ProvenScore">P(bad) as proven (the circuit's fixed-point output, dequantized).</param>
/// <param name="FloatScore">P(bad) of the float model under ONNX Runtime.</param>
/// <param name="Deny">The proven decision: deny when <see cref="ProvenScore"/> ≥ the threshold.</param>
/// <param name="FloatDeny">The float model's decision at the same threshold.</param>
public sealed record Applicant(string Id, int? Label, double ProvenScore, double FloatScore, bool Deny, bool FloatDeny);

/// <summary>Everything the credit demo measured and wrote.</summary>
public sealed record CreditDemoResult(
    double Threshold, int CalibrationRows, IReadOnlyList<Applicant> Applicants,
    int Agreeing, double MaxAbsScoreError, double? ProvenAccuracy, double? FloatAccuracy,
    string CircuitDigest, string CommitmentDigest, long ProofBytes,
    long CompileMs, long CommitMs, long ScoreMs, long ProveMs, long VerifyMs,
    bool AuditAccepted, string? AuditReason,
    string TamperedApplicant, double TamperedFrom, double TamperedTo, bool TamperAccepted, string? TamperReason,
    string OutputDir, string ReportPath, long TotalMs)
{
    /// <summary>Number of denied applicants.</summary>
    public int Denied => Applicants.Count(a => a.Deny);
    /// <summary>Number of approved applicants.</summary>
    public int Approved => Applicants.Count - Denied;
    /// <summary>The self-contained HTML version of the report, beside <see cref="ReportPath"/> (report.md).</summary>
    public string HtmlReportPath => Path.Combine(OutputDir, "report.html");
    /// <summary>The demo's point made: the genuine proof verifies and the tampered copy does not.</summary>
    public bool AuditCaughtTheTamper => AuditAccepted && !TamperAccepted;
}

/// <summary>
/// The README's main job (<c>zkml demo credit</c>): a lender proves credit decisions made with a
/// committed model it keeps secret, and an auditor checks them with public files only.
/// Steps: compile <c>models/credit_mlp/network.onnx</c> calibrated on the first 100 rows of
/// <c>test.csv</c>; commit; score the other 100 (held-out) rows; decide <b>deny when
/// P(bad) ≥ 0.5</b> (<see cref="Threshold"/>; the model's output is the probability of a bad credit
/// risk); prove all decisions in one proof (applicant features public in the proof); copy
/// circuit.json, model.commitment and the proof into <c>audit/</c> and verify from there; then flip
/// one decision in a copy of the proof and show that the audit rejects it.
/// </summary>
public static class CreditDemo
{
    /// <summary>Decision threshold on P(bad): deny when the score is at least this.</summary>
    public const double Threshold = 0.5;
    /// <summary>Rows of test.csv used for calibration; the rest are the held-out applicants.</summary>
    public const int CalibrationRows = 100;

    /// <summary>Finds <c>models/</c> holding credit_mlp: $ZKML_MODELS, else upwards from the current
    /// folder, else upwards from the program's folder, else the copy of the credit model that ships
    /// with the program (<c>demo-models/</c> beside it: an installed tool runs the demo anywhere).</summary>
    public static string FindModelsDir()
    {
        static bool Ok(string d) => File.Exists(Path.Combine(d, "credit_mlp", "network.onnx"));
        if (Environment.GetEnvironmentVariable("ZKML_MODELS") is { Length: > 0 } env && Ok(env)) return env;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (Ok(Path.Combine(d.FullName, "models"))) return Path.Combine(d.FullName, "models");
        string shipped = Path.Combine(AppContext.BaseDirectory, "demo-models");
        if (Ok(shipped)) return shipped;
        throw new WorkflowException("cannot find models/credit_mlp/network.onnx above the current folder; run from the repository or set ZKML_MODELS");
    }

    /// <summary>Runs the demo into <paramref name="outDir"/> (must be absent or empty unless <paramref name="force"/>).</summary>
    public static CreditDemoResult Run(string modelsDir, string outDir, bool force = false, Action<string>? log = null)
    {
        var total = Stopwatch.StartNew();
        outDir = Path.GetFullPath(outDir);
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !force)
            throw new WorkflowException($"{outDir} is not empty; pass --force to overwrite the demo's files there, or choose another folder with -o");
        string onnxPath = Path.Combine(modelsDir, "credit_mlp", "network.onnx"), csvPath = Path.Combine(modelsDir, "credit_mlp", "test.csv");
        string lender = Path.Combine(outDir, "lender"), audit = Path.Combine(outDir, "audit");
        Directory.CreateDirectory(lender);
        Directory.CreateDirectory(audit);

        // Lender: compile + commit.
        log?.Invoke($"lender: compiling {onnxPath} (calibration: first {CalibrationRows} rows of test.csv)");
        var all = InputData.Load(csvPath);
        if (all.Count <= CalibrationRows) throw new WorkflowException($"{csvPath}: needs more than {CalibrationRows} rows");
        var calib = all.Slice(0, CalibrationRows);
        var held = all.Slice(CalibrationRows, all.Count - CalibrationRows);
        var sw = Stopwatch.StartNew();
        var qm = Quantizer.Quantize(OnnxLoader.Load(onnxPath), calib);
        var circuit = qm.Circuit.Digest is null ? qm.Circuit.WithDigest() : qm.Circuit;
        var files = new ModelFiles(lender);
        AtomicFile.WriteAllBytes(files.CircuitPath, Encoding.UTF8.GetBytes(circuit.ToJson() + "\n"));
        qm.Weights.Write(files.WeightsPath, circuit);
        long compileMs = sw.ElapsedMilliseconds;
        log?.Invoke("lender: committing to the weights");
        sw.Restart();
        var (commitment, key) = ModelCommitter.Commit(circuit, qm.Weights);
        AtomicFile.WriteAllBytes(files.CommitmentPath, commitment.Bytes);
        AtomicFile.WriteAllBytes(files.KeyPath, key.ToBytes());
        long commitMs = sw.ElapsedMilliseconds;

        // Lender: score (float reference) and prove the decisions.
        log?.Invoke($"lender: scoring {held.Count} held-out applicants (ONNX Runtime float reference)");
        sw.Restart();
        float[] floatScores;
        using (var ort = new OrtRunner(onnxPath)) floatScores = held.Rows.Select(r => ort.Run(r)[0][0]).ToArray();
        long scoreMs = sw.ElapsedMilliseconds;
        log?.Invoke($"lender: proving {held.Count} decisions in one proof");
        var input = QuantizedModel.QuantizeInputs(circuit, held);
        sw.Restart();
        var proof = InferenceProver.ProveVerified(circuit, qm.Weights, commitment, key, input, held.Count);
        var proofBytes = proof.ToBytes();
        long proveMs = sw.ElapsedMilliseconds;
        AtomicFile.WriteAllBytes(Path.Combine(lender, "decisions.zkp"), proofBytes);

        // Auditor: only public files, copied to audit/, loaded from there.
        log?.Invoke("auditor: verifying with circuit.json + model.commitment + the proof only");
        foreach (var (from, name) in new[] { (files.CircuitPath, "circuit.json"), (files.CommitmentPath, "model.commitment"), (Path.Combine(lender, "decisions.zkp"), "decisions.zkp") })
            File.Copy(from, Path.Combine(audit, name), overwrite: true);
        var aCircuit = ModelFiles.LoadCircuit(Path.Combine(audit, "circuit.json"));
        var aCommitment = ModelFiles.LoadCommitment(Path.Combine(audit, "model.commitment"), aCircuit);
        var aBytes = File.ReadAllBytes(Path.Combine(audit, "decisions.zkp"));
        sw.Restart();
        var verdict = InferenceVerifier.Verify(aCircuit, aCommitment, aBytes);
        long verifyMs = sw.ElapsedMilliseconds;

        string outName = aCircuit.Outputs[0];
        int outScale = aCircuit.Tensor(outName).Scale;
        var proven = (verdict.Proof ?? proof).Outputs[0].Values;
        var applicants = new List<Applicant>();
        for (int i = 0; i < held.Count; i++)
        {
            double p = FixedPoint.ToReal(proven[i], outScale);
            applicants.Add(new Applicant(held.Ids?[i] ?? (CalibrationRows + i + 1).ToString(CultureInfo.InvariantCulture), held.Labels?[i],
                p, floatScores[i], p >= Threshold, floatScores[i] >= Threshold));
        }

        // Tamper: flip the first denied applicant to approved (or the first approved to denied) in a copy.
        log?.Invoke("auditor: checking a copy of the proof with one decision flipped");
        int k = Math.Max(0, applicants.FindIndex(a => a.Deny));
        double from0 = applicants[k].ProvenScore, to0 = Math.Round(1 - from0, 4);
        long forgedValue = FixedPoint.ToFixed(to0, outScale);
        if (forgedValue == proven[k] || (from0 >= Threshold) == (to0 >= Threshold)) { to0 = from0 >= Threshold ? 0.1 : 0.9; forgedValue = FixedPoint.ToFixed(to0, outScale); }
        if (!InferenceProof.TryDecode(aBytes, aCircuit, out var decoded, out var decodeError)) throw new WorkflowException($"cannot decode the demo proof: {decodeError}");
        var forgedOut = decoded!.Outputs[0].Values.ToArray();
        forgedOut[k] = forgedValue;
        var forged = new InferenceProof
        {
            CircuitDigest = decoded.CircuitDigest, CommitmentDigest = decoded.CommitmentDigest, Batch = decoded.Batch, PrivateInput = decoded.PrivateInput,
            PublicInput = decoded.PublicInput, Outputs = [(decoded.Outputs[0].Name, forgedOut), .. decoded.Outputs.Skip(1)], Body = decoded.Body,
        };
        string tamperedPath = Path.Combine(audit, "decisions-tampered.zkp");
        AtomicFile.WriteAllBytes(tamperedPath, forged.ToBytes());
        var tamper = InferenceVerifier.Verify(aCircuit, aCommitment, File.ReadAllBytes(tamperedPath));

        int agree = applicants.Count(a => a.Deny == a.FloatDeny);
        double maxErr = applicants.Max(a => Math.Abs(a.ProvenScore - a.FloatScore));
        double? provenAcc = null, floatAcc = null;
        if (held.Labels is not null)
        {
            provenAcc = applicants.Count(a => (a.Deny ? 1 : 0) == a.Label) / (double)applicants.Count;
            floatAcc = applicants.Count(a => (a.FloatDeny ? 1 : 0) == a.Label) / (double)applicants.Count;
        }
        var result = new CreditDemoResult(Threshold, calib.Count, applicants, agree, maxErr, provenAcc, floatAcc,
            aCircuit.Digest!, aCommitment.DigestHex, proofBytes.Length, compileMs, commitMs, scoreMs, proveMs, verifyMs,
            verdict.Accepted, verdict.Verdict.Reason, applicants[k].Id, from0, FixedPoint.ToReal(forgedValue, outScale), tamper.Accepted, tamper.Verdict.Reason,
            outDir, Path.Combine(outDir, "report.md"), 0);
        log?.Invoke("writing the report");
        WriteReport(result with { TotalMs = total.ElapsedMilliseconds });
        return result with { TotalMs = total.ElapsedMilliseconds };
    }

    /// <summary>Writes report.md, report.html, score-distribution.png, timings.png and decisions.csv into the output folder.</summary>
    static void WriteReport(CreditDemoResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(double v, string f = "F3") => v.ToString(f, inv);
        var groups = new List<(string, double[])>();
        if (r.Applicants.All(a => a.Label is not null))
        {
            groups.Add(("actually good", r.Applicants.Where(a => a.Label == 0).Select(a => a.ProvenScore).ToArray()));
            groups.Add(("actually bad", r.Applicants.Where(a => a.Label == 1).Select(a => a.ProvenScore).ToArray()));
        }
        else groups.Add(("applicants", r.Applicants.Select(a => a.ProvenScore).ToArray()));
        var scores = Charts.ScoreHistogram("Proven P(bad) of the held-out applicants", groups, r.Threshold);
        var timings = Charts.BarChart("Time per step (ms)", "milliseconds",
            [("compile", r.CompileMs), ("commit", r.CommitMs), ("float scoring", r.ScoreMs), ("prove", r.ProveMs), ("verify", r.VerifyMs)]);
        AtomicFile.WriteAllBytes(Path.Combine(r.OutputDir, "score-distribution.png"), scores);
        AtomicFile.WriteAllBytes(Path.Combine(r.OutputDir, "timings.png"), timings);

        var csv = new StringBuilder("id,label,proven_p_bad,float_p_bad,decision,float_decision\n");
        foreach (var a in r.Applicants)
            csv.Append(inv, $"{a.Id},{a.Label},{F(a.ProvenScore, "F6")},{F(a.FloatScore, "F6")},{(a.Deny ? "deny" : "approve")},{(a.FloatDeny ? "deny" : "approve")}\n");
        AtomicFile.WriteAllBytes(Path.Combine(r.OutputDir, "decisions.csv"), Encoding.UTF8.GetBytes(csv.ToString()));

        var md = new StringBuilder();
        md.AppendLine("# Credit decisions proven in zero knowledge").AppendLine();
        md.AppendLine($"A lender scores {r.Applicants.Count} held-out applicants of the German Credit data with a secret MLP (59 → 16 → 8 → 1, output P(bad credit)), " +
                      $"**denies when P(bad) ≥ {r.Threshold}** and approves otherwise, and proves all decisions in one zero-knowledge proof against its published model commitment. " +
                      "An auditor verifies with `audit/circuit.json`, `audit/model.commitment` and the proof only — never the weights.").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine($"| applicants | {r.Applicants.Count} (rows {r.CalibrationRows + 1}–{r.CalibrationRows + r.Applicants.Count} of test.csv; the first {r.CalibrationRows} calibrated the circuit) |");
        md.AppendLine($"| decisions | {r.Approved} approved, {r.Denied} denied |");
        md.AppendLine($"| agreement with the float model (ONNX Runtime) | {r.Agreeing}/{r.Applicants.Count} decisions; max \\|P(bad) difference\\| {F(r.MaxAbsScoreError, "G3")} |");
        if (r.ProvenAccuracy is { } pa && r.FloatAccuracy is { } fa)
            md.AppendLine($"| accuracy vs true outcomes | proven {F(pa * 100, "F1")} %, float {F(fa * 100, "F1")} % |");
        md.AppendLine($"| proof | {r.ProofBytes.ToString("N0", inv)} bytes for all {r.Applicants.Count} decisions (applicant features public inside it) |");
        md.AppendLine($"| prove / verify time | {r.ProveMs} ms / {r.VerifyMs} ms |");
        md.AppendLine($"| audit of the genuine proof | {(r.AuditAccepted ? "**accepted**" : "REJECTED: " + r.AuditReason)} |");
        md.AppendLine($"| audit of the tampered copy | applicant {r.TamperedApplicant}: P(bad) {F(r.TamperedFrom)} → {F(r.TamperedTo)} (decision flipped): {(r.TamperAccepted ? "ACCEPTED (this must not happen)" : "**rejected** — " + r.TamperReason)} |");
        md.AppendLine($"| circuit digest | `{r.CircuitDigest}` |");
        md.AppendLine($"| model commitment digest | `{r.CommitmentDigest}` |");
        md.AppendLine($"| whole demo | {F(r.TotalMs / 1000.0, "F1")} s |").AppendLine();
        md.AppendLine("## Score distribution").AppendLine().AppendLine("![score distribution](score-distribution.png)").AppendLine();
        md.AppendLine("## Timings").AppendLine().AppendLine("![timings](timings.png)").AppendLine();
        md.AppendLine("| step | ms |").AppendLine("|---|---:|");
        foreach (var (s, v) in new[] { ("compile (quantize + write circuit/weights)", r.CompileMs), ("commit", r.CommitMs), ("float scoring (ONNX Runtime)", r.ScoreMs), ("prove", r.ProveMs), ("verify", r.VerifyMs) })
            md.AppendLine($"| {s} | {v} |");
        md.AppendLine().AppendLine("## What is public, what stays secret").AppendLine();
        md.AppendLine("- public (in `audit/`): the circuit (architecture, scales, ranges), the model commitment, the proof with the applicants' (standardized) features and the proven scores;");
        md.AppendLine("- secret (in `lender/`): `weights.bin` and `model.key` (the commitment's blinding factors).");
        md.AppendLine("- The decision rule (deny when P(bad) ≥ 0.5) is applied to the proven scores; anyone can recompute it from the verified outputs.").AppendLine();
        md.AppendLine("## Decisions").AppendLine().AppendLine("All rows are also in `decisions.csv`.").AppendLine();
        md.AppendLine("| applicant | proven P(bad) | float P(bad) | decision | float decision | true outcome |").AppendLine("|---|---:|---:|---|---|---|");
        foreach (var a in r.Applicants)
            md.AppendLine($"| {a.Id} | {F(a.ProvenScore)} | {F(a.FloatScore)} | {(a.Deny ? "deny" : "approve")} | {(a.FloatDeny ? "deny" : "approve")}{(a.Deny != a.FloatDeny ? " ⚠" : "")} | {(a.Label is null ? "-" : a.Label == 1 ? "bad" : "good")} |");
        AtomicFile.WriteAllBytes(r.ReportPath, Encoding.UTF8.GetBytes(md.ToString()));
        CreditDemoHtml.Build(r, scores, timings).Save(r.HtmlReportPath);
    }
}
