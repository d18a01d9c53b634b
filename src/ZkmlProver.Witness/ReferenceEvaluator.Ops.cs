using System.Numerics.Tensors;
namespace ZkmlProver.Circuit;

public static partial class ReferenceEvaluator
{
    sealed partial class Evaluation
    {
        void Dense(DenseLayer d, TensorInfo outT, long[] y)
        {
            var x = Op(d.Input);
            var w = values[d.Weight];
            var wT = c.Tensor(d.Weight);
            int m = wT.Shape[0], k = wT.Shape[1];
            long[]? bias = d.Bias is null ? null : values[d.Bias];
            int rows = x.Size / k;
            for (int b = 0; b < batch; b++)
                for (int r = 0; r < rows; r++)
                {
                    var xs = x.Data.AsSpan(x.Offset(b) + r * k, k);
                    bool fast = NoOverflow(d.Input, d.Weight, d.Bias, k);
                    for (int j = 0; j < m; j++)
                    {
                        long idx = ((long)b * rows + r) * m + j;
                        var ws = w.AsSpan(j * k, k);
                        long init = bias is null ? 0 : bias[j];
                        y[idx] = fast ? init + TensorPrimitives.Dot<long>(xs, ws) : Dot(xs, ws, init, d, outT, idx);
                    }
                }
        }

        /// <summary>True when the declared ranges of the operands (checked on every input and every
        /// layer output unless <see cref="Lenient"/>) bound init + Σ_{terms} x·w below 2^62: then the
        /// vectorised int64 dot product (TensorPrimitives) is exact and needs no overflow check.</summary>
        bool NoOverflow(string x, string w, string? bias, long terms)
        {
            if (Lenient) return false;
            int bits = c.Tensor(x).Bits - 1 + c.Tensor(w).Bits - 1 + (int)Math.Ceiling(Math.Log2(terms + 1.0)) + 1;
            return bits <= 61 && (bias is null || c.Tensor(bias).Bits <= 61);
        }

        /// <summary>init + Σ a[i]·b[i] in checked int64; on overflow the exact value goes into the error.</summary>
        static long Dot(ReadOnlySpan<long> a, ReadOnlySpan<long> b, long init, Layer layer, TensorInfo outT, long index)
        {
            try
            {
                long acc = init;
                for (int i = 0; i < a.Length; i++) acc = checked(acc + checked(a[i] * b[i]));
                return acc;
            }
            catch (OverflowException)
            {
                Int128 exact = init;
                for (int i = 0; i < a.Length; i++) exact += (Int128)a[i] * b[i];
                throw CircuitRangeException.ForBits(layer.Name, outT.Name, index, exact, 64, Remedy(layer, outT));
            }
        }

        void MatMul(MatMulLayer mm, TensorInfo outT, long[] y)
        {
            var a = Op(mm.A); var bb = Op(mm.B);
            int[] a2 = a.Shape.Length == 1 ? [1, a.Shape[0]] : a.Shape;
            int[] b2 = bb.Shape.Length == 1 ? [bb.Shape[0], 1] : bb.Shape;
            int m = a2[^2], k = a2[^1], n = b2[^1];
            int[] batchShape = ShapeUtil.Broadcast(a2[..^2], b2[..^2])!;
            int nb = ShapeUtil.Size(batchShape);
            var aOff = Offsets(a2[..^2], batchShape); var bOff = Offsets(b2[..^2], batchShape);
            int outSize = outT.Size;
            for (int s = 0; s < batch; s++)
                for (int bi = 0; bi < nb; bi++)
                {
                    int oa = a.Offset(s) + aOff[bi] * m * k, ob = bb.Offset(s) + bOff[bi] * k * n;
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                        {
                            Int128 acc = 0;
                            for (int t = 0; t < k; t++) acc += (Int128)a.Data[oa + i * k + t] * bb.Data[ob + t * n + j];
                            long idx = (long)s * outSize + ((long)bi * m + i) * n + j;
                            y[idx] = Fit(acc, mm, outT, idx);
                        }
                }
        }

