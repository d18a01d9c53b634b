using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Tests;

public class InferenceProofTests
{
    private static (Circuit.Circuit, WeightSet, ModelCommitment, ModelKey) Model(int k = 7, int m1 = 5, int m2 = 3, int seed = 1)
    {
        var (c, w) = SmallCircuits.Mlp(k, m1, m2, seed);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(seed));
        return (c, w, com, key);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(5, true)]
    public void HonestProofVerifiesAndCarriesTheEvaluatorsOutputs(int batch, bool privateInput)
    {
        var (c, w, com, key) = Model();
        var input = SmallCircuits.Inputs(batch, 7, 2);
        var proof = InferenceProver.Prove(c, w, com, key, input, batch, privateInput, new Random(3));
        var bytes = proof.ToBytes();
        var result = InferenceVerifier.Verify(c, com, bytes);
        Assert.True(result.Accepted, result.Verdict.Reason);
        var expected = ReferenceEvaluator.Evaluate(c, w, input, batch)["out"];
        Assert.Equal(expected, result.Proof!.Outputs[0].Values);
    }

    [Fact]
    public void ChangedOutputIsRejected()
    {
        var (c, w, com, key) = Model();
        var input = SmallCircuits.Inputs(2, 7, 2);
        var proof = InferenceProver.Prove(c, w, com, key, input, 2, false, new Random(3));
        var outputs = proof.Outputs[0].Values.ToArray();
        outputs[1] += 1;
        var forged = new InferenceProof
        {
            CircuitDigest = proof.CircuitDigest, CommitmentDigest = proof.CommitmentDigest, Batch = proof.Batch,
            PrivateInput = false, PublicInput = proof.PublicInput, Outputs = [(proof.Outputs[0].Name, outputs)], Body = proof.Body,
        };
        var result = InferenceVerifier.Verify(c, com, forged.ToBytes());
        Assert.False(result.Accepted);
    }

    [Fact]
    public void ChangedInputIsRejected()
    {
        var (c, w, com, key) = Model();
        var input = SmallCircuits.Inputs(2, 7, 2);
        var proof = InferenceProver.Prove(c, w, com, key, input, 2, false, new Random(3));
        var changed = proof.PublicInput!.ToArray();
        changed[3] += 1;
        var forged = new InferenceProof
        {
            CircuitDigest = proof.CircuitDigest, CommitmentDigest = proof.CommitmentDigest, Batch = proof.Batch,
            PrivateInput = false, PublicInput = changed, Outputs = proof.Outputs, Body = proof.Body,
        };
        Assert.False(InferenceVerifier.Verify(c, com, forged.ToBytes()).Accepted);
    }

    [Fact]
    public void ProofAgainstAnotherModelsCommitmentIsRejected()
    {
        var (c, w, com, key) = Model();
        var other = ModelCommitter.Commit(c, SmallCircuits.Mlp(7, 5, 3, seed: 9).Weights, new Random(4)).Commitment;
        var proof = InferenceProver.Prove(c, w, com, key, SmallCircuits.Inputs(1, 7, 2), 1, false, new Random(3)).ToBytes();
        var result = InferenceVerifier.Verify(c, other, proof);
        Assert.False(result.Accepted);
        Assert.Contains("different model commitment", result.Verdict.Reason);
    }

    [Fact]
    public void CheatingProverWithOtherWeightsIsRejected()
    {
        // The prover holds the commitment and key of model A but computes with the weights of B
        // (same shapes); the openings of A's commitment cannot match.
        var (c, w, com, key) = Model();
        var wB = SmallCircuits.Mlp(7, 5, 3, seed: 9).Weights;
        var proof = InferenceProver.Prove(c, wB, com, key, SmallCircuits.Inputs(2, 7, 2), 2, false, new Random(3), null, tamperBits: null).ToBytes();
        var result = InferenceVerifier.Verify(c, com, proof);
        Assert.False(result.Accepted);
    }

    [Fact]
    public void ProverRefusesWeightsTheKeyWasNotMadeFrom()
    {
        var (c, w, com, key) = Model();
        var wB = SmallCircuits.Mlp(7, 5, 3, seed: 9).Weights;
        var e = Assert.Throws<ProvingException>(() => InferenceProver.Prove(c, wB, com, key, SmallCircuits.Inputs(1, 7, 2), 1));
        Assert.Contains("other weights", e.Message);
        var other = ModelCommitter.Commit(c, w, new Random(5));
        e = Assert.Throws<ProvingException>(() => InferenceProver.Prove(c, w, com, other.Key, SmallCircuits.Inputs(1, 7, 2), 1));
        Assert.Contains("model.key opens commitment", e.Message);
    }

    [Fact]
    public void EverySampledByteMutationIsRejectedWithoutThrowing()
    {
        var (c, w, com, key) = Model(5, 3, 2);
        var bytes = InferenceProver.Prove(c, w, com, key, SmallCircuits.Inputs(1, 5, 2), 1, false, new Random(3)).ToBytes();
        var rng = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var m = (byte[])bytes.Clone();
            int pos = rng.Next(m.Length);
            m[pos] ^= (byte)(1 << rng.Next(8));
            var result = InferenceVerifier.Verify(c, com, m);
            Assert.False(result.Accepted, $"mutation at byte {pos} of {m.Length} was accepted");
        }
    }

    [Fact]
    public void TwoProofsOfTheSameStatementDiffer()
    {
        var (c, w, com, key) = Model();
        var input = SmallCircuits.Inputs(1, 7, 2);
        var a = InferenceProver.Prove(c, w, com, key, input, 1).Body;
        var b = InferenceProver.Prove(c, w, com, key, input, 1).Body;
        Assert.NotEqual(a, b);
    }
}

