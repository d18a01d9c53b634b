using System.Diagnostics;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>Killing <c>zkml prove</c> (the real binary, as a child process) in the middle of proving a
/// 256-row batch of mlp_deep leaves no proof file and no temporary file, and an earlier proof at the
/// output path (with <c>--force</c>) stays byte-for-byte intact.</summary>
/// <remarks>The signal (SIGKILL, or SIGTERM) lands while the prover reports progress, i.e. before the proof is
/// written. AtomicFile writes "&lt;path&gt;.tmp-&lt;pid&gt;-&lt;guid&gt;" and renames it; a SIGKILL inside the few
/// milliseconds between creating and renaming that file would leave it behind (no finally block runs) — this test does not aim at that window.</remarks>
public sealed class InterruptedProveTests
{
    /// <summary>Large enough that proving lasts many times the wait below even on a fast idle machine
    /// (mlp_deep proves 64 rows in ≈ 1 s there); the process is killed long before it finishes, so the
    /// size costs little.</summary>
    const int Rows = 2048;

    /// <summary>How long after the first progress line the process is interrupted.</summary>
    const int WaitMs = 300;

    /// <param name="signal">KILL (Process.Kill) or TERM (what timeout, systemd and docker stop send).</param>
    [Theory]
    [InlineData("KILL", false)]
    [InlineData("KILL", true)]
    [InlineData("TERM", false)]
    public void KillingProveMidwayLeavesNoPartialProof(string signal, bool earlierProofExists)
    {
        using var t = new TempDir();
        var m = Models.Get("mlp_deep");
        ModelFolder.Write(t["model"], m);
        ModelFolder.WriteCsv(t["rows.csv"], m, Rows);
        Directory.CreateDirectory(t["out"]);
        string proof = t["out/batch.zkp"];
        byte[] earlier = "an earlier proof, to be replaced only by a complete one"u8.ToArray();
        if (earlierProofExists) File.WriteAllBytes(proof, earlier);

        string[] args = ["prove", t["model"], "-i", t["rows.csv"], "-o", proof, .. earlierProofExists ? new[] { "--force" } : []];
        using var p = Zkml.Start(args);
        var stderr = new System.Text.StringBuilder();
        bool stoppedByTerm = false;
        var proving = new ManualResetEventSlim();
        // Dedicated reader threads, not the async DataReceived events: those run on the thread pool,
        // which other tests running in parallel (provers with Parallel.For) can starve for seconds,
        // so the first progress line would be seen only after the child had finished.
        var errReader = new Thread(() =>
        {
            while (p.StandardError.ReadLine() is { } line)
            {
                lock (stderr) stderr.AppendLine(line);
                if (line.StartsWith("prove: ", StringComparison.Ordinal)) proving.Set();
            }
        }) { IsBackground = true };
        var outReader = new Thread(() => { while (p.StandardOutput.ReadLine() is not null) { } }) { IsBackground = true };
        errReader.Start();
        outReader.Start();
        try
        {
            Assert.True(proving.Wait(TimeSpan.FromSeconds(180)), $"prove never reported progress; stderr:\n{stderr}");
            Thread.Sleep(WaitMs);
            Assert.False(p.HasExited, $"prove finished within {WaitMs} ms of starting to prove (exit {(p.HasExited ? p.ExitCode : 0)}); the batch is too small to interrupt\n{stderr}");
        }
        finally
        {
            if (!p.HasExited && signal == "TERM" && !OperatingSystem.IsWindows())
            {
                using var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
                p.WaitForExit(30_000);
                stoppedByTerm = p.HasExited;
            }
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit(30_000);
        }
        Assert.True(p.HasExited);
        Assert.NotEqual(0, p.ExitCode);
        if (signal == "TERM") Assert.True(stoppedByTerm, "zkml prove did not stop within 30 s of SIGTERM");

        var left = t.Files("out");
        if (earlierProofExists)
        {
            Assert.Equal(["batch.zkp"], left);
            Assert.Equal(earlier, File.ReadAllBytes(proof));
        }
        else Assert.Empty(left);
    }
}
