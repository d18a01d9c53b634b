using ZkmlProver.Circuit;
using ZkmlProver.Proving;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>Batches that are not a power of two (the layout pads the batch axis) and batch 1, in both
/// input modes: the proof verifies and carries exactly the reference evaluator's outputs; a proof for
/// B rows cannot be passed off as a proof for fewer rows.</summary>
public sealed class BatchSizeTests
{
    [Theory]
    [InlineData("credit_mlp", 1, false)]
    [InlineData("credit_mlp", 3, true)]
    [InlineData("digits_cnn", 3, false)]
    [InlineData("mnist_mlp_shape", 5, true)]
    [InlineData("credit_logreg", 5, false)]
    public void OddBatchesProveAndVerify(string name, int batch, bool privateInput)
    {
        var m = Models.Get(name);
        var rows = m.Inputs.Slice(0, batch);
        var input = m.Model.QuantizeInputs(rows);
        var proof = InferenceProver.Prove(m.Model.Circuit, m.Model.Weights, m.Commitment, m.Key, input, batch, privateInput);
        var r = InferenceVerifier.Verify(m.Model.Circuit, m.Commitment, proof.ToBytes());
        Assert.True(r.Accepted, r.Verdict.Reason);
        Assert.Equal(batch, r.Proof!.Batch);
        Assert.Equal(privateInput, r.Proof.PrivateInput);
        var expected = ReferenceEvaluator.Evaluate(m.Model.Circuit, m.Model.Weights, input, batch);
        for (int i = 0; i < m.Model.Circuit.Outputs.Length; i++)
            Assert.Equal(expected[m.Model.Circuit.Outputs[i]], r.Proof.Outputs[i].Values);

        // drop the last row from the statement (batch − 1, inputs and outputs cut to match)
        if (batch > 1)
        {
            int inSize = m.Model.Circuit.InputTensor.Size;
            var cut = new InferenceProof
            {
                CircuitDigest = proof.CircuitDigest, CommitmentDigest = proof.CommitmentDigest, Batch = batch - 1, PrivateInput = privateInput,
                PublicInput = privateInput ? null : proof.PublicInput![..((batch - 1) * inSize)],
                Outputs = proof.Outputs.Select(o => (o.Name, o.Values[..((batch - 1) * m.Model.Circuit.Tensor(o.Name).Size)])).ToList(),
                Body = proof.Body,
            };
            Assert.False(InferenceVerifier.Verify(m.Model.Circuit, m.Commitment, cut.ToBytes()).Accepted);
        }
    }

    /// <summary>One verifier process checking proofs on several threads at once (a verification service):
    /// every honest proof accepted, every tampered one rejected.</summary>
    [Fact]
    public void ConcurrentVerificationsAgree()
    {
        var m = Models.Get("digits_mlp");
        var rows = m.Inputs.Slice(0, 2);
        var good = InferenceProver.Prove(m.Model.Circuit, m.Model.Weights, m.Commitment, m.Key, m.Model.QuantizeInputs(rows), 2).ToBytes();
        var bad = (byte[])good.Clone();
        bad[^40] ^= 1;
        var results = new bool[12];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => results[i] = InferenceVerifier.Verify(m.Model.Circuit, m.Commitment, i % 3 == 2 ? bad : good).Accepted);
        for (int i = 0; i < results.Length; i++) Assert.Equal(i % 3 != 2, results[i]);
    }
}
