namespace ZkmlProver.Onnx;

/// <summary>
/// Folding of shape arithmetic and of the other ops exporters apply to constants: Shape (with
/// start/end, opset 15), Size, Slice (attributes before opset 10, inputs from 10), ConstantOfShape,
/// Range, Expand, Tile, comparisons and logic (booleans are int64 0/1), Where, elementwise math,
/// Min/Max, ReduceSum/Mean/Max/Min/Prod (axes as attribute or input by opset), Dropout (identity).
/// </summary>
internal static partial class ConstantFolder
{
    private static FloatTensor? FoldMore(OnnxNode n, FloatTensor x, List<FloatTensor?> ins, long opset)
    {
        string w = n.Where();
        return n.OpType switch
        {
            "Dropout" => x.WithName(n.Outputs[0]),
            "Slice" => Slice(n, x, ins, opset),
            "ConstantOfShape" => ConstantOfShape(n, x),
            "Range" => Range(n, x, Need(n, ins, 1), Need(n, ins, 2)),
            "Expand" => Expand(n, x, Need(n, ins, 1)),
            "Tile" => Tile(n, x, Need(n, ins, 1)),
            "Where" => Where(n, x, Need(n, ins, 1), Need(n, ins, 2)),
            "Equal" => Compare(n, x, Need(n, ins, 1), c => c == 0),
            "Less" => Compare(n, x, Need(n, ins, 1), c => c < 0),
            "Greater" => Compare(n, x, Need(n, ins, 1), c => c > 0),
            "LessOrEqual" => Compare(n, x, Need(n, ins, 1), c => c <= 0),
            "GreaterOrEqual" => Compare(n, x, Need(n, ins, 1), c => c >= 0),
            "And" => Logic(n, x, Need(n, ins, 1), (a, b) => a && b),
            "Or" => Logic(n, x, Need(n, ins, 1), (a, b) => a || b),
            "Xor" => Logic(n, x, Need(n, ins, 1), (a, b) => a ^ b),
            "Not" => Int(n, [.. x.Shape], x.Data.Select(v => v == 0 ? 1L : 0L).ToArray()),
            "Neg" => Map(n, x, v => -v, v => -v),
            "Abs" => Map(n, x, MathF.Abs, Math.Abs),
            "Floor" => Map(n, x, MathF.Floor, null),
            "Ceil" => Map(n, x, MathF.Ceiling, null),
            "Sqrt" => Map(n, x, MathF.Sqrt, null),
            "Reciprocal" => Map(n, x, v => 1f / v, null),
            "Pow" => Binary(n, x, Need(n, ins, 1), MathF.Pow, (a, b) => b < 0 ? throw new OnnxFormatException($"{w}: integer Pow with a negative exponent") : checked((long)Math.Pow(a, b))),
            "Min" => ins.Skip(1).Aggregate(x, (a, b) => Binary(n, a, b ?? throw new OnnxFormatException($"{w}: empty input"), MathF.Min, Math.Min)),
            "Max" => ins.Skip(1).Aggregate(x, (a, b) => Binary(n, a, b ?? throw new OnnxFormatException($"{w}: empty input"), MathF.Max, Math.Max)),
            "ReduceSum" or "ReduceMean" or "ReduceMax" or "ReduceMin" or "ReduceProd" => Reduce(n, x, ins, opset),
            "Upsample" or "Resize" => Resize(n, x, ins, opset),
            "Trilu" => Trilu(n, x, ins.Count > 1 ? ins[1] : null),
            "NonZero" => NonZero(n, x),
            _ => null,
        };
    }

