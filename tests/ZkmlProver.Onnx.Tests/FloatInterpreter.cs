namespace ZkmlProver.Onnx.Tests;

/// <summary>A dense float tensor for <see cref="FloatInterpreter"/>.</summary>
internal sealed record Dense(long[] Shape, float[] Data)
{
    public static Dense From(FloatTensor t) => new(t.Shape.ToArray(), t.Data.ToArray());
    public long[] Strides()
    {
        var s = new long[Shape.Length];
        long acc = 1;
        for (int i = Shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= Shape[i]; }
        return s;
    }
}

/// <summary>
/// A plain float interpreter of a loaded <see cref="OnnxGraph"/>, straight from the ONNX operator
/// spec. It exists only to check the loader end to end (attributes, defaults, resolved Conv/pool
/// geometry, initializer values) against ONNX Runtime's outputs; it is not used by the product.
/// </summary>
internal static class FloatInterpreter
{
    public static Dictionary<string, Dense> Run(OnnxModel model, IReadOnlyDictionary<string, Dense> inputs)
    {
        var g = model.Graph;
        var env = new Dictionary<string, Dense>(StringComparer.Ordinal);
        foreach (var (k, v) in g.Initializers) env[k] = Dense.From(v);
        foreach (var (k, v) in inputs) env[k] = v;
        foreach (var n in g.Nodes)
        {
            Dense X(int i) => env[n.Inputs[i]];
            env[n.Outputs[0]] = n.OpType switch
            {
                "Gemm" => Gemm(n, X(0), X(1), n.HasInput(2) ? X(2) : null),
                "MatMul" => MatMul(X(0), X(1)),
                "Add" => Binary(X(0), X(1), (a, b) => a + b),
                "Sub" => Binary(X(0), X(1), (a, b) => a - b),
                "Mul" => Binary(X(0), X(1), (a, b) => a * b),
                "Div" => Binary(X(0), X(1), (a, b) => a / b),
                "Relu" => Map(X(0), v => Math.Max(v, 0)),
                "LeakyRelu" => Map(X(0), v => v >= 0 ? v : n.GetFloat("alpha", 0.01f) * v),
                "Sigmoid" => Map(X(0), v => 1f / (1f + MathF.Exp(-v))),
                "Tanh" => Map(X(0), MathF.Tanh),
                "Identity" => X(0),
                "Clip" => Clip(n, model.Opset, X(0), env),
                "Softmax" => Softmax(X(0), (int)n.GetInt("axis", -1)),
                "Conv" => Conv(n, X(0), X(1), n.HasInput(2) ? X(2) : null),
                "MaxPool" or "AveragePool" => Pool(n, X(0)),
                "GlobalAveragePool" => GlobalAvg(X(0)),
                "Flatten" => Flatten(X(0), (int)n.GetInt("axis", 1)),
                "Reshape" => Reshape(X(0), g.Initializers[n.Inputs[1]].Int64Data.ToArray(), n.GetInt("allowzero", 0) != 0),
                "Transpose" => Transpose(X(0), n.GetInts("perm")),
                "Concat" => Concat(n.Inputs.Select(i => env[i]).ToList(), (int)n.GetRequiredInt("axis")),
                "BatchNormalization" => BatchNorm(X(0), X(1), X(2), X(3), X(4), n.GetFloat("epsilon", 1e-5f)),
                _ => throw new NotSupportedException(n.OpType),
            };
        }
        return env;
    }

    private static Dense Map(Dense x, Func<float, float> f) => new(x.Shape, x.Data.Select(f).ToArray());

    private static long[] BroadcastShape(long[] a, long[] b)
    {
        int r = Math.Max(a.Length, b.Length);
        var s = new long[r];
        for (int i = 0; i < r; i++)
        {
            long da = i - (r - a.Length) >= 0 ? a[i - (r - a.Length)] : 1, db = i - (r - b.Length) >= 0 ? b[i - (r - b.Length)] : 1;
            s[i] = da == 1 ? db : da;
        }
        return s;
    }

    /// <summary>Flat index into x for output multi-index idx (broadcasting x to the output rank).</summary>
    private static long Index(Dense x, long[] idx)
    {
        long off = 0, stride = 1;
        for (int i = x.Shape.Length - 1, j = idx.Length - 1; i >= 0; i--, j--)
        {
            if (x.Shape[i] != 1) off += idx[j] * stride;
            stride *= x.Shape[i];
        }
        return off;
    }

    private static IEnumerable<long[]> All(long[] shape)
    {
        long total = shape.Aggregate(1L, (p, d) => p * d);
        var idx = new long[shape.Length];
        for (long f = 0; f < total; f++)
        {
            long rem = f;
            for (int i = shape.Length - 1; i >= 0; i--) { idx[i] = rem % shape[i]; rem /= shape[i]; }
            yield return idx;
        }
    }

