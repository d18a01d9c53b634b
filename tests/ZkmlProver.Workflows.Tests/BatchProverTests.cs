using System.Security.Cryptography;
using ZkmlProver.Quantize;

namespace ZkmlProver.Workflows.Tests;

/// <summary>Manifest format, batch planning and sharding, and resumable batch proving.</summary>
[Collection("credit")]
public class BatchProverTests(CreditFixture fx)
{
    static string Snapshot(string dir) => string.Join("\n", Directory.GetFiles(dir, "*.zkp").Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetFileName(f)} {File.GetLastWriteTimeUtc(f).Ticks} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}"));

    [Fact]
    public void InputHashIsSha256OfInt64LittleEndian()
    {
        // [1, -1] → 01 00 00 00 00 00 00 00 | FF FF FF FF FF FF FF FF
        byte[] bytes = [1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), BatchHashing.InputHash([1, -1]));
        Assert.NotEqual(BatchHashing.InputHash([1, -1]), BatchHashing.InputHash([-1, 1]));
        Assert.Equal("batch-0000010-0000020.zkp", BatchHashing.ProofFileName(10, 20));
        Assert.Equal("rows 11–20", BatchHashing.RowLabel(10, 20));
        Assert.Equal("row 5", BatchHashing.RowLabel(4, 5));
    }

    [Fact]
    public void ManifestRoundTrips()
    {
        var m = new BatchManifest
        {
            CircuitDigest = "ab", CommitmentDigest = "cd", InputSource = "rows.csv", TotalRows = 25, BatchSize = 10, ShardIndex = 1, ShardCount = 3,
            Batches = [new BatchEntry(0, 10, "h0", "ab", "cd", "batch-0000000-0000010.zkp", "s0", 123, 45, false, "2026-11-25T00:00:00Z"),
                       new BatchEntry(20, 25, "h2", "ab", "cd", "batch-0000020-0000025.zkp", "s2", 99, 7, true, "2026-11-25T00:00:01Z")],
        };
        string path = Path.Combine(fx.Root, "roundtrip-manifest.json");
        m.Save(path);
        var back = BatchManifest.Load(path);
        Assert.Equal(m.ToJson(), back.ToJson());
        Assert.Equal(m.Batches, back.Batches);
        Assert.Equal((1, 3, 25, 10), (back.ShardIndex, back.ShardCount, back.TotalRows, back.BatchSize));
        Assert.Contains("\"batches\"", m.ToJson());
        var e = Assert.Throws<WorkflowException>(() => BatchManifest.Parse("{\"format\":\"other/9\"}", "x.json"));
        Assert.Contains("x.json", e.Message);
        Assert.Throws<WorkflowException>(() => BatchManifest.Parse("not json", "y.json"));
    }

    [Fact]
    public void BatchesAndShardsCoverEveryRowOnce()
    {
        var all = BatchProver.PlanBatches(95, 10);
        Assert.Equal(10, all.Count);
        Assert.Equal((90, 95), all[^1]);
        var union = Enumerable.Range(0, 3).SelectMany(i => BatchProver.ShardOf(all, i, 3)).ToList();
        Assert.Equal(all, union);
        Assert.Equal([(0, 10), (10, 20), (20, 30)], BatchProver.ShardOf(all, 0, 3));
        Assert.Equal((2, 8), BatchProver.ParseShard("2/8"));
        foreach (var bad in new[] { "8/8", "a/2", "1", "-1/2", "1/0" })
            Assert.Throws<WorkflowException>(() => BatchProver.ParseShard(bad));
        Assert.Throws<WorkflowException>(() => BatchProver.PlanBatches(10, 0));
    }

    [Fact]
    public void GoodRunProvesEveryBatchAndAuditPasses()
    {
        Assert.Equal((4, 4, 0, 0, false), (fx.GoodRun.Planned, fx.GoodRun.Proven, fx.GoodRun.Skipped, fx.GoodRun.Adopted, fx.GoodRun.Cancelled));
        var m = BatchManifest.Load(Path.Combine(fx.GoodBundle, "manifest.json"));
        Assert.Equal([0, 10, 20, 30], m.Batches.Select(b => b.Start));
        Assert.All(m.Batches, b => Assert.True(File.Exists(Path.Combine(fx.GoodBundle, b.ProofFile))));
        var audit = BundleAuditor.Audit(fx.GoodBundle, fx.Circuit, fx.Commitment, InputData.Load(fx.Rows40));
        Assert.True(audit.Passed, string.Join("; ", audit.Problems));
        Assert.Equal((4, 4, 40, 40), (audit.ProofFiles, audit.Accepted, audit.RowsCovered, audit.TotalRows));
        Assert.Contains("PASSED", audit.ToMarkdown());
        Assert.Contains("\"passed\": true", audit.ToJson());
    }

    [Fact]
    public void ResumeAfterLostBatchProvesOnlyThatBatchAndTouchesNothingElse()
    {
        string dir = fx.CopyGood("resume-lost");
        string manifestPath = Path.Combine(dir, "manifest.json");
        var m = BatchManifest.Load(manifestPath);
        // Simulate: batch rows 21–30 never finished (no file, no entry); batch rows 31–40 was written
        // but the process died before the manifest was updated (file, no entry).
        File.Delete(Path.Combine(dir, BatchHashing.ProofFileName(20, 30)));
        (m with { Batches = m.Batches.Where(b => b.Start < 20).ToList() }).Save(manifestPath);
        File.SetLastWriteTimeUtc(Path.Combine(dir, BatchHashing.ProofFileName(0, 10)), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        string before = Snapshot(dir);

        var r = BatchProver.Run(fx.ModelDir, InputData.Load(fx.Rows40), dir, new BatchProveOptions(10, Parallelism: 2));
        Assert.Equal((1, 2, 1), (r.Proven, r.Skipped, r.Adopted));
        Assert.Equal(20, Assert.Single(r.ProvenEntries).Start);
        var after = Snapshot(dir).Split('\n');
        foreach (var line in before.Split('\n')) Assert.Contains(line, after);   // untouched: same name, time and hash
        Assert.Equal(4, after.Length);
        var audit = BundleAuditor.Audit(dir, fx.Circuit, fx.Commitment);
        Assert.True(audit.Passed, string.Join("; ", audit.Problems));

        var again = BatchProver.Run(fx.ModelDir, InputData.Load(fx.Rows40), dir, new BatchProveOptions(10, Parallelism: 2));
        Assert.Equal((0, 4, 0), (again.Proven, again.Skipped, again.Adopted));
    }

    [Fact]
    public void CancelledRunResumesWithEveryBatchProvenExactlyOnce()
    {
        string dir = Path.Combine(fx.Root, "cancelled");
        using var cts = new CancellationTokenSource();
        var first = BatchProver.Run(fx.ModelDir, InputData.Load(fx.Rows40), dir, new BatchProveOptions(10, Parallelism: 1),
            p => { if (p.Last is not null && p.Done >= 2) cts.Cancel(); }, cts.Token);
        Assert.True(first.Cancelled);
        Assert.Equal(2, first.Proven);
        string before = Snapshot(dir);
        var second = BatchProver.Run(fx.ModelDir, InputData.Load(fx.Rows40), dir, new BatchProveOptions(10, Parallelism: 2));
        Assert.False(second.Cancelled);
        Assert.Equal((2, 2), (second.Proven, second.Skipped));
        var starts = first.ProvenEntries.Concat(second.ProvenEntries).Select(e => e.Start).Order().ToList();
        Assert.Equal([0, 10, 20, 30], starts);
        foreach (var line in before.Split('\n')) Assert.Contains(line, Snapshot(dir).Split('\n'));
        Assert.True(BundleAuditor.Audit(dir, fx.Circuit, fx.Commitment).Passed);
    }

    [Fact]
    public void ShardsWriteSeparateManifestsAndTogetherPassTheAudit()
    {
        string dir = Path.Combine(fx.Root, "sharded");
        var data = InputData.Load(fx.Rows40);
        var s0 = BatchProver.Run(fx.ModelDir, data, dir, new BatchProveOptions(10, 0, 2, 1));
        Assert.Equal("manifest-shard-0-of-2.json", Path.GetFileName(s0.ManifestPath));
        Assert.Equal([0, 10], s0.ProvenEntries.Select(e => e.Start));
        var half = BundleAuditor.Audit(dir, fx.Circuit, fx.Commitment);
        Assert.False(half.Passed);
        Assert.Contains(half.Problems, p => p.File == "manifest-shard-1-of-2.json" && p.Reason.Contains("missing"));
        Assert.Contains(half.Problems, p => p.Rows == "rows 21–40" && p.Reason.Contains("missing batch"));
        var s1 = BatchProver.Run(fx.ModelDir, data, dir, new BatchProveOptions(10, 1, 2, 1));
        Assert.Equal([20, 30], s1.ProvenEntries.Select(e => e.Start));
        var full = BundleAuditor.Audit(dir, fx.Circuit, fx.Commitment, data);
        Assert.True(full.Passed, string.Join("; ", full.Problems));
        Assert.Equal(2, full.Manifests);
    }

    [Fact]
    public void NothingIsOverwrittenWithoutForce()
    {
        string dir = fx.CopyGood("no-overwrite");
        string before = Snapshot(dir), manifest = File.ReadAllText(Path.Combine(dir, "manifest.json"));
        var data = InputData.Load(fx.Rows40);
        var e1 = Assert.Throws<WorkflowException>(() => BatchProver.Run(fx.ModelDir, data, dir, new BatchProveOptions(20)));
        Assert.Contains("batch size 10", e1.Message);
        Assert.Contains("--force", e1.Message);

        // A foreign file where a proof would go (not in the manifest, not a proof of those rows).
        string other = Path.Combine(fx.Root, "no-overwrite-2");
        Directory.CreateDirectory(other);
        File.WriteAllBytes(Path.Combine(other, BatchHashing.ProofFileName(0, 10)), [1, 2, 3]);
        var e2 = Assert.Throws<WorkflowException>(() => BatchProver.Run(fx.ModelDir, data, other, new BatchProveOptions(10)));
        Assert.Contains("--force", e2.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(other, BatchHashing.ProofFileName(0, 10))));

        // A proof file that no longer matches its manifest entry.
        string p10 = Path.Combine(dir, BatchHashing.ProofFileName(10, 20)), p20 = Path.Combine(dir, BatchHashing.ProofFileName(20, 30));
        var saved = File.ReadAllBytes(p10);
        var savedTime = File.GetLastWriteTimeUtc(p10);
        File.Copy(p20, p10, overwrite: true);
        var e3 = Assert.Throws<WorkflowException>(() => BatchProver.Run(fx.ModelDir, data, dir, new BatchProveOptions(10)));
        Assert.Contains("does not match its manifest entry", e3.Message);
        File.WriteAllBytes(p10, saved);
        File.SetLastWriteTimeUtc(p10, savedTime);
        Assert.Equal(before, Snapshot(dir));
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(dir, "manifest.json")));

        // With --force the other batch size starts over.
        var forced = BatchProver.Run(fx.ModelDir, data.Slice(0, 20), Path.Combine(fx.Root, "no-overwrite-2"), new BatchProveOptions(20, Force: true));
        Assert.Equal(1, forced.Proven);
    }

    [Theory]
    [InlineData("missing-column", "has 58 values")]
    [InlineData("wrong-count", "has 59 columns, the header has 61")]
    [InlineData("non-numeric", "row 3 (line 4), column 'Age': 'abc' is not a number")]
    [InlineData("nan", "row 2 (line 3), column 'Amount': NaN is not a finite number")]
    public void BadCsvNamesRowAndColumn(string kind, string expected)
    {
        var lines = File.ReadAllLines(fx.Rows40).Take(5).ToArray();
        string[] Cells(int i) => lines[i].Split(',');
        int Col(string name) => Array.IndexOf(Cells(0), name);
        switch (kind)
        {
            case "missing-column":
                lines = lines.Select(l => string.Join(",", l.Split(',').Where((_, j) => j != Col("Age")))).ToArray(); break;
            case "wrong-count":
                lines[1] = string.Join(",", Cells(1).Take(59)); break;
            case "non-numeric":
                { var c = Cells(3); c[Col("Age")] = "abc"; lines[3] = string.Join(",", c); break; }
            case "nan":
                { var c = Cells(2); c[Col("Amount")] = "NaN"; lines[2] = string.Join(",", c); break; }
        }
        string path = fx.WriteFile($"bad-{kind}.csv", string.Join("\n", lines) + "\n");
        var e = Assert.ThrowsAny<Exception>(() => BatchProver.Run(fx.ModelDir, InputData.Load(path), Path.Combine(fx.Root, "bad-" + kind), new BatchProveOptions(2)));
        Assert.IsType<QuantizeException>(e);
        Assert.Contains(expected, e.Message);
        Assert.Contains("row", e.Message);
        Assert.False(Directory.Exists(Path.Combine(fx.Root, "bad-" + kind)) && Directory.GetFiles(Path.Combine(fx.Root, "bad-" + kind), "*.zkp").Length > 0);
    }
}
