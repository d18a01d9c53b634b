using System.Collections.Concurrent;
using System.Security.Cryptography;
using ZkmlProver.Commitments;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Transcript;

namespace ZkmlProver.Proving;

/// <summary>
/// The zero-knowledge proof, published inside model.commitment, that the committed model is the
/// kind of model <c>circuit.json</c> describes: every weight entry lies in its tensor's declared
/// signed range and every padded entry of every weight layout is 0 (docs/SOUNDNESS.md, Model
/// commitment). Without it a model owner could hide extra units in the padding, or weights of any
/// size, and the committed model would compute something the circuit does not describe.
/// </summary>
/// <remarks>
/// Per weight tensor W (ordinal name order), with the same <see cref="BitsTensor"/> machinery as the
/// inference proof: (1) commit the two's-complement bits B of W's padded table (Bits signed bits,
/// offset 0); (2) at a point r drawn after every W and B is fixed (the transcript has absorbed the
/// circuit digest and the commitment digest, hence every W), commit y = W̃(r) and open it both
/// against W's row commitments and against the recomposition ⟨B, eq(r) ⊗ c⟩ — so W equals the
/// recomposition everywhere except with probability ≤ ℓ/n; (3) booleanity and zero padding of B
/// (<see cref="BitsTensor.ProveBooleanity"/>). Every message is a commitment or a Σ-protocol
/// response, as in the inference proof; nothing about the weights is sent in the clear.
/// Transcript "zkml-model-commitment".
/// </remarks>
public static class CommitmentWellFormedness
{
    public const string TranscriptName = "zkml-model-commitment";

    private static readonly ConcurrentDictionary<string, Verdict> Verified = new(StringComparer.Ordinal);

    /// <summary>Bit entries per chunk at most 2^22 by default (three 128 MB field tables in the
    /// booleanity sum-check), so that committing a VGG-sized model needs no more memory than proving
    /// it. The prover's choice is written into the proof (the verifier derives the same chunks).</summary>
    public const int DefaultMaxChunkVars = 22;

    /// <summary>How a weight tensor is split for the proof: along its first layout dimension into
    /// slots of 2^RowVars rows (the top TopVars variables pick the slot). Slot i holds rows
    /// [i·2^RowVars, (i+1)·2^RowVars); its bits tensor covers the valid rows of the slot (a layout
    /// with the same other dimensions), zero-extended to the slot's height. A slot with no valid row
    /// must be all zero: a public claim of 0 at the tie point.</summary>
    internal sealed record Chunking(int TopVars, int RowVars, BitsTensor?[] Slots)
    {
        public static Chunking For(Circuit.Circuit circuit, string name, TensorLayout layout, int maxChunkVars)
        {
            int bits = circuit.Tensor(name).Bits;
            int bitVars = Mle.NumVars(bits);
            int v0 = layout.Vars[0], rest = layout.NumVars - v0;
            int rowVars = Math.Clamp(maxChunkVars - bitVars - rest, 0, v0);
            int top = v0 - rowVars;
            var slots = new BitsTensor?[1 << top];
            for (int i = 0; i < slots.Length; i++)
            {
                long start = (long)i << rowVars;
                long rows = Math.Min(1L << rowVars, layout.Dims[0] - start);
                if (rows <= 0) continue;
                var chunkLayout = new TensorLayout([(int)rows, .. layout.Dims[1..]]);
                slots[i] = new BitsTensor(top == 0 ? $"wf:{name}" : $"wf:{name}#{i}", chunkLayout, 0, bits, 0, minXVars: rowVars + rest);
            }
            return new Chunking(top, rowVars, slots);
        }

        /// <summary>The padded table of slot i (its rows of the weight's padded table, which has
        /// the same column layout), as the slot's bits tensor's x layout expects.</summary>
        public long[] SlotTable(long[] table, int i, int rest)
        {
            int slotSize = 1 << (RowVars + rest);
            return table.AsSpan(i * slotSize, slotSize).ToArray();
        }
    }

