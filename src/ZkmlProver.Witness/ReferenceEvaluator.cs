using System.Collections.Concurrent;

namespace ZkmlProver.Circuit;

/// <summary>
/// Computes every tensor of a circuit in exact 64-bit integers (the prover's oracle).
/// Semantics: docs/CIRCUIT.md. Every overflow and every value outside a tensor's declared Bits
/// (Input, Weight and every layer output) is a <see cref="CircuitRangeException"/>.
/// </summary>
/// <remarks>Stateless and thread-safe. Lookup tables are cached per (function, scales, domain).</remarks>
public static partial class ReferenceEvaluator
{
    static readonly ConcurrentDictionary<(string, int, int, long, long), long[]> TableCache = new();

    /// <summary>Evaluates on a batch given as B × inputSize values (batch-major).</summary>
    public static Witness Evaluate(Circuit circuit, WeightSet weights, long[] input)
    {
        int size = circuit.InputTensor.Size;
        if (size == 0 || input.Length % size != 0 || input.Length == 0)
            throw new CircuitFormatException($"input has {input.Length} values, not a positive multiple of the input size {size} ({ShapeUtil.Format(circuit.InputTensor.Shape)})");
        return Evaluate(circuit, weights, input, input.Length / size);
    }

    /// <summary>Evaluates on a batch of <paramref name="batch"/> samples.</summary>
    public static Witness Evaluate(Circuit circuit, WeightSet weights, long[] input, int batch)
        => Evaluate(circuit, weights, input, batch, checkRanges: true, afterLayer: null);

    /// <summary>Evaluates with optional range checks and a hook that may rewrite each layer's output
    /// before the layers after it read it. Only adversarial tests turn the checks off: they play a
    /// prover that commits out-of-range values and recomputes everything downstream consistently.</summary>
    public static Witness Evaluate(Circuit circuit, WeightSet weights, long[] input, int batch, bool checkRanges, Action<string, long[]>? afterLayer)
    {
        CircuitValidator.Validate(circuit);
        if (checkRanges) weights.Validate(circuit);
        var inT = circuit.InputTensor;
        if (batch < 1 || input.Length != (long)batch * inT.Size)
            throw new CircuitFormatException($"input has {input.Length} values, expected {batch} × {inT.Size}");
        var values = new Dictionary<string, long[]>(StringComparer.Ordinal);
        for (int i = 0; i < input.Length && checkRanges; i++)
            if (!inT.InRange(input[i]))
                throw CircuitRangeException.ForBits("input", inT.Name, i, input[i], inT.Bits,
                    $"sample {i / inT.Size}, element {i % inT.Size}: lower the input scale (now {inT.Scale}) or widen the input's Bits");
        values[inT.Name] = input;
        foreach (var w in circuit.WeightTensors) values[w.Name] = weights[w.Name];
        var ev = new Evaluation(circuit, values, batch) { Lenient = !checkRanges };
        foreach (var layer in circuit.Layers)
        {
            var outT = circuit.Tensor(layer.Output);
            var y = new long[(long)batch * outT.Size];
            ev.Run(layer, outT, y);
            afterLayer?.Invoke(outT.Name, y);
            for (int i = 0; i < y.Length && checkRanges; i++)
                if (!outT.InRange(y[i]))
                    throw CircuitRangeException.ForBits(layer.Name, outT.Name, i, y[i], outT.Bits, Remedy(layer, outT));
            values[outT.Name] = y;
        }
        return new Witness(circuit, batch, values);
    }

    static string Remedy(Layer layer, TensorInfo outT)
        => $"lower the scale of {string.Join(", ", layer.Inputs.Select(n => $"'{n}'"))} or widen the range of '{outT.Name}' (Bits {outT.Bits}, scale {outT.Scale})";

    /// <summary>An operand of a layer: its data, per-sample shape, and whether it is batched.</summary>
    readonly record struct Operand(long[] Data, int[] Shape, bool Batched, int Size)
    {
        public int Offset(int b) => Batched ? b * Size : 0;
        public ReadOnlySpan<long> Sample(int b) => Data.AsSpan(Offset(b), Size);
    }

    sealed partial class Evaluation(Circuit c, Dictionary<string, long[]> values, int batch)
    {
        /// <summary>Adversarial tests only: a lookup input outside the table's domain is clamped to it
        /// instead of refused, so a cheating witness can always be completed downstream.</summary>
        public bool Lenient { get; init; }

