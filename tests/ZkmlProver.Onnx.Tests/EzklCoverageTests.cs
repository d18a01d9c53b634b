using System.Text;
using Xunit.Abstractions;

namespace ZkmlProver.Onnx.Tests;

/// <summary>
/// Loads every ../shared/ezkl-examples/*/network.onnx and prints a coverage table. Asserts that only
/// the loader's typed exceptions come out (never a raw protobuf/IO/runtime exception), that the
/// six shared models load, and pins how many of the examples <c>zkml inspect</c> accepts
/// (<see cref="ExpectedAccepted"/>; 7 of 115 before the front end accepted IR 3–5 and opsets 7–10 and 18–21,
/// folded shape arithmetic and lowered Pad, Slice/Gather/Expand/Tile, ReduceMean/Sum, PRelu and friends, 1-D Conv and pools, nearest Resize, Trilu, LSTM/GRU/RNN; 65 with the unary functions by lookup (Erf, Gelu, Elu, Selu, Celu, Softplus, Mish, Exp, Log, Sqrt, trigonometric, Reciprocal, Sign, fractional Pow), 68 with Div by a computed tensor, 70 with LayerNormalization and InstanceNormalization).
/// </summary>
public sealed class EzklCoverageTests(ITestOutputHelper output)
{
    /// <summary>Examples that load with every node supported (what <c>zkml inspect</c> accepts).</summary>
    private const int ExpectedAccepted = 70;

    [SharedFact]
    public void EzklExamplesLoadOrFailWithTypedErrors()
    {
        string root = SharedData.RequireDir("ezkl-examples");
        var files = Directory.GetDirectories(root).Order(StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "network.onnx")).Where(File.Exists).ToList();
        Assert.NotEmpty(files);
        var table = new StringBuilder();
        var unexpected = new List<string>();
        int loaded = 0, unsupported = 0, format = 0, nodesOnly = 0;
        var missingOps = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            string name = Path.GetFileName(Path.GetDirectoryName(f))!;
            string status;
            try
            {
                OnnxLoader.Load(f);
                loaded++;
                status = "loaded";
            }
            catch (UnsupportedOnnxException e)
            {
                unsupported++;
                status = "unsupported: " + e.Message[(f.Length + 2)..];
            }
            catch (OnnxFormatException e)
            {
                format++;
                status = "error: " + e.Message[(Math.Min(e.Message.Length, f.Length + 2))..];
            }
            catch (Exception e)
            {
                unexpected.Add($"{name}: {e.GetType().Name}: {e.Message}");
                status = $"UNEXPECTED {e.GetType().Name}: {e.Message}";
            }
            // Non-strict load: every op the example needs that is not supported.
            try
            {
                var g = OnnxLoader.Load(f, new OnnxLoadOptions { Strict = false }).Graph;
                if (status != "loaded" && g.Diagnostics.All(d => d.NodeIndex < 0)) { nodesOnly++; status += "  [all nodes supported]"; }
                foreach (var d in g.Diagnostics.Where(d => d.NodeIndex >= 0))
                {
                    var node = g.AllNodes.First(n => n.Index == d.NodeIndex);
                    if (!OnnxLoader.SupportedOperators.Contains(node.OpType))
                        missingOps[node.OpType] = missingOps.GetValueOrDefault(node.OpType) + 1;
                }
            }
            catch (OnnxException) { }
            catch (Exception e) { unexpected.Add($"{name} (non-strict): {e.GetType().Name}: {e.Message}"); }
            table.AppendLine($"{name,-32} {status}");
        }
        output.WriteLine($"ezkl examples: {files.Count} models, {loaded} loaded, {unsupported} unsupported, {format} format errors, {unexpected.Count} unexpected");
        output.WriteLine($"of the rejected models, {nodesOnly} fail only on model-level checks (input types and count, element types, outputs) and have every node supported");
        output.WriteLine(table.ToString());
        output.WriteLine("unsupported ops (nodes across all examples): " +
            string.Join(", ", missingOps.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}")));
        Assert.True(unexpected.Count == 0, "unexpected exception types:\n" + string.Join("\n", unexpected));
        int accepted = files.Count(f => OnnxInspector.Inspect(f).Supported);
        Assert.Equal(loaded, accepted);
        Assert.Equal(ExpectedAccepted, accepted);

        foreach (var m in new[] { "credit_logreg", "credit_mlp", "digits_cnn", "digits_mlp", "mlp_deep", "mnist_mlp_shape" })
            Assert.True(OnnxLoader.Load(SharedData.RequireDir(Path.Combine("models", m, "network.onnx"))).Graph.IsSupported);
    }
}
