using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving;

/// <summary>
/// A public per-sample linear map Y[o] = Σ_{pairs (o, i)} w·X[i] between padded per-sample layouts
/// (w = 1 unless <see cref="Weights"/> is given; 0 where o has no pair): im2col for convolutions,
/// the window slots of pooling, window sums, transposes, concatenation slices, reshapes. Applied to
/// every sample of a batch alike.
/// </summary>
/// <remarks>Its multilinear extension M̃(r_out, r_in) = Σ_pairs w·eq(r_out, o)·eq(r_in, i) is
/// evaluated by the verifier in O(pairs + 2^vars), which is what keeps these layers cheap to verify.</remarks>
public sealed class GatherMap(TensorLayout outLayout, TensorLayout inLayout, int[] outIndex, int[] inIndex, long[]? weights = null)
{
    private Fr[]? _fieldWeights;

    public TensorLayout Out { get; } = outLayout;
    public TensorLayout In { get; } = inLayout;
    public int[] OutIndex { get; } = outIndex;
    public int[] InIndex { get; } = inIndex;
    /// <summary>Per-pair coefficients; null means every pair has coefficient 1 (a selection).</summary>
    public long[]? Weights { get; } = weights;

    private Fr[]? FieldWeights => Weights is null ? null : _fieldWeights ??= Array.ConvertAll(Weights, Fr.FromInt64);

    /// <summary>A[i] += scale·Σ_{pairs (o, i)} w·outWeights[o] (the map transposed, applied to an eq table).</summary>
    public void AccumulateIn(ReadOnlySpan<Fr> outWeights, in Fr scale, Span<Fr> a)
    {
        var fw = FieldWeights;
        for (int k = 0; k < OutIndex.Length; k++)
        {
            var w = outWeights[OutIndex[k]];
            if (w.IsZero) continue;
            Fr.Mul(in w, in scale, out var t);
            if (fw is not null) t *= fw[k];
            Fr.Add(in a[InIndex[k]], in t, out a[InIndex[k]]);
        }
    }

    /// <summary>M̃(rOut, rIn).</summary>
    public Fr Evaluate(Fr[] rOut, Fr[] rIn)
    {
        var eo = Mle.EqTable(rOut);
        var ei = Mle.EqTable(rIn);
        var fw = FieldWeights;
        Fr acc = Fr.Zero;
        for (int k = 0; k < OutIndex.Length; k++)
        {
            var t = eo[OutIndex[k]] * ei[InIndex[k]];
            acc += fw is null ? t : t * fw[k];
        }
        return acc;
    }

    /// <summary>Applies the map to every sample of a padded batch table (integers).</summary>
    public long[] Apply(long[] x, int batchPadded)
    {
        int inSize = In.PaddedSize, outSize = Out.PaddedSize;
        var y = new long[(long)batchPadded * outSize];
        for (int b = 0; b < batchPadded; b++)
            for (int k = 0; k < OutIndex.Length; k++)
                y[b * outSize + OutIndex[k]] += (Weights?[k] ?? 1) * x[b * inSize + InIndex[k]];
        return y;
    }

    /// <summary>The map of a per-sample index function between logical row-major indices:
    /// out logical o reads in logical source(o) (skipped when source(o) &lt; 0).</summary>
    public static GatherMap FromLogical(TensorLayout outLayout, TensorLayout inLayout, Func<long, long> source)
    {
        var outs = new List<int>();
        var ins = new List<int>();
        for (long o = 0; o < outLayout.Count; o++)
        {
            long i = source(o);
            if (i < 0) continue;
            outs.Add(outLayout.PaddedIndex(o));
            ins.Add(inLayout.PaddedIndex(i));
        }
        return new GatherMap(outLayout, inLayout, [.. outs], [.. ins]);
    }

    /// <summary>The im2col of a grouped convolution: output [G, H′, W′, C/G, kh, kw] (group outermost),
    /// cell (g, h′, w′, c′, i, j) reading input channel g·C/G + c′ of [C, H, W]; no pair outside the input.</summary>
    public static GatherMap GroupedIm2Col(int groups, int c, int h, int w, int kh, int kw, int[] strides, int[] pads, int[] dilations, int outH, int outW)
    {
        int cg = c / groups;
        var inLayout = new TensorLayout([c, h, w]);
        var outLayout = new TensorLayout([groups, outH, outW, cg, kh, kw]);
        var outs = new List<int>();
        var ins = new List<int>();
        for (int gr = 0; gr < groups; gr++)
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                    for (int ch = 0; ch < cg; ch++)
                        for (int i = 0; i < kh; i++)
                            for (int j = 0; j < kw; j++)
                            {
                                int ih = oh * strides[0] + i * dilations[0] - pads[0];
                                int iw = ow * strides[1] + j * dilations[1] - pads[1];
                                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                outs.Add(outLayout.PaddedIndex((((((long)gr * outH + oh) * outW + ow) * cg + ch) * kh + i) * kw + j));
                                ins.Add(inLayout.PaddedIndex(((long)(gr * cg + ch) * h + ih) * w + iw));
                            }
        return new GatherMap(outLayout, inLayout, [.. outs], [.. ins]);
    }

    /// <summary>Maps of a 2-D window operator over [C, H, W] (pooling slots or im2col).</summary>
    /// <param name="slot">For pooling: the window cell (i, j) this map selects; null for im2col (all cells, output [H′, W′, C, kh, kw]).</param>
    /// <param name="replaceOutside">Pooling slots only: a cell outside the input (padding) reads the
    /// window's first in-bounds cell instead of nothing, so every window has every slot (max pooling).</param>
    public static GatherMap Window(int c, int h, int w, int kh, int kw, int[] strides, int[] pads, int[] dilations,
        int outH, int outW, (int I, int J)? slot, bool replaceOutside = false)
    {
        var inLayout = new TensorLayout([c, h, w]);
        var outLayout = slot is null ? new TensorLayout([outH, outW, c, kh, kw]) : new TensorLayout([c, outH, outW]);
        var outs = new List<int>();
        var ins = new List<int>();
        for (int ch = 0; ch < c; ch++)
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    (int H, int W)? first = null;
                    for (int i = 0; i < kh && first is null; i++)
                        for (int j = 0; j < kw && first is null; j++)
                        {
                            int fh = oh * strides[0] + i * dilations[0] - pads[0], fw = ow * strides[1] + j * dilations[1] - pads[1];
                            if (fh >= 0 && fh < h && fw >= 0 && fw < w) first = (fh, fw);
                        }
                    for (int i = 0; i < kh; i++)
                        for (int j = 0; j < kw; j++)
                        {
                            if (slot is { } s && (s.I != i || s.J != j)) continue;
                            int ih = oh * strides[0] + i * dilations[0] - pads[0];
                            int iw = ow * strides[1] + j * dilations[1] - pads[1];
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w)
                            {
                                if (!replaceOutside || first is null) continue;
                                (ih, iw) = first.Value;
                            }
                            long outLogical = slot is null
                                ? ((((long)oh * outW + ow) * c + ch) * kh + i) * kw + j
                                : ((long)ch * outH + oh) * outW + ow;
                            outs.Add(outLayout.PaddedIndex(outLogical));
                            ins.Add(inLayout.PaddedIndex(((long)ch * h + ih) * w + iw));
                        }
                }
        return new GatherMap(outLayout, inLayout, [.. outs], [.. ins]);
    }
}
