using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ZkmlProver.Verifier.Tests;

/// <summary>
/// The README's verifier-only example (the C# block after <c>&lt;!-- verifier-example --&gt;</c>) is
/// compiled with Roslyn against the verifier package's assemblies only — with the implicit usings of
/// a new <c>dotnet new console</c> project — and run on the checked-in proof and on a tampered copy.
/// </summary>
public class ReadmeExampleTests
{
    private const string Marker = "<!-- verifier-example -->";

    private static string ExampleSource()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "README.md"));
        int marker = readme.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(marker >= 0, $"README.md has no {Marker}");
        int start = readme.IndexOf("```csharp\n", marker, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    private static Assembly Compile(string source)
    {
        // A console project's implicit usings (Microsoft.NET.Sdk, ImplicitUsings=enable).
        const string implicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll");
        // The verifier package's closure, as an auditor's project would reference it.
        var package = new[] { "ZkmlProver.Verifier", "ZkmlProver.Proving", "ZkmlProver.Circuit" }
            .Select(name => Path.Combine(AppContext.BaseDirectory, name + ".dll"));
        var compilation = CSharpCompilation.Create("ReadmeVerifierExample",
            [CSharpSyntaxTree.ParseText(implicitUsings), CSharpSyntaxTree.ParseText(source)],
            framework.Concat(package).Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, "the README example does not compile:\n" +
            string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        Assert.DoesNotContain(emitted.Diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        return Assembly.Load(image.ToArray());
    }

    [Fact]
    public void Readme_verifier_example_compiles_and_verifies()
    {
        var example = Compile(ExampleSource());
        string circuit = RepositoryFiles.ToolCheck("circuit.json"), commitment = RepositoryFiles.ToolCheck("model.commitment");
        int Run(string proof) => (int)example.EntryPoint!.Invoke(null, [new[] { circuit, commitment, proof }])!;

        Assert.Equal(0, Run(RepositoryFiles.ToolCheck("credit_logreg.zkp")));
        var dir = Directory.CreateTempSubdirectory("zkml-readme-").FullName;
        try { Assert.Equal(1, Run(RepositoryFiles.TamperedProof(dir))); }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Readme_example_is_about_ten_lines()
    {
        int lines = ExampleSource().Split('\n').Count(l => l.Trim().Length > 0);
        Assert.InRange(lines, 3, 12);
    }
}
