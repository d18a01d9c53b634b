using System.Buffers.Binary;
using ZkmlProver.Commitments;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Proving;
using FsTranscript = ZkmlProver.Transcript.Transcript;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>Zero-knowledge checks on real credit_mlp proofs (batch 8): randomized proofs, no weight
/// or private-input value in the proof bytes. These are necessary conditions that catch leaks a bug
/// would cause (a weight or input sent in the clear); they do not prove zero-knowledge.</summary>
[Collection(CreditMlpProofCollection.Name)]
public sealed class ZeroKnowledgeTests(CreditMlpProofFixture fx)
{
    /// <summary>Two proofs of one statement: the same header (digests, batch, inputs, outputs) and
    /// different bodies; both verify.</summary>
    [Fact]
    public void TwoProofsOfTheSameStatementDiffer()
    {
        var a = fx.Proof;
        var b = fx.Second.Value;
        Assert.Equal(a.CircuitDigest, b.CircuitDigest);
        Assert.Equal(a.CommitmentDigest, b.CommitmentDigest);
        Assert.Equal(a.PublicInput, b.PublicInput);
        Assert.Equal(a.Outputs.Select(o => o.Values), b.Outputs.Select(o => o.Values));
        Assert.Equal(a.Body.Length, b.Body.Length);
        Assert.NotEqual(a.Body, b.Body);
        // no 32-byte window of one body occurs in the other (no shared scalar or point beyond chance)
        var windows = Windows32(a.Body);
        int shared = 0;
        for (int i = 0; i + 32 <= b.Body.Length; i++) if (windows.Contains(Key32(b.Body.AsSpan(i, 32)))) shared++;
        Assert.True(shared == 0, $"{shared} 32-byte windows of one proof body recur in the other");
        Assert.True(fx.Verify(b.ToBytes()).Accepted);
    }

    /// <summary>The crypto core's simulators on a real circuit-level transcript: verifying a credit_mlp
    /// proof (public and private input) while observing every Σ-protocol instance the verifier meets —
    /// equality and product proofs, the dot-product proof of every ZK sum-check round, the
    /// inner-product argument of every Hyrax opening — each instance's simulator, given only that
    /// statement and the verifier's challenge (no witness), outputs a proof that satisfies the same
    /// verification equations, has the same encoded size as the real proof, and differs from it.</summary>
    [Fact]
    public void SimulatorsReproduceEveryInstanceOfARealTranscript()
    {
        foreach (var proof in new[] { fx.Proof, fx.Private.Value })
        {
            var instances = new List<SigmaInstance>();
            using (SigmaObserver.Observe(instances.Add))
                Assert.True(fx.Verify(proof.ToBytes()).Accepted);
            var kinds = instances.GroupBy(i => i.Kind).ToDictionary(g => g.Key, g => g.Count());
            foreach (var kind in new[] { "equality", "product", "dot-product", "inner-product" })
                Assert.True(kinds.GetValueOrDefault(kind) > 0, $"no {kind} instance observed ({string.Join(", ", kinds)})");
            var rng = new Random(9);
            foreach (var instance in instances)
            {
                var (verdict, simulated, real) = instance.Simulate(rng);
                Assert.True(verdict.Accepted, $"{instance.Kind}: simulated transcript rejected: {verdict.Reason}");
                Assert.Equal(real.Length, simulated.Length);
                Assert.NotEqual(real, simulated);
            }
            Assert.True(instances.Count > 100, $"only {instances.Count} instances observed");
        }
    }

