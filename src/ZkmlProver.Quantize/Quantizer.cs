using ZkmlProver.Circuit;
using ZkmlProver.Onnx;

namespace ZkmlProver.Quantize;

/// <summary>
/// ONNX model + calibration data → integer <see cref="Circuit.Circuit"/> + <see cref="WeightSet"/>.
/// </summary>
/// <remarks>
/// Scales (all powers of two, per tensor):
/// input s_in from calibration (max |x|·InputHeadroom fits ActivationBits) unless given;
/// weights s_w = the largest s with max |w|·2^s &lt; 2^(WeightBits−1); biases at s_x + s_w;
/// Dense/Conv/MatMul/Mul outputs are accumulators at s_x + s_w, brought back by a Rescale to the
/// consumer's activation scale (the largest s with max |y|·ActivationHeadroom·2^s &lt; 2^(ActivationBits−1))
/// lazily, once per (tensor, scale), always from the accumulator (one rounding only);
/// Sigmoid/Tanh: Rescale to a lookup scale, Clip to the saturation domain, Lookup;
/// Add/Sub/Concat operands are brought to a common scale (the smallest of the operands' and output's).
/// </remarks>
public static class Quantizer
{
    /// <summary>Quantizes a loaded model calibrated on <paramref name="calibration"/>.</summary>
    public static QuantizedModel Quantize(OnnxModel model, InputData calibration, QuantizeOptions? options = null)
    {
        options ??= new QuantizeOptions();
        options.Validate();
        var fg = OnnxLowering.Lower(model, options.BatchDimension);
        int inSize = ShapeUtil.Size(fg.InputShape);
        for (int r = 0; r < calibration.Count; r++)
            if (calibration.Rows[r].Length != inSize)
                throw new QuantizeException($"{calibration.Source}: {calibration.RowName(r)} has {calibration.Rows[r].Length} values, the model input '{fg.Input}' {ShapeUtil.Format(fg.InputShape)} needs {inSize}");
        if (calibration.Count == 0) throw new QuantizeException($"{calibration.Source}: no calibration rows");
        var maxAbs = new Dictionary<string, double>(StringComparer.Ordinal);
        var signed = new Dictionary<string, (double Min, double Max)>(StringComparer.Ordinal);
        foreach (var row in calibration.Rows)
            foreach (var (name, v) in FloatEvaluator.Evaluate(fg, row))
            {
                double m = maxAbs.GetValueOrDefault(name);
                var (lo, hi) = signed.TryGetValue(name, out var r) ? r : (double.PositiveInfinity, double.NegativeInfinity);
                foreach (double x in v) { m = Math.Max(m, Math.Abs(x)); lo = Math.Min(lo, x); hi = Math.Max(hi, x); }
                maxAbs[name] = m;
                signed[name] = (lo, hi);
            }
        string name0 = options.Name ?? DefaultName(model.Path);
        return new Emitter(fg, maxAbs, options, name0, signed).Run();
    }

    static string DefaultName(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        string? dir = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)));
        return stem == "network" && !string.IsNullOrEmpty(dir) ? dir : stem;
    }

    /// <summary>The largest s ≤ maxScale (≥ 0) with maxAbs·headroom·2^s ≤ 2^(bits−1) − 1.</summary>
    public static int ScaleFor(double maxAbs, double headroom, int bits, int maxScale)
    {
        if (maxAbs <= 0) return maxScale;
        double limit = Math.ScaleB(1.0, bits - 1) - 1;
        int s = (int)Math.Floor(Math.Log2(limit / (maxAbs * headroom)));
        while (s > 0 && maxAbs * headroom * Math.ScaleB(1.0, s) > limit) s--;
        return Math.Clamp(s, 0, maxScale);
    }

    /// <summary>Signed bits needed for a magnitude (at least 2).</summary>
    public static int BitsForMagnitude(double magnitude)
    {
        if (!(magnitude < 4.6e18)) return 63;
        return FixedPoint.BitsForMagnitude((long)Math.Ceiling(magnitude));
    }
}
