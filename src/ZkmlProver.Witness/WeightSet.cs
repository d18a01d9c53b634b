using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ZkmlProver.Circuit;

/// <summary>
/// The quantized weights of a circuit (name → values, row-major over the Weight tensor's shape).
/// </summary>
/// <remarks>
/// File format <c>weights.bin</c> (all integers little-endian):
/// magic "ZKMLW1\0\0" (8 bytes) · circuit digest (32 raw bytes) · tensor count (uint32) ·
/// per tensor in the circuit's Weight-tensor order: name length (uint32), name (UTF-8),
/// element count (uint64), values (int64 each) · trailer: SHA-256 of all preceding bytes (32 bytes).
/// Reading checks magic, trailer, digest, names, counts and every value against its Bits.
/// </remarks>
public sealed class WeightSet
{
    /// <summary>File magic.</summary>
    public static ReadOnlySpan<byte> Magic => "ZKMLW1\0\0"u8;

    readonly Dictionary<string, long[]> _tensors;

    /// <summary>Creates a set from name → values (the arrays are not copied).</summary>
    public WeightSet(IEnumerable<KeyValuePair<string, long[]>> tensors)
    {
        _tensors = new Dictionary<string, long[]>(tensors, StringComparer.Ordinal);
    }

    /// <summary>Names of the tensors.</summary>
    public IEnumerable<string> Names => _tensors.Keys;
    /// <summary>Number of tensors.</summary>
    public int Count => _tensors.Count;
    /// <summary>Values of a tensor.</summary>
    public long[] this[string name] => _tensors.TryGetValue(name, out var v) ? v : throw new CircuitFormatException($"weights have no tensor '{name}'");
    /// <summary>True when the set holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>Checks that the set holds exactly the circuit's Weight tensors with the right
    /// element counts and every value within its Bits.</summary>
    public void Validate(Circuit circuit, string source = "weights")
    {
        var expected = circuit.WeightTensors.ToList();
        foreach (var t in expected)
        {
            if (!_tensors.TryGetValue(t.Name, out var v)) throw new CircuitFormatException($"{source}: missing weight tensor '{t.Name}'");
            if (v.Length != t.Size) throw new CircuitFormatException($"{source}: weight '{t.Name}' has {v.Length} values, the circuit's shape {ShapeUtil.Format(t.Shape)} needs {t.Size}");
            for (int i = 0; i < v.Length; i++)
                if (!t.InRange(v[i]))
                    throw CircuitRangeException.ForBits("weights", t.Name, i, v[i], t.Bits, "re-quantize the weights with a lower scale or widen the weight's Bits");
        }
        if (_tensors.Count != expected.Count)
        {
            var extra = _tensors.Keys.Except(expected.Select(t => t.Name)).First();
            throw new CircuitFormatException($"{source}: tensor '{extra}' is not a Weight tensor of circuit '{circuit.Name}'");
        }
    }

    /// <summary>Serializes (after <see cref="Validate"/>) in the file format above.</summary>
    public byte[] ToBytes(Circuit circuit)
    {
        Validate(circuit);
        string digest = circuit.Digest ?? circuit.ComputeDigest();
        using var ms = new MemoryStream();
        ms.Write(Magic);
        ms.Write(Convert.FromHexString(digest));
        Span<byte> buf = stackalloc byte[8];
        var weights = circuit.WeightTensors.ToList();
        BinaryPrimitives.WriteUInt32LittleEndian(buf, (uint)weights.Count); ms.Write(buf[..4]);
        foreach (var t in weights)
        {
            var name = Encoding.UTF8.GetBytes(t.Name);
            BinaryPrimitives.WriteUInt32LittleEndian(buf, (uint)name.Length); ms.Write(buf[..4]);
            ms.Write(name);
            var v = _tensors[t.Name];
            BinaryPrimitives.WriteUInt64LittleEndian(buf, (ulong)v.Length); ms.Write(buf);
            foreach (long x in v) { BinaryPrimitives.WriteInt64LittleEndian(buf, x); ms.Write(buf); }
        }
        var body = ms.ToArray();
        var result = new byte[body.Length + 32];
        body.CopyTo(result, 0);
        SHA256.HashData(body, result.AsSpan(body.Length));
        return result;
    }

    /// <summary>Writes the file atomically (temp + rename).</summary>
    public void Write(string path, Circuit circuit) => AtomicFile.WriteAllBytes(path, ToBytes(circuit));

    /// <summary>Reads and validates a weights file against <paramref name="circuit"/>.</summary>
    public static WeightSet Read(string path, Circuit circuit)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new CircuitFormatException($"{path}: {e.Message}", e); }
        return FromBytes(bytes, circuit, path);
    }

    /// <summary>Parses and validates weights bytes; throws <see cref="CircuitFormatException"/> naming the problem.</summary>
    public static WeightSet FromBytes(ReadOnlySpan<byte> data, Circuit circuit, string source = "weights")
    {
        if (data.Length < 8 + 32 + 4 + 32) throw new CircuitFormatException($"{source}: truncated ({data.Length} bytes)");
        if (!data[..8].SequenceEqual(Magic)) throw new CircuitFormatException($"{source}: not a weights file (bad magic)");
        var body = data[..^32];
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(body, hash);
        if (!hash.SequenceEqual(data[^32..])) throw new CircuitFormatException($"{source}: checksum mismatch (file corrupt or truncated)");
        string digest = circuit.Digest ?? circuit.ComputeDigest();
        string fileDigest = Convert.ToHexStringLower(body.Slice(8, 32));
        if (fileDigest != digest) throw new CircuitFormatException($"{source}: made for circuit digest {fileDigest}, not {digest} ('{circuit.Name}')");
        int pos = 40;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]); pos += 4;
        var expected = circuit.WeightTensors.ToList();
        if (count != expected.Count) throw new CircuitFormatException($"{source}: {count} tensors, the circuit has {expected.Count} Weight tensors");
        var dict = new List<KeyValuePair<string, long[]>>();
        foreach (var t in expected)
        {
            if (body.Length - pos < 4) throw new CircuitFormatException($"{source}: truncated before tensor '{t.Name}'");
            int nameLen = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]), int.MaxValue); pos += 4;
            if ((long)body.Length - pos < (long)nameLen + 8) throw new CircuitFormatException($"{source}: truncated in the header of tensor '{t.Name}'");
            string name = Encoding.UTF8.GetString(body.Slice(pos, nameLen)); pos += nameLen;
            if (name != t.Name) throw new CircuitFormatException($"{source}: found tensor '{name}' where the circuit expects '{t.Name}'");
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(body[pos..]); pos += 8;
            if (n != (ulong)t.Size) throw new CircuitFormatException($"{source}: tensor '{name}' has {n} values, its shape {ShapeUtil.Format(t.Shape)} needs {t.Size}");
            if ((ulong)(body.Length - pos) < n * 8) throw new CircuitFormatException($"{source}: truncated in the values of '{name}'");
            var v = new long[n];
            for (int i = 0; i < v.Length; i++) { v[i] = BinaryPrimitives.ReadInt64LittleEndian(body[pos..]); pos += 8; }
            dict.Add(new(name, v));
        }
        if (pos != body.Length) throw new CircuitFormatException($"{source}: {body.Length - pos} unexpected trailing bytes");
        var set = new WeightSet(dict);
        set.Validate(circuit, source);
        return set;
    }
}
