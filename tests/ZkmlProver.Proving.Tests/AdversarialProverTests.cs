using ZkmlProver.Circuit;
using ZkmlProver.Proving.Steps;

namespace ZkmlProver.Proving.Tests;

/// <summary>
/// Forged proofs by a prover that cheats consistently (issue 9; docs/SOUNDNESS.md): it commits
/// chosen values — out of range, non-zero padding, bits that do not match — and recomputes every
/// tensor downstream (<see cref="ReferenceEvaluator.Evaluate(Circuit.Circuit, WeightSet, long[], int, bool, Action{string, long[]}?)"/>
/// without range checks), so that only the relation under test can catch it. A test passes only
/// when a proof was produced and the verifier rejected it: a prover exception fails the test.
/// </summary>
public class AdversarialProverTests
{
    /// <summary>Proves (any exception fails the test), verifies, and returns the rejection reason.</summary>
    internal static string ProducedAndRejected(Circuit.Circuit c, ModelCommitment com, Func<InferenceProof> prove)
    {
        var proof = prove();
        var result = InferenceVerifier.Verify(c, com, proof.ToBytes());
        Assert.False(result.Accepted, "the verifier accepted a forged proof");
        return result.Verdict.Reason!;
    }

    private static Witness Unchecked(Circuit.Circuit c, WeightSet w, long[] input, int batch, Action<string, long[]>? after = null)
        => ReferenceEvaluator.Evaluate(c, w, input, batch, checkRanges: false, afterLayer: after);

    // ---- A: private input out of range --------------------------------------------------------

