using System.Collections.Immutable;
using System.Text;
using Google.Protobuf;
using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.Onnx;

/// <summary>
/// Reads <c>.onnx</c> files into the typed <see cref="OnnxModel"/>: parses the protobuf (classes
/// generated at build time from <c>Protos/onnx_subset.proto</c>), checks IR version (3–10) and opset
/// (ai.onnx 7–21), converts initializers and Constant nodes to <see cref="FloatTensor"/>s, folds
/// nodes whose inputs are all constants (see <see cref="OnnxGraph.FoldedNodes"/>), and runs shape
/// inference and support checks node by node. Every error is an <see cref="OnnxException"/>
/// with a one-line message naming the file (and node, op, attribute where it applies).
/// </summary>
public static class OnnxLoader
{
    /// <summary>Lowest supported ModelProto.ir_version.</summary>
    public const long MinIrVersion = 3;
    /// <summary>Highest supported ModelProto.ir_version.</summary>
    public const long MaxIrVersion = 10;
    /// <summary>Lowest supported ai.onnx opset.</summary>
    public const long MinOpset = 7;
    /// <summary>Highest supported ai.onnx opset.</summary>
    public const long MaxOpset = 21;

    /// <summary>The operators the front end supports (ai.onnx domain), sorted.</summary>
    public static IReadOnlyList<string> SupportedOperators { get; } = ShapeInference.SupportedOps.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Loads and checks a model file.</summary>
    public static OnnxModel Load(string path, OnnxLoadOptions? options = null) => Load(ReadBytes(path), path, options);

    /// <summary>Loads and checks a model from bytes; <paramref name="path"/> names it in messages.</summary>
    public static OnnxModel Load(byte[] bytes, string path, OnnxLoadOptions? options = null)
        => Load(ParseProto(bytes, path), path, options);

    /// <summary>Reads the raw protobuf message of a model file (format errors as <see cref="OnnxFormatException"/>).</summary>
    public static ModelProto ReadProto(string path) => ParseProto(ReadBytes(path), path);

    /// <summary>Parses model bytes (format errors as <see cref="OnnxFormatException"/>).</summary>
    public static ModelProto ParseProto(byte[] bytes, string path)
    {
        if (bytes.Length == 0) throw new OnnxFormatException($"{path}: empty file (not an ONNX model)");
        ModelProto m;
        try { m = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{path}: not a valid ONNX model (truncated or corrupt protobuf: {TensorProtoReader.FirstLine(e.Message)})", e);
        }
        if (m.Graph is null)
            throw new OnnxFormatException($"{path}: not a valid ONNX model (no graph; is this an .onnx file?)");
        return m;
    }

