using ZkmlProver.Circuit;

namespace ZkmlProver.Proving;

/// <summary>
/// How every weight tensor is laid out on the hypercube, derived from the circuit alone so that the
/// model owner (committing) and the prover/verifier (opening) agree.
/// </summary>
/// <remarks>
/// A Dense weight [M, K] uses dimensions [M] ++ S, where S is the per-sample shape of the tensor that
/// reached the Dense through Flatten/Reshape layers (S = [K] when there are none): the reshape is
/// absorbed into the weight's layout, so it costs nothing at proving time (docs/PROVING.md, Layout).
/// Every other weight uses its own shape, each dimension padded to a power of two.
/// </remarks>
public static class WeightLayouts
{
    public static Dictionary<string, TensorLayout> For(Circuit.Circuit circuit)
    {
        var result = new Dictionary<string, TensorLayout>(StringComparer.Ordinal);
        foreach (var layer in circuit.Layers)
        {
            if (layer is DenseLayer d)
            {
                var w = circuit.Tensor(d.Weight);
                var source = ReshapeSource(circuit, d.Input);
                var srcShape = circuit.Tensor(source).Shape;
                int k = w.Shape[1];
                int[] kDims = ShapeUtil.Size(srcShape) == k && srcShape.Length > 0 ? srcShape : [k];
                result[d.Weight] = new TensorLayout([w.Shape[0], .. kDims]);
            }
        }
        foreach (var t in circuit.WeightTensors)
            if (!result.ContainsKey(t.Name))
                result[t.Name] = new TensorLayout(t.Shape.Length == 0 ? [1] : t.Shape);
        return result;
    }

    /// <summary>Follows absorbed Flatten/Reshape producers (<see cref="IsAbsorbed"/>) back to the
    /// tensor whose padded layout the reshape chain shares.</summary>
    public static string ReshapeSource(Circuit.Circuit circuit, string tensor)
    {
        var producers = circuit.Layers.ToDictionary(l => l.Output, StringComparer.Ordinal);
        while (producers.TryGetValue(tensor, out var p) && p is FlattenLayer or ReshapeLayer && IsAbsorbed(circuit, p))
            tensor = p.Inputs[0];
        return tensor;
    }

    /// <summary>
    /// A Flatten/Reshape is absorbed (costs nothing: its output shares its input's table) when its
    /// output is read only by Dense layers that contract all of it (K = its per-sample size) or by
    /// absorbed reshapes, and is not a circuit output. Any other reshape is proven as a linear view
    /// (a re-padding map).
    /// </summary>
    public static bool IsAbsorbed(Circuit.Circuit circuit, Layer reshape)
    {
        if (reshape is not (FlattenLayer or ReshapeLayer)) return false;
        if (circuit.Outputs.Contains(reshape.Output)) return false;
        if (circuit.Tensor(reshape.Inputs[0]).Kind == TensorKind.Weight) return false;
        int size = circuit.Tensor(reshape.Output).Size;
        var consumers = circuit.Layers.Where(x => x.Inputs.Contains(reshape.Output)).ToList();
        return consumers.Count > 0 && consumers.All(x =>
            (x is DenseLayer d && d.Input == reshape.Output && circuit.Tensor(d.Weight).Shape[1] == size) || IsAbsorbed(circuit, x));
    }

    /// <summary>Scatters a weight's row-major values into its layout. For a Dense weight whose K axis
    /// is a reshaped source shape, the logical order of K already is the source's row-major order.</summary>
    public static long[] Scatter(TensorLayout layout, long[] values) => layout.ToLongTable(values);
}
