using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Workflows.Tests;

/// <summary>The audit rejects altered, missing, swapped and foreign proofs, naming each; the demo and
/// the planner run end to end.</summary>
[Collection("credit")]
public class AuditAndDemoTests(CreditFixture fx)
{
    string Name(int start) => BatchHashing.ProofFileName(start, start + 10);

    [Fact]
    public void AlteredOutputIsRejectedAndNamed()
    {
        string dir = fx.CopyGood("audit-altered");
        string path = Path.Combine(dir, Name(10));
        Assert.True(InferenceProof.TryDecode(File.ReadAllBytes(path), fx.Circuit, out var p, out var err), err);
        var outs = p!.Outputs[0].Values.ToArray();
        outs[3] += 1;
        var forged = new InferenceProof
        {
            CircuitDigest = p.CircuitDigest, CommitmentDigest = p.CommitmentDigest, Batch = p.Batch, PrivateInput = p.PrivateInput,
            PublicInput = p.PublicInput, Outputs = [(p.Outputs[0].Name, outs)], Body = p.Body,
        };
        File.WriteAllBytes(path, forged.ToBytes());
        var r = BundleAuditor.Audit(dir, fx.Circuit, fx.Commitment);
        Assert.False(r.Passed);
        Assert.Equal((4, 3, 1), (r.ProofFiles, r.Accepted, r.Rejected));
        Assert.Contains(r.Problems, x => x.File == Name(10) && x.Rows == "rows 11–20" && x.Reason.StartsWith("proof rejected: "));
        Assert.Contains(r.Problems, x => x.File == Name(10) && x.Reason.Contains("SHA-256 differs"));
        Assert.All(r.Problems, x => Assert.Equal(Name(10), x.File));
        Assert.Contains(Name(10), r.ToMarkdown());
    }

    [Fact]
    public void MissingBatchIsNamed()
    {
        string dir = fx.CopyGood("audit-missing-file");
        File.Delete(Path.Combine(dir, Name(20)));
        var r = BundleAuditor.Audit(dir, fx.Circuit, fx.Commitment);
        Assert.False(r.Passed);
        var problem = Assert.Single(r.Problems);
        Assert.Equal((Name(20), "rows 21–30"), (problem.File, problem.Rows));
        Assert.Contains("missing", problem.Reason);
        Assert.Equal(30, r.RowsCovered);

        // File and manifest entry both gone: the row gap is named.
        string dir2 = fx.CopyGood("audit-missing-entry");
        File.Delete(Path.Combine(dir2, Name(20)));
        var mp = Path.Combine(dir2, "manifest.json");
        var m = BatchManifest.Load(mp);
        (m with { Batches = m.Batches.Where(b => b.Start != 20).ToList() }).Save(mp);
        var r2 = BundleAuditor.Audit(dir2, fx.Circuit, fx.Commitment);
        var gap = Assert.Single(r2.Problems);
        Assert.Equal("rows 21–30", gap.Rows);
        Assert.Contains("missing batch", gap.Reason);
        Assert.Equal(30, r2.RowsCovered);
    }

    [Fact]
    public void SwappedProofsAreNamed()
    {
        string dir = fx.CopyGood("audit-swapped");
        string a = Path.Combine(dir, Name(0)), b = Path.Combine(dir, Name(30)), tmp = a + ".x";
        File.Move(a, tmp); File.Move(b, a); File.Move(tmp, b);
        var r = BundleAuditor.Audit(dir, fx.Circuit, fx.Commitment);
        Assert.False(r.Passed);
        Assert.Equal(4, r.Accepted);   // each proof is valid on its own…
        Assert.Equal(20, r.RowsCovered);
        foreach (var (name, rows) in new[] { (Name(0), "rows 1–10"), (Name(30), "rows 31–40") })
        {
            Assert.Contains(r.Problems, x => x.File == name && x.Rows == rows && x.Reason.Contains("public inputs are not the rows the manifest names"));
            Assert.Contains(r.Problems, x => x.File == name && x.Reason.Contains("SHA-256 differs"));
        }
        Assert.DoesNotContain(r.Problems, x => x.File == Name(10) || x.File == Name(20));
    }

    [Fact]
    public void DuplicatedAndOverlappingRangesAreNamed()
    {
        string dir = fx.CopyGood("audit-dup");
        var mp = Path.Combine(dir, "manifest.json");
        var m = BatchManifest.Load(mp);
        var e = m.Batches[1];
        var overlap = e with { Start = 15, End = 25, ProofFile = "batch-0000015-0000025.zkp" };
        (m with { Batches = [.. m.Batches, e, overlap] }).Save(mp);
        var r = BundleAuditor.Audit(dir, fx.Circuit, fx.Commitment);
        Assert.Contains(r.Problems, x => x.File == e.ProofFile && x.Reason.Contains("listed twice"));
        Assert.Contains(r.Problems, x => x.File == overlap.ProofFile && x.Reason.Contains("overlaps"));
    }