    private static byte[] ReadBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OnnxFormatException($"{path}: cannot read model file: {e.Message}", e);
        }
    }

    /// <summary>Converts and checks a parsed model; <paramref name="path"/> names it in messages.</summary>
    public static OnnxModel Load(ModelProto proto, string path, OnnxLoadOptions? options = null)
    {
        options ??= new OnnxLoadOptions();
        var diags = new List<OnnxDiagnostic>();
        void Problem(OnnxException e, int node)
        {
            if (options.Strict) throw e;
            diags.Add(new OnnxDiagnostic(node, e is UnsupportedOnnxException ? OnnxDiagnosticKind.Unsupported : OnnxDiagnosticKind.Format, e.Message));
        }

        var g = proto.Graph ?? throw new OnnxFormatException($"{path}: not a valid ONNX model (no graph)");
        if (proto.IrVersion < MinIrVersion || proto.IrVersion > MaxIrVersion)
            Problem(new UnsupportedOnnxException($"{path}: IR version {proto.IrVersion} is not supported (supported: {MinIrVersion} to {MaxIrVersion})"), -1);
        long opset = -1;
        foreach (var os in proto.OpsetImport)
            if (os.Domain is "" or "ai.onnx") opset = os.Version;
        if (opset < 0)
        {
            Problem(new UnsupportedOnnxException($"{path}: the model imports no ai.onnx opset"), -1);
            opset = MaxOpset;
        }
        else if (opset < MinOpset || opset > MaxOpset)
            Problem(new UnsupportedOnnxException($"{path}: opset {opset} is not supported (supported: ai.onnx {MinOpset} to {MaxOpset}; re-export with opset_version in that range)"), -1);

        // Constants: initializers, bound inputs, then Constant nodes (in order).
        var consts = new Dictionary<string, FloatTensor>(StringComparer.Ordinal);
        foreach (var t in g.Initializer)
        {
            if (t.Name.Length == 0) throw new OnnxFormatException($"{path}: an initializer has no name");
            if (consts.ContainsKey(t.Name)) throw new OnnxFormatException($"{path}: initializer '{t.Name}' is defined twice");
            try { consts[t.Name] = TensorProtoReader.Convert(t, $"{path}: initializer"); }
            catch (UnsupportedOnnxException e) { Problem(e, -1); }
        }
        var initNames = consts.Keys.ToHashSet(StringComparer.Ordinal);
        if (options.ConstantInputs is not null)
            foreach (var (name, t) in options.ConstantInputs)
            {
                var declared = g.Input.FirstOrDefault(i => i.Name == name)
                    ?? throw new ArgumentException($"{path}: ConstantInputs names '{name}', which is not a graph input");
                if (declared.Type?.TensorType?.Shape is not null)
                {
                    var ds = ValueInfo(declared, path, "input").Shape;
                    if (ds.Rank != t.Rank || Enumerable.Range(0, ds.Rank).Any(d => ds[d].IsKnown && ds[d].Value != t.Shape[d]))
                        throw new OnnxFormatException($"{path}: graph input '{name}' is declared {ds} but the constant bound to it has shape [{string.Join(",", t.Shape)}]");
                }
                consts[name] = t.Name == name ? t : t.WithName(name);
            }

        var shapes = new Dictionary<string, OnnxShape>(StringComparer.Ordinal);
        foreach (var (name, t) in consts) shapes[name] = t.ToShape();

        var inputs = ImmutableArray.CreateBuilder<OnnxValueInfo>();
        foreach (var vi in g.Input)
        {
            if (consts.ContainsKey(vi.Name)) continue; // initializer listed as input (IR < 4 style) or bound
            var info = ValueInfo(vi, path, "input");
            inputs.Add(info);
            shapes[vi.Name] = info.Shape;
            if (info.ElementType != OnnxDataType.Float)
                Problem(new UnsupportedOnnxException($"{path}: graph input '{vi.Name}' has element type {info.ElementType}; only float inputs are supported"), -1);
            for (int d = 1; d < info.Shape.Rank; d++)
                if (!info.Shape[d].IsKnown)
                {
                    Problem(new UnsupportedOnnxException($"{path}: graph input '{vi.Name}' {info.Shape}: dimension {d} is symbolic ('{info.Shape[d]}'); only the batch dimension (0) may be dynamic"), -1);
                    break;
                }
        }

        if (inputs.Count != 1)
            Problem(new UnsupportedOnnxException(inputs.Count == 0
                ? $"{path}: the graph has no runtime input (every input is an initializer)"
                : $"{path}: the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); exactly one is supported (a circuit has one input; bind the others as constants)"), -1);

        // Shape arithmetic is evaluated for the static input shape: a graph that reads the shape of a
        // tensor (Shape, Size) has its dynamic batch dimension bound to 1, one sample per proof, as
        // the circuit proves it (ONNX Runtime computes the same values when fed one sample).
        if (g.Node.Any(n => n.OpType is "Shape" or "Size" && n.Domain is "" or "ai.onnx"))
            foreach (var vi in inputs)
                if (vi.Shape.Rank > 0 && !vi.Shape[0].IsKnown && vi.Shape.Dims.Skip(1).All(d => d.IsKnown))
                    shapes[vi.Name] = new OnnxShape(vi.Shape.Dims.Skip(1).Prepend(OnnxDim.Known(1)));

        // Optional outputs nobody reads (BatchNormalization's running statistics, Dropout's mask,
        // MaxPool's indices) are treated as absent.
        var consumed = new HashSet<string>(g.Node.SelectMany(n => n.Input).Concat(g.Output.Select(o => o.Name)), StringComparer.Ordinal);

        var nodes = ImmutableArray.CreateBuilder<OnnxNode>();
        var constantNodes = ImmutableArray.CreateBuilder<OnnxNode>();
        var foldedNodes = ImmutableArray.CreateBuilder<OnnxNode>();
        var inference = new ShapeInference(shapes, consts, opset);
        var produced = new HashSet<string>(StringComparer.Ordinal);
        // Tensors that could not be computed, with the node that is the root cause (the blocker).
        var blockedBy = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        void Block(OnnxNode n, OnnxNode root)
        {
            foreach (var o in n.Outputs) if (o.Length > 0) blockedBy.TryAdd(o, root);
        }
        for (int i = 0; i < g.Node.Count; i++)
        {
            var np = g.Node[i];
            var node = DropUnreadOutputs(ConvertNode(np, i, path), consumed);
            foreach (var o in node.Outputs)
                if (o.Length > 0 && (!produced.Add(o) || initNames.Contains(o) || inputs.Any(x => x.Name == o)))
                    throw new OnnxFormatException($"{path}: {node.Describe()}: output '{o}' is produced twice");
            if (node.OpType == "Constant" && node.Domain is "" or "ai.onnx")
            {
                constantNodes.Add(node);
                try
                {
                    var t = ConstantValue(node);
                    consts[node.Outputs[0]] = t;
                    shapes[node.Outputs[0]] = t.ToShape();
                }
                catch (OnnxException e) { Problem(e, i); Block(node, node); }
                continue;
            }
            // A node downstream of a blocker: report its own op-level problem if it has one (it is a
            // blocker too), otherwise only that it is blocked.
            string? blockedInput = node.Inputs.FirstOrDefault(x => x.Length > 0 && blockedBy.ContainsKey(x));
            if (blockedInput is not null)
            {
                var root = blockedBy[blockedInput];
                nodes.Add(node);
                if (ShapeInference.OpLevelProblem(node, opset) is { } own)
                {
                    Problem(own, i);
                    Block(node, node);
                }
                else
                {
                    diags.Add(new OnnxDiagnostic(i, OnnxDiagnosticKind.Blocked,
                        $"{node.Where()}: blocked by {root.Describe()} (its input '{blockedInput}' cannot be computed)", root.Index));
                    Block(node, root);
                }
                continue;
            }
            try
            {
                var folded = ConstantFolder.TryFold(node, consts, shapes, opset);
                if (folded is not null)
                {
                    consts[node.Outputs[0]] = folded;
                    shapes[node.Outputs[0]] = folded.ToShape();
                    foldedNodes.Add(node);
                    continue;
                }
            }
            catch (OnnxException e) { Problem(e, i); foldedNodes.Add(node); Block(node, node); continue; }
            catch (OverflowException) { Problem(new OnnxFormatException($"{node.Where()}: a dimension overflows"), i); foldedNodes.Add(node); Block(node, node); continue; }
            nodes.Add(node);
            try
            {
                var outShapes = inference.Infer(node);
                for (int k = 0; k < outShapes.Length; k++)
                    if (node.Outputs[k].Length > 0) shapes[node.Outputs[k]] = outShapes[k];
            }
            catch (OnnxException e) { Problem(e, i); Block(node, node); }
            catch (OverflowException) { Problem(new OnnxFormatException($"{node.Where()}: a dimension overflows"), i); Block(node, node); }
        }

        // Tensors equal to a graph input (through Identity, Dropout, Cast to float): a graph output among
        // them computes nothing.
        var passThrough = inputs.Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var n in nodes)
            if (n.OpType is "Identity" or "Dropout" or "Cast" && n.Inputs.Length > 0 && passThrough.Contains(n.Inputs[0]) && shapes.ContainsKey(n.Outputs[0]))
                passThrough.Add(n.Outputs[0]);
        var outputs = ImmutableArray.CreateBuilder<OnnxValueInfo>();
        foreach (var vo in g.Output)
        {
            var declared = ValueInfo(vo, path, "output");
            if (inputs.Any(x => x.Name == vo.Name))
                Problem(new UnsupportedOnnxException($"{path}: graph output '{vo.Name}' is the graph input itself (the model computes nothing, so there is nothing to prove)"), -1);
            else if (passThrough.Contains(vo.Name))
                Problem(new UnsupportedOnnxException($"{path}: graph output '{vo.Name}' is the graph input passed through Identity/Dropout/Cast only (the model computes nothing, so there is nothing to prove)"), -1);
            if (!shapes.TryGetValue(vo.Name, out var inferred))
            {
                if (!produced.Contains(vo.Name) && !consts.ContainsKey(vo.Name) && inputs.All(x => x.Name != vo.Name))
                    Problem(new OnnxFormatException($"{path}: graph output '{vo.Name}' is not produced by any node"), -1);
                outputs.Add(declared);
                continue;
            }
            if (vo.Type?.TensorType?.Shape is not null && !Compatible(declared.Shape, inferred))
                Problem(new OnnxFormatException($"{path}: graph output '{vo.Name}' is declared {declared.Shape} but inferred {inferred}"), -1);
            outputs.Add(declared with { Shape = vo.Type?.TensorType?.Shape is null ? inferred : Merge(declared.Shape, inferred) });
        }

        var graph = new OnnxGraph(g.Name, nodes.ToImmutable(), constantNodes.ToImmutable(), foldedNodes.ToImmutable(), consts.ToImmutableDictionary(StringComparer.Ordinal),
            inputs.ToImmutable(), outputs.ToImmutable(), shapes.ToImmutableDictionary(StringComparer.Ordinal), diags.ToImmutableArray());
        string producer = (proto.ProducerName + " " + proto.ProducerVersion).Trim();
        return new OnnxModel(path, proto.IrVersion, opset, producer, graph);
    }

    /// <summary>Declared shape with symbolic dims replaced by inferred known ones.</summary>
    private static OnnxShape Merge(OnnxShape declared, OnnxShape inferred)
        => new(declared.Dims.Select((d, i) => d.IsKnown || !inferred[i].IsKnown ? d : inferred[i]));

    private static bool Compatible(OnnxShape declared, OnnxShape inferred)
    {
        if (declared.Rank != inferred.Rank) return false;
        for (int i = 0; i < declared.Rank; i++)
            if (declared[i].IsKnown && inferred[i].IsKnown && declared[i].Value != inferred[i].Value) return false;
        return true;
    }

    private static OnnxValueInfo ValueInfo(ValueInfoProto vi, string path, string role)
    {
        if (vi.Name.Length == 0) throw new OnnxFormatException($"{path}: a graph {role} has no name");
        var tt = vi.Type?.TensorType;
        if (tt is null) throw new UnsupportedOnnxException($"{path}: graph {role} '{vi.Name}' is not a tensor");
        var dims = new List<OnnxDim>();
        if (tt.Shape is not null)
            foreach (var d in tt.Shape.Dim)
                dims.Add(d.ValueCase switch
                {
                    TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue when d.DimValue >= 0 => OnnxDim.Known(d.DimValue),
                    TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => OnnxDim.Symbolic(d.DimParam),
                    _ => OnnxDim.Symbolic("?"),
                });
        return new OnnxValueInfo(vi.Name, (OnnxDataType)tt.ElemType, new OnnxShape(dims));
    }

    /// <summary>The node with its optional outputs (index ≥ 1) that no node or graph output reads replaced by "".</summary>
    private static OnnxNode DropUnreadOutputs(OnnxNode n, HashSet<string> consumed)
    {
        if (n.Outputs.Length < 2 || n.Outputs.Skip(1).All(o => o.Length == 0 || consumed.Contains(o))) return n;
        var outs = n.Outputs.Select((o, k) => k == 0 || consumed.Contains(o) ? o : "");
        return new OnnxNode(n.Index, n.Name, n.OpType, n.Domain, n.Inputs, outs, n.Attributes.Values, n.SourcePath);
    }

    private static OnnxNode ConvertNode(NodeProto np, int index, string path)
    {
        var attrs = new List<OnnxAttribute>();
        string nodeDesc = $"node {index} '{np.Name}' ({np.OpType})";
        foreach (var a in np.Attribute)
        {
            var kind = a.Type;
            if (kind == AttributeProto.Types.AttributeType.Undefined) kind = GuessType(a);
            attrs.Add(kind switch
            {
                AttributeProto.Types.AttributeType.Float => new OnnxAttribute(a.Name, OnnxAttributeKind.Float) { Float = a.F },
                AttributeProto.Types.AttributeType.Int => new OnnxAttribute(a.Name, OnnxAttributeKind.Int) { Int = a.I },
                AttributeProto.Types.AttributeType.String => new OnnxAttribute(a.Name, OnnxAttributeKind.String) { String = Utf8(a.S) },
                AttributeProto.Types.AttributeType.Tensor => new OnnxAttribute(a.Name, OnnxAttributeKind.Tensor)
                {
                    Tensor = a.T is null ? throw new OnnxFormatException($"{path}: {nodeDesc}: attribute {a.Name} has no tensor")
                        : TensorAttr(a.T, $"{path}: {nodeDesc}: attribute {a.Name}"),
                },
                AttributeProto.Types.AttributeType.Floats => new OnnxAttribute(a.Name, OnnxAttributeKind.Floats) { Floats = a.Floats.ToImmutableArray() },
                AttributeProto.Types.AttributeType.Ints => new OnnxAttribute(a.Name, OnnxAttributeKind.Ints) { Ints = a.Ints.ToImmutableArray() },
                AttributeProto.Types.AttributeType.Strings => new OnnxAttribute(a.Name, OnnxAttributeKind.Strings) { Strings = a.Strings.Select(Utf8).ToImmutableArray() },
                _ => new OnnxAttribute(a.Name, OnnxAttributeKind.Other) { OtherType = kind.ToString().ToUpperInvariant() },
            });
        }
        return new OnnxNode(index, np.Name, np.OpType, np.Domain, np.Input, np.Output, attrs, path);
    }

    /// <summary>A tensor attribute; an unsupported element type is kept as an "Other" value by failing late.</summary>
    private static FloatTensor? TensorAttr(TensorProto t, string context)
    {
        try { return TensorProtoReader.Convert(t, context); }
        catch (UnsupportedOnnxException) { return null; }
    }

    private static AttributeProto.Types.AttributeType GuessType(AttributeProto a)
    {
        if (a.Ints.Count > 0) return AttributeProto.Types.AttributeType.Ints;
        if (a.Floats.Count > 0) return AttributeProto.Types.AttributeType.Floats;
        if (a.Strings.Count > 0) return AttributeProto.Types.AttributeType.Strings;
        if (a.T is not null) return AttributeProto.Types.AttributeType.Tensor;
        if (a.S.Length > 0) return AttributeProto.Types.AttributeType.String;
        if (a.F != 0) return AttributeProto.Types.AttributeType.Float;
        return AttributeProto.Types.AttributeType.Int;
    }

    private static string Utf8(ByteString b) => Encoding.UTF8.GetString(b.Span);

    private static FloatTensor ConstantValue(OnnxNode n)
    {
        string w = n.Where();
        string output = n.Outputs.Length == 1 ? n.Outputs[0] : throw new OnnxFormatException($"{w}: Constant must have exactly one output");
        if (n.Attributes.Count != 1)
            throw new OnnxFormatException($"{w}: Constant must have exactly one value attribute, has {n.Attributes.Count}");
        var a = n.Attributes.Values.First();
        return a.Name switch
        {
            "value" when a.Kind == OnnxAttributeKind.Tensor => (a.Tensor ?? throw new UnsupportedOnnxException($"{w}: attribute value has an unsupported element type (only float32/64, int32/64)")).WithName(output),
            "value_float" => new FloatTensor(output, [], [n.GetFloat("value_float", 0)]),
            "value_floats" => new FloatTensor(output, [n.GetFloats("value_floats")!.Length], n.GetFloats("value_floats")!),
            "value_int" => FloatTensor.FromInt64(output, [], [n.GetInt("value_int", 0)]),
            "value_ints" => FloatTensor.FromInt64(output, [n.GetInts("value_ints")!.Length], n.GetInts("value_ints")!),
            _ => throw new UnsupportedOnnxException($"{w}: attribute {a.Name} is not supported for Constant (value, value_float(s), value_int(s))"),
        };
    }
}