    [Fact]
    public void A_PrivateInputOutOfRangeWithNonBooleanBitsIsRejected()
    {
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, seed: 1);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(2, 7, 3);
        input[3] = -600; // declared range of x: 10 bits, [-512, 511]
        var witness = Unchecked(c, w, input, 2);
        var reason = ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 2, true, new Random(2), null, null, cheatingWitness: witness));
        Assert.Contains("bits:x#range", reason);
    }

    [Fact]
    public void A_PrivateInputOutOfRangeWithBooleanBitsOfAnotherValueIsRejected()
    {
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, seed: 1);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(2, 7, 3);
        input[3] = -600;
        var witness = Unchecked(c, w, input, 2);
        // The bits say "-600 mod 2^10, sign-extended": boolean and in range, but not the committed input.
        void Bits(string key, long[] table)
        {
            if (key != "x#range") return;
            int width = table.Length / (1 << new InferencePlan(c, 2, true).Bits[key].XVars);
            long v = -600 & 1023; if (v >= 512) v -= 1024;
            for (int j = 0; j < width; j++) table[3 * width + j] = j < 10 ? (long)(((ulong)v >> j) & 1) : 0;
        }
        var reason = ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 2, true, new Random(2), null, Bits, cheatingWitness: witness));
        Assert.Contains("x#range", reason);
    }

    [Fact]
    public void A_PrivateInputWithNonZeroPaddingIsRejected()
    {
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, seed: 1);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(2, 7, 3);
        var plan = new InferencePlan(c, 2, true);
        var table = plan.Layout("x").ToLongTable(input);
        table[7] = 100; // sample 0, padded feature 7 (K = 7 pads to 8)
        var reason = ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 2, true, new Random(2), null, null,
            cheatingWitness: Unchecked(c, w, input, 2), paddedTables: new Dictionary<string, long[]> { ["x"] = table }));
        Assert.Contains("x#range", reason);
    }

    [Fact]
    public void A_PublicInputOutOfRangeIsRejected()
    {
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, seed: 1);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(2, 7, 3);
        input[3] = -600;
        var reason = ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 2, false, new Random(2), null, null, cheatingWitness: Unchecked(c, w, input, 2)));
        Assert.Contains("public input", reason);
    }

    [Fact]
    public void A_HonestPrivateInputProofVerifies()
    {
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, seed: 1);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(3, 7, 3);
        var result = InferenceVerifier.Verify(c, com, InferenceProver.Prove(c, w, com, key, input, 3, true, new Random(2)).ToBytes());
        Assert.True(result.Accepted, result.Verdict.Reason);
    }

    // ---- B: a Clip fused into a lookup with other bounds than the table's domain ---------------

    [Fact]
    public void B_FusedClipWithNarrowerBoundsProvesTheClippedFunction()
    {
        var (c, w) = SigmoidCircuits.Build(6, 5, 5, hiddenLookup: false, clipMin: -50, clipMax: 50);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(4, 6, 3);
        var witness = ReferenceEvaluator.Evaluate(c, w, input, 4);
        Assert.Contains(witness["q1"], q => Math.Abs(q) > 50); // the clip bites on this data
        var result = InferenceVerifier.Verify(c, com, InferenceProver.Prove(c, w, com, key, input, 4, false, new Random(2)).ToBytes());
        Assert.True(result.Accepted, result.Verdict.Reason);
        Assert.Equal(witness["s1"], result.Proof!.Outputs[0].Values);
    }

    [Fact]
    public void B_LookupOfTheUnclippedValueIsRejected()
    {
        var (c, w) = SigmoidCircuits.Build(6, 5, 5, hiddenLookup: false, clipMin: -50, clipMax: 50);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(4, 6, 3);
        // The cheater skips the clip: c1 = q1, and the sigmoid of the unclipped value is published.
        // (Clamped at the table's domain [-512, 512], as the old fused table did.)
        var witness = ReferenceEvaluator.Evaluate(c, w, input, 4);
        var cheat = Unchecked(c, w, input, 4, (name, y) =>
        {
            if (name == "c1") for (int i = 0; i < y.Length; i++) y[i] = Math.Clamp(witness["q1"][i], -512, 512);
        });
        Assert.NotEqual(witness["s1"], cheat["s1"]);
        ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 4, false, new Random(2), null, null, cheatingWitness: cheat));
    }

    // ---- C: softmax output not forced to be an integer in range -------------------------------

    [Fact]
    public void C_HonestSoftmaxIntoDenseVerifies()
    {
        var (c, w) = SoftmaxCircuits.IntoDense(5, 4, seed: 3);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(3, 5, 4);
        var result = InferenceVerifier.Verify(c, com, InferenceProver.Prove(c, w, com, key, input, 3, false, new Random(2)).ToBytes());
        Assert.True(result.Accepted, result.Verdict.Reason);
    }

    [Fact]
    public void C_SoftmaxOutputShiftedWithAdjustedRemainderIsRejected()
    {
        var (c, w) = SoftmaxCircuits.IntoDense(5, 4, seed: 3);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(3, 5, 4);
        var cheat = Unchecked(c, w, input, 3, (name, y) => { if (name == "p") y[1] += 3; });
        ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 3, false, new Random(2), null, null, cheatingWitness: cheat));
    }

    [Fact]
    public void C_SoftmaxOutputBitsThatDoNotMatchTheCommittedOutputAreRejected()
    {
        var (c, w) = SoftmaxCircuits.IntoDense(5, 4, seed: 3);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(3, 5, 4);
        bool changed = false;
        void Bits(string key, long[] table)
        {
            if (key != "p#y") return;
            table[0] ^= 1; // entry 0, bit 0: boolean, in range, but not the committed softmax output
            changed = true;
        }
        var reason = ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 3, false, new Random(2), null, Bits));
        Assert.True(changed);
        Assert.Contains("p#y", reason);
    }

    /// <summary>Attack C exactly: for a remainder Rem′ ∈ [0, S) other than the true one, the field
    /// element Y′ = (2^o·E + H − Rem′)/S passes the division check. Two entries of a row move by
    /// ±δ/S (non-integers) with their remainders moved by ∓δ (still in range), and fc2 reads only the
    /// row's sum, so every other relation still holds: only the tie of Y to its bits can object.</summary>
    [Fact]
    public void C_NonIntegerSoftmaxOutputIsRejected()
    {
        var (c, w) = SoftmaxCircuits.IntoDense(5, 2, seed: 3, equalColumns: true);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(3, 5, 4);
        var sm = c.Layers.OfType<SoftmaxLayer>().Single();
        var plan = new InferencePlan(c, 3);
        var layout = plan.Layout("p");
        var honest = ReferenceEvaluator.Evaluate(c, w, input, 3);
        var yField = layout.ToTable(honest["p"]);
        bool moved = false;
        void Prepare(ProverContext ctx)
        {
            var val = Steps.SoftmaxStep.Compute(ctx, sm);
            var g = Steps.SoftmaxStep.Shapes(ctx.Plan, sm);
            for (int b = 0; b < 3 && !moved; b++)
            {
                int i0 = layout.PaddedIndex(b * 2), i1 = layout.PaddedIndex(b * 2 + 1);
                long sRow = val.S[g.RowOf[i0]];
                if (val.Rem[i0] < 1 || val.Rem[i1] > sRow - 2) continue;
                var shift = Field.Fr.Inverse(Field.Fr.FromInt64(sRow));
                yField[i0] += shift; yField[i1] -= shift;        // Y′ = Y ± 1/S: not integers
                val.Rem[i0] -= 1; val.Rem2[i0] += 1;               // Rem′ = Rem ∓ 1: still in [0, S)
                val.Rem[i1] += 1; val.Rem2[i1] -= 1;
                moved = true;
            }
        }
        var reason = ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 3, false, new Random(2), null, null,
            fieldTables: new Dictionary<string, Field.Fr[]> { ["p"] = yField }, prepare: Prepare));
        Assert.True(moved, "no row had room to move its remainders");
        Assert.Contains("p#y", reason);
    }

    [Fact]
    public void C_SoftmaxOutputOutOfItsDeclaredRangeIsRejected()
    {
        var (c, w) = SoftmaxCircuits.IntoDense(5, 4, seed: 3);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(3, 5, 4);
        // A value outside p's declared 12-bit range: its bits cannot be boolean.
        var cheat = Unchecked(c, w, input, 3, (name, y) => { if (name == "p") y[0] += 5000; });
        var reason = ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 3, false, new Random(2), null, null, cheatingWitness: cheat));
        Assert.Contains("bits:", reason);
    }

    // ---- D: garbage in the padding of committed lookup outputs --------------------------------

    [Fact]
    public void D_HonestMatMulOfTwoLookupsVerifies()
    {
        var (c, w) = SoftmaxCircuits.LookupMatMul();
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(2, 9, 5);
        var result = InferenceVerifier.Verify(c, com, InferenceProver.Prove(c, w, com, key, input, 2, false, new Random(2)).ToBytes());
        Assert.True(result.Accepted, result.Verdict.Reason);
    }

    [Fact]
    public void D_GarbageInLookupOutputPaddingIsRejected()
    {
        var (c, w) = SoftmaxCircuits.LookupMatMul();
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var input = SmallCircuits.Inputs(2, 9, 5);
        var honest = ReferenceEvaluator.Evaluate(c, w, input, 2);
        var plan = new InferencePlan(c, 2);
        var s1 = plan.Layout("s1").ToLongTable(honest["s1"]);
        var s2 = plan.Layout("s2").ToLongTable(honest["s2"]);
        // Layout [B=2, 3→4, 3→4]: s1[b,0,3] = 1 and s2[b,3,0] = 10^6 add 10^6 to m[b,0,0] through the padded k = 3.
        for (int b = 0; b < 2; b++) { s1[b * 16 + 3] = 1; s2[b * 16 + 12] = 1_000_000; }
        var cheat = Unchecked(c, w, input, 2, (name, y) => { if (name == "m") { y[0] += 1_000_000; y[9] += 1_000_000; } });
        Assert.NotEqual(honest["out"], cheat["out"]);
        var reason = ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 2, false, new Random(2), null, null,
            cheatingWitness: cheat, paddedTables: new Dictionary<string, long[]> { ["s1"] = s1, ["s2"] = s2 }));
        Assert.Contains("input final check", reason);
    }

    // ---- the model commitment ------------------------------------------------------------------

    [Theory]
    [InlineData(22)]
    [InlineData(6)]
    [InlineData(1)]
    public void HonestCommitmentIsWellFormedAndSurvivesItsFile(int chunkVars)
    {
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, seed: 1);
        var (com, _) = ModelCommitter.Commit(c, w, new Random(1), null, chunkVars);
        Assert.True(com.VerifyWellFormed(c).Accepted, com.VerifyWellFormed(c).Reason);
        Assert.True(ModelCommitment.TryDecode(com.Bytes, c, out var back, out var error), error);
        Assert.Equal(com.DigestHex, back!.DigestHex);
        Assert.True(back.VerifyWellFormed(c).Accepted);
    }

    [Theory]
    [InlineData("w1", 3, 5000L, 22)]      // out of the declared 10-bit range
    [InlineData("w1", 7, 1L, 22)]         // padded column 7 of row 0 (K = 7 pads to 8): a hidden input weight
    [InlineData("b1", 6, 42L, 22)]        // padded bias entry (5 pads to 8): a hidden unit's bias
    [InlineData("w2", 3 * 8 + 0, 9L, 22)] // w2 is [3, 5], laid out [4, 8]: padded row 3, a hidden output unit
    // Chunked proofs (2^6 bit entries per chunk): w1 in 8 one-row slots, rows 5-7 empty; b1 in 4
    // two-row slots, slot 2 half full (zero-extended), slot 3 empty.
    [InlineData("w1", 3, 5000L, 6)]
    [InlineData("w1", 6 * 8 + 2, 1L, 6)]  // an empty slot (row 6)
    [InlineData("b1", 5, 42L, 6)]         // the zero-extension row of the half-full slot
    [InlineData("b1", 7, 42L, 6)]         // the empty slot
    [InlineData("w2", 3 * 8 + 0, 9L, 6)]
    public void CheatingModelOwnerIsRejected(string tensor, int index, long value, int chunkVars)
    {
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, seed: 1);
        var (com, _) = ModelCommitter.Commit(c, w, new Random(1), (name, table) => { if (name == tensor && index < table.Length) table[index] = value; }, chunkVars);
        var verdict = com.VerifyWellFormed(c);
        Assert.False(verdict.Accepted, "a commitment to a weight out of range or with non-zero padding was accepted");
        Assert.Contains(tensor, verdict.Reason); // "wf:<tensor>…" bits, or the opening of an empty slot
        // And every proof against it is refused for that reason.
        var (honestCom, key) = ModelCommitter.Commit(c, w, new Random(1));
        var proof = InferenceProver.Prove(c, w, honestCom, key, SmallCircuits.Inputs(2, 7, 3), 2, false, new Random(2));
        Assert.False(InferenceVerifier.Verify(c, com, proof.ToBytes()).Accepted);
    }

    [Fact]
    public void CommitmentWithoutWellFormednessProofIsRefused()
    {
        var (c, w) = SmallCircuits.Mlp(7, 5, 3, seed: 1);
        var (com, _) = ModelCommitter.Commit(c, w, new Random(1));
        var bare = new ModelCommitment(com.CircuitDigest, com.Tensors);
        Assert.False(bare.VerifyWellFormed(c).Accepted);
        Assert.False(ModelCommitment.TryDecode(bare.Bytes, c, out _, out var error));
        Assert.Contains("well-formedness", error);
    }

    // ---- unblinding ----------------------------------------------------------------------------

    [Fact]
    public void NoMessageIsACommitmentWithAZeroOrReusedBlind()
    {
        // A commitment with blind 0 to a small value v is v·G; one with a reused blind and value
        // repeats a point. Scan every point of a real proof (private input) and of the
        // well-formedness proof for both.
        var (c, w) = SoftmaxCircuits.IntoDense(5, 4, seed: 3);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        var body = InferenceProver.Prove(c, w, com, key, SmallCircuits.Inputs(3, 5, 4), 3, true).Body;
        var g = EvalClaim.Key.G;
        var small = new HashSet<string>();
        for (long v = -4096; v <= 4096; v++) small.Add(Convert.ToHexString((Field.Fr.FromInt64(v) * g).ToBytes()));
        foreach (var bytes in new[] { body, com.WellFormednessProof! })
        {
            var seen = new HashSet<string>();
            int points = 0;
            for (int i = 0; i + 33 <= bytes.Length; i++)
            {
                if (bytes[i] is not (2 or 3)) continue;
                if (!Curve.Point.TryDecode(bytes.AsSpan(i, 33), false, out _, out _)) continue;
                string hex = Convert.ToHexString(bytes.AsSpan(i, 33));
                points++;
                Assert.DoesNotContain(hex, small);
                Assert.True(seen.Add(hex), $"point at offset {i} repeats an earlier message");
            }
            Assert.True(points > 50);
        }
    }

    // ---- proven ranges ---------------------------------------------------------------------------

    /// <summary>x[4] + x2 (two 10-bit tensors: the sum is proven only within 11 bits, though declared
    /// 10) → Clip [-512, 511] → out.</summary>
    private static (Circuit.Circuit, WeightSet) AddThenClip()
    {
        var tensors = new List<TensorInfo>
        {
            new() { Name = "x", Kind = TensorKind.Input, Shape = [4], Scale = 6, Bits = 10 },
            new() { Name = "w", Kind = TensorKind.Weight, Shape = [4], Scale = 6, Bits = 10 },
            new() { Name = "s", Kind = TensorKind.Activation, Shape = [4], Scale = 6, Bits = 10 },
            new() { Name = "out", Kind = TensorKind.Activation, Shape = [4], Scale = 6, Bits = 10 },
        };
        var layers = new List<Layer>
        {
            new AddLayer { Name = "add", A = "x", B = "w", Output = "s" },
            new ClipLayer { Name = "clip", Input = "s", Min = -512, Max = 511, Output = "out" },
        };
        var c = new Circuit.Circuit { Name = "add-clip", Input = "x", Outputs = ["out"], Tensors = [.. tensors], Layers = [.. layers] }.WithDigest();
        return (c, new WeightSet(new Dictionary<string, long[]> { ["w"] = [300, -300, 5, 0] }));
    }

    [Fact]
    public void ClipKeepsABoundThatOnlyTheDeclaredRangeSatisfies()
    {
        var (c, w) = AddThenClip();
        var plan = new InferencePlan(c, 2);
        Assert.Equal(new IntRange(-1024, 1022), plan.Ranges["s"]);
        Assert.Equal(2, Steps.ClipStep.Parts(plan, c.Layers.OfType<ClipLayer>().Single()).Count);
        var (com, key) = ModelCommitter.Commit(c, w, new Random(1));
        long[] input = [400, -400, 1, 2, 100, 100, 100, 100];
        // The cheater's sum leaves s's declared range; its "clip" passes it through unclipped.
        var cheat = Unchecked(c, w, input, 2, (name, y) => { if (name == "out") { y[0] = 700; y[1] = -700; } });
        ProducedAndRejected(c, com, () => InferenceProver.Prove(c, w, com, key, input, 2, false, new Random(2), null, null, cheatingWitness: cheat));
        // And the honest proof of in-range data verifies.
        long[] ok = [100, -100, 1, 2, 3, 4, 5, 6];
        var v = InferenceVerifier.Verify(c, com, InferenceProver.Prove(c, w, com, key, ok, 2, false, new Random(3)).ToBytes());
        Assert.True(v.Accepted, v.Verdict.Reason);
    }

    [Fact]
    public void CircuitThatCouldWrapTheFieldIsRefused()
    {
        var tensors = new List<TensorInfo> { new() { Name = "x", Kind = TensorKind.Input, Shape = [2], Scale = 0, Bits = 60 } };
        var layers = new List<Layer>();
        string prev = "x";
        for (int i = 0; i < 3; i++)
        {
            tensors.Add(new() { Name = $"m{i}", Kind = TensorKind.Activation, Shape = [2], Scale = 0, Bits = 62 });
            layers.Add(new MulLayer { Name = $"sq{i}", A = prev, B = prev, Output = $"m{i}" });
            prev = $"m{i}";
        }
        var c = new Circuit.Circuit { Name = "wrap", Input = "x", Outputs = [prev], Tensors = [.. tensors], Layers = [.. layers] }.WithDigest();
        var e = Assert.Throws<ProvingException>(() => new InferencePlan(c, 1));
        Assert.Contains("wrap around the field", e.Message);
    }
}
