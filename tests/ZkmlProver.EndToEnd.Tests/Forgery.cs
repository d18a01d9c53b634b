using ZkmlProver.Proving;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>Forged statements for soundness tests.</summary>
public static class Forgery
{
    /// <summary>The proof with value <paramref name="index"/> of its first output changed by +1 (same body).</summary>
    public static InferenceProof WithFirstOutputChanged(InferenceProof proof, Index index)
    {
        var (name, values) = proof.Outputs[0];
        var changed = (long[])values.Clone();
        changed[index] += 1;
        return new InferenceProof
        {
            CircuitDigest = proof.CircuitDigest, CommitmentDigest = proof.CommitmentDigest, Batch = proof.Batch,
            PrivateInput = proof.PrivateInput, PublicInput = proof.PublicInput, Outputs = [(name, changed), .. proof.Outputs.Skip(1)], Body = proof.Body,
        };
    }
}
