using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkmlProver.Onnx;

/// <summary>One node in an <see cref="OnnxInspection"/>.</summary>
/// <param name="Index">Position in the file's node list.</param>
/// <param name="Name">Node name.</param>
/// <param name="Op">Operator type.</param>
/// <param name="Inputs">Input names with shapes ("x [1,64]"; constants marked "const").</param>
/// <param name="Outputs">Output names with inferred shapes ("?" when unknown).</param>
/// <param name="Attributes">Attributes as "name = value".</param>
/// <param name="Supported">Whether the node is supported (false also for nodes only blocked upstream).</param>
/// <param name="Reason">Why not (the loader's message), or null.</param>
/// <param name="Folded">True for Constant nodes and nodes folded to constants at load time.</param>
/// <param name="BlockedBy">When the node itself is fine but reads a tensor a failing node upstream
/// could not compute: that node's index (the blocker); otherwise null.</param>
public sealed record InspectedNode(int Index, string Name, string Op, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyList<string> Attributes, bool Supported, string? Reason, bool Folded, int? BlockedBy = null)
{
    /// <summary>True when the node fails in itself (a blocker), not merely downstream of one.</summary>
    public bool IsBlocker => !Supported && BlockedBy is null;
}

/// <summary>Operator usage in an <see cref="OnnxInspection"/>.</summary>
/// <param name="Op">Operator type.</param>
/// <param name="Count">Number of nodes.</param>
/// <param name="Supported">True when every node of this op is supported.</param>
public sealed record InspectedOp(string Op, int Count, bool Supported);

/// <summary>A graph input or output in an <see cref="OnnxInspection"/>.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Type">Element type.</param>
/// <param name="Shape">Shape ("[N,1,8,8]").</param>
public sealed record InspectedValue(string Name, string Type, string Shape);

/// <summary>
/// The report behind <c>zkml inspect</c>: what the model contains and whether ZkmlProver supports
/// it, node by node, with the reason when it does not. Built by <see cref="OnnxInspector.Inspect(string)"/>.
/// </summary>
public sealed record OnnxInspection(
    string Path, long IrVersion, long Opset, string Producer, string GraphName,
    IReadOnlyList<InspectedValue> Inputs, IReadOnlyList<InspectedValue> Outputs,
    IReadOnlyList<InspectedOp> Ops, IReadOnlyList<InspectedNode> Nodes,
    long ParameterCount, int ConstantTensors, bool Supported, IReadOnlyList<string> ModelProblems)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Machine-readable rendering (indented JSON, camelCase).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Plain-text rendering for the terminal.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"model      {Path}");
        sb.AppendLine(inv, $"format     IR version {IrVersion}, opset {Opset}, producer '{Producer}', graph '{GraphName}'");
        foreach (var i in Inputs) sb.AppendLine(inv, $"input      {i.Name} {i.Type} {i.Shape}");
        foreach (var o in Outputs) sb.AppendLine(inv, $"output     {o.Name} {o.Type} {o.Shape}");
        sb.AppendLine(inv, $"parameters {ParameterCount.ToString("N0", inv)} (in {ConstantTensors} constant tensors)");
        sb.AppendLine(inv, $"ops        {string.Join(", ", Ops.Select(o => $"{o.Op} ×{o.Count}{(o.Supported ? "" : " (unsupported)")}"))}");
        sb.AppendLine();
        int wName = Math.Max(4, Nodes.Count == 0 ? 4 : Nodes.Max(n => n.Name.Length));
        int wOp = Math.Max(2, Nodes.Count == 0 ? 2 : Nodes.Max(n => n.Op.Length));
        sb.AppendLine(inv, $"{"#",3}  {"node".PadRight(wName)}  {"op".PadRight(wOp)}  {"output shape",-16}  status");
        foreach (var n in Nodes)
        {
            string shape = n.Outputs.Count == 0 ? "" : n.Outputs[0][(n.Outputs[0].LastIndexOf(' ') + 1)..];
            string status = n.Supported ? (n.Folded ? "ok (constant)" : "ok")
                : n.BlockedBy is { } b ? $"blocked by node {b}" : "UNSUPPORTED: " + n.Reason;
            sb.AppendLine(inv, $"{n.Index,3}  {n.Name.PadRight(wName)}  {n.Op.PadRight(wOp)}  {shape,-16}  {status}");
        }
        sb.AppendLine();
        // Every blocker once: model-level problems, then the failing nodes (not those downstream).
        foreach (var p in ModelProblems) sb.AppendLine(inv, $"blocker: {p}");
        foreach (var n in Nodes.Where(n => n.IsBlocker)) sb.AppendLine(inv, $"blocker: {n.Reason}");
        int bad = Nodes.Count(n => n.IsBlocker), blocked = Nodes.Count(n => !n.Supported && !n.IsBlocker);
        sb.AppendLine(Supported
            ? "supported: yes"
            : $"supported: no ({bad} unsupported node{(bad == 1 ? "" : "s")}, {blocked} node{(blocked == 1 ? "" : "s")} blocked downstream of them, {ModelProblems.Count} model-level problem{(ModelProblems.Count == 1 ? "" : "s")})");
        return sb.ToString();
    }
}