        /// <summary>For each flat index of <paramref name="outShape"/>, the flat index into <paramref name="shape"/> under broadcasting.</summary>
        static int[] Offsets(int[] shape, int[] outShape)
        {
            var strides = ShapeUtil.BroadcastStrides(shape, outShape);
            int size = ShapeUtil.Size(outShape);
            var res = new int[size];
            var ctr = new int[outShape.Length];
            int off = 0;
            for (int i = 0; i < size; i++)
            {
                res[i] = off;
                for (int ax = outShape.Length - 1; ax >= 0; ax--)
                {
                    ctr[ax]++; off += strides[ax];
                    if (ctr[ax] < outShape[ax]) break;
                    off -= strides[ax] * ctr[ax]; ctr[ax] = 0;
                }
            }
            return res;
        }

        /// <summary>Conv2d, grouped when <see cref="Conv2dLayer.Group"/> is set: output channel oc reads the
        /// cg = C/Group input channels starting at (oc / (O/Group))·cg, with weight row [oc, 0..cg).</summary>
        void Conv(Conv2dLayer cv, TensorInfo outT, long[] y)
        {
            var x = Op(cv.Input); var w = values[cv.Weight]; var wT = c.Tensor(cv.Weight);
            long[]? bias = cv.Bias is null ? null : values[cv.Bias];
            int groups = cv.Group ?? 1;
            int h = x.Shape[1], wd = x.Shape[2];
            int o = wT.Shape[0], cg = wT.Shape[1], kh = wT.Shape[2], kw = wT.Shape[3], og = o / groups;
            int oh = outT.Shape[1], ow = outT.Shape[2];
            if (cv.Dilations[1] == 1 && NoOverflow(cv.Input, cv.Weight, cv.Bias, (long)cg * kh * kw))
            {
                ConvFast(cv, x, w, bias, outT, y);
                return;
            }
            for (int s = 0; s < batch; s++)
            {
                int xo = x.Offset(s);
                for (int oc = 0; oc < o; oc++)
                {
                    int c0 = oc / og * cg;
                    for (int oy = 0; oy < oh; oy++)
                        for (int ox = 0; ox < ow; ox++)
                        {
                            Int128 acc = bias is null ? 0 : bias[oc];
                            for (int ic = 0; ic < cg; ic++)
                                for (int ky = 0; ky < kh; ky++)
                                {
                                    int iy = oy * cv.Strides[0] - cv.Pads[0] + ky * cv.Dilations[0];
                                    if ((uint)iy >= (uint)h) continue;
                                    for (int kx = 0; kx < kw; kx++)
                                    {
                                        int ix = ox * cv.Strides[1] - cv.Pads[1] + kx * cv.Dilations[1];
                                        if ((uint)ix >= (uint)wd) continue;
                                        acc += (Int128)x.Data[xo + ((c0 + ic) * h + iy) * wd + ix] * w[((oc * cg + ic) * kh + ky) * kw + kx];
                                    }
                                }
                            long idx = (long)s * outT.Size + (oc * oh + oy) * ow + ox;
                            y[idx] = Fit(acc, cv, outT, idx);
                        }
                }
            }
        }

        /// <summary>Conv with horizontal dilation 1 and bounded ranges (<see cref="NoOverflow"/>): each
        /// in-bounds kernel row is one vectorised int64 dot product; same results as the Int128 loop.</summary>
        void ConvFast(Conv2dLayer cv, Operand x, long[] w, long[]? bias, TensorInfo outT, long[] y)
        {
            var wT = c.Tensor(cv.Weight);
            int groups = cv.Group ?? 1;
            int h = x.Shape[1], wd = x.Shape[2];
            int o = wT.Shape[0], cg = wT.Shape[1], kh = wT.Shape[2], kw = wT.Shape[3], og = o / groups;
            int oh = outT.Shape[1], ow = outT.Shape[2];
            for (int s = 0; s < batch; s++)
            {
                int xo = x.Offset(s);
                for (int oc = 0; oc < o; oc++)
                {
                    int c0 = oc / og * cg;
                    for (int oy = 0; oy < oh; oy++)
                        for (int ox = 0; ox < ow; ox++)
                        {
                            long acc = bias is null ? 0 : bias[oc];
                            int left = ox * cv.Strides[1] - cv.Pads[1];
                            int k0 = Math.Max(0, -left), k1 = Math.Min(kw, wd - left);
                            if (k1 > k0)
                                for (int ic = 0; ic < cg; ic++)
                                    for (int ky = 0; ky < kh; ky++)
                                    {
                                        int iy = oy * cv.Strides[0] - cv.Pads[0] + ky * cv.Dilations[0];
                                        if ((uint)iy >= (uint)h) continue;
                                        acc += TensorPrimitives.Dot<long>(x.Data.AsSpan(xo + ((c0 + ic) * h + iy) * wd + left + k0, k1 - k0),
                                            w.AsSpan(((oc * cg + ic) * kh + ky) * kw + k0, k1 - k0));
                                    }
                            y[(long)s * outT.Size + (oc * oh + oy) * ow + ox] = acc;
                        }
                }
            }
        }

