using System.Text.Json;
using ZkmlProver.Circuit;
using ZkmlProver.Onnx;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>
/// Models a user would bring, exported by PyTorch with several opsets (models/pytorch, made by
/// make_pytorch_models.py): an nn.TransformerEncoder, nn.LSTM, nn.GRU and a LayerNorm/GELU MLP.
/// Each compiles on its calibration rows, keeps ≥ 99.9 % argmax agreement with ONNX Runtime on 64
/// held-out rows (so all of them), and — one opset per architecture, all with ZKML_SLOW_TESTS=1 —
/// proves and verifies a batch.
/// </summary>
public sealed class PyTorchExportTests
{
    static string Dir(string name) => Path.Combine(Models.RepoRoot, "models", "pytorch", name);

    public static TheoryData<string> Exports => new()
    {
        "transformer_encoder_opset13", "transformer_encoder_opset17", "lstm_opset11", "lstm_opset13",
        "gru_opset11", "gru_opset13", "gelu_mlp_opset13", "gelu_mlp_opset17", "depthwise_cnn_opset11", "depthwise_cnn_opset13",
    };

    /// <summary>
    /// A consistent cheater (every computed tensor changed with everything downstream recomputed;
    /// non-boolean bits) against the grouped/depthwise convolutions, the new lookup tables (GELU's erf,
    /// LayerNorm's inverse square root) and the attention block: every
    /// attempt produces a proof and every proof is rejected.
    /// </summary>
    [Theory]
    [InlineData("depthwise_cnn_opset13", false)]
    [InlineData("gelu_mlp_opset17", false)]
    public void A_consistent_cheater_is_rejected(string name, bool privateInput) => RejectConsistentCheater(name, privateInput);

    /// <summary>The same on the transformer block and with committed inputs: about 8 minutes, so not in the default run.</summary>
    [SlowTheory]
    [InlineData("transformer_encoder_opset17", false)]
    [InlineData("depthwise_cnn_opset13", true)]
    public void A_consistent_cheater_is_rejected_slow(string name, bool privateInput) => RejectConsistentCheater(name, privateInput);

    static void RejectConsistentCheater(string name, bool privateInput)
    {
        string dir = Dir(name);
        var q = Quantizer.Quantize(OnnxLoader.Load(Path.Combine(dir, "network.onnx")), InputData.Load(Path.Combine(dir, "calibration.json")));
        var circuit = q.Circuit.Digest is null ? q.Circuit.WithDigest() : q.Circuit;
        var heldout = InputData.Load(Path.Combine(dir, "heldout.json"));
        var input = q.QuantizeInputs(new InputData(heldout.Source, heldout.Rows.Take(2).ToList()));
        var (commitment, key) = ModelCommitter.Commit(circuit, q.Weights, new Random(1));
        int rejected = ConsistentCheater.RejectAll(circuit, commitment, ConsistentCheater.Attempts(circuit, q.Weights, commitment, key, input, 2, privateInput));
        Assert.True(rejected > 10, $"only {rejected} cheating attempts");
    }

    static readonly HashSet<string> Proven = ["transformer_encoder_opset17", "lstm_opset13", "gru_opset13", "gelu_mlp_opset17", "depthwise_cnn_opset13"];

    [Theory]
    [MemberData(nameof(Exports))]
    public void Compiles_keeps_argmax_agreement_on_held_out_rows_and_proves(string name)
    {
        string dir = Dir(name), onnx = Path.Combine(dir, "network.onnx");
        var model = OnnxLoader.Load(onnx);
        var q = Quantizer.Quantize(model, InputData.Load(Path.Combine(dir, "calibration.json")));
        var heldout = InputData.Load(Path.Combine(dir, "heldout.json"));
        Assert.Equal(64, heldout.Count);

        // The export is faithful: ONNX Runtime reproduces PyTorch's outputs on the held-out rows.
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "heldout.json"))))
        using (var ort = new OrtRunner(onnx))
        {
            var torch = doc.RootElement.GetProperty("torch_output").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            for (int r = 0; r < 8; r++)
            {
                var o = ort.Run(heldout.Rows[r])[0];
                for (int i = 0; i < o.Length; i++) Assert.True(Math.Abs(o[i] - torch[r][i]) < 1e-3, $"ORT vs PyTorch, row {r}[{i}]: {o[i]} vs {torch[r][i]}");
            }
        }

        var accuracy = AccuracyReport.Measure(onnx, q, heldout);
        var output = Assert.Single(accuracy.Outputs);
        Assert.True(output.Agreement >= 0.999, $"{name}: argmax agreement {output.Agreement:P2} on held-out rows ({output.Disagreements} disagree), max |err| {output.MaxAbsError}");

        // Proving costs seconds per model (the recurrent ones unroll two dozen lookups): one opset of
        // each architecture is proven in the default run, the other only compiled and compared.
        if (!Proven.Contains(name) && Environment.GetEnvironmentVariable("ZKML_SLOW_TESTS") != "1") return;
        var circuit = q.Circuit.Digest is null ? q.Circuit.WithDigest() : q.Circuit;
        var rows = new InputData(heldout.Source, heldout.Rows.Take(4).ToList());
        var input = q.QuantizeInputs(rows);
        var (commitment, key) = ModelCommitter.Commit(circuit, q.Weights, new Random(1));
        var proof = InferenceProver.Prove(circuit, q.Weights, commitment, key, input, rows.Count, rng: new Random(2));
        var result = InferenceVerifier.Verify(circuit, commitment, proof.ToBytes());
        Assert.True(result.Accepted, result.Verdict.Reason);
        Assert.Equal(ReferenceEvaluator.Evaluate(circuit, q.Weights, input, rows.Count)[circuit.Outputs[0]], result.Proof!.Outputs[0].Values);
    }
}

/// <summary>A theory that runs only with ZKML_SLOW_TESTS=1 (skipped with that message otherwise).</summary>
public sealed class SlowTheoryAttribute : TheoryAttribute
{
    public SlowTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("ZKML_SLOW_TESTS") != "1") Skip = "slow (minutes): set ZKML_SLOW_TESTS=1 to run";
    }
}

/// <summary>Select views (Slice, nearest Upsample, Split): proofs of EZKL's examples and of the
/// transformer's slices stand against a consistent cheater.</summary>
public sealed class SelectViewCheatingTests
{
    [Theory]
    [InlineData("1l_slice")]
    [InlineData("1l_upsample")]
    public void A_consistent_cheater_is_rejected_through_a_select_view(string example)
    {
        if (EzklExampleProofTests.Root is not { } root)
        {
            Assert.True(Environment.GetEnvironmentVariable("ZKML_REQUIRE_SHARED") != "1", "../shared/ezkl-examples is required (ZKML_REQUIRE_SHARED=1)");
            return;
        }
        string dir = Path.Combine(root, example);
        var inputs = InputData.Load(Path.Combine(dir, "input.json"));
        var q = Quantizer.Quantize(OnnxLoader.Load(Path.Combine(dir, "network.onnx")), inputs);
        Assert.Contains(q.Circuit.Layers, l => l is SelectLayer);
        var circuit = q.Circuit.Digest is null ? q.Circuit.WithDigest() : q.Circuit;
        var input = q.QuantizeInputs(inputs);
        var (commitment, key) = ModelCommitter.Commit(circuit, q.Weights, new Random(1));
        foreach (bool privateInput in new[] { false, true })
            Assert.True(ConsistentCheater.RejectAll(circuit, commitment, ConsistentCheater.Attempts(circuit, q.Weights, commitment, key, input, inputs.Count, privateInput)) > 0);
    }
}