    /// <summary>
    /// Why a foldable-only op (Shape, Gather, Slice, …) could not be folded: a symbolic input shape or
    /// a run-time input. One line naming node, op and opset, and what to do instead.
    /// </summary>
    internal static string WhyNotFolded(OnnxNode n, IReadOnlyDictionary<string, OnnxShape> shapes,
        IReadOnlyDictionary<string, FloatTensor> consts, long opset)
    {
        string w = n.Where();
        if (n.OpType is "Shape" or "Size" && n.Inputs.Length == 1 && shapes.TryGetValue(n.Inputs[0], out var s))
        {
            int d = Enumerable.Range(0, s.Rank).First(i => !s[i].IsKnown);
            return $"{w}: {n.OpType} of '{n.Inputs[0]}' {s} cannot be evaluated at load time (opset {opset}): dimension {d} ('{s[d]}') is symbolic; shape arithmetic is folded only for static shapes, so export with a static input shape";
        }
        string runtime = n.Inputs.FirstOrDefault(i => i.Length > 0 && !consts.ContainsKey(i)) ?? "";
        return $"{w}: {n.OpType} of the run-time tensor '{runtime}' is not supported (opset {opset}); {n.OpType} is evaluated only on constants and static shapes (folded at load time)";
    }

    private static FloatTensor Shape(OnnxNode n, long[] dims, long opset)
    {
        long r = dims.Length;
        long start = opset >= 15 ? n.GetInt("start", 0) : 0, end = opset >= 15 ? n.GetInt("end", r) : r;
        if (start < 0) start += r;
        if (end < 0) end += r;
        start = Math.Clamp(start, 0, r); end = Math.Clamp(end, 0, r);
        var v = dims.Skip((int)start).Take((int)Math.Max(0, end - start)).ToArray();
        return Int(n, [v.Length], v);
    }

    private static FloatTensor Map(OnnxNode n, FloatTensor x, Func<float, float> ff, Func<long, long>? fl)
        => x.IsInteger && fl is not null ? Int(n, [.. x.Shape], x.Int64Data.Select(fl).ToArray())
            : new FloatTensor(n.Outputs[0], x.Shape, x.Data.Select(ff));

    /// <summary>Element offsets of <paramref name="t"/> for every index of the broadcast <paramref name="shape"/>.</summary>
    private static int[] Offsets(OnnxNode n, FloatTensor t, long[] shape)
    {
        if (t.Rank > shape.Length) throw new OnnxFormatException($"{n.Where()}: cannot broadcast [{string.Join(",", t.Shape)}] to [{string.Join(",", shape)}]");
        var st = Strides(t.Shape);
        return Indices(shape).Select(idx =>
        {
            long off = 0;
            for (int i = t.Rank - 1, j = idx.Length - 1; i >= 0; i--, j--)
            {
                if (t.Shape[i] != 1 && t.Shape[i] != shape[j])
                    throw new OnnxFormatException($"{n.Where()}: cannot broadcast [{string.Join(",", t.Shape)}] to [{string.Join(",", shape)}]");
                if (t.Shape[i] != 1) off += idx[j] * st[i];
            }
            return (int)off;
        }).ToArray();
    }

    private static long[] BroadcastShape(params FloatTensor[] ts)
        => ts.Skip(1).Aggregate(ts[0].ToShape(), (a, b) => OnnxShape.Broadcast(a, b.ToShape())).ToArray();

    private static FloatTensor Compare(OnnxNode n, FloatTensor a, FloatTensor b, Func<int, bool> test)
    {
        var shape = BroadcastShape(a, b);
        var oa = Offsets(n, a, shape); var ob = Offsets(n, b, shape);
        bool ints = a.IsInteger && b.IsInteger;
        var v = new long[oa.Length];
        for (int i = 0; i < v.Length; i++)
            v[i] = test(ints ? a.Int64Data[oa[i]].CompareTo(b.Int64Data[ob[i]]) : a.Data[oa[i]].CompareTo(b.Data[ob[i]])) ? 1 : 0;
        return Int(n, shape, v);
    }

    private static FloatTensor Logic(OnnxNode n, FloatTensor a, FloatTensor b, Func<bool, bool, bool> f)
    {
        var shape = BroadcastShape(a, b);
        var oa = Offsets(n, a, shape); var ob = Offsets(n, b, shape);
        return Int(n, shape, oa.Select((o, i) => f(a.Data[o] != 0, b.Data[ob[i]] != 0) ? 1L : 0L).ToArray());
    }