    [Fact]
    public void InputsThatDoNotMatchTheirHashesAreNamed()
    {
        var lines = File.ReadAllLines(fx.Rows40);
        var cells = lines[25].Split(',');
        cells[1] = (double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture) + 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture);
        lines[25] = string.Join(",", cells);
        string path = fx.WriteFile("rows40-changed.csv", string.Join("\n", lines) + "\n");
        var r = BundleAuditor.Audit(fx.GoodBundle, fx.Circuit, fx.Commitment, InputData.Load(path));
        var problem = Assert.Single(r.Problems);
        Assert.Equal((Name(20), "rows 21–30"), (problem.File, problem.Rows));
        Assert.Contains("do not match the input hash", problem.Reason);
    }

    [Fact]
    public void ProofsOfAnotherModelAreAllRejectedWithTheReason()
    {
        var circuit = fx.CompileAndCommit("credit_logreg", Path.Combine(fx.Root, "logreg"), out var commitment);
        var r = BundleAuditor.Audit(fx.GoodBundle, circuit, commitment);
        Assert.False(r.Passed);
        Assert.Equal((4, 0), (r.ProofFiles, r.Accepted));
        Assert.All(r.Proofs, p => Assert.Contains("not for this circuit", p.Reason));
        foreach (var p in r.Proofs) Assert.Contains(r.Problems, x => x.File == p.File && x.Reason.StartsWith("proof rejected: proof is for circuit"));
        Assert.Contains(r.Problems, x => x.File == "manifest.json" && x.Reason.Contains("not the given circuit"));
    }

    [Fact]
    public void CreditDemoRunsEndToEndAndCatchesTheTamperedDecision()
    {
        var r = fx.Demo;
        string dir = r.OutputDir;
        Assert.True(File.Exists(r.ReportPath));
        foreach (var f in new[] { "report.html", "score-distribution.png", "timings.png", "decisions.csv", "audit/circuit.json", "audit/model.commitment", "audit/decisions.zkp" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.False(File.Exists(Path.Combine(dir, "audit", "weights.bin")));
        Assert.False(File.Exists(Path.Combine(dir, "audit", "model.key")));
        Assert.True(r.AuditAccepted, r.AuditReason);
        Assert.False(r.TamperAccepted);
        Assert.False(string.IsNullOrEmpty(r.TamperReason));
        Assert.NotEqual(r.TamperedFrom >= r.Threshold, r.TamperedTo >= r.Threshold);
        Assert.Equal(100, r.Applicants.Count);
        Assert.True(r.Agreeing >= 98, $"{r.Agreeing}/100 decisions agree with ONNX Runtime");
        Assert.All(r.Applicants, a => Assert.Equal(a.ProvenScore >= 0.5, a.Deny));
        string md = File.ReadAllText(r.ReportPath);
        Assert.Contains("rejected", md);
        Assert.Contains("P(bad) ≥ 0.5", md);
        var e = Assert.Throws<WorkflowException>(() => CreditDemo.Run(fx.ModelsDir, dir));
        Assert.Contains("--force", e.Message);
    }

    [Fact]
    public void PlannerMeasuresExtrapolatesAndRecommends()
    {
        Assert.Equal(40, CostPlanner.Extrapolate(2, 10, 4, 20, 8));
        Assert.Equal(10, CostPlanner.Extrapolate(2, 10, 4, 5, 100));
        Assert.Equal(0, CostPlanner.Extrapolate(2, 10, 4, 20, -100));
        string dir = Path.Combine(fx.Root, "plan");
        var calib = InputData.Load(fx.Rows40);
        string onnx = Path.Combine(fx.ModelsDir, "credit_mlp", "network.onnx");
        var r = CostPlanner.Run(onnx, calib, [1, 64], dir, candidates: [new QuantizeOptions { ActivationBits = 14 }, new QuantizeOptions { ActivationBits = 16 }], sampleSmall: 2, sampleLarge: 4);
        Assert.Equal(2, r.Rows.Count);
        Assert.All(r.Rows, row =>
        {
            Assert.Null(row.Error);
            Assert.Equal([2, 4], row.Measured.Select(m => m.Batch));
            Assert.Equal([1, 64], row.Estimates.Select(e => e.Batch));
            Assert.All(row.Measured, m => Assert.True(m.ProofBytes > 0 && m.PeakWorkingSetBytes > 0));
        });
        Assert.NotNull(r.Recommended);
        foreach (var f in new[] { "plan.json", "plan.md", "plan.png" }) Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Throws<WorkflowException>(() => CostPlanner.Run(onnx, calib, [1], dir));
    }
}
