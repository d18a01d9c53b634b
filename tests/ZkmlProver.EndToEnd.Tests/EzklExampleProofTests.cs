using Xunit.Abstractions;
using ZkmlProver.Circuit;
using ZkmlProver.Onnx;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>
/// EZKL's example models (../shared/ezkl-examples) that the front end loads are proven end to end
/// with their own input.json: compile → commit → prove → verify, outputs equal to the reference
/// evaluator's, and a changed output rejected. Wider op coverage than our six models (residual adds,
/// concatenations, pooling, batch norm, …).
/// </summary>
public sealed class EzklExampleProofTests(ITestOutputHelper output)
{
    public static string? Root
    {
        get
        {
            var p = Path.GetFullPath(Path.Combine(Models.RepoRoot, "..", "shared", "ezkl-examples"));
            return Directory.Exists(p) ? p : null;
        }
    }

    [Fact]
    public void LoadableExamplesAreProvenAndVerified()
    {
        if (Root is not { } root)
        {
            Assert.True(Environment.GetEnvironmentVariable("ZKML_REQUIRE_SHARED") != "1", "../shared/ezkl-examples is required (ZKML_REQUIRE_SHARED=1)");
            return;
        }
        int proven = 0, loadable = 0;
        var failures = new List<string>();
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir), onnx = Path.Combine(dir, "network.onnx"), json = Path.Combine(dir, "input.json");
            if (!File.Exists(onnx) || !File.Exists(json)) continue;
            OnnxModel model;
            InputData inputs;
            try { model = OnnxLoader.Load(onnx); inputs = InputData.Load(json); }
            catch (Exception e) when (e is UnsupportedOnnxException or OnnxFormatException or QuantizeException) { continue; }
            loadable++;
            string stage = "compile";
            try
            {
                var q = Quantizer.Quantize(model, inputs);
                var circuit = q.Circuit.Digest is null ? q.Circuit.WithDigest() : q.Circuit;
                var input = q.QuantizeInputs(inputs);
                var witness = ReferenceEvaluator.Evaluate(circuit, q.Weights, input, inputs.Count);
                stage = "prove";
                var (commitment, key) = ModelCommitter.Commit(circuit, q.Weights, new Random(1));
                var proof = InferenceProver.Prove(circuit, q.Weights, commitment, key, input, inputs.Count, rng: new Random(2));
                stage = "verify";
                var result = InferenceVerifier.Verify(circuit, commitment, proof.ToBytes());
                if (!result.Accepted) { failures.Add($"{name}: rejected: {result.Verdict.Reason}"); continue; }
                foreach (var (o, values) in result.Proof!.Outputs)
                    Assert.Equal(witness[o], values);
                var forged = Forgery.WithFirstOutputChanged(proof, 0);
                Assert.False(InferenceVerifier.Verify(circuit, commitment, forged.ToBytes()).Accepted, $"{name}: a changed output was accepted");
                proven++;
                output.WriteLine($"{name}: proven ({circuit.Layers.Length} layers: {string.Join(", ", circuit.Layers.Select(l => l.Op).Distinct())}), {proof.ToBytes().Length} bytes");
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                failures.Add($"{name}: {stage}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        }
        output.WriteLine($"ezkl examples: {proven}/{loadable} loadable examples proven");
        foreach (var f in failures) output.WriteLine("  " + f);
        Assert.True(loadable > 0);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