    private static FloatTensor Where(OnnxNode n, FloatTensor c, FloatTensor x, FloatTensor y)
    {
        var shape = BroadcastShape(c, x, y);
        var oc = Offsets(n, c, shape); var ox = Offsets(n, x, shape); var oy = Offsets(n, y, shape);
        if (x.IsInteger && y.IsInteger)
            return Int(n, shape, oc.Select((o, i) => c.Data[o] != 0 ? x.Int64Data[ox[i]] : y.Int64Data[oy[i]]).ToArray());
        return new FloatTensor(n.Outputs[0], shape, oc.Select((o, i) => c.Data[o] != 0 ? x.Data[ox[i]] : y.Data[oy[i]]));
    }

    private static FloatTensor Expand(OnnxNode n, FloatTensor x, FloatTensor shapeT)
    {
        var target = shapeT.ToInt64Array();
        var shape = OnnxShape.Broadcast(x.ToShape(), OnnxShape.Of(target)).ToArray();
        return Like(n, x, shape, Offsets(n, x, shape));
    }

    private static FloatTensor Tile(OnnxNode n, FloatTensor x, FloatTensor repeatsT)
    {
        var rep = repeatsT.ToInt64Array();
        if (rep.Length != x.Rank || rep.Any(r => r < 0))
            throw new OnnxFormatException($"{n.Where()}: repeats [{string.Join(",", rep)}] do not fit the rank-{x.Rank} input");
        var shape = x.Shape.Select((d, i) => checked(d * rep[i])).ToArray();
        var st = Strides(x.Shape);
        return Like(n, x, shape, Indices(shape).Select(idx => (int)idx.Select((v, i) => v % x.Shape[i] * st[i]).Sum()));
    }

    private static FloatTensor ConstantOfShape(OnnxNode n, FloatTensor shapeT)
    {
        var shape = shapeT.ToInt64Array();
        if (shape.Any(d => d < 0)) throw new OnnxFormatException($"{n.Where()}: negative dimension in [{string.Join(",", shape)}]");
        long count = shape.Aggregate(1L, (p, d) => checked(p * d));
        if (count > 1 << 24) throw new UnsupportedOnnxException($"{n.Where()}: ConstantOfShape of {count} elements is too large to fold");
        var value = n.GetTensor("value");
        if (n.Has("value") && value is null)
            throw new UnsupportedOnnxException($"{n.Where()}: attribute value has an unsupported element type (only float32/64, int32/64)");
        if (value is not null && value.Count != 1) throw new OnnxFormatException($"{n.Where()}: attribute value must have one element");
        if (value is not null && value.IsInteger) return Int(n, shape, Enumerable.Repeat(value.Int64Data[0], (int)count).ToArray());
        return new FloatTensor(n.Outputs[0], shape, Enumerable.Repeat(value?.Data[0] ?? 0f, (int)count));
    }

    private static FloatTensor Range(OnnxNode n, FloatTensor start, FloatTensor limit, FloatTensor delta)
    {
        if (start.Count != 1 || limit.Count != 1 || delta.Count != 1) throw new OnnxFormatException($"{n.Where()}: start, limit and delta must be scalars");
        if (start.IsInteger && limit.IsInteger && delta.IsInteger)
        {
            long s0 = start.Int64Data[0], l = limit.Int64Data[0], d = delta.Int64Data[0];
            if (d == 0) throw new OnnxFormatException($"{n.Where()}: delta is 0");
            long count = Math.Max(0, (long)Math.Ceiling((double)(l - s0) / d));
            if (count > 1 << 24) throw new UnsupportedOnnxException($"{n.Where()}: Range of {count} elements is too large to fold");
            return Int(n, [count], Enumerable.Range(0, (int)count).Select(i => s0 + i * d).ToArray());
        }
        float fs = start.Data[0], fl = limit.Data[0], fd = delta.Data[0];
        if (fd == 0) throw new OnnxFormatException($"{n.Where()}: delta is 0");
        long c = Math.Max(0, (long)Math.Ceiling((fl - fs) / fd));
        if (c > 1 << 24) throw new UnsupportedOnnxException($"{n.Where()}: Range of {c} elements is too large to fold");
        return new FloatTensor(n.Outputs[0], [c], Enumerable.Range(0, (int)c).Select(i => fs + i * fd));
    }

