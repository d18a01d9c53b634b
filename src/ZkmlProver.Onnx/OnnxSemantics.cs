namespace ZkmlProver.Onnx;

/// <summary>
/// Opset-dependent operand decoding shared by shape inference and the quantizer's lowering, so the
/// two read a node the same way: Pad's zero pads, ReduceX axes, and the element map of the
/// data-movement ops (Slice, Gather, Expand, Tile, nearest Upsample/Resize) applied to a run-time tensor.
/// </summary>
public static class OnnxSemantics
{
    /// <summary>Ops whose output elements are copies of input elements, by a map known at load time.</summary>
    public static bool IsSelection(string op) => op is "Slice" or "Gather" or "Expand" or "Tile" or "Upsample" or "Resize" or "Trilu";

    /// <summary>
    /// A 1-D Conv or pool node (input [N,C,L]) as the equivalent 2-D node of height 1: kernel_shape
    /// [k] → [1,k], pads [b,e] → [0,b,0,e], strides [s] → [1,s], dilations [d] → [1,d]; other
    /// attributes (auto_pad, ceil_mode, …) unchanged. Read it with <see cref="Spatial2d.Resolve"/> on
    /// H = 1.
    /// </summary>
    public static OnnxNode As2d(OnnxNode n)
    {
        var attrs = n.Attributes.Values.Select(a => a.Kind != OnnxAttributeKind.Ints ? a : a.Name switch
        {
            "kernel_shape" or "strides" or "dilations" when a.Ints.Length == 1 => new OnnxAttribute(a.Name, OnnxAttributeKind.Ints) { Ints = [1, a.Ints[0]] },
            "pads" when a.Ints.Length == 2 => new OnnxAttribute(a.Name, OnnxAttributeKind.Ints) { Ints = [0, a.Ints[0], 0, a.Ints[1]] },
            _ => a,
        });
        return new OnnxNode(n.Index, n.Name, n.OpType, n.Domain, n.Inputs, n.Outputs, attrs, n.SourcePath);
    }

    /// <summary>
    /// The [top, left, bottom, right] zero pads of a Pad node on [N,C,H,W] (attributes before opset
    /// 11, constant inputs from 11, axes input from 18); unsupported forms throw
    /// <see cref="UnsupportedOnnxException"/> (other modes, non-zero value, batch/channel pads).
    /// </summary>
    public static int[] ZeroPadding(OnnxNode n, int rank, IReadOnlyDictionary<string, FloatTensor> constants, long opset)
        => ShapeInference.PadSpatial(n, rank, constants, opset);

    /// <summary>
    /// The normalized, sorted axes a ReduceX node reduces, or null when it is a no-op (empty axes
    /// with noop_with_empty_axes = 1). Axes are an attribute, except ReduceSum from opset 13 and the
    /// other reductions from opset 18, where they are an optional constant input; absent axes mean all.
    /// </summary>
    public static int[]? ReduceAxes(OnnxNode n, int rank, IReadOnlyDictionary<string, FloatTensor> constants, long opset)
    {
        string w = n.Where();
        int since = n.OpType == "ReduceSum" ? 13 : 18;
        long[]? axes;
        if (opset >= since)
        {
            if (n.Has("axes")) throw new OnnxFormatException($"{w}: attribute axes is not allowed in opset {opset} (an input since opset {since})");
            axes = !n.HasInput(1) ? null : constants.TryGetValue(n.Inputs[1], out var t) ? t.ToInt64Array()
                : throw new UnsupportedOnnxException($"{w}: input 1 ('{n.Inputs[1]}', axes) must be a constant (opset {opset})");
        }
        else
        {
            if (n.HasInput(1)) throw new OnnxFormatException($"{w}: axes input is not allowed in opset {opset} (an attribute before opset {since})");
            axes = n.GetInts("axes");
        }
        if (axes is { Length: 0 }) axes = null;
        if (axes is null && n.GetInt("noop_with_empty_axes", 0) != 0) return null;
        var norm = (axes ?? Enumerable.Range(0, rank).Select(i => (long)i)).Select(a =>
        {
            if (a < -rank || a >= rank) throw new OnnxFormatException($"{w}: axis {a} is out of range for rank {rank}");
            return (int)(a < 0 ? a + rank : a);
        }).Distinct().Order().ToArray();
        return norm;
    }

