using ZkmlProver.Circuit;

namespace ZkmlProver.Quantize.Tests.Conformance;

/// <summary>
/// A worst-case bound on |dequantized circuit output − exact real output|, derived from the
/// circuit's scales (and the magnitudes in the evaluated witness), layer by layer. This is the
/// conformance suite's tolerance: "within a tolerance derived from the chosen scales".
/// </summary>
/// <remarks>
/// For every tensor T we track e(T), a bound on the absolute error of its real value q/2^s(T), and
/// m(T) = max |q|/2^s(T) over the witness (its magnitude). Rules (ε(s) = 2^−(s+1), half an LSB):
/// <list type="bullet">
/// <item>Input, Weight: e = ε(s) (round to nearest); for the input, the actual rounding error when known.</item>
/// <item>Dense / Conv2d: e(Y) = max_row Σ|W|·e(X) + K·m(X)·e(W) + K·e(X)·e(W) + e(b), K the fan-in.
///   MatMul: K·(m(B)e(A) + m(A)e(B) + e(A)e(B)). Mul: m(B)e(A) + m(A)e(B) + e(A)e(B).
///   ChannelAffine: m(a)e(X) + m(X)e(a) + e(X)e(a) + e(b).</item>
/// <item>Rescale: e(X) + ε(s(Y)). MulConst c, delta d: (|c|/2^d)·e(X), plus m(X)·2^−(d+1) when
///   c ≠ 2^d (a rounded multiplier, e.g. Div by a constant).</item>
/// <item>Add/Sub: e(A) + e(B). Relu, Clip, MaxPool, Reshape, Flatten, Transpose, Concat: e(X) (max over inputs).</item>
/// <item>LeakyRelu (a, t): max(1, |a|/2^t)·e(X) + m(X)·2^−(t+1) + ε(s(Y)).</item>
/// <item>AvgPool (kernel area c, shift t): e(X) + c·m(X)·2^−(t+1) + ε(s(Y)).</item>
/// <item>Lookup f: L·e(X) + ε(OutScale) + saturation (|f(x) − f(clamp(x, Min, Max))| bound), with
///   Lipschitz L = 1/4 (sigmoid), 1 (tanh), e^(Max) (exp).</item>
/// <item>Softmax over n entries: (e^(2e(X)) − 1) + δ(1+n)/(1 − nδ) + 2^−OutScale, δ = ε(ExpOutScale) + e^(ExpMin)
///   (exp-table rounding and the clamp at ExpMin; the sum is ≥ 1 because the max entry is exactly 1).</item>
/// </list>
/// The bound ignores float32 rounding in the reference itself; the suite adds 1e-5·(1 + |y|) for that.
/// </remarks>
public static class ErrorBound
{
    /// <summary>Error bound of every tensor (real units).</summary>
    /// <param name="circuit">The circuit.</param>
    /// <param name="witness">Its evaluation (magnitudes are taken from it).</param>
    /// <param name="inputError">
    /// The actual quantization error of the input, max |x − q/2^s| over the evaluated rows, when the
    /// caller knows the float input (tighter than the worst case ε(s)); null for the worst case.
    /// </param>
    public static Dictionary<string, double> Compute(Circuit.Circuit circuit, Witness witness, double? inputError = null)
    {
        var e = new Dictionary<string, double>(StringComparer.Ordinal);
        var m = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var t in circuit.Tensors)
        {
            if (witness.Values.TryGetValue(t.Name, out var v))
            {
                long mx = 0;
                foreach (long q in v) mx = Math.Max(mx, q == long.MinValue ? long.MaxValue : Math.Abs(q));
                m[t.Name] = Math.ScaleB(mx, -t.Scale);
            }
            if (t.Kind is TensorKind.Input or TensorKind.Weight) e[t.Name] = Eps(t.Scale);
            if (t.Kind is TensorKind.Input && inputError is double ie) e[t.Name] = Math.Min(ie, Eps(t.Scale));
        }
        foreach (var layer in circuit.Layers)
        {
            var y = circuit.Tensor(layer.Output);
            double E(string n) => e[n];
            double M(string n) => m[n];
            e[layer.Output] = layer switch
            {
                DenseLayer d => Linear(circuit, witness, d.Input, d.Weight, d.Bias, circuit.Tensor(d.Weight).Shape[1], e, m),
                Conv2dLayer c => Linear(circuit, witness, c.Input, c.Weight, c.Bias, circuit.Tensor(c.Weight).Shape[1..].Aggregate(1, (p, k) => p * k), e, m),
                MatMulLayer mm => circuit.Tensor(mm.A).Shape[^1] * (M(mm.B) * E(mm.A) + M(mm.A) * E(mm.B) + E(mm.A) * E(mm.B)),
                MulLayer mu => M(mu.B) * E(mu.A) + M(mu.A) * E(mu.B) + E(mu.A) * E(mu.B),
                ChannelAffineLayer ca => M(ca.Weight) * E(ca.Input) + M(ca.Input) * E(ca.Weight) + E(ca.Input) * E(ca.Weight) + E(ca.Bias),
                RescaleLayer r => E(r.Input) + Eps(y.Scale),
                MulConstLayer mc => MulConst(mc, E(mc.Input), M(mc.Input)),
                AddLayer a => E(a.A) + E(a.B),
                SubLayer s => E(s.A) + E(s.B),
                ReluLayer r => E(r.Input),
                ClipLayer c => E(c.Input),
                MaxPool2dLayer p => E(p.Input),
                ReshapeLayer r => E(r.Input),
                FlattenLayer f => E(f.Input),
                TransposeLayer t => E(t.Input),
                ConcatLayer c => c.InputList.Max(E),
                LeakyReluLayer l => Math.Max(1.0, Math.Abs((double)l.AlphaNum) * Math.ScaleB(1.0, -l.AlphaShift)) * E(l.Input)
                    + M(l.Input) * Math.ScaleB(1.0, -l.AlphaShift - 1) + Eps(y.Scale),
                AvgPool2dLayer p => E(p.Input) + p.Kernel[0] * p.Kernel[1] * M(p.Input) * Math.ScaleB(1.0, -p.Shift - 1) + Eps(y.Scale),
                LookupLayer l => Lookup(l, E(l.Input)),
                SoftmaxLayer s => Softmax(s, circuit.Tensor(s.Input).Shape, E(s.Input)),
                _ => throw new NotSupportedException($"ErrorBound: no rule for layer {layer.Op} ('{layer.Name}')"),
            };
        }
        return e;
    }

    /// <summary>Half an LSB at scale s: 2^−(s+1).</summary>
    public static double Eps(int scale) => Math.ScaleB(1.0, -scale - 1);

    private static double Linear(Circuit.Circuit c, Witness w, string x, string wt, string? bias, int fanIn,
        Dictionary<string, double> e, Dictionary<string, double> m)
    {
        var wi = c.Tensor(wt);
        var wq = w[wt];
        int rows = wi.Shape[0], per = wq.Length / Math.Max(1, rows);
        double maxRow = 0;
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int k = 0; k < per; k++) s += Math.Abs((double)wq[r * per + k]);
            maxRow = Math.Max(maxRow, s);
        }
        maxRow = Math.ScaleB(maxRow, -wi.Scale);
        return maxRow * e[x] + fanIn * (m[x] * e[wt] + e[x] * e[wt]) + (bias is null ? 0 : e[bias]);
    }

    private static double MulConst(MulConstLayer mc, double eIn, double mIn)
    {
        int d = mc.ScaleDelta;
        double gain = Math.Abs((double)mc.Multiplier) * Math.ScaleB(1.0, -d);
        bool exactMultiplier = d <= 0 || (d < 63 && mc.Multiplier == 1L << d);
        return gain * eIn + (exactMultiplier ? 0 : mIn * Math.ScaleB(1.0, -d - 1));
    }

    private static double Lookup(LookupLayer l, double eIn)
    {
        double lo = Math.ScaleB(l.Min, -l.InScale), hi = Math.ScaleB(l.Max, -l.InScale);
        double lip, sat;
        switch (l.Function)
        {
            case "sigmoid":
                lip = 0.25;
                sat = Math.Max(1 / (1 + Math.Exp(-lo)), 1 - 1 / (1 + Math.Exp(-hi)));
                break;
            case "tanh":
                lip = 1;
                sat = Math.Max(Math.Tanh(lo) + 1, 1 - Math.Tanh(hi));
                break;
            case "exp":
                lip = Math.Exp(hi);
                sat = Math.Exp(lo);
                break;
            default: throw new NotSupportedException(l.Function);
        }
        return lip * eIn + Eps(l.OutScale) + sat;
    }

    private static double Softmax(SoftmaxLayer s, int[] shape, double eIn)
    {
        int axis = s.Axis < 0 ? s.Axis + shape.Length : s.Axis;
        int n = shape[axis];
        double delta = Eps(s.ExpOutScale) + Math.Exp(Math.ScaleB(s.ExpMin, -s.ExpInScale));
        double tableTerm = n * delta < 1 ? delta * (1 + n) / (1 - n * delta) : 1;
        return Math.Min(1, Math.Exp(2 * eIn) - 1 + tableTerm + Math.ScaleB(1.0, -s.OutScale));
    }
}
