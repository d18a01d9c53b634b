using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Tests;

/// <summary>Tensors read by several layers (a residual block with a gate): claims on one tensor from
/// different layers are reduced to one (GatherStep) before its producer is proven.</summary>
public class ResidualProofTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResidualBlockProvesAndVerifies(bool privateInput)
    {
        var (c, w) = SmallCircuits.Residual(5, 3);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(3, 5, 4);
        var proof = InferenceProver.Prove(c, w, com, key, input, 3, privateInput, new Random(2));
        var result = InferenceVerifier.Verify(c, com, proof.ToBytes());
        Assert.True(result.Accepted, result.Verdict.Reason);
        var witness = ReferenceEvaluator.Evaluate(c, w, input, 3);
        Assert.Equal(witness["out"], result.Proof!.Outputs.Single(o => o.Name == "out").Values);
        Assert.Equal(witness["side"], result.Proof!.Outputs.Single(o => o.Name == "side").Values);
    }

    /// <summary>A cheating prover that changes one entry of h or a (read by two layers each) is rejected.</summary>
    [Theory]
    [InlineData("h")]
    [InlineData("a")]
    [InlineData("y")]
    public void ChangedSharedTensorIsRejected(string tensor)
    {
        var (c, w) = SmallCircuits.Residual(5, 3);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(3, 5, 4);
        var proof = InferenceProver.Prove(c, w, com, key, input, 3, false, new Random(2), null, tamperBits: null,
            tamperWitness: wt => wt[tensor][7] += 1);
        var result = InferenceVerifier.Verify(c, com, proof.ToBytes());
        Assert.False(result.Accepted);
    }
}
