using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkmlProver.Circuit;

/// <summary>
/// The integer layer graph proved by the prover (contract: docs/CIRCUIT.md). Layers are in
/// evaluation order; every tensor a layer reads is the input, a weight, or the output of an
/// earlier layer.
/// </summary>
/// <remarks>
/// <see cref="Digest"/> = lowercase hex SHA-256 of the canonical JSON (<see cref="CanonicalJson"/>):
/// System.Text.Json, camelCase, no indentation, properties in declaration order, null properties
/// omitted, layers tagged by "op", and <c>digest</c> itself omitted.
/// </remarks>
public sealed record Circuit
{
    /// <summary>The format tag this code reads and writes.</summary>
    public const string CurrentFormat = "zkml-circuit/1";

    /// <summary>Format tag, "zkml-circuit/1".</summary>
    public string Format { get; init; } = CurrentFormat;
    /// <summary>Model name.</summary>
    public required string Name { get; init; }
    /// <summary>Name of the single Input tensor.</summary>
    public required string Input { get; init; }
    /// <summary>Names of the output tensors (activations).</summary>
    public required string[] Outputs { get; init; }
    /// <summary>Every tensor: input, weights, activations.</summary>
    public required TensorInfo[] Tensors { get; init; }
    /// <summary>Layers in evaluation order.</summary>
    public required Layer[] Layers { get; init; }
    /// <summary>SHA-256 of the canonical JSON without this field; null until computed.</summary>
    public string? Digest { get; init; }

    // Cache keyed by the Tensors array it was built from (a `with` copy may replace the array).
    (TensorInfo[] Source, Dictionary<string, TensorInfo> Map)? _index;

    /// <summary>The tensor named <paramref name="name"/>; throws <see cref="CircuitFormatException"/> if absent.</summary>
    public TensorInfo Tensor(string name)
    {
        return Index().TryGetValue(name, out var t) ? t : throw new CircuitFormatException($"circuit '{Name}' has no tensor '{name}'");
    }

    /// <summary>True when a tensor named <paramref name="name"/> exists.</summary>
    public bool HasTensor(string name) => Index().ContainsKey(name);

    Dictionary<string, TensorInfo> Index()
    {
        var cached = _index;
        if (cached is { } c0 && ReferenceEquals(c0.Source, Tensors)) return c0.Map;
        var d = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (var t in Tensors)
            if (!d.TryAdd(t.Name, t)) throw new CircuitFormatException($"circuit '{Name}': tensor '{t.Name}' is declared twice");
        _index = (Tensors, d);
        return d;
    }

    /// <summary>The Input tensor.</summary>
    [JsonIgnore] public TensorInfo InputTensor => Tensor(Input);

    /// <summary>Weight tensors in declaration order (the order of the weights file).</summary>
    [JsonIgnore] public IEnumerable<TensorInfo> WeightTensors => Tensors.Where(t => t.Kind == TensorKind.Weight);

    /// <summary>Canonical JSON (no indentation, digest omitted): the bytes hashed by <see cref="ComputeDigest"/>.</summary>
    public string CanonicalJson() => JsonSerializer.Serialize(this with { Digest = null }, CircuitJson.Compact);

    /// <summary>Lowercase hex SHA-256 of <see cref="CanonicalJson"/>.</summary>
    public string ComputeDigest() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson())));

    /// <summary>A copy with <see cref="Digest"/> set to <see cref="ComputeDigest"/>.</summary>
    public Circuit WithDigest() => this with { Digest = ComputeDigest() };

    /// <summary>Indented JSON including the digest (computed here).</summary>
    public string ToJson() => JsonSerializer.Serialize(WithDigest(), CircuitJson.Indented);

    /// <summary>Parses circuit JSON, checks the format tag and digest, and validates the structure
    /// (<see cref="CircuitValidator"/>). Throws <see cref="CircuitFormatException"/>.</summary>
    public static Circuit FromJson(string json, string source = "circuit.json")
    {
        Circuit? c;
        try { c = JsonSerializer.Deserialize<Circuit>(json, CircuitJson.Indented); }
        catch (JsonException e) { throw new CircuitFormatException($"{source}: invalid circuit JSON: {e.Message}", e); }
        catch (NotSupportedException e) { throw new CircuitFormatException($"{source}: invalid circuit JSON: {e.Message}", e); }
        if (c is null) throw new CircuitFormatException($"{source}: empty circuit JSON");
        if (c.Format != CurrentFormat) throw new CircuitFormatException($"{source}: format '{c.Format}' is not '{CurrentFormat}'");
        if (c.Digest is null) throw new CircuitFormatException($"{source}: missing digest");
        string d = c.ComputeDigest();
        if (!string.Equals(d, c.Digest, StringComparison.Ordinal))
            throw new CircuitFormatException($"{source}: digest mismatch: file says {c.Digest}, content hashes to {d}");
        CircuitValidator.Validate(c);
        return c;
    }

    /// <summary>Writes <see cref="ToJson"/> atomically (temp file + rename).</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(ToJson() + "\n"));

    /// <summary>Reads and validates a circuit file.</summary>
    public static Circuit Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException e) { throw new CircuitFormatException($"{path}: {e.Message}", e); }
        return FromJson(text, path);
    }
}

/// <summary>The JSON settings of circuit files.</summary>
public static class CircuitJson
{
    static JsonSerializerOptions Make(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = indented,
        AllowOutOfOrderMetadataProperties = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        IndentSize = 2,
    };

    /// <summary>Canonical (digest) settings: no indentation.</summary>
    public static readonly JsonSerializerOptions Compact = Make(false);
    /// <summary>File settings: indented.</summary>
    public static readonly JsonSerializerOptions Indented = Make(true);
}

/// <summary>Atomic file writes: write to a temporary file in the same folder, then rename.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string full = Path.GetFullPath(path);
        string tmp = full + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                fs.Write(bytes);
                fs.Flush(true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
