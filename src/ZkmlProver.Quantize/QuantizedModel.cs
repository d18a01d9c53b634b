using ZkmlProver.Circuit;

namespace ZkmlProver.Quantize;

/// <summary>One tensor of the quantized circuit, for reports: its scale, declared bits and the
/// calibrated max |real value| (weights: max |dequantized value|).</summary>
public sealed record TensorReport(string Name, TensorKind Kind, int[] Shape, int Scale, int Bits, double CalibratedMaxAbs);

/// <summary>
/// The result of <see cref="Quantizer.Quantize"/>: the circuit (public), the weights (private),
/// the input scale and a report of the chosen scales.
/// </summary>
public sealed class QuantizedModel(Circuit.Circuit circuit, WeightSet weights, int inputScale,
    IReadOnlyList<TensorReport> report, FloatGraph floatGraph, QuantizeOptions options, IReadOnlyList<string> notes)
{
    /// <summary>The integer circuit (with digest).</summary>
    public Circuit.Circuit Circuit { get; } = circuit;
    /// <summary>The quantized weights.</summary>
    public WeightSet Weights { get; } = weights;
    /// <summary>Scale exponent of the input tensor.</summary>
    public int InputScale { get; } = inputScale;
    /// <summary>Every tensor's scale, bits and calibrated range.</summary>
    public IReadOnlyList<TensorReport> Report { get; } = report;
    /// <summary>The folded float graph the circuit was made from.</summary>
    public FloatGraph FloatGraph { get; } = floatGraph;
    /// <summary>The options used.</summary>
    public QuantizeOptions Options { get; } = options;
    /// <summary>Warnings and remarks from quantization.</summary>
    public IReadOnlyList<string> Notes { get; } = notes;

    /// <summary>Quantizes input rows into the circuit's batch-major input (see <see cref="QuantizeInputs(Circuit.Circuit, InputData)"/>).</summary>
    public long[] QuantizeInputs(InputData data) => QuantizeInputs(Circuit, data);

    /// <summary>Quantizes input rows for <paramref name="circuit"/>: round half away from zero at the
    /// input's scale, batch-major. A wrong row length, a non-finite value or a value outside the
    /// input's declared range is a <see cref="QuantizeException"/> naming the row and element.</summary>
    public static long[] QuantizeInputs(Circuit.Circuit circuit, InputData data)
    {
        var t = circuit.InputTensor;
        int size = t.Size;
        if (data.Count == 0) throw new QuantizeException($"{data.Source}: no input rows");
        var q = new long[(long)data.Count * size];
        for (int r = 0; r < data.Count; r++)
        {
            var row = data.Rows[r];
            if (row.Length != size)
                throw new QuantizeException($"{data.Source}: {data.RowName(r)} has {row.Length} values, the circuit input '{t.Name}' {ShapeUtil.Format(t.Shape)} needs {size}");
            for (int i = 0; i < size; i++)
            {
                if (!float.IsFinite(row[i])) throw new QuantizeException($"{data.Source}: {data.RowName(r)}, element {i + 1}: {row[i]} is not finite");
                long v = FixedPoint.ToFixed(row[i], t.Scale);
                if (!t.InRange(v))
                    throw new QuantizeException($"{data.Source}: {data.RowName(r)}, element {i + 1}: value {row[i]} is {v} at input scale {t.Scale}, outside the input's {t.Bits}-bit range [{t.MinValue}, {t.MaxValue}]; recompile with a lower --input-scale or more --activation-bits, or calibrate on data that covers this value");
                q[(long)r * size + i] = v;
            }
        }
        return q;
    }

    /// <summary>Evaluates the circuit on the rows (one batch) with the reference evaluator.</summary>
    public Witness Evaluate(InputData data) => ReferenceEvaluator.Evaluate(Circuit, Weights, QuantizeInputs(data), data.Count);

    /// <summary>Output <paramref name="output"/> (index into Circuit.Outputs) of every sample as reals.</summary>
    public static double[][] RealOutputs(Witness w, int output)
    {
        string name = w.Circuit.Outputs[output];
        return Enumerable.Range(0, w.BatchSize).Select(b => w.RealSample(name, b)).ToArray();
    }
}