    private static Dense Binary(Dense a, Dense b, Func<float, float, float> f)
    {
        var shape = BroadcastShape(a.Shape, b.Shape);
        var data = All(shape).Select(i => f(a.Data[Index(a, i)], b.Data[Index(b, i)])).ToArray();
        return new Dense(shape, data);
    }

    private static Dense Gemm(OnnxNode n, Dense a, Dense b, Dense? c)
    {
        bool ta = n.GetInt("transA", 0) != 0, tb = n.GetInt("transB", 0) != 0;
        float alpha = n.GetFloat("alpha", 1), beta = n.GetFloat("beta", 1);
        long m = ta ? a.Shape[1] : a.Shape[0], k = ta ? a.Shape[0] : a.Shape[1], nn = tb ? b.Shape[0] : b.Shape[1];
        var y = new float[m * nn];
        for (long i = 0; i < m; i++)
            for (long j = 0; j < nn; j++)
            {
                double s = 0;
                for (long t = 0; t < k; t++)
                    s += (double)a.Data[ta ? t * m + i : i * k + t] * b.Data[tb ? j * k + t : t * nn + j];
                y[i * nn + j] = (float)(alpha * s);
            }
        var r = new Dense([m, nn], y);
        return c is null ? r : Binary(r, Map(c, v => beta * v), (p, q) => p + q);
    }

    private static Dense MatMul(Dense a, Dense b)
    {
        var batch = BroadcastShape(a.Shape[..^2], b.Shape[..^2]);
        long m = a.Shape[^2], k = a.Shape[^1], nn = b.Shape[^1];
        var outShape = batch.Concat([m, nn]).ToArray();
        var y = new float[outShape.Aggregate(1L, (p, d) => p * d)];
        long f = 0;
        foreach (var bi in All(batch).Select(x => x.ToArray()).ToList())
        {
            long ao = Index(new Dense(a.Shape[..^2], []), bi) * m * k, bo = Index(new Dense(b.Shape[..^2], []), bi) * k * nn;
            for (long i = 0; i < m; i++)
                for (long j = 0; j < nn; j++)
                {
                    double s = 0;
                    for (long t = 0; t < k; t++) s += (double)a.Data[ao + i * k + t] * b.Data[bo + t * nn + j];
                    y[f++] = (float)s;
                }
        }
        return new Dense(outShape, y);
    }

    private static Dense Clip(OnnxNode n, long opset, Dense x, Dictionary<string, Dense> env)
    {
        float lo = float.NegativeInfinity, hi = float.PositiveInfinity;
        if (opset >= 11)
        {
            if (n.HasInput(1)) lo = env[n.Inputs[1]].Data[0];
            if (n.HasInput(2)) hi = env[n.Inputs[2]].Data[0];
        }
        else { lo = n.GetFloat("min", lo); hi = n.GetFloat("max", hi); }
        return Map(x, v => Math.Min(Math.Max(v, lo), hi));
    }