    /// <summary>
    /// The element map of a Slice, Gather, Expand, Tile or nearest Upsample/Resize node whose data input (input 0) is a
    /// run-time tensor of static shape <paramref name="dataShape"/>: an int64 tensor with the output's
    /// shape whose values are flat (row-major) indices into the input, or −1 where the output is zero
    /// (Trilu). Computed by folding the node on the tensor 1, 2, …, N (0 marks a zero output), so it
    /// follows exactly the constant folder's (version-aware) semantics. Inputs other than 0 must be
    /// constants.
    /// </summary>
    public static FloatTensor SelectionMap(OnnxNode n, long[] dataShape, IReadOnlyDictionary<string, FloatTensor> constants, long opset)
    {
        long count = dataShape.Aggregate(1L, (p, d) => checked(p * d));
        if (count > 1 << 22)
            throw new UnsupportedOnnxException($"{n.Where()}: {n.OpType} of a tensor of {count} elements is too large (opset {opset})");
        var iota = FloatTensor.FromInt64(n.Inputs[0], dataShape, Enumerable.Range(1, (int)count).Select(i => (long)i));
        var consts = new OverlayDictionary(constants, n.Inputs[0], iota);
        for (int i = 1; i < n.Inputs.Length; i++)
            if (n.Inputs[i].Length > 0 && !constants.ContainsKey(n.Inputs[i]))
                throw new UnsupportedOnnxException($"{n.Where()}: input {i} ('{n.Inputs[i]}') of {n.OpType} must be a constant (opset {opset})");
        var shapes = new Dictionary<string, OnnxShape>(StringComparer.Ordinal);
        var folded = ConstantFolder.TryFold(n, consts, shapes, opset)
            ?? throw new UnsupportedOnnxException($"{n.Where()}: {n.OpType} cannot be evaluated (opset {opset})");
        return FloatTensor.FromInt64(folded.Name, folded.Shape, folded.Int64Data.Select(v => v - 1));
    }

    /// <summary>
    /// The part sizes of a Split along an axis of length <paramref name="axisLength"/>, by opset: the
    /// constant input 'split' (opset ≥ 13) or the attribute 'split' (&lt; 13); without either, equal
    /// parts, one per output (opset 18's num_outputs: ceil(length / n) each, the last smaller).
    /// </summary>
    public static long[] SplitSizes(OnnxNode n, long axisLength, IReadOnlyDictionary<string, FloatTensor> constants, long opset)
    {
        string w = n.Where();
        int outputs = n.Outputs.Length;
        long[]? sizes = null;
        if (opset >= 13 && n.HasInput(1))
        {
            if (!constants.TryGetValue(n.Inputs[1], out var t))
                throw new UnsupportedOnnxException($"{w}: input 1 ('{n.Inputs[1]}', split) must be a constant (initializer or Constant node)");
            sizes = [.. t.Int64Data];
        }
        else if (opset < 13 && n.Has("split")) sizes = n.GetInts("split");
        if (sizes is null)
        {
            long parts = opset >= 18 && n.Has("num_outputs") ? n.GetInt("num_outputs", outputs) : outputs;
            if (parts != outputs) throw new OnnxFormatException($"{w}: num_outputs = {parts} but the node has {outputs} outputs");
            if (opset >= 18 && n.Has("num_outputs"))
            {
                long each = (axisLength + parts - 1) / parts;
                sizes = Enumerable.Range(0, (int)parts).Select(i => Math.Max(0, Math.Min(each, axisLength - i * each))).ToArray();
            }
            else
            {
                if (parts == 0 || axisLength % parts != 0) throw new OnnxFormatException($"{w}: axis of length {axisLength} does not split into {parts} equal parts");
                sizes = Enumerable.Repeat(axisLength / parts, (int)parts).ToArray();
            }
        }
        if (sizes.Length != outputs) throw new OnnxFormatException($"{w}: {sizes.Length} split sizes for {outputs} outputs");
        if (sizes.Any(v => v < 0) || sizes.Sum() != axisLength)
            throw new OnnxFormatException($"{w}: split sizes [{string.Join(",", sizes)}] do not add up to the axis length {axisLength}");
        return sizes;
    }

    /// <summary>A read-only view of a dictionary with one entry replaced.</summary>
    private sealed class OverlayDictionary(IReadOnlyDictionary<string, FloatTensor> inner, string key, FloatTensor value) : IReadOnlyDictionary<string, FloatTensor>
    {
        public FloatTensor this[string k] => k == key ? value : inner[k];
        public IEnumerable<string> Keys => inner.Keys.Where(k => k != key).Append(key);
        public IEnumerable<FloatTensor> Values => Keys.Select(k => this[k]);
        public int Count => Keys.Count();
        public bool ContainsKey(string k) => k == key || inner.ContainsKey(k);
        public bool TryGetValue(string k, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out FloatTensor v)
        {
            if (k == key) { v = value; return true; }
            return inner.TryGetValue(k, out v);
        }
        public IEnumerator<KeyValuePair<string, FloatTensor>> GetEnumerator() => Keys.Select(k => new KeyValuePair<string, FloatTensor>(k, this[k])).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
