using System.Collections.Immutable;

namespace ZkmlProver.Onnx;

/// <summary>
/// Whether a diagnostic is a format error, a use of something unsupported, or a node that is fine in
/// itself but reads a tensor a failing node upstream (the blocker) could not compute.
/// </summary>
public enum OnnxDiagnosticKind { Format, Unsupported, Blocked }

/// <summary>
/// A problem found while loading in non-strict mode (<see cref="OnnxLoadOptions.Strict"/> = false).
/// <see cref="NodeIndex"/> is −1 for model-level problems (IR version, opset, graph inputs).
/// </summary>
/// <param name="NodeIndex">Node index, or −1.</param>
/// <param name="Kind">Format error or unsupported feature.</param>
/// <param name="Message">One-line message (file, node, op, attribute).</param>
/// <param name="BlockedBy">For <see cref="OnnxDiagnosticKind.Blocked"/>: index of the failing node upstream; else −1.</param>
public sealed record OnnxDiagnostic(int NodeIndex, OnnxDiagnosticKind Kind, string Message, int BlockedBy = -1);

/// <summary>Options of <see cref="OnnxLoader"/>.</summary>
public sealed record OnnxLoadOptions
{
    /// <summary>
    /// Strict (default): the first unsupported feature or shape error throws
    /// (<see cref="UnsupportedOnnxException"/> / <see cref="OnnxFormatException"/>). Non-strict: such
    /// problems become <see cref="OnnxGraph.Diagnostics"/> and loading goes on (used by the inspector).
    /// Corrupt protobuf always throws.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Graph inputs to bind to constant values: they become initializers (e.g. the shape operand of
    /// Reshape, Clip bounds, or the second operand of a binary op in ONNX backend tests).
    /// </summary>
    public IReadOnlyDictionary<string, FloatTensor>? ConstantInputs { get; init; }
}

/// <summary>A loaded, checked ONNX model.</summary>
/// <param name="Path">The file it came from (as given to the loader).</param>
/// <param name="IrVersion">ModelProto.ir_version.</param>
/// <param name="Opset">Version of the default (ai.onnx) operator set.</param>
/// <param name="ProducerName">producer_name and producer_version ("pytorch 1.13.0").</param>
/// <param name="Graph">The main graph.</param>
public sealed record OnnxModel(string Path, long IrVersion, long Opset, string ProducerName, OnnxGraph Graph);

/// <summary>
/// The typed, immutable main graph. <see cref="Nodes"/> are the computing nodes in file order
/// (topologically sorted, as ONNX requires); Constant nodes and nodes folded to constants are not
/// among them: their values are in <see cref="Initializers"/> (the nodes in <see cref="ConstantNodes"/>
/// and <see cref="FoldedNodes"/>). <see cref="Inputs"/>
/// are the graph inputs that are not initializers. <see cref="Shapes"/> has the inferred shape of
/// every tensor (graph inputs, initializers, node outputs).
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>Graph name.</summary>
    public string Name { get; }
    /// <summary>Computing nodes in file order (Constant nodes excluded).</summary>
    public ImmutableArray<OnnxNode> Nodes { get; }
    /// <summary>The Constant nodes of the file (their values are initializers).</summary>
    public ImmutableArray<OnnxNode> ConstantNodes { get; }
    /// <summary>
    /// Nodes whose inputs were all constants, folded at load time (their outputs are initializers):
    /// shape arithmetic (Shape, Gather, Unsqueeze, Squeeze, Cast, Concat), Identity/Transpose/Reshape
    /// of weights, Add/Sub/Mul/Div of constants.
    /// </summary>
    public ImmutableArray<OnnxNode> FoldedNodes { get; }
    /// <summary>Constant tensors by name: initializers, Constant node values, bound inputs.</summary>
    public ImmutableDictionary<string, FloatTensor> Initializers { get; }
    /// <summary>Graph inputs fed at run time (initializers excluded).</summary>
    public ImmutableArray<OnnxValueInfo> Inputs { get; }
    /// <summary>Graph outputs with their declared (or, when absent, inferred) shapes.</summary>
    public ImmutableArray<OnnxValueInfo> Outputs { get; }
    /// <summary>Inferred shape of every tensor that could be inferred.</summary>
    public ImmutableDictionary<string, OnnxShape> Shapes { get; }
    /// <summary>Problems found in non-strict mode (empty in strict mode: they throw).</summary>
    public ImmutableArray<OnnxDiagnostic> Diagnostics { get; }

    internal OnnxGraph(string name, ImmutableArray<OnnxNode> nodes, ImmutableArray<OnnxNode> constantNodes,
        ImmutableArray<OnnxNode> foldedNodes, ImmutableDictionary<string, FloatTensor> initializers, ImmutableArray<OnnxValueInfo> inputs,
        ImmutableArray<OnnxValueInfo> outputs, ImmutableDictionary<string, OnnxShape> shapes,
        ImmutableArray<OnnxDiagnostic> diagnostics)
    {
        Name = name; Nodes = nodes; ConstantNodes = constantNodes; FoldedNodes = foldedNodes; Initializers = initializers;
        Inputs = inputs; Outputs = outputs; Shapes = shapes; Diagnostics = diagnostics;
        var prod = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var n in nodes) foreach (var o in n.Outputs) if (o.Length > 0) prod[o] = n;
        producers = prod;
    }

    private readonly Dictionary<string, OnnxNode> producers;

    /// <summary>True when the model has no diagnostics (every node supported).</summary>
    public bool IsSupported => Diagnostics.IsEmpty;

    /// <summary>
    /// Number of parameters: elements of the floating-point constant tensors (initializers and
    /// Constant node values); integer tensors (shape operands) are not parameters.
    /// </summary>
    public long ParameterCount => Initializers.Values.Where(t => t.IsFloatingPoint).Sum(t => (long)t.Count);

    /// <summary>Operator counts over all nodes of the file (Constant included), ordered by first use.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> OpCounts()
    {
        var order = new List<string>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in AllNodes)
        {
            if (!counts.TryGetValue(n.OpType, out int c)) order.Add(n.OpType);
            counts[n.OpType] = c + 1;
        }
        return order.Select(o => new KeyValuePair<string, int>(o, counts[o])).ToList();
    }

    /// <summary>Every node of the file in file order: computing, Constant and folded nodes.</summary>
    public IEnumerable<OnnxNode> AllNodes => Nodes.Concat(ConstantNodes).Concat(FoldedNodes).OrderBy(n => n.Index);

    /// <summary>The inferred shape of a tensor; throws if unknown.</summary>
    public OnnxShape ShapeOf(string tensor) => Shapes.TryGetValue(tensor, out var s) ? s
        : throw new KeyNotFoundException($"no inferred shape for tensor '{tensor}'");

    /// <summary>True when the tensor is a constant (initializer or Constant node output).</summary>
    public bool IsConstant(string tensor) => Initializers.ContainsKey(tensor);

    /// <summary>The constant tensor with that name, or null.</summary>
    public FloatTensor? TryGetInitializer(string tensor) => Initializers.GetValueOrDefault(tensor);

    /// <summary>The node producing a tensor, or null for graph inputs and constants.</summary>
    public OnnxNode? Producer(string tensor) => producers.GetValueOrDefault(tensor);

    /// <summary>The nodes reading a tensor, in order.</summary>
    public IEnumerable<OnnxNode> Consumers(string tensor) => Nodes.Where(n => n.Inputs.Contains(tensor));
}