        Operand Op(string name)
        {
            var t = c.Tensor(name);
            return new Operand(values[name], t.Shape, t.Kind != TensorKind.Weight, t.Size);
        }

        static long[] Table(string fn, int inScale, int outScale, long min, long max)
            => TableCache.GetOrAdd((fn, inScale, outScale, min, max), k => LookupTables.Build(k.Item1, k.Item2, k.Item3, k.Item4, k.Item5));

        public void Run(Layer layer, TensorInfo outT, long[] y)
        {
            switch (layer)
            {
                case DenseLayer d: Dense(d, outT, y); break;
                case MatMulLayer m: MatMul(m, outT, y); break;
                case Conv2dLayer cv: Conv(cv, outT, y); break;
                case RescaleLayer r:
                {
                    var x = values[r.Input]; Int128 half = Int128.One << (r.Shift - 1);
                    for (int i = 0; i < y.Length; i++) y[i] = (long)((x[i] + half) >> r.Shift);
                    break;
                }
                case ReluLayer r:
                {
                    var x = values[r.Input];
                    for (int i = 0; i < y.Length; i++) y[i] = Math.Max(x[i], 0);
                    break;
                }
                case LeakyReluLayer lr:
                {
                    var x = values[lr.Input]; int t = lr.AlphaShift; Int128 a = lr.AlphaNum, one = Int128.One << t, half = one >> 1;
                    for (int i = 0; i < y.Length; i++)
                    {
                        Int128 v = ((one - a) * Math.Max(x[i], 0) + a * x[i] + half) >> t;
                        y[i] = Fit(v, layer, outT, i);
                    }
                    break;
                }
                case ClipLayer cl:
                {
                    var x = values[cl.Input];
                    for (int i = 0; i < y.Length; i++) y[i] = Math.Min(Math.Max(x[i], cl.Min), cl.Max);
                    break;
                }
                case MaxPool2dLayer mp: MaxPool(mp, outT, y); break;
                case AvgPool2dLayer ap: AvgPool(ap, outT, y); break;
                case AddLayer a: Elementwise(layer, a.A, a.B, outT, y, static (p, q) => (Int128)p + q); break;
                case SubLayer s: Elementwise(layer, s.A, s.B, outT, y, static (p, q) => (Int128)p - q); break;
                case MulLayer m: Elementwise(layer, m.A, m.B, outT, y, static (p, q) => (Int128)p * q); break;
                case MulConstLayer mc:
                {
                    var x = values[mc.Input];
                    for (int i = 0; i < y.Length; i++) y[i] = Fit((Int128)x[i] * mc.Multiplier, layer, outT, i);
                    break;
                }
                case ChannelAffineLayer ca: ChannelAffine(ca, outT, y); break;
                case LookupLayer lk:
                {
                    var x = values[lk.Input];
                    var table = Table(lk.Function, lk.InScale, lk.OutScale, lk.Min, lk.Max);
                    for (int i = 0; i < y.Length; i++)
                    {
                        long q = Lenient ? Math.Clamp(x[i], lk.Min, lk.Max) : x[i];
                        if (q < lk.Min || q > lk.Max)
                            throw new CircuitRangeException(layer.Name, lk.Input, i, q.ToString(), lk.Min, lk.Max,
                                $"input of the {lk.Function} lookup is outside its table domain; clip the input or widen the table domain");
                        y[i] = table[q - lk.Min];
                    }
                    break;
                }
                case SoftmaxLayer sm: Softmax(sm, outT, y); break;
                case ReshapeLayer rs: Array.Copy(values[rs.Input], y, y.Length); break;
                case FlattenLayer fl: Array.Copy(values[fl.Input], y, y.Length); break;
                case TransposeLayer tr: Transpose(tr, outT, y); break;
                case SelectLayer sl: Select(sl, outT, y); break;
                case ConcatLayer cc: Concat(cc, outT, y); break;
                default: throw new CircuitFormatException($"layer '{layer.Name}': unknown layer type {layer.GetType().Name}");
            }
        }

        /// <summary>Narrows an exact value to int64 or throws a range error naming the element.</summary>
        static long Fit(Int128 v, Layer layer, TensorInfo outT, long index)
        {
            if (v < long.MinValue || v > long.MaxValue)
                throw CircuitRangeException.ForBits(layer.Name, outT.Name, index, v, 64, Remedy(layer, outT));
            return (long)v;
        }
    }
}