        void MaxPool(MaxPool2dLayer mp, TensorInfo outT, long[] y)
        {
            var x = Op(mp.Input);
            int ch = x.Shape[0], h = x.Shape[1], wd = x.Shape[2], oh = outT.Shape[1], ow = outT.Shape[2];
            for (int s = 0; s < batch; s++)
                for (int cc = 0; cc < ch; cc++)
                    for (int oy = 0; oy < oh; oy++)
                        for (int ox = 0; ox < ow; ox++)
                        {
                            long best = long.MinValue; bool any = false;
                            for (int ky = 0; ky < mp.Kernel[0]; ky++)
                            {
                                int iy = oy * mp.Strides[0] - mp.Pads[0] + ky * mp.Dilations[0];
                                if ((uint)iy >= (uint)h) continue;
                                for (int kx = 0; kx < mp.Kernel[1]; kx++)
                                {
                                    int ix = ox * mp.Strides[1] - mp.Pads[1] + kx * mp.Dilations[1];
                                    if ((uint)ix >= (uint)wd) continue;
                                    best = Math.Max(best, x.Data[x.Offset(s) + (cc * h + iy) * wd + ix]); any = true;
                                }
                            }
                            if (!any) throw new CircuitFormatException($"layer '{mp.Name}': pooling window ({oy},{ox}) has no in-bounds cell");
                            y[(long)s * outT.Size + (cc * oh + oy) * ow + ox] = best;
                        }
        }

        void AvgPool(AvgPool2dLayer ap, TensorInfo outT, long[] y)
        {
            var x = Op(ap.Input);
            int ch = x.Shape[0], h = x.Shape[1], wd = x.Shape[2], oh = outT.Shape[1], ow = outT.Shape[2];
            int t = ap.Shift; Int128 half = Int128.One << (t - 1);
            for (int s = 0; s < batch; s++)
                for (int cc = 0; cc < ch; cc++)
                    for (int oy = 0; oy < oh; oy++)
                        for (int ox = 0; ox < ow; ox++)
                        {
                            Int128 sum = 0; long count = 0;
                            for (int ky = 0; ky < ap.Kernel[0]; ky++)
                            {
                                int iy = oy * ap.Strides[0] - ap.Pads[0] + ky;
                                if ((uint)iy >= (uint)h) continue;
                                for (int kx = 0; kx < ap.Kernel[1]; kx++)
                                {
                                    int ix = ox * ap.Strides[1] - ap.Pads[1] + kx;
                                    if ((uint)ix >= (uint)wd) continue;
                                    sum += x.Data[x.Offset(s) + (cc * h + iy) * wd + ix]; count++;
                                }
                            }
                            long cnt = ap.CountIncludePad ? (long)ap.Kernel[0] * ap.Kernel[1] : count;
                            if (cnt == 0) throw new CircuitFormatException($"layer '{ap.Name}': pooling window ({oy},{ox}) has no in-bounds cell");
                            long idx = (long)s * outT.Size + (cc * oh + oy) * ow + ox;
                            y[idx] = Fit((sum * AvgPool2dLayer.Multiplier(t, cnt) + half) >> t, ap, outT, idx);
                        }
        }

        void Elementwise(Layer layer, string an, string bn, TensorInfo outT, long[] y, Func<long, long, Int128> f)
        {
            var a = Op(an); var b = Op(bn);
            var ao = Offsets(a.Shape, outT.Shape); var bo = Offsets(b.Shape, outT.Shape);
            int size = outT.Size;
            for (int s = 0; s < batch; s++)
            {
                int oa = a.Offset(s), ob = b.Offset(s);
                for (int i = 0; i < size; i++)
                {
                    long idx = (long)s * size + i;
                    y[idx] = Fit(f(a.Data[oa + ao[i]], b.Data[ob + bo[i]]), layer, outT, idx);
                }
            }
        }