    /// <summary>For every non-zero weight w of credit_mlp: the proof (header and body) contains neither
    /// the 32-byte big-endian field encoding of w nor of −w mod n, nor, for |w| ≥ 2^16, the 8-byte
    /// little-endian int64 of w (smaller int64 patterns are too likely to occur by chance).</summary>
    [Fact]
    public void TheProofContainsNoEncodingOfAnyWeight()
    {
        var weights = fx.M.Model.Weights.Names.SelectMany(n => fx.M.Model.Weights[n]).Where(w => w != 0).Distinct().ToArray();
        Assert.True(weights.Length > 50, $"only {weights.Length} distinct weights");
        Assert.Contains(weights, w => Math.Abs(w) >= 1 << 16);   // biases at the accumulator scale: the int64 check has teeth
        foreach (var proof in new[] { fx.Bytes, fx.Second.Value.ToBytes(), fx.Private.Value.ToBytes() })
        {
            var hits = Find(proof, weights, 1 << 16, "weight");
            Assert.True(hits.Count == 0, $"{hits.Count} hits in a {proof.Length}-byte proof:\n" + string.Join("\n", hits.Take(20)));
        }

        // check of the check: the scan finds each kind of encoding when it is there
        long big = weights.First(w => Math.Abs(w) >= 1 << 16), small = weights.First(w => Math.Abs(w) < 1 << 16);
        var le = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(le, big);
        Assert.Single(Find([.. fx.Bytes[..100], .. Fr.FromInt64(small).ToBytes(), .. fx.Bytes[100..200]], weights, 1 << 16, "weight"));
        Assert.Single(Find([.. fx.Bytes[..100], .. Fr.FromInt64(-small).ToBytes()], weights, 1 << 16, "weight"));
        Assert.Single(Find([.. fx.Bytes[..100], .. le, .. fx.Bytes[100..120]], weights, 1 << 16, "weight"));
    }

    /// <summary>Private-input mode: no input values in the statement, and the proof contains no 32-byte
    /// field encoding of any non-zero quantized input value (or its negation) and no int64 copy of any
    /// input row; it verifies and proves the same outputs as the public-input proof.</summary>
    [Fact]
    public void APrivateInputProofContainsNoEncodingOfTheInputs()
    {
        var p = fx.Private.Value;
        var bytes = p.ToBytes();
        Assert.True(p.PrivateInput);
        Assert.Null(p.PublicInput);
        var r = fx.Verify(bytes);
        Assert.True(r.Accepted, r.Verdict.Reason);
        Assert.True(r.Proof!.PrivateInput);
        Assert.Equal(fx.Proof.Outputs.Select(o => o.Values), r.Proof.Outputs.Select(o => o.Values));

        var input = fx.Input;
        var values = input.Where(v => v != 0).Distinct().ToArray();
        Assert.NotEmpty(values);
        var hits = Find(bytes, values, long.MaxValue, "input value");
        Assert.True(hits.Count == 0, string.Join("\n", hits.Take(20)));
        Assert.NotEmpty(Find(fx.Bytes.Concat(Fr.FromInt64(values[0]).ToBytes()).ToArray(), values, long.MaxValue, "input value"));

        int n = fx.M.Model.Circuit.InputTensor.Size;
        for (int row = 0; row < fx.M.Inputs.Count; row++)
        {
            var rowBytes = new byte[n * 8];
            for (int i = 0; i < n; i++) BinaryPrimitives.WriteInt64LittleEndian(rowBytes.AsSpan(i * 8), input[row * n + i]);
            Assert.True(bytes.AsSpan().IndexOf(rowBytes) < 0, $"input row {row} appears as int64s in the private-input proof");
            Assert.True(fx.Bytes.AsSpan().IndexOf(rowBytes) >= 0, "the public-input proof carries the row (check of the check)");
        }
    }

