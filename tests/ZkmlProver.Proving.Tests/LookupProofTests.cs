using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Tests;

public class LookupProofTests
{
    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 2)]
    public void SigmoidProofVerifies(bool hidden, int batch)
    {
        var (c, w) = SigmoidCircuits.Build(6, 3, 5, hidden);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(batch, 6, 3);
        var bytes = InferenceProver.Prove(c, w, com, key, input, batch, false, new Random(2)).ToBytes();
        var result = InferenceVerifier.Verify(c, com, bytes);
        Assert.True(result.Accepted, result.Verdict.Reason);
        Assert.Equal(ReferenceEvaluator.Evaluate(c, w, input, batch)[c.Outputs[0]], result.Proof!.Outputs[0].Values);
    }

    [Fact]
    public void WrongSigmoidOutputIsRejected()
    {
        var (c, w) = SigmoidCircuits.Build(6, 3, 5, false);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var proof = InferenceProver.Prove(c, w, com, key, SmallCircuits.Inputs(2, 6, 3), 2, false, new Random(2));
        var outputs = proof.Outputs[0].Values.ToArray();
        outputs[0] += 1;
        var forged = new InferenceProof
        {
            CircuitDigest = proof.CircuitDigest, CommitmentDigest = proof.CommitmentDigest, Batch = proof.Batch,
            PrivateInput = false, PublicInput = proof.PublicInput, Outputs = [(proof.Outputs[0].Name, outputs)], Body = proof.Body,
        };
        Assert.False(InferenceVerifier.Verify(c, com, forged.ToBytes()).Accepted);
    }
}
