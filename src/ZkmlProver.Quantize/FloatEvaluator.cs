using System.Numerics.Tensors;
using ZkmlProver.Circuit;

namespace ZkmlProver.Quantize;

/// <summary>Evaluates a <see cref="FloatGraph"/> on one sample in double precision (the calibration
/// oracle; it mirrors ONNX semantics for the folded ops).</summary>
public static class FloatEvaluator
{
    /// <summary>All activations of the graph for one flattened input sample.</summary>
    public static Dictionary<string, double[]> Evaluate(FloatGraph g, ReadOnlySpan<float> input)
    {
        var v = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var x0 = new double[input.Length];
        for (int i = 0; i < x0.Length; i++) x0[i] = input[i];
        v[g.Input] = x0;
        double[] Get(string name, bool isConst) => isConst ? g.Constants[name].Data.Select(f => (double)f).ToArray() : v[name];
        int[] Shape(string name, bool isConst) => isConst ? g.Constants[name].Shape : g.Shapes[name];
        foreach (var op in g.Ops)
        {
            var outShape = g.Shapes[op.Output];
            int size = ShapeUtil.Size(outShape);
            var y = new double[size];
            switch (op)
            {
                case FDense d:
                {
                    // Rows of X against rows of W: one vectorised dot product each (TensorPrimitives).
                    var x = v[d.Input]; int rows = x.Length / d.K;
                    var dw = Wide(d.W);
                    for (int r = 0; r < rows; r++)
                    {
                        var xr = x.AsSpan(r * d.K, d.K);
                        for (int j = 0; j < d.M; j++)
                            y[r * d.M + j] = (d.B?[j] ?? 0) + TensorPrimitives.Dot<double>(xr, dw.AsSpan(j * d.K, d.K));
                    }
                    break;
                }
                case FConv c:
                {
                    var x = v[c.Input]; var xs = g.Shapes[c.Input];
                    // Grouped: output channel oc reads the cg = WShape[1] input channels from (oc / og)·cg.
                    int cg = c.WShape[1], og = c.WShape[0] / c.Group, h = xs[1], wd = xs[2], kh = c.WShape[2], kw = c.WShape[3], oh = outShape[1], ow = outShape[2];
                    int sx = c.Strides[1], dx = c.Dilations[1];
                    var cw = Wide(c.W);
                    for (int oc = 0; oc < c.WShape[0]; oc++)
                        for (int oy = 0; oy < oh; oy++)
                            for (int ox = 0; ox < ow; ox++)
                            {
                                double acc = c.B?[oc] ?? 0;
                                // The kernel row's in-bounds taps [k0, k1): contiguous in x when the
                                // dilation is 1, so each (ic, ky) is one vectorised dot product.
                                int left = ox * sx - c.Pads[1];
                                int k0 = left >= 0 ? 0 : (-left + dx - 1) / dx;
                                int k1 = Math.Min(kw, (wd - left + dx - 1) / dx);
                                if (k1 <= k0) { y[(oc * oh + oy) * ow + ox] = acc; continue; }
                                for (int ic = 0; ic < cg; ic++)
                                    for (int ky = 0; ky < kh; ky++)
                                    {
                                        int iy = oy * c.Strides[0] - c.Pads[0] + ky * c.Dilations[0];
                                        if ((uint)iy >= (uint)h) continue;
                                        int wBase = ((oc * cg + ic) * kh + ky) * kw, xBase = (((oc / og) * cg + ic) * h + iy) * wd + left;
                                        if (dx == 1)
                                            acc += TensorPrimitives.Dot<double>(x.AsSpan(xBase + k0, k1 - k0), cw.AsSpan(wBase + k0, k1 - k0));
                                        else
                                            for (int kx = k0; kx < k1; kx++) acc += x[xBase + kx * dx] * c.W[wBase + kx];
                                    }
                                y[(oc * oh + oy) * ow + ox] = acc;
                            }
                    break;
                }
                case FMatMul mm: MatMul(v[mm.A], g.Shapes[mm.A], Get(mm.B, mm.BConst), Shape(mm.B, mm.BConst), y); break;
                case FUnary u:
                {
                    var x = v[u.Input];
                    switch (u.Kind)
                    {
                        case FUnaryKind.Relu: TensorPrimitives.Max<double>(x.AsSpan(0, size), 0.0, y); break;
                        case FUnaryKind.Sigmoid: TensorPrimitives.Sigmoid<double>(x.AsSpan(0, size), y); break;
                        case FUnaryKind.Lookup:
                        {
                            // The real function (log and negative powers clamped at 2^−24, see LookupFunctions).
                            var f = LookupFunctions.Resolve(u.Function!, Math.ScaleB(1.0, -24));
                            for (int i = 0; i < size; i++) y[i] = f(x[i]);
                            break;
                        }
                        default: TensorPrimitives.Tanh<double>(x.AsSpan(0, size), y); break;
                    }
                    break;
                }
                case FLeakyRelu l: { var x = v[l.Input]; for (int i = 0; i < size; i++) y[i] = x[i] >= 0 ? x[i] : l.Alpha * x[i]; break; }
                case FClip c:
                {
                    var x = v[c.Input];
                    for (int i = 0; i < size; i++) y[i] = Math.Min(Math.Max(x[i], c.Min ?? double.NegativeInfinity), c.Max ?? double.PositiveInfinity);
                    break;
                }
                case FSoftmax s:
                {
                    var x = v[s.Input];
                    int outer = ShapeUtil.Size(outShape.AsSpan(0, s.Axis)), n = outShape[s.Axis], inner = ShapeUtil.Size(outShape.AsSpan(s.Axis + 1));
                    for (int o = 0; o < outer; o++)
                        for (int i = 0; i < inner; i++)
                        {
                            int b = o * n * inner + i; double mx = double.NegativeInfinity, sum = 0;
                            for (int j = 0; j < n; j++) mx = Math.Max(mx, x[b + j * inner]);
                            for (int j = 0; j < n; j++) { y[b + j * inner] = Math.Exp(x[b + j * inner] - mx); sum += y[b + j * inner]; }
                            for (int j = 0; j < n; j++) y[b + j * inner] /= sum;
                        }
                    break;
                }
                case FPool p: Pool(p, v[p.Input], g.Shapes[p.Input], outShape, y); break;
                case FBinary b:
                {
                    var a = Get(b.A, b.AConst); var c = Get(b.B, b.BConst);
                    var ao = Offsets(Shape(b.A, b.AConst), outShape); var bo = Offsets(Shape(b.B, b.BConst), outShape);
                    for (int i = 0; i < size; i++)
                        y[i] = b.Kind switch { FBinaryKind.Add => a[ao[i]] + c[bo[i]], FBinaryKind.Sub => a[ao[i]] - c[bo[i]], _ => a[ao[i]] * c[bo[i]] };
                    break;
                }
                case FMulConst mc: { var x = v[mc.Input]; for (int i = 0; i < size; i++) y[i] = x[i] * mc.C; break; }
                case FChannelAffine ca:
                {
                    var x = v[ca.Input]; int inner = size / ca.A.Length;
                    for (int c = 0; c < ca.A.Length; c++) for (int i = 0; i < inner; i++) y[c * inner + i] = x[c * inner + i] * ca.A[c] + ca.B[c];
                    break;
                }
                case FReshape r: Array.Copy(v[r.Input], y, size); break;
                case FSelect sel: { var x = v[sel.Input]; for (int i = 0; i < size; i++) y[i] = sel.Indices[i] < 0 ? 0 : x[sel.Indices[i]]; break; }
                case FTranspose t:
                {
                    var x = v[t.Input]; var xs = g.Shapes[t.Input]; var st = ShapeUtil.Strides(xs);
                    var ctr = new int[outShape.Length];
                    for (int i = 0; i < size; i++)
                    {
                        int off = 0;
                        for (int a = 0; a < ctr.Length; a++) off += ctr[a] * st[t.Perm[a]];
                        y[i] = x[off];
                        for (int a = ctr.Length - 1; a >= 0; a--) { if (++ctr[a] < outShape[a]) break; ctr[a] = 0; }
                    }
                    break;
                }
                case FConcat cc:
                {
                    int outer = ShapeUtil.Size(outShape.AsSpan(0, cc.Axis)), inner = ShapeUtil.Size(outShape.AsSpan(cc.Axis + 1)), pos = 0;
                    for (int o = 0; o < outer; o++)
                        for (int i = 0; i < cc.Inputs.Length; i++)
                        {
                            var x = Get(cc.Inputs[i], cc.IsConst[i]); int chunk = Shape(cc.Inputs[i], cc.IsConst[i])[cc.Axis] * inner;
                            Array.Copy(x, o * chunk, y, pos, chunk); pos += chunk;
                        }
                    break;
                }
                default: throw new InvalidOperationException($"float evaluator: unknown op {op.GetType().Name}");
            }
            v[op.Output] = y;
        }
        return v;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<float[], double[]> WideWeights = new();

    /// <summary>The weights widened to double once per array (the dot products run in double, as
    /// the scalar loops did, so calibration ranges do not change).</summary>
    private static double[] Wide(float[] w) => WideWeights.GetValue(w, static a => Array.ConvertAll(a, v => (double)v));

    static void MatMul(double[] a, int[] sa, double[] b, int[] sb, double[] y)
    {
        int[] a2 = sa.Length == 1 ? [1, sa[0]] : sa, b2 = sb.Length == 1 ? [sb[0], 1] : sb;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        var bs = ShapeUtil.Broadcast(a2[..^2], b2[..^2])!;
        var ao = Offsets(a2[..^2], bs); var bo = Offsets(b2[..^2], bs);
        // B transposed once per broadcast block so that every output is one contiguous dot product.
        var bt = new double[k * n];
        int lastB = -1;
        for (int bi = 0; bi < ao.Length; bi++)
        {
            if (bo[bi] != lastB)
            {
                lastB = bo[bi];
                for (int t = 0; t < k; t++) for (int j = 0; j < n; j++) bt[j * k + t] = b[lastB * k * n + t * n + j];
            }
            for (int i = 0; i < m; i++)
            {
                var ar = a.AsSpan(ao[bi] * m * k + i * k, k);
                for (int j = 0; j < n; j++) y[(bi * m + i) * n + j] = TensorPrimitives.Dot<double>(ar, bt.AsSpan(j * k, k));
            }
        }
    }

    static void Pool(FPool p, double[] x, int[] xs, int[] os, double[] y)
    {
        int ch = xs[0], h = xs[1], wd = xs[2], oh = os[1], ow = os[2];
        for (int c = 0; c < ch; c++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    double best = double.NegativeInfinity, sum = 0; int cnt = 0;
                    for (int ky = 0; ky < p.Kernel[0]; ky++)
                    {
                        int iy = oy * p.Strides[0] - p.Pads[0] + ky * p.Dilations[0];
                        if ((uint)iy >= (uint)h) continue;
                        for (int kx = 0; kx < p.Kernel[1]; kx++)
                        {
                            int ix = ox * p.Strides[1] - p.Pads[1] + kx * p.Dilations[1];
                            if ((uint)ix >= (uint)wd) continue;
                            double val = x[(c * h + iy) * wd + ix];
                            best = Math.Max(best, val); sum += val; cnt++;
                        }
                    }
                    y[(c * oh + oy) * ow + ox] = p.IsMax ? best : sum / (p.CountIncludePad ? p.Kernel[0] * p.Kernel[1] : cnt);
                }
    }

    /// <summary>Flat index into <paramref name="shape"/> for each flat index of the broadcast <paramref name="outShape"/>.</summary>
    internal static int[] Offsets(int[] shape, int[] outShape)
    {
        var st = ShapeUtil.BroadcastStrides(shape, outShape);
        int size = ShapeUtil.Size(outShape);
        var r = new int[size]; var ctr = new int[outShape.Length];
        for (int i = 0; i < size; i++)
        {
            int off = 0;
            for (int a = 0; a < ctr.Length; a++) off += ctr[a] * st[a];
            r[i] = off;
            for (int a = ctr.Length - 1; a >= 0; a--) { if (++ctr[a] < outShape[a]) break; ctr[a] = 0; }
        }
        return r;
    }
}