public class CheatingProverTests
{
    /// <summary>A cheating prover keeps Z = Σ 2^j·B_j but uses a digit 2 (B_1 = 1, B_0 = 0 becomes
    /// B_1 = 0, B_0 = 2): every linear relation still holds, only booleanity can catch it.</summary>
    [Fact]
    public void NonBooleanBitsAreRejected()
    {
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, 1);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(2, 7, 2);
        bool tampered = false;
        var proof = InferenceProver.Prove(c, w, com, key, input, 2, false, new Random(3), null, (name, table) =>
        {
            if (tampered || name != "q1") return;
            var plan = new InferencePlan(c.WithDigest(), 2);
            int width = 1 << plan.Bits[name].BitVars;
            for (int e = 0; e < table.Length / width && !tampered; e++)
                if (table[e * width + 1] == 1 && table[e * width] == 0)
                {
                    table[e * width + 1] = 0;
                    table[e * width] = 2;
                    tampered = true;
                }
        });
        Assert.True(tampered);
        var result = InferenceVerifier.Verify(c, com, proof.ToBytes());
        Assert.False(result.Accepted);
        Assert.Contains("booleanity", result.Verdict.Reason);
    }

    [Fact]
    public void BatchedVerificationStillNamesTheFailingCheck()
    {
        // Flip the low bit of the last byte of the proof (a Hyrax response scalar, big- or little-endian:
        // either way still canonical with overwhelming probability): decoding succeeds, a group
        // equation fails, and the unbatched re-verification names it.
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, 1);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(2, 7, 2);
        var bytes = InferenceProver.Prove(c, w, com, key, input, 2, false, new Random(3)).ToBytes();
        int rejectedByGroupCheck = 0;
        for (int back = 1; back <= 40; back++)
        {
            var bad = (byte[])bytes.Clone();
            bad[^back] ^= 1;
            var result = InferenceVerifier.Verify(c, com, bad);
            Assert.False(result.Accepted);
            Assert.False(string.IsNullOrEmpty(result.Verdict.Reason));
            Assert.DoesNotContain("batched group check failed", result.Verdict.Reason);
            if (result.Verdict.Reason!.Contains("hyrax evaluation")) rejectedByGroupCheck++;
        }
        Assert.True(rejectedByGroupCheck > 0, "no mutation reached a group equation");
    }
}
