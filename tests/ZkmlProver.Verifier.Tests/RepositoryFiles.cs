namespace ZkmlProver.Verifier.Tests;

/// <summary>Files of the repository the tests read (the checked-in tool-check proof, the README, build outputs).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string ToolCheck(string file) => Path.Combine(Root, "tests", "data", "tool-check", file);

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ZkmlProver.sln"))) return d.FullName;
        throw new InvalidOperationException($"no ZkmlProver.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>A copy of the checked-in proof with one byte changed (in the proof body, past the header).</summary>
    public static string TamperedProof(string dir)
    {
        var bytes = File.ReadAllBytes(ToolCheck("credit_logreg.zkp"));
        bytes[200] ^= 0x01;
        var path = Path.Combine(dir, "tampered.zkp");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
