using ZkmlProver.Circuit;
using ZkmlProver.Proving;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>The end-to-end ladder on every real model: compile → commit → prove a batch of 8 from
/// input.json → verify; outputs equal the reference evaluator's; a changed output is rejected.</summary>
public class ModelLadderTests
{
    public static TheoryData<string> ModelNames => new(Models.All);

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void BatchOfEightProvesAndVerifies(string name)
    {
        var m = Models.Get(name);
        var input = m.Model.QuantizeInputs(m.Inputs);
        int batch = m.Inputs.Count;
        var proof = InferenceProver.Prove(m.Model.Circuit, m.Model.Weights, m.Commitment, m.Key, input, batch);
        var bytes = proof.ToBytes();
        var result = InferenceVerifier.Verify(m.Model.Circuit, m.Commitment, bytes);
        Assert.True(result.Accepted, result.Verdict.Reason);
        var expected = ReferenceEvaluator.Evaluate(m.Model.Circuit, m.Model.Weights, input, batch);
        for (int i = 0; i < m.Model.Circuit.Outputs.Length; i++)
            Assert.Equal(expected[m.Model.Circuit.Outputs[i]], result.Proof!.Outputs[i].Values);

        var forged = Forgery.WithFirstOutputChanged(proof, ^1);
        Assert.False(InferenceVerifier.Verify(m.Model.Circuit, m.Commitment, forged.ToBytes()).Accepted);
    }
}
