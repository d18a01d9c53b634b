using System.Diagnostics;
using System.Security.Cryptography;
using ZkmlProver.Quantize;

namespace ZkmlProver.Workflows.Tests;

/// <summary>The check: <c>zkml prove-batch</c> of all 200 credit rows killed (SIGKILL) midway and
/// restarted finishes with every batch proven exactly once; nothing finished is redone or changed.</summary>
[Collection("credit")]
public class KillTests(CreditFixture fx)
{
    [Fact]
    public void KilledProveBatchResumesWithEveryBatchProvenOnce()
    {
        string all = Path.Combine(fx.ModelsDir, "credit_mlp", "test.csv"), dir = Path.Combine(fx.Root, "killed");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "zkml.dll"), "prove-batch", fx.ModelDir, "--input", all, "--batch-size", "20", "--parallel", "1", "-o", dir })
            psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            p.OutputDataReceived += (_, _) => { }; p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            var clock = Stopwatch.StartNew();
            string manifest = Path.Combine(dir, "manifest.json");
            while (!p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                if (File.Exists(manifest) && SafeCount(manifest) >= 2) break;
                Thread.Sleep(50);
            }
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        var atKill = Directory.GetFiles(dir, "*.zkp").ToDictionary(f => Path.GetFileName(f), f => (File.GetLastWriteTimeUtc(f), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));
        Assert.InRange(atKill.Count, 2, 10);

        var rerun = BatchProver.Run(fx.ModelDir, InputData.Load(all), dir, new BatchProveOptions(20, Parallelism: 2));
        Assert.Equal(10, rerun.Planned);
        Assert.Equal(atKill.Count, rerun.Skipped + rerun.Adopted);           // everything finished before the kill is kept…
        Assert.Equal(10 - atKill.Count, rerun.Proven);                       // …and only the rest is proven
        Assert.DoesNotContain(rerun.ProvenEntries, e => atKill.ContainsKey(e.ProofFile));
        foreach (var (name, state) in atKill)
        {
            string f = Path.Combine(dir, name);
            Assert.Equal(state, (File.GetLastWriteTimeUtc(f), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));
        }
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
        var audit = BundleAuditor.Audit(dir, fx.Circuit, fx.Commitment, InputData.Load(all));
        Assert.True(audit.Passed, string.Join("; ", audit.Problems));
        Assert.Equal((10, 200), (audit.ProofFiles, audit.RowsCovered));
    }

    static int SafeCount(string manifest)
    {
        try { return BatchManifest.Load(manifest).Batches.Count; }
        catch (WorkflowException) { return 0; }
    }
}
