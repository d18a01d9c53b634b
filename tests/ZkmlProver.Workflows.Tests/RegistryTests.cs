using System.Diagnostics;
using System.Text.Json;
using ZkmlProver.Cli;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;
using ZkmlProver.Workflows.Registry;

namespace ZkmlProver.Workflows.Tests;

/// <summary>The proof registry: add/verify/show on real credit_mlp proofs (the fixture's 4 batches of 10 rows),
/// altered, missing and moved files, stored bytes, the schema migration, and parallel writers (threads
/// with their own connections, and two <c>prove-batch --shard --registry</c> processes).</summary>
[Collection("credit")]
public class RegistryTests(CreditFixture fx)
{
    static (int Code, string Out, string Err) Zkml(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o); Console.SetError(e);
        try { return (Program.Main(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    string CircuitPath => Path.Combine(fx.ModelDir, "circuit.json");
    string CommitmentPath => Path.Combine(fx.ModelDir, "model.commitment");
    string NewDb(string name) => Path.Combine(fx.Root, "registries", name + ".db");

    RegistryAddResult Add(ProofRegistry reg, string path, RegistryAddOptions? options = null) =>
        RegistryIndexer.Add(reg, path, fx.Circuit, File.ReadAllText(CircuitPath), fx.Commitment, options ?? new RegistryAddOptions());

    [Fact]
    public void ConventionsArePinned()
    {
        Assert.Equal("2026-11-01T00:00:00.0000000Z", RegistryTime.Parse("2026-11-01"));
        Assert.Equal("2026-11-01T10:30:00.0000000Z", RegistryTime.Parse("2026-11-01T12:30:00+02:00"));
        Assert.Throws<WorkflowException>(() => RegistryTime.Parse("last March"));
        Assert.Equal("threshold:0.5:deny:approve", DecisionRule.Credit.ToText());
        Assert.Equal(DecisionRule.Credit, DecisionRule.Parse("threshold:0.5:deny:approve"));
        Assert.Equal(("deny", "approve"), (DecisionRule.Credit.Decide(0.5), DecisionRule.Credit.Decide(0.4999)));
        Assert.Throws<WorkflowException>(() => DecisionRule.Parse("threshold:x:deny:approve"));
        Assert.Equal(RegistrySchema.Steps.Count, RegistrySchema.CurrentVersion);
    }

    [Fact]
    public void AddVerifyShowOnABatchFolder()
    {
        string dir = fx.CopyGood("reg-folder");
        using var reg = ProofRegistry.Open(NewDb("folder"));
        Assert.Equal("wal", reg.JournalMode);
        var r = Add(reg, dir, new RegistryAddOptions(Decision: DecisionRule.Credit, Inputs: InputData.Load(fx.Rows40)));
        Assert.Equal((4, 0, 0), (r.Added.Count, r.Unchanged.Count, r.Problems.Count));
        Assert.Equal((4, 40), (reg.CountProofs(), reg.CountRows()));
        Assert.Equal(4, Add(reg, dir).Unchanged.Count);                                    // idempotent

        var m = BatchManifest.Load(Path.Combine(dir, "manifest.json"));
        var all = reg.Find(new ProofFilter()).OrderBy(p => p.RowStart).ToList();             // Find lists by creation time
        Assert.Equal([0, 10, 20, 30], all.Select(p => p.RowStart));
        Assert.All(all, p => Assert.Equal((10, fx.Circuit.Digest, fx.Commitment.DigestHex), (p.BatchSize, p.CircuitDigest, p.CommitmentDigest)));
        Assert.Equal(m.Batches.Select(b => (b.ProofSha256, b.InputSha256)), all.Select(p => (p.Sha256, p.InputHash)));

        var checks = RegistryAuditor.Verify(reg, all, parallelism: 2);
        Assert.All(checks, c => Assert.True(c.Accepted, c.Reason));
        Assert.All(all, p => Assert.Single(reg.Verifications(p.Id), v => v.Verdict == RegistryVerdicts.Accepted));

        // Row 25 is in the third batch; its verified output is the proof's, and the decision follows the rule.
        var hit = Assert.Single(reg.Find(new ProofFilter(Row: 25)));
        Assert.Equal((20, 30), (hit.RowStart, hit.RowEnd));
        var c25 = Assert.Single(RegistryAuditor.Verify(reg, [hit]));
        var row = Assert.Single(c25.Rows, x => x.RowIndex == 25);
        Assert.True(InferenceProof.TryDecode(File.ReadAllBytes(hit.Path), fx.Circuit, out var proof, out _));
        var t = fx.Circuit.Tensor(fx.Circuit.Outputs[0]);
        double score = Circuit.FixedPoint.ToReal(proof!.Outputs[0].Values[5 * t.Size], t.Scale);
        Assert.Equal(score, row.Outputs[fx.Circuit.Outputs[0]][0]);
        Assert.Equal(score >= 0.5 ? "deny" : "approve", row.Decision);
        Assert.Equal(InputData.Load(fx.Rows40).Ids![25], row.RowId);
        Assert.Equal(2, reg.Verifications(hit.Id).Count);

        Assert.Equal(hit.Id, Assert.Single(reg.Find(new ProofFilter(InputHash: m.Batches[2].InputSha256[..12]))).Id);
        Assert.Equal(hit.Id, Assert.Single(reg.Find(new ProofFilter(RowId: row.RowId))).Id);
        Assert.Empty(reg.Find(new ProofFilter(SinceUtc: RegistryTime.Format(DateTime.UtcNow.AddDays(1)))));
        Assert.Equal(4, reg.Find(new ProofFilter(SinceUtc: RegistryTime.Parse("2020-01-01"), CircuitDigest: fx.Circuit.Digest![..10])).Count);
        Assert.Empty(reg.Find(new ProofFilter(CircuitDigest: "ffffffffffff")));
    }

    [Fact]
    public void CliReportsAlteredAndMissingFilesByName()
    {
        string dir = fx.CopyGood("reg-cli"), db = NewDb("cli");
        var add = Zkml("registry", "add", dir, "--circuit", CircuitPath, "--commitment", CommitmentPath, "--registry", db, "--decision-threshold", "0.5");
        Assert.True(add.Code == 0, add.Out + add.Err);
        Assert.Contains("4 proof(s) added", add.Out);
        var ok = Zkml("registry", "verify", "--registry", db);
        Assert.True(ok.Code == 0, ok.Out + ok.Err);
        Assert.Contains("VERIFIED: 4/4 proof(s) accepted, 40 row(s)", ok.Out);

        var show = Zkml("registry", "show", "--row", "12", "--registry", db, "--json");
        Assert.True(show.Code == 0, show.Out + show.Err);
        using (var doc = JsonDocument.Parse(show.Out))
        {
            var p = Assert.Single(doc.RootElement.GetProperty("proofs").EnumerateArray());
            Assert.Equal("accepted", p.GetProperty("proof").GetProperty("verdict").GetString());
            var rows = p.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(12, Assert.Single(rows).GetProperty("rowIndex").GetInt32());
            Assert.Contains(rows[0].GetProperty("decision").GetString(), new[] { "deny", "approve" });
        }

        // Alter one file (one byte flipped), delete another: both named, with the reason, exit 1.
        string altered = Path.Combine(dir, BatchHashing.ProofFileName(10, 20)), missing = Path.Combine(dir, BatchHashing.ProofFileName(30, 40));
        var bytes = File.ReadAllBytes(altered);
        bytes[^5] ^= 1;
        File.WriteAllBytes(altered, bytes);
        File.Delete(missing);
        var bad = Zkml("registry", "verify", "--registry", db);
        Assert.Equal(1, bad.Code);
        Assert.Contains("PROBLEM batch-0000010-0000020.zkp [rows 11–20]: hash-mismatch", bad.Out);
        Assert.Contains("PROBLEM batch-0000030-0000040.zkp [rows 31–40]: missing", bad.Out);
        Assert.Contains($"{missing}: file not found", bad.Out);
        Assert.Contains("FAILED: 2/4 proof(s) accepted", bad.Out);
        var badShow = Zkml("registry", "show", "--row", "35", "--registry", db);
        Assert.Equal(1, badShow.Code);
        Assert.Contains("NOT VERIFIED (missing)", badShow.Out);

        // The moved file: re-adding it from its new place updates the path, and it verifies again.
        string moved = Path.Combine(fx.Root, "reg-cli-moved");
        Directory.CreateDirectory(moved);
        File.Copy(Path.Combine(fx.GoodBundle, BatchHashing.ProofFileName(30, 40)), Path.Combine(moved, "archived.zkp"));
        var re = Zkml("registry", "add", Path.Combine(moved, "archived.zkp"), "--circuit", CircuitPath, "--commitment", CommitmentPath, "--registry", db);
        Assert.True(re.Code == 0, re.Out + re.Err);
        Assert.Contains("1 moved (path updated)", re.Out);
        var again = Zkml("registry", "show", "--row", "35", "--registry", db);
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.Contains("archived.zkp", again.Out);

        Assert.Equal(1, Zkml("registry", "show", "--row", "999", "--registry", db).Code);              // nothing matches
        Assert.Equal(1, Zkml("registry", "verify", "--registry", NewDb("absent")).Code);              // no registry
        Assert.False(File.Exists(NewDb("absent")));
        Assert.Equal(1, Zkml("registry", "show", "--registry", db).Code);                              // no selector
    }

    [Fact]
    public void StoredBytesVerifyWithoutTheFileAndTheAuditorsOwnFilesAreUsed()
    {
        string dir = Path.Combine(fx.Root, "reg-lone");
        Directory.CreateDirectory(dir);
        string lone = Path.Combine(dir, "decisions.zkp");
        File.Copy(Path.Combine(fx.GoodBundle, BatchHashing.ProofFileName(20, 30)), lone);
        string db = NewDb("lone");
        using (var reg = ProofRegistry.Open(db))
        {
            var r = Add(reg, lone, new RegistryAddOptions(StoreBytes: true, FirstRow: 100));
            Assert.Single(r.Added);
            var p = Assert.Single(reg.Find(new ProofFilter(Row: 105)));
            Assert.True(InferenceProof.TryDecode(File.ReadAllBytes(lone), fx.Circuit, out var proof, out _));
            Assert.Equal(("file", BatchHashing.InputHash(proof!.PublicInput!), true), (p.Source, p.InputHash, p.HasStoredBytes));
        }
        File.Delete(lone);
        var show = Zkml("registry", "show", "--row", "105", "--registry", db, "--circuit", CircuitPath, "--commitment", CommitmentPath);
        Assert.True(show.Code == 0, show.Out + show.Err);
        Assert.Contains($"NOTE {lone}: file not found; verified the copy stored in the registry", show.Out);
        Assert.Contains("row 105:", show.Out);

        // Another circuit given by the auditor selects nothing of this registry.
        string other = Path.Combine(fx.Root, "reg-other-circuit.json");
        var c2 = fx.Circuit with { Name = fx.Circuit.Name + "-other" };
        File.WriteAllText(other, c2.ToJson());
        var half = Zkml("registry", "verify", "--registry", db, "--circuit", other);
        Assert.Equal(1, half.Code);
        Assert.Contains("--circuit and --commitment go together", half.Err);
        using var reg2 = ProofRegistry.Open(db);
        var wrong = (ModelFiles.LoadCircuit(other), fx.Commitment);
        var check = Assert.Single(RegistryAuditor.Verify(reg2, reg2.Find(new ProofFilter()), trusted: wrong));
        Assert.Equal(RegistryVerdicts.Error, check.Verdict);
        Assert.Contains("not the given circuit", check.Reason);
    }

    [Fact]
    public void VersionOneMigratesToCurrentKeepingItsData()
    {
        string db = NewDb("v1");
        using (var v1 = ProofRegistry.Open(db, schemaVersion: 1))
        {
            Assert.Equal(1, v1.SchemaVersion);
            using var cmd = v1.Connection.CreateCommand();
            cmd.CommandText = """
                INSERT INTO proofs(sha256, path, size_bytes, circuit_digest, commitment_digest, batch_size, row_start, row_end, input_hash, source, created_utc, added_utc)
                VALUES ('aa', '/x/batch.zkp', 10, 'cd', 'md', 2, 4, 6, 'ih', 'file', '2026-01-01T00:00:00.0000000Z', '2026-01-02T00:00:00.0000000Z');
                INSERT INTO proof_rows(proof_id, row_index, outputs_json) VALUES (1, 4, '{"o":[0.25]}'), (1, 5, '{"o":[0.75]}');
                INSERT INTO verifications(proof_id, verified_utc, verdict, reason, milliseconds) VALUES (1, '2026-01-03T00:00:00.0000000Z', 'accepted', NULL, 7);
                """;
            cmd.ExecuteNonQuery();
            cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'proof_blobs'";
            Assert.Equal(0L, cmd.ExecuteScalar());
        }
        using var reg = ProofRegistry.Open(db);
        Assert.Equal(RegistrySchema.CurrentVersion, reg.SchemaVersion);
        var p = Assert.Single(reg.Find(new ProofFilter()));
        Assert.Equal(("aa", 4, 6, null, null, false, "accepted"), (p.Sha256, p.RowStart, p.RowEnd, p.DecisionRule, p.ReplacedBy, p.HasStoredBytes, p.LastVerdict));
        Assert.Equal([(4, null, null), (5, null, null)], reg.RowsOf(p.Id).Select(r => (r.RowIndex, r.RowId, r.Decision)));
        Assert.Empty(RegistrySchema.Migrate(reg.Connection));                                      // already current
        using (var cmd = reg.Connection.CreateCommand())
        {
            cmd.CommandText = "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)";
            Assert.Equal(string.Join(",", Enumerable.Range(1, RegistrySchema.CurrentVersion)), cmd.ExecuteScalar());
            cmd.CommandText = $"INSERT INTO schema_version(version, applied_utc) VALUES ({RegistrySchema.CurrentVersion + 1}, 'later')";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<WorkflowException>(() => ProofRegistry.Open(db));
        Assert.Contains("newer than this zkml", e.Message);
    }

    [Fact]
    public async Task ParallelWritersWithTheirOwnConnectionsLoseNothing()
    {
        string db = NewDb("threads");
        const int writers = 4, each = 40;
        using (ProofRegistry.Open(db)) { }
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(() =>
        {
            using var reg = ProofRegistry.Open(db);
            for (int i = 0; i < each; i++)
            {
                string sha = BatchHashing.Sha256(BitConverter.GetBytes(w * 1000 + i));
                var rec = new ProofRecord(sha, $"/w{w}/p{i}.zkp", 1, "cd", "md", 2, i * 2, i * 2 + 2, "ih", "test", RegistryTime.Now(), null,
                    [new RowRecord(i * 2, null, "{}", null), new RowRecord(i * 2 + 1, null, "{}", null)]);
                var (id, outcome) = reg.AddProof(rec);
                Assert.Equal(AddOutcome.Added, outcome);
                reg.RecordVerification(new VerificationRecord(id, RegistryTime.Now(), RegistryVerdicts.Accepted, null, 0));
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks);
        using var check = ProofRegistry.Open(db);
        Assert.Equal((writers * each, writers * each * 2L), (check.CountProofs(), check.CountRows()));
        Assert.All(check.Find(new ProofFilter()), p => Assert.Equal(RegistryVerdicts.Accepted, p.LastVerdict));
    }

    [Fact]
    public async Task TwoShardProcessesWriteOneRegistry()
    {
        string dir = Path.Combine(fx.Root, "reg-shards"), db = NewDb("shards");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var procs = Enumerable.Range(0, 2).Select(i =>
        {
            var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "zkml.dll"), "prove-batch", fx.ModelDir, "--input", fx.Rows40, "--batch-size", "10",
                "--parallel", "1", "-o", dir, "--shard", $"{i}/2", "--registry", db, "--decision-threshold", "0.5" })
                psi.ArgumentList.Add(a);
            return Process.Start(psi)!;
        }).ToList();
        var outputs = procs.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        for (int i = 0; i < procs.Count; i++)
        {
            await procs[i].WaitForExitAsync(timeout.Token);
            string o = await outputs[i].Out, e = await outputs[i].Err;
            Assert.True(procs[i].ExitCode == 0, o + e);
            Assert.Contains("registry:", o);
            procs[i].Dispose();
        }
        using var reg = ProofRegistry.Open(db);
        var all = reg.Find(new ProofFilter());
        Assert.Equal([0, 10, 20, 30], all.Select(p => p.RowStart).Order());                   // listed by creation time
        Assert.Equal(40, reg.CountRows());
        Assert.All(all, p => Assert.Equal("threshold:0.5:deny:approve", p.DecisionRule));
        Assert.All(RegistryAuditor.Verify(reg, all, 2), c => Assert.True(c.Accepted, c.Reason));

        // A resumed run (nothing left to prove) registers nothing new and loses nothing.
        var rerun = Zkml("prove-batch", fx.ModelDir, "--input", fx.Rows40, "--batch-size", "10", "-o", dir, "--shard", "0/2", "--registry", db);
        Assert.True(rerun.Code == 0, rerun.Out + rerun.Err);
        Assert.Contains("registry: " + db + " (0 proof(s) added, 0 problem(s))", rerun.Out);
        Assert.Equal(4, reg.CountProofs());
    }

    [Fact]
    public void ANewProofAtTheSamePathReplacesTheOldEntry()
    {
        string dir = Path.Combine(fx.Root, "reg-replace");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "p.zkp");
        File.Copy(Path.Combine(fx.GoodBundle, BatchHashing.ProofFileName(0, 10)), file);
        using var reg = ProofRegistry.Open(NewDb("replace"));
        Add(reg, file);
        File.Copy(Path.Combine(fx.GoodBundle, BatchHashing.ProofFileName(10, 20)), file, overwrite: true);
        Add(reg, file);
        var current = Assert.Single(reg.Find(new ProofFilter()));
        Assert.Equal(BatchHashing.Sha256(File.ReadAllBytes(file)), current.Sha256);
        var both = reg.Find(new ProofFilter(IncludeReplaced: true));
        Assert.Equal(2, both.Count);
        Assert.Equal(current.Id, Assert.Single(both, p => p.Id != current.Id).ReplacedBy);
        Assert.All(RegistryAuditor.Verify(reg, reg.Find(new ProofFilter())), c => Assert.True(c.Accepted, c.Reason));
    }

    [Fact]
    public void TheRegistryItselfIsNotTrusted()
    {
        string dir = Path.Combine(fx.Root, "reg-untrusted");
        Directory.CreateDirectory(dir);
        string good = Path.Combine(dir, "good.zkp"), forged = Path.Combine(dir, "forged.zkp");
        File.Copy(Path.Combine(fx.GoodBundle, BatchHashing.ProofFileName(0, 10)), good);
        // A forged proof: the same body with one output changed (as the credit demo's tampered copy).
        Assert.True(InferenceProof.TryDecode(File.ReadAllBytes(good), fx.Circuit, out var p0, out _));
        var outs = p0!.Outputs[0].Values.ToArray();
        outs[3] = outs[3] == 0 ? 1 : 0;
        File.WriteAllBytes(forged, new InferenceProof
        {
            CircuitDigest = p0.CircuitDigest, CommitmentDigest = p0.CommitmentDigest, Batch = p0.Batch, PrivateInput = p0.PrivateInput,
            PublicInput = p0.PublicInput, Outputs = [(p0.Outputs[0].Name, outs), .. p0.Outputs.Skip(1)], Body = p0.Body,
        }.ToBytes());
        string db = NewDb("untrusted");
        using (var reg = ProofRegistry.Open(db))
        {
            Assert.Equal(2, Add(reg, dir, new RegistryAddOptions(Decision: DecisionRule.Credit)).Added.Count);
            // Someone edits the index: a stored decision flipped.
            using var cmd = reg.Connection.CreateCommand();
            cmd.CommandText = """
                UPDATE proof_rows SET decision = CASE decision WHEN 'deny' THEN 'approve' ELSE 'deny' END
                WHERE row_index = 7 AND proof_id = (SELECT id FROM proofs WHERE path LIKE '%good.zkp')
                """;
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        var v = Zkml("registry", "verify", "--registry", db, "--json");
        Assert.Equal(1, v.Code);
        using var doc = JsonDocument.Parse(v.Out);
        var byFile = doc.RootElement.GetProperty("proofs").EnumerateArray().ToDictionary(e => Path.GetFileName(e.GetProperty("file").GetString()!), e => e);
        Assert.Equal(RegistryVerdicts.IndexMismatch, byFile["good.zkp"].GetProperty("verdict").GetString());
        Assert.Contains("row 7", byFile["good.zkp"].GetProperty("reason").GetString());
        Assert.Equal(RegistryVerdicts.Rejected, byFile["forged.zkp"].GetProperty("verdict").GetString());
        Assert.Equal((2, 0), (doc.RootElement.GetProperty("selected").GetInt32(), doc.RootElement.GetProperty("accepted").GetInt32()));

        string notDb = fx.WriteFile("reg-not-a-db.db", "just text, not SQLite\n");
        var e = Zkml("registry", "verify", "--registry", notDb);
        Assert.Equal(1, e.Code);
        Assert.Contains("cannot open registry", e.Err);
    }
}
