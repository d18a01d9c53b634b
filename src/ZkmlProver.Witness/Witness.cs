namespace ZkmlProver.Circuit;

/// <summary>
/// Every tensor's values after evaluating a circuit on a batch: the input and activations
/// batch-major (element (b, i) at b·size + i, size = per-sample element count), weights as stored
/// (not repeated per sample).
/// </summary>
public sealed class Witness
{
    readonly Dictionary<string, long[]> _values;

    /// <summary>Creates a witness (used by <see cref="ReferenceEvaluator"/>).</summary>
    public Witness(Circuit circuit, int batchSize, Dictionary<string, long[]> values)
    {
        Circuit = circuit; BatchSize = batchSize; _values = values;
    }

    /// <summary>The evaluated circuit.</summary>
    public Circuit Circuit { get; }
    /// <summary>Number of samples B.</summary>
    public int BatchSize { get; }
    /// <summary>All tensors by name.</summary>
    public IReadOnlyDictionary<string, long[]> Values => _values;

    /// <summary>The values of tensor <paramref name="name"/> (batch-major for Input/Activation).</summary>
    public long[] this[string name] => _values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"witness has no tensor '{name}'");

    /// <summary>The values of sample <paramref name="b"/> of an Input/Activation tensor.</summary>
    public ReadOnlySpan<long> Sample(string name, int b)
    {
        var t = Circuit.Tensor(name);
        if (t.Kind == TensorKind.Weight) return this[name];
        int size = t.Size;
        return this[name].AsSpan(b * size, size);
    }

    /// <summary>Output <paramref name="name"/> of sample <paramref name="b"/> as reals (q / 2^scale).</summary>
    public double[] RealSample(string name, int b)
    {
        var q = Sample(name, b);
        double f = Math.ScaleB(1.0, -Circuit.Tensor(name).Scale);
        var r = new double[q.Length];
        for (int i = 0; i < q.Length; i++) r[i] = q[i] * f;
        return r;
    }
}