    private static Dense Softmax(Dense x, int axis)
    {
        if (axis < 0) axis += x.Shape.Length;
        long len = x.Shape[axis], inner = x.Shape[(axis + 1)..].Aggregate(1L, (p, d) => p * d);
        long outer = x.Data.Length / Math.Max(1, len * inner);
        var y = new float[x.Data.Length];
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                long Off(long t) => (o * len + t) * inner + i;
                double mx = double.NegativeInfinity, s = 0;
                for (long t = 0; t < len; t++) mx = Math.Max(mx, x.Data[Off(t)]);
                for (long t = 0; t < len; t++) s += Math.Exp(x.Data[Off(t)] - mx);
                for (long t = 0; t < len; t++) y[Off(t)] = (float)(Math.Exp(x.Data[Off(t)] - mx) / s);
            }
        return new Dense(x.Shape, y);
    }

    private static Dense Conv(OnnxNode n, Dense x, Dense w, Dense? b)
    {
        long N = x.Shape[0], C = x.Shape[1], O = w.Shape[0];
        var g = Spatial2d.Resolve(n, x.Shape[2], x.Shape[3], w.Shape[2], w.Shape[3], allowCeilMode: false);
        var y = new float[N * O * g.OutH * g.OutW];
        for (long bn = 0; bn < N; bn++)
            for (long o = 0; o < O; o++)
                for (int oh = 0; oh < g.OutH; oh++)
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        double s = b?.Data[o] ?? 0;
                        for (long c = 0; c < C; c++)
                            for (int kh = 0; kh < g.KernelH; kh++)
                                for (int kw = 0; kw < g.KernelW; kw++)
                                {
                                    long ih = oh * g.StrideH - g.PadTop + kh * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                                    if (ih < 0 || iw < 0 || ih >= g.InH || iw >= g.InW) continue;
                                    s += (double)x.Data[((bn * C + c) * g.InH + ih) * g.InW + iw] * w.Data[((o * C + c) * g.KernelH + kh) * g.KernelW + kw];
                                }
                        y[((bn * O + o) * g.OutH + oh) * g.OutW + ow] = (float)s;
                    }
        return new Dense([N, O, g.OutH, g.OutW], y);
    }

    private static Dense Pool(OnnxNode n, Dense x)
    {
        var ks = n.GetInts("kernel_shape")!;
        bool max = n.OpType == "MaxPool", includePad = n.GetInt("count_include_pad", 0) != 0;
        var g = Spatial2d.Resolve(n, x.Shape[2], x.Shape[3], ks[0], ks[1], allowCeilMode: true);
        long NC = x.Shape[0] * x.Shape[1];
        var y = new float[NC * g.OutH * g.OutW];
        for (long p = 0; p < NC; p++)
            for (int oh = 0; oh < g.OutH; oh++)
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    double acc = max ? double.NegativeInfinity : 0;
                    int count = 0, padded = 0;
                    for (int kh = 0; kh < g.KernelH; kh++)
                        for (int kw = 0; kw < g.KernelW; kw++)
                        {
                            long ih = oh * g.StrideH - g.PadTop + kh * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                            // count_include_pad counts cells inside the padded input, not beyond it (ceil_mode overhang)
                            if (ih < g.InH + g.PadBottom && iw < g.InW + g.PadRight) padded++;
                            if (ih < 0 || iw < 0 || ih >= g.InH || iw >= g.InW) continue;
                            float v = x.Data[(p * g.InH + ih) * g.InW + iw];
                            acc = max ? Math.Max(acc, v) : acc + v;
                            count++;
                        }
                    y[(p * g.OutH + oh) * g.OutW + ow] = (float)(max ? acc : acc / (includePad ? padded : count));
                }
        return new Dense([x.Shape[0], x.Shape[1], g.OutH, g.OutW], y);
    }

    private static Dense GlobalAvg(Dense x)
    {
        long NC = x.Shape[0] * x.Shape[1], hw = x.Shape[2] * x.Shape[3];
        var y = new float[NC];
        for (long p = 0; p < NC; p++) { double s = 0; for (long i = 0; i < hw; i++) s += x.Data[p * hw + i]; y[p] = (float)(s / hw); }
        return new Dense([x.Shape[0], x.Shape[1], 1, 1], y);
    }

    private static Dense Flatten(Dense x, int axis)
    {
        if (axis < 0) axis += x.Shape.Length;
        long a = x.Shape[..axis].Aggregate(1L, (p, d) => p * d);
        return new Dense([a, x.Data.Length / Math.Max(1, a) * (a == 0 ? 0 : 1)], x.Data);
    }

    private static Dense Reshape(Dense x, long[] target, bool allowZero)
    {
        var s = target.Select((t, i) => t == 0 && !allowZero ? x.Shape[i] : t).ToArray();
        int m = Array.IndexOf(s, -1L);
        if (m >= 0) s[m] = x.Data.Length / s.Where((d, i) => i != m).Aggregate(1L, (p, d) => p * d);
        return new Dense(s, x.Data);
    }

    private static Dense Transpose(Dense x, long[]? perm)
    {
        int r = x.Shape.Length;
        perm ??= Enumerable.Range(0, r).Reverse().Select(i => (long)i).ToArray();
        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var st = x.Strides();
        var y = All(shape).Select(idx => { long off = 0; for (int i = 0; i < r; i++) off += idx[i] * st[perm[i]]; return x.Data[off]; }).ToArray();
        return new Dense(shape, y);
    }

    private static Dense Concat(List<Dense> xs, int axis)
    {
        int r = xs[0].Shape.Length;
        if (axis < 0) axis += r;
        long outer = xs[0].Shape[..axis].Aggregate(1L, (p, d) => p * d);
        var shape = xs[0].Shape.ToArray();
        shape[axis] = xs.Sum(x => x.Shape[axis]);
        var y = new List<float>();
        for (long o = 0; o < outer; o++)
            foreach (var x in xs)
            {
                long chunk = x.Data.Length / Math.Max(1, outer);
                y.AddRange(x.Data.Skip((int)(o * chunk)).Take((int)chunk));
            }
        return new Dense(shape, y.ToArray());
    }

    private static Dense BatchNorm(Dense x, Dense scale, Dense bias, Dense mean, Dense var, float eps)
    {
        long C = x.Shape[1], inner = x.Shape[2..].Aggregate(1L, (p, d) => p * d);
        var y = new float[x.Data.Length];
        for (long f = 0; f < y.Length; f++)
        {
            long c = f / inner % C;
            y[f] = (float)((x.Data[f] - mean.Data[c]) / Math.Sqrt(var.Data[c] + eps) * scale.Data[c] + bias.Data[c]);
        }
        return new Dense(x.Shape, y);
    }
}