    /// <summary>Every occurrence in <paramref name="proof"/> of the 32-byte big-endian field encoding of a
    /// value or its negation, and of the int64 little-endian encoding of a value with |v| ≥ threshold.</summary>
    static List<string> Find(byte[] proof, long[] values, long int64Threshold, string what)
    {
        var patterns = new Dictionary<(ulong, ulong, ulong, ulong), long>();
        foreach (var v in values)
        {
            patterns[Key32(Fr.FromInt64(v).ToBytes())] = v;
            patterns[Key32(Fr.FromInt64(-v).ToBytes())] = -v;
        }
        var big = values.Where(v => Math.Abs(v) >= int64Threshold).ToHashSet();
        var hits = new List<string>();
        for (int i = 0; i + 8 <= proof.Length; i++)
        {
            if (i + 32 <= proof.Length && patterns.TryGetValue(Key32(proof.AsSpan(i, 32)), out var v))
                hits.Add($"field encoding of {what} {v} at byte {i}");
            if (big.Count > 0 && big.Contains(BinaryPrimitives.ReadInt64LittleEndian(proof.AsSpan(i, 8))))
                hits.Add($"int64 of {what} {BinaryPrimitives.ReadInt64LittleEndian(proof.AsSpan(i, 8))} at byte {i}");
        }
        return hits;
    }

    static (ulong, ulong, ulong, ulong) Key32(ReadOnlySpan<byte> b) =>
        (BinaryPrimitives.ReadUInt64BigEndian(b), BinaryPrimitives.ReadUInt64BigEndian(b[8..]), BinaryPrimitives.ReadUInt64BigEndian(b[16..]), BinaryPrimitives.ReadUInt64BigEndian(b[24..]));

    static HashSet<(ulong, ulong, ulong, ulong)> Windows32(byte[] b)
    {
        var set = new HashSet<(ulong, ulong, ulong, ulong)>();
        for (int i = 0; i + 32 <= b.Length; i++) set.Add(Key32(b.AsSpan(i, 32)));
        return set;
    }
}

/// <summary>
/// The Σ-protocol simulators of the crypto core on statements of the circuit level, built from
/// credit_mlp's real model commitment.
/// </summary>
/// <remarks>
/// What this shows, precisely: (1) the Hyrax row commitments of the published model commitment are
/// Pedersen vector commitments to the rows of the weight layout under the model key's blinds (checked
/// row by row); (2) on statements of the shape the circuit prover uses — a weight evaluation claim
/// ⟨R, Σ L_i·row_i⟩ = y against the combination Σ L_i·C_i of real row commitments (dot-product
/// proof), the opening of that evaluation commitment, a re-randomized row commitment equal to the
/// original (equality proof), and the product of two weight-evaluation commitments as in a Dense layer's
/// final product check — an honest Fiat–Shamir proof verifies, and each simulator, given only the
/// public statement and a challenge, outputs a transcript accepted by the same verification equations
/// with the same wire size; (3) the simulators do so equally for false statements, which is why such
/// transcripts carry no information about the weights (honest-verifier zero-knowledge of each
/// Σ-protocol); (4) the equations are not vacuous: a simulated transcript fails under another challenge
/// and fails the Fiat–Shamir verifier. It does not replay the full circuit transcript of a proof (the
/// verifier does not expose it), and it does not test the statistical distribution of transcripts.
/// </remarks>
public sealed class SimulatorTests
{
    sealed record Claim(Point Commitment, Fr Value, Fr Blind);

