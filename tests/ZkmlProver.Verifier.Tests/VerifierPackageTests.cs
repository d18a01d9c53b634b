using System.Reflection;
using System.Text.Json;

namespace ZkmlProver.Verifier.Tests;

/// <summary>
/// The verifier-only package: its dependency graph (NuGet's resolved graph of the project, which is
/// what <c>dotnet pack</c> turns into the package's dependencies) and its assemblies' references
/// reach none of the front end, and it verifies the checked-in proof from public files alone.
/// </summary>
public class VerifierPackageTests
{
    /// <summary>What an auditor must not have to install: ONNX Runtime, the ONNX loader, the quantizer, the workflows, the CLI and their UI/plot/database packages,
    /// and the prover and weights layers (ZkmlProver.Prover: proving, committing, model.key; ZkmlProver.Witness: weight sets and the evaluator).</summary>
    private static readonly string[] Forbidden =
        ["Microsoft.ML.OnnxRuntime", "ZkmlProver.Onnx", "ZkmlProver.Quantize", "ZkmlProver.Workflows", "ZkmlProver.Cli", "zkml",
         "ZkmlProver.Prover", "ZkmlProver.Witness",
         "Google.Protobuf", "Spectre.Console", "ScottPlot", "Microsoft.Data.Sqlite", "System.CommandLine"];

    private static bool IsForbidden(string name) =>
        Forbidden.Any(f => name.Equals(f, StringComparison.OrdinalIgnoreCase) || name.StartsWith(f + ".", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void Package_dependency_graph_has_no_onnx_runtime_quantizer_or_front_end()
    {
        var assets = Path.Combine(RepositoryFiles.Root, "src", "ZkmlProver.Verifier", "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore the solution first");
        using var doc = JsonDocument.Parse(File.ReadAllText(assets));
        var closure = doc.RootElement.GetProperty("targets").EnumerateObject()   // every target (framework, and framework/RID)
            .SelectMany(t => t.Value.EnumerateObject()).Select(lib => lib.Name.Split('/')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // Not vacuous: the graph is the real one (the proving layer and the curve library are in it).
        Assert.Contains("ZkmlProver.Proving", closure);
        Assert.Contains("BouncyCastle.Cryptography", closure);
        Assert.DoesNotContain(closure, IsForbidden);
    }

    /// <summary>Type names of the weights API: whatever holds, reads, commits or proves with the
    /// model owner's weights, the witness or the model key.</summary>
    private static readonly string[] WeightsApi =
        ["WeightSet", "Witness", "ReferenceEvaluator", "ModelKey", "ModelCommitter", "InferenceProver", "ProverContext", "BitsValues"];

    [Fact]
    public void No_type_or_public_signature_in_the_closure_handles_weights()
    {
        var assemblies = Closure().Where(a => a.GetName().Name!.StartsWith("ZkmlProver", StringComparison.Ordinal)).ToList();
        Assert.Contains(assemblies, a => a.GetName().Name == "ZkmlProver.Proving");   // not vacuous
        var types = assemblies.SelectMany(a => a.GetTypes()).ToList();
        Assert.Contains(types, t => t.Name == "InferenceVerifier");
        Assert.DoesNotContain(types, t => WeightsApi.Contains(t.Name));
        // Every public method's parameters and return type, too (a signature could name a type of another assembly).
        var signatures = types.Where(t => t.IsPublic || t.IsNestedPublic)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType))
            .Select(t => t.IsArray || t.IsByRef ? t.GetElementType()! : t);
        Assert.DoesNotContain(signatures, t => WeightsApi.Contains(t.Name));
    }

    private static List<Assembly> Closure()
    {
        var result = new List<Assembly> { typeof(ProofVerifier).Assembly };
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { result[0].GetName().Name! };
        for (int i = 0; i < result.Count; i++)
            foreach (var reference in result[i].GetReferencedAssemblies())
                if (seen.Add(reference.Name!) && !reference.Name!.StartsWith("System", StringComparison.Ordinal) && reference.Name is not ("mscorlib" or "netstandard"))
                    result.Add(Assembly.Load(reference));
        return result;
    }

    [Fact]
    public void Assembly_reference_closure_has_no_front_end()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<Assembly>([typeof(ProofVerifier).Assembly]);
        while (queue.Count > 0)
        {
            var asm = queue.Dequeue();
            foreach (var reference in asm.GetReferencedAssemblies())
            {
                if (!seen.Add(reference.Name!)) continue;
                if (reference.Name!.StartsWith("System", StringComparison.Ordinal) || reference.Name is "mscorlib" or "netstandard") continue;
                queue.Enqueue(Assembly.Load(reference));
            }
        }
        Assert.Contains("ZkmlProver.Proving", seen);
        Assert.DoesNotContain(seen, IsForbidden);
    }

    [Fact]
    public void Verifies_the_checked_in_proof_from_public_files()
    {
        var verdict = ProofVerifier.VerifyFiles(RepositoryFiles.ToolCheck("circuit.json"), RepositoryFiles.ToolCheck("model.commitment"), RepositoryFiles.ToolCheck("credit_logreg.zkp"));
        Assert.True(verdict.Accepted, verdict.Reason);
        Assert.True(verdict.Batch > 0);
        var output = Assert.Single(verdict.Outputs);
        Assert.Equal(verdict.Batch, output.Rows.Length);
        Assert.All(output.Rows.SelectMany(r => r), p => Assert.InRange(p, 0.0, 1.0));   // a probability per applicant
    }

    [Fact]
    public void Rejects_with_a_reason_and_never_throws_on_bad_files()
    {
        var dir = Directory.CreateTempSubdirectory("zkml-verifier-").FullName;
        try
        {
            string circuit = RepositoryFiles.ToolCheck("circuit.json"), commitment = RepositoryFiles.ToolCheck("model.commitment");
            var tampered = ProofVerifier.VerifyFiles(circuit, commitment, RepositoryFiles.TamperedProof(dir));
            Assert.False(tampered.Accepted);
            Assert.False(string.IsNullOrWhiteSpace(tampered.Reason));

            var missing = ProofVerifier.VerifyFiles(circuit, commitment, Path.Combine(dir, "nowhere.zkp"));
            Assert.False(missing.Accepted);
            Assert.Contains("nowhere.zkp", missing.Reason);

            var corrupt = Path.Combine(dir, "corrupt.commitment");
            var bytes = File.ReadAllBytes(commitment);
            File.WriteAllBytes(corrupt, bytes.AsSpan(0, bytes.Length / 2).ToArray());
            var badCommitment = ProofVerifier.VerifyFiles(circuit, corrupt, RepositoryFiles.ToolCheck("credit_logreg.zkp"));
            Assert.False(badCommitment.Accepted);
            Assert.False(string.IsNullOrWhiteSpace(badCommitment.Reason));

            var badCircuit = Path.Combine(dir, "circuit.json");
            File.WriteAllText(badCircuit, "{ \"layers\": [ ");
            Assert.False(ProofVerifier.VerifyFiles(badCircuit, commitment, RepositoryFiles.ToolCheck("credit_logreg.zkp")).Accepted);
        }
        finally { Directory.Delete(dir, true); }
    }
}
