using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkmlProver.Quantize;

/// <summary>Agreement of one output between the float model (ONNX Runtime) and the circuit.</summary>
/// <param name="Name">ONNX output name.</param>
/// <param name="Size">Elements per sample.</param>
/// <param name="MaxAbsError">max over rows and elements of |circuit − float|.</param>
/// <param name="MeanAbsError">mean over rows and elements of |circuit − float|.</param>
/// <param name="Task">"argmax" (multi-class), "decision@0.5" (single output) or "values".</param>
/// <param name="Agreement">Fraction of rows where the argmax / 0.5-decision agrees.</param>
/// <param name="Disagreements">Number of rows that disagree.</param>
public sealed record OutputAccuracy(string Name, int Size, double MaxAbsError, double MeanAbsError, string Task, double Agreement, int Disagreements);

/// <summary>
/// Float model vs quantized circuit on the same rows: per output max/mean abs error and
/// argmax/decision agreement; accuracy against labels (first output) when the data has them.
/// </summary>
public sealed record AccuracyReport(
    string Model, string Data, int Rows, IReadOnlyList<OutputAccuracy> Outputs,
    int? LabelledRows, double? FloatAccuracy, double? QuantizedAccuracy)
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>Indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Accuracy loss in percentage points (float − quantized), or null without labels.</summary>
    public double? AccuracyLossPoints => FloatAccuracy is { } f && QuantizedAccuracy is { } q ? (f - q) * 100 : null;

    /// <summary>Runs both on every row of <paramref name="data"/> and compares.</summary>
    public static AccuracyReport Measure(string onnxPath, QuantizedModel qm, InputData data)
    {
        using var ort = new OrtRunner(onnxPath);
        var floats = data.Rows.Select(ort.Run).ToList();
        var witness = qm.Evaluate(data);
        var fg = qm.FloatGraph;
        var outs = new List<OutputAccuracy>();
        int? labelled = null; double? fAcc = null, qAcc = null;
        for (int o = 0; o < fg.OnnxOutputs.Count; o++)
        {
            int ortIndex = ort.OutputNames.ToList().IndexOf(fg.OnnxOutputs[o]);
            if (ortIndex < 0) throw new QuantizeException($"{onnxPath}: ONNX Runtime has no output '{fg.OnnxOutputs[o]}'");
            var q = QuantizedModel.RealOutputs(witness, o);
            int size = q[0].Length;
            double max = 0, sum = 0; int agree = 0; int fCorrect = 0, qCorrect = 0;
            string task = size > 1 ? "argmax" : "decision@0.5";
            for (int r = 0; r < data.Count; r++)
            {
                var f = floats[r][ortIndex];
                if (f.Length != size) throw new QuantizeException($"{onnxPath}: output '{fg.OnnxOutputs[o]}' has {f.Length} values in ONNX Runtime, {size} in the circuit");
                for (int i = 0; i < size; i++) { double e = Math.Abs(q[r][i] - f[i]); max = Math.Max(max, e); sum += e; }
                int fc = Decide(f.Select(v => (double)v).ToArray()), qc = Decide(q[r]);
                if (fc == qc) agree++;
                if (o == 0 && data.Labels is { } labels) { if (fc == labels[r]) fCorrect++; if (qc == labels[r]) qCorrect++; }
            }
            outs.Add(new OutputAccuracy(fg.OnnxOutputs[o], size, max, sum / ((double)data.Count * size), task, (double)agree / data.Count, data.Count - agree));
            if (o == 0 && data.Labels is not null) { labelled = data.Count; fAcc = (double)fCorrect / data.Count; qAcc = (double)qCorrect / data.Count; }
        }
        return new AccuracyReport(onnxPath, data.Source, data.Count, outs, labelled, fAcc, qAcc);
    }

    /// <summary>Class of one output row: argmax (first maximum) for several values, value ≥ 0.5 for one.</summary>
    public static int Decide(IReadOnlyList<double> v)
    {
        if (v.Count == 1) return v[0] >= 0.5 ? 1 : 0;
        int best = 0;
        for (int i = 1; i < v.Count; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
