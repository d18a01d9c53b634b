namespace ZkmlProver.Onnx.Tests;

/// <summary>
/// Locates the shared read-only material (<c>../shared</c> beside the repository root, found by
/// walking up from the test binary to the folder containing ZkmlProver.sln). Tests that need it call
/// <see cref="RequireDir"/>: when the folder is absent they are skipped with a clear message, unless
/// ZKML_REQUIRE_SHARED=1 (set by .ci/run), in which case they fail.
/// Copy this pattern into other test projects (change the namespace).
/// </summary>
internal static class SharedData
{
    /// <summary>The repository root (folder with ZkmlProver.sln), or null if not found.</summary>
    public static string? RepoRoot { get; } = FindRepoRoot();

    /// <summary>The shared folder (../shared from the repository root), or null when absent.</summary>
    public static string? Root { get; } = RepoRoot is null ? null
        : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared")) is var p && Directory.Exists(p) ? p : null;

    /// <summary>True when ZKML_REQUIRE_SHARED=1: missing shared data is a failure, not a skip.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("ZKML_REQUIRE_SHARED") == "1";

    private static string? FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ZkmlProver.sln"))) return d.FullName;
        return null;
    }

    /// <summary>
    /// The absolute path of <paramref name="relative"/> under the shared folder. Fails the calling
    /// test when it is missing (tests marked <see cref="SharedFactAttribute"/> are already skipped at
    /// discovery when the whole folder is absent and ZKML_REQUIRE_SHARED is not 1).
    /// </summary>
    public static string RequireDir(string relative = "")
    {
        string? path = Root is null ? null : Path.Combine(Root, relative);
        if (path is not null && (Directory.Exists(path) || File.Exists(path))) return path;
        Assert.Fail(Root is null
            ? $"shared data folder not found (expected ../shared beside the repository root {RepoRoot ?? "(ZkmlProver.sln not found)"})"
            : $"shared data '{relative}' not found under {Root}");
        return "";
    }

    /// <summary>The skip reason when the shared folder is absent and not required; null otherwise.</summary>
    public static string? SkipReason => Root is null && !Required
        ? $"shared data folder ../shared not found beside the repository root ({RepoRoot ?? "ZkmlProver.sln not found"}); set up ../shared or run .ci/run (ZKML_REQUIRE_SHARED=1 makes this a failure)"
        : null;
}

/// <summary>A fact that needs ../shared: skipped with a clear reason when it is absent (unless ZKML_REQUIRE_SHARED=1).</summary>
internal sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute() { if (SharedData.SkipReason is { } r) Skip = r; }
}

/// <summary>A theory that needs ../shared: skipped with a clear reason when it is absent (unless ZKML_REQUIRE_SHARED=1).</summary>
internal sealed class SharedTheoryAttribute : TheoryAttribute
{
    public SharedTheoryAttribute() { if (SharedData.SkipReason is { } r) Skip = r; }
}
