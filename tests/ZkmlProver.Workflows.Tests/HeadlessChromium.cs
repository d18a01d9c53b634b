using System.Diagnostics;

namespace ZkmlProver.Workflows.Tests;

/// <summary>
/// Renders a page in headless Chromium (<c>/usr/bin/chromium</c>): the DOM after the page's scripts
/// ran (<c>--dump-dom</c>) or a screenshot. Each run gets a new empty profile and no network
/// features, and is killed (with its child processes) after 60 s. Tests that need it use
/// <see cref="ChromiumFactAttribute"/>: skipped with a clear message when Chromium is missing, unless
/// ZKML_REQUIRE_SHARED=1 (set by .ci/run, which installs it), in which case they fail.
/// </summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static bool Available => File.Exists(Path);

    /// <summary>True when ZKML_REQUIRE_SHARED=1: a missing Chromium is a failure, not a skip.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("ZKML_REQUIRE_SHARED") == "1";

    /// <summary>The skip reason when Chromium is missing and not required; null otherwise.</summary>
    public static string? SkipReason => !Available && !Required
        ? $"{Path} not found: the HTML report is not rendered; install chromium or run .ci/run (ZKML_REQUIRE_SHARED=1 makes this a failure)"
        : null;

    /// <summary>The page's DOM, serialized after its scripts ran (the URL may carry a #fragment).</summary>
    public static string DumpDom(string url) => Run("--dump-dom", url);

    /// <summary>Saves a 1280×2000 screenshot of <paramref name="url"/> to <paramref name="png"/>.</summary>
    public static void Screenshot(string url, string png)
    {
        Run($"--screenshot={png}", "--window-size=1280,2000", url);
        Assert.True(File.Exists(png), $"chromium wrote no screenshot at {png}");
    }

    /// <summary>A file: URL for <paramref name="path"/> with an optional fragment (e.g. "sort=-proven").</summary>
    public static string FileUrl(string path, string? fragment = null) =>
        new Uri(System.IO.Path.GetFullPath(path)).AbsoluteUri + (fragment is null ? "" : "#" + fragment);

    static string Run(params string[] args)
    {
        Assert.True(Available, $"{Path} is required (ZKML_REQUIRE_SHARED=1) but not installed");
        string profile = Directory.CreateTempSubdirectory("zkml-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                WorkingDirectory = profile,
            };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                                      "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}" }.Concat(args))
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            // Read both pipes concurrently: Chromium logs a lot on stderr and would block on a full pipe.
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(Timeout))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                Assert.Fail($"chromium did not finish within {Timeout.TotalSeconds} s: {string.Join(' ', args)}");
            }
            p.WaitForExit();   // lets the output reads complete
            // stderr is noise (D-Bus, GPU probing) unless Chromium failed.
            Assert.True(p.ExitCode == 0, $"chromium exited with {p.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>A fact that renders pages in headless Chromium: skipped with a clear reason when it is
/// missing (unless ZKML_REQUIRE_SHARED=1).</summary>
internal sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() { if (HeadlessChromium.SkipReason is { } r) Skip = r; }
}
