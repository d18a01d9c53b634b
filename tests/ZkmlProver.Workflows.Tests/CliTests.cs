using ZkmlProver.Cli;

namespace ZkmlProver.Workflows.Tests;

/// <summary>The commands' exit codes and messages (through <see cref="Program.Main"/>, output captured).</summary>
[Collection("credit")]
public class CliTests(CreditFixture fx)
{
    /// <summary>Runs <c>zkml</c> in-process with its console output captured (tests of one collection run one at a time).</summary>
    internal static (int Code, string Out, string Err) Zkml(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o); Console.SetError(e);
        try { return (Program.Main(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    string Circuit => Path.Combine(fx.ModelDir, "circuit.json");
    string Commitment => Path.Combine(fx.ModelDir, "model.commitment");

    [Fact]
    public void AuditExitCodes()
    {
        var ok = Zkml("audit", fx.GoodBundle, "--circuit", Circuit, "--commitment", Commitment, "--inputs", fx.Rows40);
        Assert.True(ok.Code == 0, ok.Out + ok.Err);
        Assert.Contains("AUDIT PASSED: 4/4 proofs verified, 40/40 rows covered", ok.Out);

        string dir = fx.CopyGood("cli-audit-missing");
        File.Delete(Path.Combine(dir, BatchHashing.ProofFileName(30, 40)));
        string report = Path.Combine(fx.Root, "cli-audit", "r.md");
        var bad = Zkml("audit", dir, "--circuit", Circuit, "--commitment", Commitment, "--report", report);
        Assert.Equal(1, bad.Code);
        Assert.Contains("PROBLEM batch-0000030-0000040.zkp [rows 31–40]: proof file is missing", bad.Out);
        Assert.Contains("FAILED", File.ReadAllText(report));
        Assert.Contains("\"passed\": false", File.ReadAllText(Path.ChangeExtension(report, ".json")));
        var again = Zkml("audit", dir, "--circuit", Circuit, "--commitment", Commitment, "--report", report);
        Assert.Equal(2, again.Code);
        Assert.Contains("--force", again.Err);

        var unreadable = Zkml("audit", fx.GoodBundle, "--circuit", Circuit, "--commitment", Path.Combine(fx.Root, "none.commitment"));
        Assert.Equal(2, unreadable.Code);
        Assert.Contains("not found", unreadable.Err);
    }

    [Fact]
    public void ProveBatchResumesAndRejectsBadShards()
    {
        string dir = fx.CopyGood("cli-resume");
        var r = Zkml("prove-batch", fx.ModelDir, "--input", fx.Rows40, "--batch-size", "10", "-o", dir);
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("0 batch(es) proven, 4 already done", r.Out);
        Assert.Contains("prove-batch: 4/4 batches (100%)", r.Err);

        var shard = Zkml("prove-batch", fx.ModelDir, "--input", fx.Rows40, "--batch-size", "10", "-o", dir, "--shard", "2/2");
        Assert.Equal(1, shard.Code);
        Assert.Contains("--shard '2/2'", shard.Err);

        var csv = Zkml("prove-batch", fx.ModelDir, "--input", Path.Combine(fx.Root, "missing.csv"), "--batch-size", "10", "-o", dir);
        Assert.Equal(1, csv.Code);
        Assert.Contains("missing.csv", csv.Err);

        var usage = Zkml("prove-batch", fx.ModelDir, "--input", fx.Rows40, "-o", dir);
        Assert.Equal(2, usage.Code);
    }

    [Fact]
    public void DemoRefusesANonEmptyFolder()
    {
        string dir = Path.Combine(fx.Root, "cli-demo");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "keep.txt"), "mine");
        var r = Zkml("demo", "credit", "-o", dir, "--models", fx.ModelsDir);
        Assert.Equal(1, r.Code);
        Assert.Contains("not empty", r.Err);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "keep.txt")));
    }
}