/// <summary>Builds <see cref="OnnxInspection"/> reports (loads the model in non-strict mode).</summary>
public static class OnnxInspector
{
    /// <summary>
    /// Inspects a model file. Corrupt or unreadable files throw <see cref="OnnxFormatException"/>;
    /// unsupported features are reported, not thrown.
    /// </summary>
    public static OnnxInspection Inspect(string path) => Inspect(OnnxLoader.Load(path, new OnnxLoadOptions { Strict = false }));

    /// <summary>Builds the report of an already loaded model (load it with Strict = false to see every problem).</summary>
    public static OnnxInspection Inspect(OnnxModel model)
    {
        var g = model.Graph;
        var byNode = g.Diagnostics.Where(d => d.NodeIndex >= 0).GroupBy(d => d.NodeIndex).ToDictionary(x => x.Key, x => x.First());
        string prefix = model.Path + ": ";
        string Strip(string m) => m.StartsWith(prefix, StringComparison.Ordinal) ? m[prefix.Length..] : m;
        string Shaped(string t) => t.Length == 0 ? "(absent)"
            : $"{t}{(g.IsConstant(t) ? " const" : "")} {(g.Shapes.TryGetValue(t, out var s) ? s.ToString() : "?")}";

        var folded = g.ConstantNodes.Concat(g.FoldedNodes).Select(n => n.Index).ToHashSet();
        var nodes = g.AllNodes.Select(n =>
        {
            byNode.TryGetValue(n.Index, out var d);
            return new InspectedNode(n.Index, n.Name, n.OpType, n.Inputs.Select(Shaped).ToList(), n.Outputs.Select(Shaped).ToList(),
                n.Attributes.Values.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => a.ToString()).ToList(),
                d is null, d is null ? null : Strip(d.Message), folded.Contains(n.Index),
                d is { Kind: OnnxDiagnosticKind.Blocked } ? d.BlockedBy : null);
        }).ToList();
        var ops = g.OpCounts().Select(kv => new InspectedOp(kv.Key, kv.Value, nodes.Where(n => n.Op == kv.Key).All(n => !n.IsBlocker))).ToList();
        var problems = g.Diagnostics.Where(d => d.NodeIndex < 0).Select(d => Strip(d.Message)).ToList();
        return new OnnxInspection(model.Path, model.IrVersion, model.Opset, model.ProducerName, g.Name,
            g.Inputs.Select(V).ToList(), g.Outputs.Select(V).ToList(), ops, nodes,
            g.ParameterCount, g.Initializers.Count, g.IsSupported, problems);
    }

    private static InspectedValue V(OnnxValueInfo v) => new(v.Name, v.ElementType.ToString().ToLowerInvariant(), v.Shape.ToString());
}