    /// <summary>A weight tensor's evaluation claim at a random point, with its witness (opened from the weights and the model key).</summary>
    static (PedersenKey Key, Point Cx, Fr[] A, Fr[] X, Fr Rx, Claim Y) EvaluationStatement(Models.Compiled m, string name, Random rng)
    {
        var layout = WeightLayouts.For(m.Model.Circuit)[name];
        var table = WeightLayouts.Scatter(layout, m.Model.Weights[name]);
        var com = m.Commitment.Tensors[name];
        var open = m.Key.Openings[name];
        var shape = com.Shape;
        var key = com.Key;
        Assert.Equal(shape.Rows, com.Rows.Length);
        for (int i = 0; i < shape.Rows; i++)
        {
            var row = new long[shape.Cols];
            int start = i * shape.Cols;
            if (start < table.Length) table.AsSpan(start, Math.Min(shape.Cols, table.Length - start)).CopyTo(row);
            Assert.True(key.CommitSmall(row, open.Blinds[i]) == com.Rows[i], $"row {i} of '{name}' is not Com(row; blind)");
        }
        var l = Enumerable.Range(0, shape.Rows).Select(_ => Fr.Random(rng)).ToArray();
        var a = Enumerable.Range(0, shape.Cols).Select(_ => Fr.Random(rng)).ToArray();
        var cx = Msm.Compute(com.Rows, l);
        var x = new Fr[shape.Cols];
        Fr rx = Fr.Zero;
        for (int i = 0; i < shape.Rows; i++)
        {
            rx += l[i] * open.Blinds[i];
            for (int j = 0; j < shape.Cols && i * shape.Cols + j < table.Length; j++) x[j] += l[i] * Fr.FromInt64(table[i * shape.Cols + j]);
        }
        Fr y = Fr.Zero;
        for (int j = 0; j < x.Length; j++) y += a[j] * x[j];
        var ry = Fr.Random(rng);
        return (key, cx, a, x, rx, new Claim(key.Commit(y, ry), y, ry));
    }

