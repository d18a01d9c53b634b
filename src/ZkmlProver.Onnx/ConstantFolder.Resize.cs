namespace ZkmlProver.Onnx;

/// <summary>
/// Nearest-neighbour Upsample (opsets 7–9: scales an attribute before 9, an input from 9) and
/// Resize (opset 10: X, scales; from 11: X, roi, scales, sizes, with coordinate_transformation_mode
/// and nearest_mode; from 18: axes). Each output element copies one input element, so the same code
/// folds constants and, through <see cref="OnnxSemantics.SelectionMap"/>, gives the element map of a
/// resize of a run-time tensor. Linear and cubic modes are not supported.
/// </summary>
internal static partial class ConstantFolder
{
    private static FloatTensor Resize(OnnxNode n, FloatTensor x, List<FloatTensor?> ins, long opset)
    {
        string w = n.Where();
        bool upsample = n.OpType == "Upsample";
        string mode = n.GetString("mode", "nearest");
        if (mode != "nearest")
            throw new UnsupportedOnnxException($"{w}: attribute mode = '{mode}' is not supported (opset {opset}); only nearest-neighbour resizing (mode 'nearest')");
        if (upsample && opset >= 10)
            throw new UnsupportedOnnxException($"{w}: Upsample is deprecated in opset {opset}; use Resize");
        if (n.GetInt("antialias", 0) != 0) throw new UnsupportedOnnxException($"{w}: attribute antialias = 1 is not supported (opset {opset})");
        if (n.GetString("keep_aspect_ratio_policy", "stretch") != "stretch")
            throw new UnsupportedOnnxException($"{w}: attribute keep_aspect_ratio_policy = '{n.GetString("keep_aspect_ratio_policy", "")}' is not supported (opset {opset}); only 'stretch'");
        int r = x.Rank;
        FloatTensor? In(int i) => i < ins.Count && ins[i] is { Count: > 0 } t ? t : null;
        float[]? scales; long[]? sizes = null;
        if (upsample) scales = opset < 9 ? n.GetFloats("scales") ?? throw new OnnxFormatException($"{w}: required attribute scales is missing (opset {opset})") : In(1)?.Data.ToArray();
        else if (opset < 11) scales = In(1)?.Data.ToArray();
        else { scales = In(2)?.Data.ToArray(); sizes = In(3)?.ToInt64Array(); }
        if (scales is null && sizes is null) throw new OnnxFormatException($"{w}: neither scales nor sizes is given");
        var axes = n.GetInts("axes")?.Select(a => Norm(n, a, r, "axis")).ToArray() ?? Enumerable.Range(0, r).ToArray();
        int given = scales?.Length ?? sizes!.Length;
        if (given != axes.Length) throw new OnnxFormatException($"{w}: {(scales is null ? "sizes" : "scales")} has {given} values for {axes.Length} axes");
        var outShape = x.Shape.ToArray();
        var scale = Enumerable.Repeat(1f, r).ToArray();
        for (int k = 0; k < axes.Length; k++)
        {
            int a = axes[k];
            if (sizes is not null) { outShape[a] = sizes[k]; scale[a] = (float)sizes[k] / x.Shape[a]; }
            else
            {
                if (!(scales![k] > 0)) throw new OnnxFormatException($"{w}: scale {scales[k]} must be positive");
                scale[a] = scales[k];
                outShape[a] = (long)Math.Floor(x.Shape[a] * (double)scales[k]);
            }
        }
        string ctm = upsample || opset < 11 ? "asymmetric" : n.GetString("coordinate_transformation_mode", "half_pixel");
        string nm = upsample || opset < 11 ? "simple" : n.GetString("nearest_mode", "round_prefer_floor");
        var src = new long[r][];
        for (int a = 0; a < r; a++)
        {
            long inD = x.Shape[a], outD = outShape[a];
            float s = scale[a];
            src[a] = new long[outD];
            for (long i = 0; i < outD; i++)
            {
                float xo = ctm switch
                {
                    "half_pixel" => (i + 0.5f) / s - 0.5f,
                    "pytorch_half_pixel" => outD > 1 ? (i + 0.5f) / s - 0.5f : 0f,
                    "align_corners" => outD == 1 ? 0f : i * (inD - 1) / (float)(outD - 1),
                    "asymmetric" => i / s,
                    "tf_half_pixel_for_nn" => (i + 0.5f) / s,
                    _ => throw new UnsupportedOnnxException($"{w}: attribute coordinate_transformation_mode = '{ctm}' is not supported (opset {opset})"),
                };
                long p = nm switch
                {
                    "round_prefer_floor" => xo == MathF.Floor(xo) + 0.5f ? (long)MathF.Floor(xo) : (long)MathF.Round(xo),
                    "round_prefer_ceil" => (long)MathF.Round(xo, MidpointRounding.AwayFromZero),
                    "floor" => (long)MathF.Floor(xo),
                    "ceil" => (long)MathF.Ceiling(xo),
                    "simple" => s < 1 ? (long)MathF.Ceiling(xo) : (long)xo,
                    _ => throw new UnsupportedOnnxException($"{w}: attribute nearest_mode = '{nm}' is not supported (opset {opset})"),
                };
                src[a][i] = Math.Clamp(p, 0, inD - 1);
            }
        }
        long total = outShape.Aggregate(1L, (q, d) => checked(q * d));
        if (total > 1 << 24) throw new UnsupportedOnnxException($"{w}: {n.OpType} to {total} elements is too large to evaluate");
        var st = Strides(x.Shape);
        return Like(n, x, outShape, Indices(outShape).Select(idx =>
        {
            long off = 0;
            for (int a = 0; a < r; a++) off += src[a][idx[a]] * st[a];
            return (int)off;
        }));
    }
}
