using ZkmlProver.Circuit;
using ZkmlProver.Proving;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>
/// The forged proofs of issue 9 on the flagship model (credit_mlp), made by a consistent cheater:
/// each yields a proof (a prover exception fails the test) that the verifier must reject.
/// </summary>
public class ForgedCreditProofTests
{
    private static readonly Models.Compiled M = Models.Get("credit_mlp");
    /// <summary>n rows of the model's data (its rows repeated).</summary>
    private static long[] Rows(int n)
    {
        var all = M.Model.QuantizeInputs(M.Inputs);
        int size = M.Model.Circuit.InputTensor.Size, have = all.Length / size;
        var rows = new long[n * size];
        for (int r = 0; r < n; r++)
            for (int i = 0; i < size; i++)
                rows[r * size + i] = all[(r % have) * size + i];
        return rows;
    }

    [Fact]
    public void A_PrivateInputFarOutOfRangeIsRejected()
    {
        var c = M.Model.Circuit;
        var input = Rows(4);
        input[5] = -60000; // declared 16-bit range
        var w = ReferenceEvaluator.Evaluate(c, M.Model.Weights, input, 4, checkRanges: false, afterLayer: null);
        var proof = InferenceProver.Prove(c, M.Model.Weights, M.Commitment, M.Key, input, 4, true, new Random(2), null, null, cheatingWitness: w);
        var v = InferenceVerifier.Verify(c, M.Commitment, proof.ToBytes());
        Assert.False(v.Accepted);
    }

    [Fact]
    public void B_NarrowerClipBeforeTheSigmoidIsProvenExactly()
    {
        // The circuit with its Clip changed to [-200, 200] (inside the table's domain).
        var c0 = M.Model.Circuit;
        var clip = c0.Layers.OfType<ClipLayer>().Single();
        var c = (c0 with { Digest = null, Layers = [.. c0.Layers.Select(l => l == clip ? clip with { Min = -200, Max = 200 } : l)] }).WithDigest();
        var (com, key) = ModelCommitter.Commit(c, M.Model.Weights, new Random(1));
        var input = Rows(8);
        var honest = ReferenceEvaluator.Evaluate(c, M.Model.Weights, input, 8);
        Assert.Contains(honest[clip.Input], v => Math.Abs(v) > 200); // the narrower clip bites
        var ok = InferenceVerifier.Verify(c, com, InferenceProver.Prove(c, M.Model.Weights, com, key, input, 8, false, new Random(2)).ToBytes());
        Assert.True(ok.Accepted, ok.Verdict.Reason);
        Assert.Equal(honest[c.Outputs[0]], ok.Proof!.Outputs[0].Values);

        // The cheater publishes the sigmoid of the value clipped at the table's domain instead.
        var cheat = ReferenceEvaluator.Evaluate(c, M.Model.Weights, input, 8, checkRanges: false, afterLayer: (n, y) =>
        {
            if (n == clip.Output) for (int i = 0; i < y.Length; i++) y[i] = Math.Clamp(honest[clip.Input][i], -5580, 5580);
        });
        Assert.NotEqual(honest[c.Outputs[0]], cheat[c.Outputs[0]]);
        var forged = InferenceProver.Prove(c, M.Model.Weights, com, key, input, 8, false, new Random(2), null, null, cheatingWitness: cheat);
        Assert.False(InferenceVerifier.Verify(c, com, forged.ToBytes()).Accepted);
    }

    [Fact]
    public void EveryConsistentCheatOnCreditMlpIsRejected()
    {
        var c = M.Model.Circuit;
        var input = Rows(3);
        int n = ConsistentCheater.RejectAll(c, M.Commitment, ConsistentCheater.Attempts(c, M.Model.Weights, M.Commitment, M.Key, input, 3, true));
        Assert.True(n >= 10, $"only {n} attempts");
    }
}
