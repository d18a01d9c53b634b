using System.Buffers.Binary;
using System.Text;
using ZkmlProver.Transcript;

namespace ZkmlProver.Proving;

/// <summary>
/// A proof file: the public statement (digests, batch size, public inputs or nothing, outputs) and
/// the proof stream.
/// </summary>
/// <remarks>
/// Format (counts 4-byte big-endian, every variable-length field length-prefixed): magic
/// "ZKMLP1\0\0", format version (u32), curve id "secp256k1", circuit digest (32 bytes), model
/// commitment digest (32 bytes), batch size (u32), input mode (u32: 0 public, 1 private), public
/// input values (int64 little-endian, B × input size; empty when private), output count, per output
/// its name and values (int64 little-endian), then the proof stream. Decoding validates every length
/// against the circuit before anything is verified.
/// </remarks>
public sealed class InferenceProof
{
    public const uint FormatVersion = 1;
    /// <summary>The Fiat–Shamir transcript's domain name (prover and verifier).</summary>
    public const string TranscriptName = "zkml-inference";
    public const string CurveId = "secp256k1";
    private static ReadOnlySpan<byte> Magic => "ZKMLP1\0\0"u8;

    public required string CircuitDigest { get; init; }
    public required byte[] CommitmentDigest { get; init; }
    public required int Batch { get; init; }
    public required bool PrivateInput { get; init; }
    public long[]? PublicInput { get; init; }
    public required IReadOnlyList<(string Name, long[] Values)> Outputs { get; init; }
    public required byte[] Body { get; init; }

    public byte[] ToBytes()
    {
        var w = new ProofWriter();
        w.WriteBytes(Magic);
        w.WriteUInt32(FormatVersion);
        w.WriteBytes(Encoding.ASCII.GetBytes(CurveId));
        w.WriteBytes(Convert.FromHexString(CircuitDigest));
        w.WriteBytes(CommitmentDigest);
        w.WriteCount(Batch);
        w.WriteUInt32(PrivateInput ? 1u : 0u);
        w.WriteBytes(Int64s(PrivateInput ? [] : PublicInput!));
        w.WriteCount(Outputs.Count);
        foreach (var (name, values) in Outputs)
        {
            w.WriteBytes(Encoding.UTF8.GetBytes(name));
            w.WriteBytes(Int64s(values));
        }
        w.WriteBytes(Body);
        return w.ToArray();
    }

    /// <summary>Absorbs the statement into the transcript (prover and verifier alike), before any challenge.</summary>
    public void BindStatement(ZkmlProver.Transcript.Transcript t)
    {
        t.AppendUInt64("version", FormatVersion);
        t.AppendBytes("curve", Encoding.ASCII.GetBytes(CurveId));
        t.AppendBytes("circuit", Convert.FromHexString(CircuitDigest));
        t.AppendBytes("model-commitment", CommitmentDigest);
        t.AppendUInt64("batch", (ulong)Batch);
        t.AppendUInt64("private-input", PrivateInput ? 1UL : 0UL);
        if (!PrivateInput) t.AppendBytes("input", Int64s(PublicInput!));
        foreach (var (name, values) in Outputs)
        {
            t.AppendBytes("output-name", Encoding.UTF8.GetBytes(name));
            t.AppendBytes("output", Int64s(values));
        }
    }

