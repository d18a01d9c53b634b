using System.Collections.Concurrent;
using System.Security.Cryptography;
using ZkmlProver.Commitments;
using ZkmlProver.Commitments.Hyrax;
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

    /// <param name="cheating">Soundness tests only: prove even when a weight is out of range or a
    /// padded entry is not 0 (the verifier must then reject).</param>
    internal static byte[] Prove(Circuit.Circuit circuit, IReadOnlyDictionary<string, long[]> tables, ModelCommitment commitment,
        IReadOnlyDictionary<string, HyraxOpening> openings, Random? rng, bool cheating = false)
    {
        var transcript = Start(circuit, commitment);
        var s = new ProverSession(transcript, rng) { Cheating = cheating };
        var layouts = WeightLayouts.For(circuit);
        var names = layouts.Keys.Order(StringComparer.Ordinal).ToArray();
        var weights = new Dictionary<string, CommittedTensor>(StringComparer.Ordinal);
        var bits = new Dictionary<string, (BitsTensor Bits, long[] Table)>(StringComparer.Ordinal);
        s.Writer.WriteCount(names.Length); // never empty, even for a circuit without weights
        foreach (var name in names)
        {
            var layout = layouts[name];
            weights[name] = new CommittedTensor(name, commitment.Tensors[name], openings[name], tables[name]);
            var b = Bits(circuit, name, layout);
            var table = b.BuildTable(tables[name], InferenceProver.ValidMask(layout), $"weight '{name}'",
                $"the weight does not fit its declared {circuit.Tensor(name).Bits}-bit range", cheating);
            var c = HyraxCommitment.Commit(table, new HyraxShape(b.NumVars), out var opening, rng);
            c.Write(s.Writer);
            c.AppendTo(s.Transcript, b.Name);
            b.Committed = new CommittedTensor(b.Name, c, opening, table);
            bits[name] = (b, table);
        }
        foreach (var name in names)
        {
            var b = bits[name].Bits;
            var r = s.Challenges($"tie/{name}", b.Layout.NumVars);
            var y = s.CommitValue($"tie/{name}", r, Mle.Evaluate(tables[name], r));
            weights[name].AddPointClaim(y);
            b.Committed!.AddWeightedClaim(b.XPoint(r), b.FullWeights(), y);
        }
        foreach (var name in names) bits[name].Bits.ProveBooleanity(s, bits[name].Table, cheating);
        foreach (var name in names) { weights[name].ProveOpenings(s); bits[name].Bits.Committed!.ProveOpenings(s); }
        return s.Writer.ToArray();
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
        var weights = new Dictionary<string, CommittedTensor>(StringComparer.Ordinal);
        var bits = new Dictionary<string, BitsTensor>(StringComparer.Ordinal);
        if (!v.Reader.ReadCount("weight tensor count", 0, out _, names.Length)) VerifierSession.Fail(v.Reader.Error!);
        foreach (var name in names)
        {
            weights[name] = new CommittedTensor(name, commitment.Tensors[name]);
            var b = Bits(circuit, name, layouts[name]);
            var shape = new HyraxShape(b.NumVars);
            var c = v.Read<HyraxCommitment>($"commitment '{b.Name}'", (r, out hc) => HyraxCommitment.TryRead(r, shape, out hc));
            c.AppendTo(v.Transcript, b.Name);
            b.Committed = new CommittedTensor(b.Name, c);
            bits[name] = b;
        }
        foreach (var name in names)
        {
            var b = bits[name];
            var r = v.Challenges($"tie/{name}", b.Layout.NumVars);
            var y = v.ReceiveValue($"tie/{name}", r);
            weights[name].AddPointClaim(y);
            b.Committed!.AddWeightedClaim(b.XPoint(r), b.FullWeights(), y);
        }
        foreach (var name in names) bits[name].VerifyBooleanity(v);
        foreach (var name in names) { weights[name].VerifyOpenings(v); bits[name].Committed!.VerifyOpenings(v); }
        if (!v.Reader.ExpectEnd()) VerifierSession.Fail(v.Reader.Error!);
    }

    private static BitsTensor Bits(Circuit.Circuit circuit, string name, TensorLayout layout)
        => new($"wf:{name}", layout, 0, circuit.Tensor(name).Bits, 0);

    private static ZkmlProver.Transcript.Transcript Start(Circuit.Circuit circuit, ModelCommitment commitment)
    {
        var t = new ZkmlProver.Transcript.Transcript(TranscriptName);
        t.AppendBytes("circuit digest", Convert.FromHexString(circuit.Digest!));
        t.AppendBytes("commitment digest", commitment.Digest);
        return t;
    }
}
