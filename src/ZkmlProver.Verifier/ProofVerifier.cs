using ZkmlProver.Circuit;
using ZkmlProver.Proving;

namespace ZkmlProver.Verifier;

/// <summary>One proven output tensor, per batch row, in real units (dequantized with the circuit's scale).</summary>
public sealed record ProvenOutput(string Name, double[][] Rows);

/// <summary>
/// The answer to "did the committed model produce these outputs?": accepted or rejected with a
/// reason, and when accepted the proven outputs, batch size and whether the inputs were public.
/// </summary>
public sealed record ProofVerdict(bool Accepted, string? Reason, int Batch, bool PrivateInput, IReadOnlyList<ProvenOutput> Outputs, string CommitmentDigest)
{
    internal static ProofVerdict Rejected(string reason, string digest = "") => new(false, reason, 0, false, [], digest);
}

/// <summary>
/// The verifier-only entry point: checks a proof against the public circuit and model commitment.
/// Never throws on the contents of the files: unreadable, malformed or mismatched files are a
/// rejection with the reason, like a proof that fails a check. The first verification of a
/// commitment in a process also checks its well-formedness proof (cached by digest afterwards).
/// </summary>
public static class ProofVerifier
{
    /// <summary>Verifies <paramref name="proofPath"/> against <paramref name="circuitPath"/> and <paramref name="commitmentPath"/>.</summary>
    public static ProofVerdict VerifyFiles(string circuitPath, string commitmentPath, string proofPath)
    {
        Circuit.Circuit circuit;
        ModelCommitment commitment;
        byte[] proof;
        try
        {
            circuit = ModelFiles.LoadCircuit(circuitPath);
            commitment = ModelFiles.LoadCommitment(commitmentPath, circuit);
            proof = File.ReadAllBytes(proofPath);
        }
        catch (Exception e) when (e is ProvingException or CircuitFormatException or IOException or UnauthorizedAccessException)
        {
            return ProofVerdict.Rejected(e.Message.ReplaceLineEndings(" "));
        }
        return Verify(circuit, commitment, proof);
    }

    /// <summary>Verifies proof bytes against an already loaded circuit and commitment.</summary>
    public static ProofVerdict Verify(Circuit.Circuit circuit, ModelCommitment commitment, byte[] proofBytes)
    {
        var result = InferenceVerifier.Verify(circuit, commitment, proofBytes);
        if (!result.Accepted) return ProofVerdict.Rejected(result.Verdict.Reason!, commitment.DigestHex);
        var p = result.Proof!;
        var outputs = p.Outputs.Select(o => new ProvenOutput(o.Name, Dequantize(circuit, o.Name, o.Values, p.Batch))).ToArray();
        return new ProofVerdict(true, null, p.Batch, p.PrivateInput, outputs, commitment.DigestHex);
    }

    /// <summary>Splits a proven output into batch rows and converts each fixed-point value to a real number.</summary>
    public static double[][] Dequantize(Circuit.Circuit circuit, string name, long[] values, int batch)
    {
        var t = circuit.Tensor(name);
        var rows = new double[batch][];
        for (int b = 0; b < batch; b++)
        {
            rows[b] = new double[t.Size];
            for (int i = 0; i < t.Size; i++) rows[b][i] = FixedPoint.ToReal(values[b * t.Size + i], t.Scale);
        }
        return rows;
    }
}