    static string[] TwoWeightTensors(Models.Compiled m)
    {
        var names = m.Commitment.Tensors.Where(t => t.Value.Shape.Rows > 1).Select(t => t.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.True(names.Length >= 2, "credit_mlp should have two multi-row weight tensors");
        return names[..2];
    }

    [Fact]
    public void DotProductSimulatorOnAWeightEvaluationClaim()
    {
        var m = Models.Get("credit_mlp");
        var rng = new Random(31);
        var (key, cx, a, x, rx, y) = EvaluationStatement(m, TwoWeightTensors(m)[0], rng);
        Assert.True(key.Commit(x, rx) == cx, "Σ L_i·C_i = Com(Σ L_i·row_i; Σ L_i·blind_i)");

        var honest = DotProductProof.Prove(new FsTranscript("sim-test"), key, cx, y.Commitment, a, x, rx, y.Blind, rng);
        Assert.True(DotProductProof.Verify(new FsTranscript("sim-test"), key, cx, y.Commitment, a, honest).Accepted);

        var c = Fr.Random(rng);
        var sim = DotProductProof.Simulate(key, cx, y.Commitment, a, c, rng);
        Assert.True(sim.VerifyWithChallenge(key, cx, y.Commitment, a, c).Accepted);
        Assert.Equal(honest.ToBytes().Length, sim.ToBytes().Length);

        var falseClaim = key.Commit(y.Value + Fr.One, y.Blind);   // ⟨a, x⟩ ≠ y + 1
        var simFalse = DotProductProof.Simulate(key, cx, falseClaim, a, c, rng);
        Assert.True(simFalse.VerifyWithChallenge(key, cx, falseClaim, a, c).Accepted);

        Assert.False(sim.VerifyWithChallenge(key, cx, y.Commitment, a, c + Fr.One).Accepted);
        Assert.False(DotProductProof.Verify(new FsTranscript("sim-test"), key, cx, falseClaim, a, simFalse).Accepted);
    }

    [Fact]
    public void OpeningAndEqualitySimulatorsOnRealCommitments()
    {
        var m = Models.Get("credit_mlp");
        var rng = new Random(32);
        var name = TwoWeightTensors(m)[0];
        var (key, _, _, _, _, y) = EvaluationStatement(m, name, rng);
        var c = Fr.Random(rng);

        // opening of a weight-evaluation commitment
        var honestOpen = OpeningProof.Prove(new FsTranscript("sim-test"), key, y.Commitment, y.Value, y.Blind, rng);
        Assert.True(OpeningProof.Verify(new FsTranscript("sim-test"), key, y.Commitment, honestOpen).Accepted);
        var simOpen = OpeningProof.Simulate(key, y.Commitment, c, rng);
        Assert.True(simOpen.VerifyWithChallenge(key, y.Commitment, c).Accepted);
        Assert.False(simOpen.VerifyWithChallenge(key, y.Commitment, c + Fr.One).Accepted);
        Assert.False(OpeningProof.Verify(new FsTranscript("sim-test"), key, y.Commitment, simOpen).Accepted);

        // a real row commitment and its re-randomization C + s·H commit to the same row
        var row = m.Commitment.Tensors[name].Rows[0];
        var blind = m.Key.Openings[name].Blinds[0];
        var s = Fr.Random(rng);
        var shifted = row + s * key.H;
        var honestEq = EqualityProof.Prove(new FsTranscript("sim-test"), key, row, shifted, blind, blind + s, rng);
        Assert.True(EqualityProof.Verify(new FsTranscript("sim-test"), key, row, shifted, honestEq).Accepted);
        var d = EqualityProof.Difference(row, shifted);
        var simEq = EqualityProof.Simulate(key, d, c, rng);
        Assert.True(simEq.VerifyWithChallenge(key, d, c).Accepted);
        Assert.Equal(honestEq.ToBytes().Length, simEq.ToBytes().Length);
        // two different rows (false statement): simulated all the same, but not Fiat–Shamir-valid
        var other = m.Commitment.Tensors[name].Rows[1];
        var d2 = EqualityProof.Difference(row, other);
        var simFalse = EqualityProof.Simulate(key, d2, c, rng);
        Assert.True(simFalse.VerifyWithChallenge(key, d2, c).Accepted);
        Assert.False(simFalse.VerifyWithChallenge(key, d2, c + Fr.One).Accepted);
        Assert.False(EqualityProof.Verify(new FsTranscript("sim-test"), key, row, other, simFalse).Accepted);
    }

    /// <summary>The Dense layer's last step: the product of an input-side claim and a weight claim equals
    /// the sum-check's final value. Here X and W are two real weight-evaluation commitments.</summary>
    [Fact]
    public void ProductSimulatorOnWeightEvaluationCommitments()
    {
        var m = Models.Get("credit_mlp");
        var rng = new Random(33);
        var names = TwoWeightTensors(m);
        var (keyA, _, _, _, _, xa) = EvaluationStatement(m, names[0], rng);
        var (_, _, _, _, _, xb) = EvaluationStatement(m, names[1], rng);
        var key = keyA;
        Assert.True(key.G == PedersenKey.Get(1).G && key.H == PedersenKey.Get(1).H, "scalar commitments share G and H across key sizes");
        var rz = Fr.Random(rng);
        var z = key.Commit(xa.Value * xb.Value, rz);
        var honest = ProductProof.Prove(new FsTranscript("sim-test"), key, xa.Commitment, xb.Commitment, z, xa.Value, xa.Blind, xb.Value, xb.Blind, rz, rng);
        Assert.True(ProductProof.Verify(new FsTranscript("sim-test"), key, xa.Commitment, xb.Commitment, z, honest).Accepted);

        var c = Fr.Random(rng);
        var sim = ProductProof.Simulate(key, xa.Commitment, xb.Commitment, z, c, rng);
        Assert.True(sim.VerifyWithChallenge(key, xa.Commitment, xb.Commitment, z, c).Accepted);
        Assert.Equal(honest.ToBytes().Length, sim.ToBytes().Length);

        var wrong = z + key.G;   // commits to x·y + 1
        var simFalse = ProductProof.Simulate(key, xa.Commitment, xb.Commitment, wrong, c, rng);
        Assert.True(simFalse.VerifyWithChallenge(key, xa.Commitment, xb.Commitment, wrong, c).Accepted);
        Assert.False(simFalse.VerifyWithChallenge(key, xa.Commitment, xb.Commitment, wrong, c + Fr.One).Accepted);
        Assert.False(ProductProof.Verify(new FsTranscript("sim-test"), key, xa.Commitment, xb.Commitment, wrong, simFalse).Accepted);
    }
}
