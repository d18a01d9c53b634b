using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Circuit;
using ZkmlProver.Transcript;

namespace ZkmlProver.Proving;

/// <summary>The model owner's secret: the Hyrax row blinds of every weight tensor. Whoever proves
/// needs it together with the weights.</summary>
/// <remarks>Format: magic "ZKMLK1\0\0", version, circuit digest, the digest of the commitment it
/// opens, the SHA-256 of the weights file it was made from, tensor count, per tensor name and
/// count-prefixed 32-byte scalars. The two digests let the prover refuse a key, weights and
/// commitment that do not belong together before it spends time on a proof the verifier would reject.</remarks>
public sealed class ModelKey
{
    private static ReadOnlySpan<byte> Magic => "ZKMLK1\0\0"u8;

    public ModelKey(string circuitDigest, byte[] commitmentDigest, byte[] weightsDigest, IReadOnlyDictionary<string, HyraxOpening> openings)
    {
        CircuitDigest = circuitDigest;
        CommitmentDigest = commitmentDigest;
        WeightsDigest = weightsDigest;
        Openings = openings;
    }

    public string CircuitDigest { get; }
    public byte[] CommitmentDigest { get; }
    public byte[] WeightsDigest { get; }
    public IReadOnlyDictionary<string, HyraxOpening> Openings { get; }

    /// <summary>SHA-256 of the canonical weights file bytes.</summary>
    public static byte[] DigestOf(WeightSet weights, Circuit.Circuit circuit) => SHA256.HashData(weights.ToBytes(circuit));

    /// <summary>Throws <see cref="ProvingException"/> unless this key was made with these weights for this commitment.</summary>
    public void CheckBelongsTo(ModelCommitment commitment, WeightSet weights, Circuit.Circuit circuit)
    {
        if (!CommitmentDigest.AsSpan().SequenceEqual(commitment.Digest))
            throw new ProvingException($"model.key opens commitment {Convert.ToHexStringLower(CommitmentDigest)[..16]}…, not the given model.commitment ({commitment.DigestHex[..16]}…); use the key written with that commitment, or run 'zkml commit' again");
        if (!WeightsDigest.AsSpan().SequenceEqual(DigestOf(weights, circuit)))
            throw new ProvingException("model.key was made from other weights than the given weights.bin; run 'zkml commit' again for these weights");
    }

    public byte[] ToBytes()
    {
        var w = new ProofWriter();
        w.WriteBytes(Magic);
        w.WriteUInt32(ModelCommitment.FormatVersion);
        w.WriteBytes(Convert.FromHexString(CircuitDigest));
        w.WriteBytes(CommitmentDigest);
        w.WriteBytes(WeightsDigest);
        w.WriteCount(Openings.Count);
        foreach (var (name, o) in Openings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteBytes(Encoding.UTF8.GetBytes(name));
            w.WriteUInt32((uint)o.Shape.NumVars);
            w.WriteScalars(o.Blinds);
        }
        return w.ToArray();
    }

    public static bool TryDecode(byte[] bytes, Circuit.Circuit circuit, out ModelKey? key, out string? error)
    {
        key = null;
        var r = new ProofReader(bytes);
        if (!r.ReadBytes("magic", out var magic) || !magic.AsSpan().SequenceEqual(Magic)) { error = "not a model key file (bad magic)"; return false; }
        if (!r.ReadUInt32("version", out var version) || version != ModelCommitment.FormatVersion) { error = r.Error ?? $"model key version {version} is not supported"; return false; }
        if (!r.ReadBytes("circuit digest", out var digest)) { error = r.Error; return false; }
        string digestHex = Convert.ToHexStringLower(digest);
        if (digestHex != circuit.Digest) { error = $"the key is for circuit {digestHex}, not for this circuit ({circuit.Digest})"; return false; }
        if (!r.ReadBytes("commitment digest", out var commitmentDigest) || commitmentDigest.Length != 32) { error = r.Error ?? "bad commitment digest"; return false; }
        if (!r.ReadBytes("weights digest", out var weightsDigest) || weightsDigest.Length != 32) { error = r.Error ?? "bad weights digest"; return false; }
        var layouts = WeightLayouts.For(circuit);
        if (!r.ReadCount("tensor count", 8, out var count, layouts.Count)) { error = r.Error; return false; }
        var openings = new Dictionary<string, HyraxOpening>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            if (!r.ReadBytes("tensor name", out var nameBytes)) { error = r.Error; return false; }
            string name = Encoding.UTF8.GetString(nameBytes);
            if (!layouts.TryGetValue(name, out var layout)) { error = $"key names tensor '{name}', which is not a weight of the circuit"; return false; }
            if (!r.ReadUInt32("num vars", out var nv) || nv != layout.NumVars) { error = r.Error ?? $"tensor '{name}' has {nv} variables, expected {layout.NumVars}"; return false; }
            var shape = new HyraxShape(layout.NumVars);
            if (!r.ReadScalars("blinds", out var blinds, shape.Rows)) { error = r.Error; return false; }
            if (!openings.TryAdd(name, new HyraxOpening(shape, blinds))) { error = $"tensor '{name}' appears twice"; return false; }
        }
        if (!r.ExpectEnd()) { error = r.Error; return false; }
        key = new ModelKey(digestHex, commitmentDigest, weightsDigest, openings);
        error = null;
        return true;
    }
}

/// <summary>Makes the model commitment and key from a circuit and its weights.</summary>
public static class ModelCommitter
{
    /// <summary>Commits to the weights and proves the commitment well formed.</summary>
    public static (ModelCommitment Commitment, ModelKey Key) Commit(Circuit.Circuit circuit, WeightSet weights, Random? rng = null)
    {
        if (circuit.Digest is null) circuit = circuit.WithDigest();
        weights.Validate(circuit);
        return Commit(circuit, weights, rng, tamperTable: null);
    }

    /// <summary>Soundness tests only: a cheating model owner who rewrites the padded table of any
    /// weight (out-of-range values, non-zero padding) before committing, and still proves.</summary>
    internal static (ModelCommitment Commitment, ModelKey Key) Commit(Circuit.Circuit circuit, WeightSet weights, Random? rng, Action<string, long[]>? tamperTable,
        int maxChunkVars = CommitmentWellFormedness.DefaultMaxChunkVars)
    {
        if (circuit.Digest is null) circuit = circuit.WithDigest();
        var layouts = WeightLayouts.For(circuit);
        var commitments = new Dictionary<string, HyraxCommitment>(StringComparer.Ordinal);
        var openings = new Dictionary<string, HyraxOpening>(StringComparer.Ordinal);
        var tables = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (name, layout) in layouts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var table = WeightLayouts.Scatter(layout, weights[name]);
            tamperTable?.Invoke(name, table);
            tables[name] = table;
            commitments[name] = HyraxCommitment.Commit(table, new HyraxShape(layout.NumVars), out var opening, rng);
            openings[name] = opening;
        }
        var bare = new ModelCommitment(circuit.Digest!, commitments);
        var proof = CommitmentWellFormedness.Prove(circuit, tables, bare, openings, rng, cheating: tamperTable is not null, maxChunkVars);
        var commitment = new ModelCommitment(circuit.Digest!, commitments, proof);
        return (commitment, new ModelKey(circuit.Digest!, commitment.Digest, ModelKey.DigestOf(weights, circuit), openings));
    }
}