    /// <summary>Checks the proof of <paramref name="commitment"/> (once per commitment digest and
    /// proof bytes in a process). Never throws on the bytes.</summary>
    public static Verdict Verify(Circuit.Circuit circuit, ModelCommitment commitment)
    {
        if (commitment.WellFormednessProof is not { Length: > 0 } proof)
            return Verdict.Reject("the model commitment has no well-formedness proof (weights in range, zero padding); run 'zkml commit' again");
        string key = $"{circuit.Digest}/{commitment.DigestHex}/{Convert.ToHexStringLower(SHA256.HashData(proof))}";
        if (Verified.TryGetValue(key, out var cached)) return cached;
        var verdict = VerifyUncached(circuit, commitment, proof);
        Verified[key] = verdict;
        return verdict;
    }

    private static Verdict VerifyUncached(Circuit.Circuit circuit, ModelCommitment commitment, byte[] proof)
    {
        try
        {
            var acc = new MsmAccumulator();
            Run(circuit, commitment, proof, acc);
            if (acc.Check()) return Verdict.Accept;
            Run(circuit, commitment, proof, null);
            return Verdict.Reject("model commitment well-formedness: batched group check failed");
        }
        catch (ProofRejectedException e) { return Verdict.Reject($"model commitment well-formedness: {e.Message}"); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or FormatException or OverflowException or ProvingException)
        {
            return Verdict.Reject($"model commitment well-formedness proof is malformed: {e.Message}");
        }
    }

    private static void Run(Circuit.Circuit circuit, ModelCommitment commitment, byte[] proof, MsmAccumulator? acc)
    {
        var v = new VerifierSession(Start(circuit, commitment), new ProofReader(proof)) { Acc = acc };
        var layouts = WeightLayouts.For(circuit);
        var names = layouts.Keys.Order(StringComparer.Ordinal).ToArray();
        if (!v.Reader.ReadCount("weight tensor count", 0, out _, names.Length)) VerifierSession.Fail(v.Reader.Error!);
        if (!v.Reader.ReadUInt32("max chunk vars", out var maxChunkVars)) VerifierSession.Fail(v.Reader.Error!);
        if (maxChunkVars is < 1 or > 30) VerifierSession.Fail($"chunk size 2^{maxChunkVars} is out of range");
        v.Transcript.AppendUInt64("max chunk vars", maxChunkVars);
        foreach (var name in names)
        {
            var layout = layouts[name];
            var weight = new CommittedTensor(name, commitment.Tensors[name]);
            var ch = Chunking.For(circuit, name, layout, (int)maxChunkVars);
            var committed = new CommittedTensor[ch.Slots.Length];
            for (int i = 0; i < ch.Slots.Length; i++)
            {
                if (ch.Slots[i] is not { } b) continue;
                var shape = new HyraxShape(b.NumVars);
                var c = v.Read<HyraxCommitment>($"commitment '{b.Name}'", (r, out hc) => HyraxCommitment.TryRead(r, shape, out hc));
                c.AppendTo(v.Transcript, b.Name);
                committed[i] = new CommittedTensor(b.Name, c);
            }
            var point = v.Challenges($"tie/{name}", layout.NumVars);
            var (rTop, rSlot) = (point[..ch.TopVars], point[ch.TopVars..]);
            var eqTop = Mle.EqTable(rTop);
            Point sum = Point.Identity;
            for (int i = 0; i < ch.Slots.Length; i++)
            {
                if (ch.Slots[i] is not { } b) continue;
                var y = v.ReceiveValue($"tie/{name}#{i}", rSlot);
                committed[i].AddWeightedClaim(b.XPoint(rSlot), b.FullWeights(), y);
                sum += eqTop[i] * y.Commitment;
            }
            weight.AddPointClaim(new EvalClaim(point, sum));
            for (int i = 0; i < ch.Slots.Length; i++) ch.Slots[i]?.VerifyBooleanity(v, committed[i]);
            weight.VerifyOpenings(v);
            for (int i = 0; i < ch.Slots.Length; i++) if (ch.Slots[i] is not null) committed[i].VerifyOpenings(v);
        }
        if (!v.Reader.ExpectEnd()) VerifierSession.Fail(v.Reader.Error!);
    }

    internal static ZkmlProver.Transcript.Transcript Start(Circuit.Circuit circuit, ModelCommitment commitment)
    {
        var t = new ZkmlProver.Transcript.Transcript(TranscriptName);
        t.AppendBytes("circuit digest", Convert.FromHexString(circuit.Digest!));
        t.AppendBytes("commitment digest", commitment.Digest);
        return t;
    }
}