    /// <summary>Slice: starts/ends/axes attributes before opset 10; starts, ends, axes, steps inputs from 10.</summary>
    private static FloatTensor Slice(OnnxNode n, FloatTensor x, List<FloatTensor?> ins, long opset)
    {
        string w = n.Where();
        long[] starts, ends; long[]? axes, steps = null;
        if (opset < 10)
        {
            starts = n.GetInts("starts") ?? throw new OnnxFormatException($"{w}: required attribute starts is missing (opset {opset})");
            ends = n.GetInts("ends") ?? throw new OnnxFormatException($"{w}: required attribute ends is missing (opset {opset})");
            axes = n.GetInts("axes");
        }
        else
        {
            if (n.Has("starts") || n.Has("ends")) throw new OnnxFormatException($"{w}: attributes starts/ends are not allowed in opset {opset} (inputs since opset 10)");
            starts = Need(n, ins, 1).ToInt64Array();
            ends = Need(n, ins, 2).ToInt64Array();
            axes = ins.Count > 3 && ins[3] is { } a ? a.ToInt64Array() : null;
            steps = ins.Count > 4 && ins[4] is { } st ? st.ToInt64Array() : null;
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw new OnnxFormatException($"{w}: starts, ends, axes and steps differ in length");
        int r = x.Rank;
        var begin = new long[r]; var step = Enumerable.Repeat(1L, r).ToArray(); var count = x.Shape.ToArray();
        for (int k = 0; k < starts.Length; k++)
        {
            int ax = Norm(n, axes[k], r, "axis");
            long dim = x.Shape[ax], sp = steps[k];
            if (sp == 0) throw new OnnxFormatException($"{w}: step 0");
            long b = starts[k] < 0 ? starts[k] + dim : starts[k], e = ends[k] < 0 ? ends[k] + dim : ends[k];
            if (sp > 0) { b = Math.Clamp(b, 0, dim); e = Math.Clamp(e, 0, dim); }
            else { b = Math.Clamp(b, 0, dim - 1); e = Math.Clamp(e, -1, dim - 1); }
            begin[ax] = b; step[ax] = sp;
            count[ax] = sp > 0 ? Math.Max(0, (e - b + sp - 1) / sp) : Math.Max(0, (b - e + -sp - 1) / -sp);
        }
        var strides = Strides(x.Shape);
        return Like(n, x, count, Indices(count).Select(idx => (int)idx.Select((v, i) => (begin[i] + v * step[i]) * strides[i]).Sum()));
    }

    /// <summary>
    /// ReduceX with keepdims. Axes: an attribute, except ReduceSum from opset 13 and the others from
    /// 18, where they are an optional input (empty = all axes unless noop_with_empty_axes = 1).
    /// </summary>
    private static FloatTensor Reduce(OnnxNode n, FloatTensor x, List<FloatTensor?> ins, long opset)
    {
        bool axesInput = n.OpType == "ReduceSum" ? opset >= 13 : opset >= 18;
        long[]? axes;
        if (axesInput)
        {
            if (n.Has("axes")) throw new OnnxFormatException($"{n.Where()}: attribute axes is not allowed in opset {opset} (an input since opset {(n.OpType == "ReduceSum" ? 13 : 18)})");
            axes = ins.Count > 1 && ins[1] is { } a ? a.ToInt64Array() : null;
        }
        else
        {
            if (ins.Count > 1 && ins[1] is not null)
                throw new OnnxFormatException($"{n.Where()}: axes input is not allowed in opset {opset} (an attribute before opset {(n.OpType == "ReduceSum" ? 13 : 18)})");
            axes = n.GetInts("axes");
        }
        if (axes is { Length: 0 }) axes = null;
        if (axes is null && n.GetInt("noop_with_empty_axes", 0) != 0) return x.WithName(n.Outputs[0]);
        var red = (axes ?? Enumerable.Range(0, x.Rank).Select(i => (long)i)).Select(a => Norm(n, a, x.Rank, "axis")).ToHashSet();
        bool keep = n.GetInt("keepdims", 1) != 0;
        var outShape = x.Shape.Select((d, i) => red.Contains(i) ? 1 : d).ToArray();
        var ost = Strides(outShape);
        int outCount = (int)outShape.Aggregate(1L, (p, d) => p * d);
        var groups = new List<int>[outCount];
        for (int i = 0; i < outCount; i++) groups[i] = [];
        int f = 0;
        foreach (var idx in Indices([.. x.Shape]))
        {
            long o = 0;
            for (int i = 0; i < idx.Length; i++) if (!red.Contains(i)) o += idx[i] * ost[i];
            groups[o].Add(f++);
        }
        var finalShape = keep ? outShape : x.Shape.Where((_, i) => !red.Contains(i)).ToArray();
        if (x.IsInteger && n.OpType != "ReduceMean")
        {
            Func<IEnumerable<long>, long> fl = n.OpType switch
            {
                "ReduceSum" => v => v.Sum(), "ReduceMax" => v => v.Max(), "ReduceMin" => v => v.Min(),
                _ => v => v.Aggregate(1L, (p, q) => checked(p * q)),
            };
            return Int(n, finalShape, groups.Select(g => fl(g.Select(i => x.Int64Data[i]))).ToArray());
        }
        Func<IEnumerable<float>, float> ff = n.OpType switch
        {
            "ReduceSum" => v => v.Aggregate(0f, (p, q) => p + q),
            "ReduceMean" => v => { var l = v.ToList(); return l.Aggregate(0f, (p, q) => p + q) / l.Count; },
            "ReduceMax" => v => v.Max(), "ReduceMin" => v => v.Min(),
            _ => v => v.Aggregate(1f, (p, q) => p * q),
        };
        var vals = groups.Select(g => ff(g.Select(i => x.Data[i]))).ToArray();
        return new FloatTensor(n.Outputs[0], finalShape, vals);
    }

    /// <summary>Trilu (opset 14): keeps the upper (upper = 1, default) or lower triangle of the last two dims from diagonal k.</summary>
    private static FloatTensor Trilu(OnnxNode n, FloatTensor x, FloatTensor? kT)
    {
        if (x.Rank < 2) throw new OnnxFormatException($"{n.Where()}: Trilu needs a tensor of rank ≥ 2");
        long k = kT is null ? 0 : kT.Count == 1 ? kT.ToInt64Array()[0] : throw new OnnxFormatException($"{n.Where()}: k must be a scalar");
        bool upper = n.GetInt("upper", 1) != 0;
        long rows = x.Shape[^2], cols = x.Shape[^1];
        bool Keep(int f) { long j = f % cols, i = f / cols % rows; return upper ? j - i >= k : j - i <= k; }
        if (x.IsInteger) return Int(n, [.. x.Shape], x.Int64Data.Select((v, f) => Keep(f) ? v : 0).ToArray());
        return new FloatTensor(n.Outputs[0], x.Shape, x.Data.Select((v, f) => Keep(f) ? v : 0f));
    }

    /// <summary>NonZero: the [rank, count] indices of the non-zero elements, in row-major order.</summary>
    private static FloatTensor NonZero(OnnxNode n, FloatTensor x)
    {
        var hits = Indices([.. x.Shape]).Where((_, f) => x.Data[f] != 0).ToList();
        var v = new long[x.Rank * hits.Count];
        for (int d = 0; d < x.Rank; d++)
            for (int h = 0; h < hits.Count; h++) v[d * hits.Count + h] = hits[h][d];
        return Int(n, [x.Rank, hits.Count], v);
    }
}