        void ChannelAffine(ChannelAffineLayer ca, TensorInfo outT, long[] y)
        {
            var x = Op(ca.Input); var wa = values[ca.Weight]; var wb = values[ca.Bias];
            int ch = x.Shape[0], inner = x.Size / Math.Max(ch, 1);
            for (int s = 0; s < batch; s++)
                for (int cc = 0; cc < ch; cc++)
                    for (int i = 0; i < inner; i++)
                    {
                        long idx = (long)s * x.Size + cc * inner + i;
                        y[idx] = Fit((Int128)x.Data[x.Offset(s) + cc * inner + i] * wa[cc] + wb[cc], ca, outT, idx);
                    }
        }

        void Softmax(SoftmaxLayer sm, TensorInfo outT, long[] y)
        {
            var x = Op(sm.Input);
            var table = Table("exp", sm.ExpInScale, sm.ExpOutScale, sm.ExpMin, 0);
            int outer = ShapeUtil.Size(x.Shape.AsSpan(0, sm.Axis)), n = x.Shape[sm.Axis], inner = ShapeUtil.Size(x.Shape.AsSpan(sm.Axis + 1));
            var e = new long[n];
            for (int s = 0; s < batch; s++)
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        int baseIdx = o * n * inner + i;
                        long max = long.MinValue;
                        for (int j = 0; j < n; j++) max = Math.Max(max, x.Data[x.Offset(s) + baseIdx + j * inner]);
                        Int128 sum = 0;
                        for (int j = 0; j < n; j++)
                        {
                            Int128 d = (Int128)x.Data[x.Offset(s) + baseIdx + j * inner] - max;
                            long dd = d < sm.ExpMin ? sm.ExpMin : (long)d;
                            e[j] = table[dd - sm.ExpMin];
                            sum += e[j];
                        }
                        for (int j = 0; j < n; j++)
                        {
                            long idx = (long)s * x.Size + baseIdx + j * inner;
                            Int128 num = ((Int128)e[j] << sm.OutScale) + (sum >> 1);
                            y[idx] = Fit(FloorDiv(num, sum), sm, outT, idx);
                        }
                    }
        }

        void Select(SelectLayer sl, TensorInfo outT, long[] y)
        {
            var x = Op(sl.Input);
            for (int s = 0; s < batch; s++)
            {
                int xo = x.Offset(s);
                long yo = (long)s * outT.Size;
                for (int o = 0; o < sl.Indices.Length; o++)
                    y[yo + o] = sl.Indices[o] < 0 ? 0 : x.Data[xo + sl.Indices[o]];
            }
        }

        void Transpose(TransposeLayer tr, TensorInfo outT, long[] y)
        {
            var x = Op(tr.Input);
            var inStrides = ShapeUtil.Strides(x.Shape);
            var permStrides = tr.Perm.Select(p => inStrides[p]).ToArray();
            var offs = Offsets(outT.Shape, outT.Shape); // identity (gives size); replaced below
            int size = outT.Size, rank = outT.Shape.Length;
            var ctr = new int[rank];
            int off = 0;
            for (int i = 0; i < size; i++)
            {
                offs[i] = off;
                for (int ax = rank - 1; ax >= 0; ax--)
                {
                    ctr[ax]++; off += permStrides[ax];
                    if (ctr[ax] < outT.Shape[ax]) break;
                    off -= permStrides[ax] * ctr[ax]; ctr[ax] = 0;
                }
            }
            for (int s = 0; s < batch; s++)
                for (int i = 0; i < size; i++) y[(long)s * size + i] = x.Data[x.Offset(s) + offs[i]];
        }

        void Concat(ConcatLayer cc, TensorInfo outT, long[] y)
        {
            int outer = ShapeUtil.Size(outT.Shape.AsSpan(0, cc.Axis)), inner = ShapeUtil.Size(outT.Shape.AsSpan(cc.Axis + 1));
            int size = outT.Size;
            for (int s = 0; s < batch; s++)
            {
                int pos = s * size;
                for (int o = 0; o < outer; o++)
                    foreach (var name in cc.InputList)
                    {
                        var x = Op(name);
                        int chunk = x.Shape[cc.Axis] * inner;
                        Array.Copy(x.Data, x.Offset(s) + o * chunk, y, pos, chunk);
                        pos += chunk;
                    }
            }
        }
    }


    /// <summary>floor(a / b) for b &gt; 0.</summary>
    static Int128 FloorDiv(Int128 a, Int128 b)
    {
        Int128 q = a / b;
        if ((a % b != 0) && (a < 0)) q -= 1;
        return q;
    }
}
