using System.Buffers.Binary;
using ZkmlProver.Proving;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>The test classes sharing <see cref="CreditMlpProofFixture"/> (run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class CreditMlpProofCollection : ICollectionFixture<CreditMlpProofFixture>
{
    public const string Name = "credit_mlp batch-8 proofs";
}

/// <summary>One honest proof of credit_mlp on the 8 rows of its input.json (public inputs), made once;
/// a second public-input proof and a private-input proof of the same rows on first use (system CSPRNG).</summary>
public sealed class CreditMlpProofFixture
{
    public Models.Compiled M { get; } = Models.Get("credit_mlp");
    public InferenceProof Proof { get; }
    public byte[] Bytes { get; }

    public CreditMlpProofFixture()
    {
        var input = M.Model.QuantizeInputs(M.Inputs);
        Proof = InferenceProver.Prove(M.Model.Circuit, M.Model.Weights, M.Commitment, M.Key, input, M.Inputs.Count, false, new Random(21));
        Bytes = Proof.ToBytes();
        Second = new Lazy<InferenceProof>(() => InferenceProver.Prove(M.Model.Circuit, M.Model.Weights, M.Commitment, M.Key, Input, M.Inputs.Count));
        Private = new Lazy<InferenceProof>(() => InferenceProver.Prove(M.Model.Circuit, M.Model.Weights, M.Commitment, M.Key, Input, M.Inputs.Count, privateInput: true));
    }

    /// <summary>The quantized input rows (batch-major).</summary>
    public long[] Input => M.Model.QuantizeInputs(M.Inputs);
    public Lazy<InferenceProof> Second { get; }
    public Lazy<InferenceProof> Private { get; }

    public VerificationResult Verify(byte[] bytes) => InferenceVerifier.Verify(M.Model.Circuit, M.Commitment, bytes);
}

/// <summary>Corrupt, truncated, re-targeted and edited proof and commitment files of a real model
/// (credit_mlp, batch 8): every one is rejected with a reason, and nothing throws.</summary>
[Collection(CreditMlpProofCollection.Name)]
public sealed class ProofRobustnessTests(CreditMlpProofFixture fx)
{
    [Fact]
    public void TheHonestProofIsAccepted()
    {
        var r = fx.Verify(fx.Bytes);
        Assert.True(r.Accepted, r.Verdict.Reason);
        Assert.Equal(8, r.Proof!.Batch);
    }

    /// <summary>≥ 200 seeded single-byte mutations (random position, random non-zero XOR mask): each
    /// one rejected with a reason, and no exception escapes the verifier.</summary>
    [Fact]
    public void TwoHundredRandomSingleByteMutationsAreAllRejected()
    {
        var rng = new Random(2024);
        var failures = new List<string>();
        for (int i = 0; i < 200; i++)
        {
            var m = (byte[])fx.Bytes.Clone();
            int pos = rng.Next(m.Length);
            m[pos] ^= (byte)rng.Next(1, 256);
            VerificationResult r;
            try { r = fx.Verify(m); }
            catch (Exception e) { failures.Add($"byte {pos}: {e.GetType().Name} escaped Verify: {e.Message}"); continue; }
            if (r.Accepted) failures.Add($"byte {pos}: mutation accepted");
            else if (string.IsNullOrWhiteSpace(r.Verdict.Reason)) failures.Add($"byte {pos}: rejected without a reason");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of 200 mutations of a {fx.Bytes.Length}-byte proof:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void FiftyRandomTruncationsAreRejected()
    {
        var rng = new Random(77);
        var lengths = new[] { 0, 1, 8, fx.Bytes.Length - 1 }.Concat(Enumerable.Range(0, 46).Select(_ => rng.Next(fx.Bytes.Length)));
        foreach (int len in lengths)
        {
            var r = fx.Verify(fx.Bytes[..len]);
            Assert.False(r.Accepted, $"truncation to {len} bytes accepted");
            Assert.False(string.IsNullOrWhiteSpace(r.Verdict.Reason));
        }
        // appended bytes too
        Assert.False(fx.Verify([.. fx.Bytes, 0]).Accepted);
    }

    [Fact]
    public void AProofCheckedAgainstAnotherModelIsRejectedNamingTheCircuit()
    {
        var other = Models.Get("credit_logreg");
        var r = InferenceVerifier.Verify(other.Model.Circuit, other.Commitment, fx.Bytes);
        Assert.False(r.Accepted);
        Assert.Contains("circuit", r.Verdict.Reason);
        Assert.Contains(fx.M.Model.Circuit.Digest!, r.Verdict.Reason);

        // the right circuit with another model's commitment: refused before the proof is read
        var r2 = InferenceVerifier.Verify(fx.M.Model.Circuit, other.Commitment, fx.Bytes);
        Assert.False(r2.Accepted);
        Assert.Contains("commitment", r2.Verdict.Reason);
    }

    /// <summary>Same circuit, same weights, a second commitment (other blinds): the proof is bound to
    /// the commitment it was made for.</summary>
    [Fact]
    public void AProofCheckedAgainstAnotherCommitmentOfTheSameWeightsIsRejected()
    {
        var (second, _) = ModelCommitter.Commit(fx.M.Model.Circuit, fx.M.Model.Weights, new Random(99));
        Assert.NotEqual(fx.M.Commitment.Digest, second.Digest);
        var r = InferenceVerifier.Verify(fx.M.Model.Circuit, second, fx.Bytes);
        Assert.False(r.Accepted);
        Assert.Contains("different model commitment", r.Verdict.Reason);
    }

    [Fact]
    public void AChangedPublicInputValueIsRejected()
    {
        var input = fx.Proof.PublicInput!;
        var t = fx.M.Model.Circuit.InputTensor;
        foreach (int index in new[] { 0, input.Length / 2, input.Length - 1 })
        {
            var changed = (long[])input.Clone();
            changed[index] += changed[index] < t.MaxValue ? 1 : -1;
            var forged = new InferenceProof
            {
                CircuitDigest = fx.Proof.CircuitDigest, CommitmentDigest = fx.Proof.CommitmentDigest, Batch = fx.Proof.Batch,
                PrivateInput = false, PublicInput = changed, Outputs = fx.Proof.Outputs, Body = fx.Proof.Body,
            };
            var r = fx.Verify(forged.ToBytes());
            Assert.False(r.Accepted, $"input {index} changed and accepted");
        }
    }

    /// <summary>A cheating prover holding the model key but proving with one weight changed by one
    /// (outputs computed honestly from the changed weights): rejected.</summary>
    [Fact]
    public void ACheatingProverWithADifferentWeightIsRejected()
    {
        var w = fx.M.Model.Weights;
        string target = w.Names.Order(StringComparer.Ordinal).First(n => w[n].Length > 1);
        var changed = w.Names.ToDictionary(n => n, n => (long[])w[n].Clone());
        changed[target][changed[target].Length / 2] += 1;
        var cheat = new Circuit.WeightSet(changed);
        var proof = InferenceProver.Prove(fx.M.Model.Circuit, cheat, fx.M.Commitment, fx.M.Key, fx.Input, fx.M.Inputs.Count, false, new Random(4), null, tamperBits: null);
        var r = fx.Verify(proof.ToBytes());
        Assert.False(r.Accepted, "a proof with a changed weight was accepted");
        Assert.False(string.IsNullOrWhiteSpace(r.Verdict.Reason));
    }

    /// <summary>Layout pinned here: magic as a length-prefixed 8-byte string (bytes 0..11), then the
    /// format version as a big-endian u32 at bytes 12..15.</summary>
    [Fact]
    public void AnotherFormatVersionIsRejectedNamingTheVersion()
    {
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32BigEndian(fx.Bytes.AsSpan(0, 4)));
        Assert.Equal("ZKMLP1\0\0"u8.ToArray(), fx.Bytes[4..12]);
        Assert.Equal(InferenceProof.FormatVersion, BinaryPrimitives.ReadUInt32BigEndian(fx.Bytes.AsSpan(12, 4)));
        foreach (uint version in new uint[] { 0, 2, 0x01000001 })
        {
            var m = (byte[])fx.Bytes.Clone();
            BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(12, 4), version);
            var r = fx.Verify(m);
            Assert.False(r.Accepted);
            Assert.Contains("version", r.Verdict.Reason);
            Assert.Contains(version.ToString(), r.Verdict.Reason);
        }
    }

    /// <summary>Commitment file truncated at every length: decoding fails with a reason.</summary>
    [Fact]
    public void EveryTruncationOfTheCommitmentFileFailsToDecode()
    {
        var bytes = fx.M.Commitment.Bytes;
        for (int len = 0; len < bytes.Length; len++)
        {
            bool ok = ModelCommitment.TryDecode(bytes[..len], fx.M.Model.Circuit, out var c, out var error);
            Assert.False(ok, $"truncation to {len} of {bytes.Length} bytes decoded");
            Assert.Null(c);
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
        Assert.True(ModelCommitment.TryDecode(bytes, fx.M.Model.Circuit, out _, out _));
        Assert.False(ModelCommitment.TryDecode([.. bytes, 0], fx.M.Model.Circuit, out _, out var trailing));
        Assert.Contains("trailing", trailing);
    }

    /// <summary>Flipped bytes in a commitment file. A flip in the header, names or counts fails to decode
    /// with a reason. A flip inside a 33-byte row commitment may still be a valid curve point — the file
    /// then decodes to a different commitment — so for those the property a user relies on is checked:
    /// either decoding fails, or the honest proof is rejected against the altered commitment.</summary>
    [Fact]
    public void FlippedBytesInTheCommitmentFileAreDetected()
    {
        var bytes = fx.M.Commitment.Bytes;
        var rng = new Random(5);
        int decodedAnyway = 0, failed = 0;
        // every byte of the header (magic, version, circuit digest, tensor count, first tensor name and
        // variable count) and 60 random positions beyond
        int header = 12 + 4 + 36 + 4 + 4 + System.Text.Encoding.UTF8.GetByteCount(fx.M.Commitment.Tensors.Keys.Order(StringComparer.Ordinal).First()) + 4;
        var positions = Enumerable.Range(0, header).Concat(Enumerable.Range(0, 60).Select(_ => rng.Next(header, bytes.Length)));
        foreach (int pos in positions)
        {
            var m = (byte[])bytes.Clone();
            m[pos] ^= (byte)rng.Next(1, 256);
            if (ModelCommitment.TryDecode(m, fx.M.Model.Circuit, out var c, out var error))
            {
                Assert.True(pos >= header, $"flip at header byte {pos} still decoded");
                // A flip inside the well-formedness proof leaves the commitment (and its digest)
                // unchanged; the altered proof must then fail (and with it every verification).
                bool inProof = pos >= bytes.Length - fx.M.Commitment.WellFormednessProof!.Length;
                if (inProof) Assert.False(c!.VerifyWellFormed(fx.M.Model.Circuit).Accepted, $"flip at byte {pos}: altered well-formedness proof accepted");
                else Assert.NotEqual(fx.M.Commitment.Digest, c!.Digest);
                var r = InferenceVerifier.Verify(fx.M.Model.Circuit, c, fx.Bytes);
                Assert.False(r.Accepted, $"flip at byte {pos}: proof accepted against the altered commitment");
                decodedAnyway++;
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(error));
                failed++;
            }
        }
        Assert.True(failed >= header, $"{failed} flips failed to decode, {decodedAnyway} decoded to another commitment");
    }
}
