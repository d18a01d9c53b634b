using System.Collections.Immutable;
using System.Globalization;

namespace ZkmlProver.Onnx;

/// <summary>Kind of an attribute value (ONNX <c>AttributeProto.AttributeType</c>, the subset kept).</summary>
public enum OnnxAttributeKind { Float, Int, String, Tensor, Floats, Ints, Strings, Other }

/// <summary>One node attribute with its typed value (only the member matching <see cref="Kind"/> is set).</summary>
public sealed class OnnxAttribute
{
    /// <summary>Attribute name.</summary>
    public string Name { get; }
    /// <summary>Value kind.</summary>
    public OnnxAttributeKind Kind { get; }
    /// <summary>FLOAT value.</summary>
    public float Float { get; init; }
    /// <summary>INT value.</summary>
    public long Int { get; init; }
    /// <summary>STRING value (UTF-8 decoded).</summary>
    public string String { get; init; } = "";
    /// <summary>TENSOR value.</summary>
    public FloatTensor? Tensor { get; init; }
    /// <summary>FLOATS value.</summary>
    public ImmutableArray<float> Floats { get; init; } = ImmutableArray<float>.Empty;
    /// <summary>INTS value.</summary>
    public ImmutableArray<long> Ints { get; init; } = ImmutableArray<long>.Empty;
    /// <summary>STRINGS value.</summary>
    public ImmutableArray<string> Strings { get; init; } = ImmutableArray<string>.Empty;
    /// <summary>For <see cref="OnnxAttributeKind.Other"/>: the ONNX type name (GRAPH, SPARSE_TENSOR, …).</summary>
    public string OtherType { get; init; } = "";

    /// <summary>Creates an attribute of the given kind (set the value with an initializer).</summary>
    public OnnxAttribute(string name, OnnxAttributeKind kind) { Name = name; Kind = kind; }

    /// <summary>The value rendered for messages and reports ("2", "[1,1]", "'SAME_UPPER'").</summary>
    public string ValueText => Kind switch
    {
        OnnxAttributeKind.Float => Float.ToString("R", CultureInfo.InvariantCulture),
        OnnxAttributeKind.Int => Int.ToString(CultureInfo.InvariantCulture),
        OnnxAttributeKind.String => $"'{String}'",
        OnnxAttributeKind.Tensor => $"tensor{(Tensor is null ? "" : "[" + string.Join(",", Tensor.Shape) + "]")}",
        OnnxAttributeKind.Floats => "[" + string.Join(",", Floats.Select(f => f.ToString("R", CultureInfo.InvariantCulture))) + "]",
        OnnxAttributeKind.Ints => "[" + string.Join(",", Ints) + "]",
        OnnxAttributeKind.Strings => "[" + string.Join(",", Strings.Select(s => $"'{s}'")) + "]",
        _ => OtherType,
    };

    /// <inheritdoc/>
    public override string ToString() => $"{Name} = {ValueText}";
}

/// <summary>
/// One ONNX node, immutable. <see cref="Index"/> is the node's position in the file's node list
/// (Constant nodes included), so error messages match what ONNX tools (Netron, onnx.helper) show.
/// Absent optional inputs are empty strings, as in ONNX.
/// </summary>
public sealed class OnnxNode
{
    /// <summary>Position in the file's node list (0-based).</summary>
    public int Index { get; }
    /// <summary>Node name ("" when the file has none).</summary>
    public string Name { get; }
    /// <summary>Operator type, e.g. "Conv".</summary>
    public string OpType { get; }
    /// <summary>Operator domain ("" = ai.onnx).</summary>
    public string Domain { get; }
    /// <summary>Input tensor names ("" for an absent optional input).</summary>
    public ImmutableArray<string> Inputs { get; }
    /// <summary>Output tensor names.</summary>
    public ImmutableArray<string> Outputs { get; }
    /// <summary>Attributes by name.</summary>
    public ImmutableDictionary<string, OnnxAttribute> Attributes { get; }
    /// <summary>The file the node came from (for messages).</summary>
    public string SourcePath { get; }

    /// <summary>Creates a node.</summary>
    public OnnxNode(int index, string name, string opType, string domain, IEnumerable<string> inputs,
        IEnumerable<string> outputs, IEnumerable<OnnxAttribute> attributes, string sourcePath = "")
    {
        Index = index;
        Name = name;
        OpType = opType;
        Domain = domain;
        Inputs = inputs.ToImmutableArray();
        Outputs = outputs.ToImmutableArray();
        var b = ImmutableDictionary.CreateBuilder<string, OnnxAttribute>(StringComparer.Ordinal);
        foreach (var a in attributes) b[a.Name] = a;
        Attributes = b.ToImmutable();
        SourcePath = sourcePath;
    }

    /// <summary>"node 3 '/conv/Conv' (Conv)": how messages name this node.</summary>
    public string Describe() => $"node {Index} '{Name}' ({OpType})";

    /// <summary>"file.onnx: node 3 '/conv/Conv' (Conv)".</summary>
    public string Where() => string.IsNullOrEmpty(SourcePath) ? Describe() : $"{SourcePath}: {Describe()}";

    /// <summary>True when the node has the attribute.</summary>
    public bool Has(string name) => Attributes.ContainsKey(name);

    /// <summary>True when input i exists and is not the empty (absent) name.</summary>
    public bool HasInput(int i) => i < Inputs.Length && Inputs[i].Length > 0;

    /// <summary>An INT attribute, or <paramref name="def"/> when absent.</summary>
    public long GetInt(string name, long def) => Get(name, OnnxAttributeKind.Int)?.Int ?? def;

    /// <summary>A FLOAT attribute, or <paramref name="def"/> when absent.</summary>
    public float GetFloat(string name, float def) => Get(name, OnnxAttributeKind.Float)?.Float ?? def;

    /// <summary>A STRING attribute, or <paramref name="def"/> when absent.</summary>
    public string GetString(string name, string def) => Get(name, OnnxAttributeKind.String)?.String ?? def;

    /// <summary>An INTS attribute, or <paramref name="def"/> (null → null) when absent.</summary>
    public long[]? GetInts(string name, long[]? def = null)
    {
        var a = Get(name, OnnxAttributeKind.Ints);
        return a is null ? def : a.Ints.ToArray();
    }

    /// <summary>A FLOATS attribute, or <paramref name="def"/> when absent.</summary>
    public float[]? GetFloats(string name, float[]? def = null)
    {
        var a = Get(name, OnnxAttributeKind.Floats);
        return a is null ? def : a.Floats.ToArray();
    }

    /// <summary>A TENSOR attribute, or null when absent.</summary>
    public FloatTensor? GetTensor(string name) => Get(name, OnnxAttributeKind.Tensor)?.Tensor;

    /// <summary>A required INT attribute.</summary>
    public long GetRequiredInt(string name) => Get(name, OnnxAttributeKind.Int)?.Int
        ?? throw new OnnxFormatException($"{Where()}: required attribute {name} is missing");

    private OnnxAttribute? Get(string name, OnnxAttributeKind kind)
    {
        if (!Attributes.TryGetValue(name, out var a)) return null;
        if (a.Kind != kind)
            throw new OnnxFormatException($"{Where()}: attribute {name} has type {a.Kind}, expected {kind}");
        return a;
    }

    /// <inheritdoc/>
    public override string ToString() => Describe();
}
