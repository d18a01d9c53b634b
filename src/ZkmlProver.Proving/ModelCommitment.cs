using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Circuit;
using ZkmlProver.Transcript;

namespace ZkmlProver.Proving;

/// <summary>
/// The public model commitment: the circuit digest, a hiding Hyrax commitment to every weight
/// tensor (in the layout of <see cref="WeightLayouts"/>), and the zero-knowledge proof that the
/// committed weights are well formed (<see cref="CommitmentWellFormedness"/>). Published once by
/// the model owner.
/// </summary>
/// <remarks>
/// Binary format (big-endian counts): magic "ZKMLC1\0\0", format version (u32 = 2), circuit digest
/// (32 bytes), tensor count, then per tensor: name (length-prefixed UTF-8), number of variables
/// (u32), the Hyrax row commitments (count-prefixed 33-byte points); then the well-formedness proof
/// (length-prefixed bytes). <see cref="Digest"/> is the SHA-256 of everything before the proof
/// (the commitment proper); proofs of inference absorb it, and the well-formedness proof is bound
/// to it through its own transcript. Version 1 files (no well-formedness proof) are refused.
/// </remarks>
public sealed class ModelCommitment
{
    public const uint FormatVersion = 2;
    private static ReadOnlySpan<byte> Magic => "ZKMLC1\0\0"u8;

    public ModelCommitment(string circuitDigest, IReadOnlyDictionary<string, HyraxCommitment> tensors, byte[]? wellFormednessProof = null)
    {
        CircuitDigest = circuitDigest;
        Tensors = tensors;
        var body = Encode();
        Digest = SHA256.HashData(body);
        WellFormednessProof = wellFormednessProof;
        var w = new ProofWriter();
        w.WriteBytes(wellFormednessProof ?? []);
        Bytes = [.. body, .. w.ToArray()];
    }

    public string CircuitDigest { get; }
    public IReadOnlyDictionary<string, HyraxCommitment> Tensors { get; }
    /// <summary>The zero-knowledge proof that the weights are in range with zero padding (null: none).</summary>
    public byte[]? WellFormednessProof { get; }
    /// <summary>The file's bytes (commitment and well-formedness proof).</summary>
    public byte[] Bytes { get; }
    public byte[] Digest { get; }
    public string DigestHex => Convert.ToHexStringLower(Digest);

    /// <summary>Checks the well-formedness proof against the circuit (cached per digest).</summary>
    public Verdict VerifyWellFormed(Circuit.Circuit circuit) => CommitmentWellFormedness.Verify(circuit, this);

    private byte[] Encode()
    {
        var w = new ProofWriter();
        w.WriteBytes(Magic);
        w.WriteUInt32(FormatVersion);
        w.WriteBytes(Convert.FromHexString(CircuitDigest));
        w.WriteCount(Tensors.Count);
        foreach (var (name, c) in Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteBytes(Encoding.UTF8.GetBytes(name));
            w.WriteUInt32((uint)c.Shape.NumVars);
            c.Write(w);
        }
        return w.ToArray();
    }

    /// <summary>Decodes and validates a commitment against a circuit (digest, tensor names and
    /// shapes). Never throws on the bytes: false with a reason.</summary>
    public static bool TryDecode(byte[] bytes, Circuit.Circuit circuit, out ModelCommitment? commitment, out string? error)
    {
        commitment = null;
        var r = new ProofReader(bytes);
        if (!r.ReadBytes("magic", out var magic) || !magic.AsSpan().SequenceEqual(Magic))
        { error = "not a model commitment file (bad magic)"; return false; }
        if (!r.ReadUInt32("version", out var version)) { error = r.Error; return false; }
        if (version != FormatVersion) { error = version == 1
            ? "model commitment format version 1 has no well-formedness proof (weights in range, zero padding) and is no longer accepted; run 'zkml commit' again"
            : $"model commitment format version {version} is not supported (expected {FormatVersion})"; return false; }
        if (!r.ReadBytes("circuit digest", out var digest)) { error = r.Error; return false; }
        string digestHex = Convert.ToHexStringLower(digest);
        if (circuit.Digest is null || digestHex != circuit.Digest)
        { error = $"the commitment is for circuit {digestHex}, not for this circuit ({circuit.Digest})"; return false; }
        var layouts = WeightLayouts.For(circuit);
        if (!r.ReadCount("tensor count", 8, out var count, layouts.Count)) { error = r.Error; return false; }
        var tensors = new Dictionary<string, HyraxCommitment>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            if (!r.ReadBytes("tensor name", out var nameBytes)) { error = r.Error; return false; }
            string name = Encoding.UTF8.GetString(nameBytes);
            if (!layouts.TryGetValue(name, out var layout)) { error = $"commitment names tensor '{name}', which is not a weight of the circuit"; return false; }
            if (!r.ReadUInt32("num vars", out var nv)) { error = r.Error; return false; }
            if (nv != layout.NumVars) { error = $"tensor '{name}' committed with {nv} variables, the circuit needs {layout.NumVars}"; return false; }
            if (!HyraxCommitment.TryRead(r, new HyraxShape(layout.NumVars), out var hc)) { error = r.Error; return false; }
            if (!tensors.TryAdd(name, hc)) { error = $"tensor '{name}' appears twice"; return false; }
        }
        if (!r.ReadBytes("well-formedness proof", out var wf)) { error = r.Error; return false; }
        if (wf.Length == 0) { error = "the model commitment has no well-formedness proof (weights in range, zero padding); run 'zkml commit' again"; return false; }
        if (!r.ExpectEnd()) { error = r.Error; return false; }
        commitment = new ModelCommitment(digestHex, tensors, wf);
        error = null;
        return true;
    }
}