    /// <summary>Decodes a proof for <paramref name="circuit"/>; never throws on the bytes.</summary>
    public static bool TryDecode(byte[] bytes, Circuit.Circuit circuit, out InferenceProof? proof, out string? error)
    {
        proof = null;
        var r = new ProofReader(bytes);
        if (!r.ReadBytes("magic", out var magic) || !magic.AsSpan().SequenceEqual(Magic)) { error = "not a ZkmlProver proof (bad magic)"; return false; }
        if (!r.ReadUInt32("version", out var version)) { error = r.Error; return false; }
        if (version != FormatVersion) { error = $"proof format version {version} is not supported (expected {FormatVersion})"; return false; }
        if (!r.ReadBytes("curve", out var curve)) { error = r.Error; return false; }
        if (Encoding.ASCII.GetString(curve) != CurveId) { error = $"proof is over curve '{Encoding.ASCII.GetString(curve)}', expected {CurveId}"; return false; }
        if (!r.ReadBytes("circuit digest", out var cd)) { error = r.Error; return false; }
        string cdHex = Convert.ToHexStringLower(cd);
        if (cdHex != circuit.Digest) { error = $"proof is for circuit {cdHex}, not for this circuit ({circuit.Digest})"; return false; }
        if (!r.ReadBytes("commitment digest", out var md) || md.Length != 32) { error = r.Error ?? "bad commitment digest"; return false; }
        if (!r.ReadUInt32("batch", out var batch) || batch == 0 || batch > 1 << 20) { error = r.Error ?? $"batch size {batch} is out of range"; return false; }
        if (!r.ReadUInt32("input mode", out var mode) || mode > 1) { error = r.Error ?? $"unknown input mode {mode}"; return false; }
        var inputT = circuit.InputTensor;
        if (!r.ReadBytes("public input", out var inBytes)) { error = r.Error; return false; }
        long[]? input = null;
        if (mode == 0)
        {
            long expected = (long)batch * inputT.Size;
            if (inBytes.Length != expected * 8) { error = $"public input has {inBytes.Length / 8} values, expected {expected} ({batch} × {inputT.Size})"; return false; }
            input = FromInt64s(inBytes);
            for (int i = 0; i < input.Length; i++)
                if (!inputT.InRange(input[i])) { error = $"public input value {input[i]} at index {i} is outside the input's declared {inputT.Bits}-bit range"; return false; }
        }
        else if (inBytes.Length != 0) { error = "a private-input proof carries public input values"; return false; }
        if (!r.ReadCount("output count", 8, out var nOut, circuit.Outputs.Length)) { error = r.Error; return false; }
        var outputs = new List<(string, long[])>();
        for (int i = 0; i < nOut; i++)
        {
            if (!r.ReadBytes("output name", out var nb)) { error = r.Error; return false; }
            string name = Encoding.UTF8.GetString(nb);
            if (name != circuit.Outputs[i]) { error = $"output {i} is '{name}', the circuit's is '{circuit.Outputs[i]}'"; return false; }
            if (!r.ReadBytes("output values", out var ob)) { error = r.Error; return false; }
            long expected = (long)batch * circuit.Tensor(name).Size;
            if (ob.Length != expected * 8) { error = $"output '{name}' has {ob.Length / 8} values, expected {expected}"; return false; }
            var values = FromInt64s(ob);
            var outT = circuit.Tensor(name);
            // The circuit's outputs are proven within their declared ranges: the verifier reads them
            // here, so it checks them here (docs/SOUNDNESS.md, Outputs).
            for (int j = 0; j < values.Length; j++)
                if (!outT.InRange(values[j])) { error = $"output '{name}' value {values[j]} at index {j} is outside its declared {outT.Bits}-bit range"; return false; }
            outputs.Add((name, values));
        }
        if (!r.ReadBytes("proof body", out var body)) { error = r.Error; return false; }
        if (!r.ExpectEnd()) { error = r.Error; return false; }
        proof = new InferenceProof
        {
            CircuitDigest = cdHex, CommitmentDigest = md, Batch = (int)batch, PrivateInput = mode == 1,
            PublicInput = input, Outputs = outputs, Body = body,
        };
        error = null;
        return true;
    }

    internal static byte[] Int64s(long[] v)
    {
        var b = new byte[v.Length * 8];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(i * 8), v[i]);
        return b;
    }

    private static long[] FromInt64s(byte[] b)
    {
        var v = new long[b.Length / 8];
        for (int i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(i * 8));
        return v;
    }
}
