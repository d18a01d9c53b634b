namespace ZkmlProver.Quantize.Tests.Conformance;

/// <summary>
/// Locates ../shared beside the repository root (walks up from the test binary to the folder with
/// ZkmlProver.sln). Same pattern as tests/ZkmlProver.Onnx.Tests/SharedData.cs: tests marked
/// <see cref="ConformanceTheoryAttribute"/>/<see cref="ConformanceFactAttribute"/> are skipped with a
/// clear reason when it is absent, unless ZKML_REQUIRE_SHARED=1 (set by .ci/run): then they fail.
/// </summary>
internal static class ConformanceData
{
    public static string? RepoRoot { get; } = FindRepoRoot();

    public static string? Root { get; } = RepoRoot is null ? null
        : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared")) is var p && Directory.Exists(p) ? p : null;

    public static bool Required => Environment.GetEnvironmentVariable("ZKML_REQUIRE_SHARED") == "1";

    public static string? SkipReason => Root is null && !Required
        ? $"shared data folder ../shared not found beside the repository root ({RepoRoot ?? "ZkmlProver.sln not found"}); set up ../shared or run .ci/run (ZKML_REQUIRE_SHARED=1 makes this a failure)"
        : null;

    private static string? FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ZkmlProver.sln"))) return d.FullName;
        return null;
    }

    /// <summary>Absolute path under ../shared; fails the test when missing.</summary>
    public static string Require(string relative)
    {
        string? path = Root is null ? null : Path.Combine(Root, relative);
        if (path is not null && (Directory.Exists(path) || File.Exists(path))) return path;
        Assert.Fail(Root is null
            ? $"shared data folder not found (expected ../shared beside the repository root {RepoRoot ?? "(ZkmlProver.sln not found)"})"
            : $"shared data '{relative}' not found under {Root}");
        return "";
    }
}

internal sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute() { if (ConformanceData.SkipReason is { } r) Skip = r; }
}

internal sealed class ConformanceTheoryAttribute : TheoryAttribute
{
    public ConformanceTheoryAttribute() { if (ConformanceData.SkipReason is { } r) Skip = r; }
}
