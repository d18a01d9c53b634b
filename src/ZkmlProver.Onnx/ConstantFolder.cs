using System.Collections.Immutable;

namespace ZkmlProver.Onnx;

/// <summary>
/// Folds nodes whose inputs are all constants into new constants at load time, so that the
/// quantizer only sees computations on the input. Exporters leave such subgraphs behind when
/// constant folding was off or for shape arithmetic: Shape → Gather → Unsqueeze → Concat → Reshape,
/// Transpose/Identity of a weight, a scale computed as Mul/Div of constants.
/// </summary>
/// <remarks>
/// Folded ops: Identity, Reshape, Flatten, Transpose, Concat, Add, Sub, Mul, Div (float32 arithmetic,
/// as ONNX Runtime; int64 exactly), Shape (of a tensor whose shape is fully known), Gather,
/// Unsqueeze, Squeeze, Cast (to float, double, int32, int64). Integer values stay exact.
/// A node that cannot be folded (e.g. Shape of a tensor with a dynamic batch dimension) is left to
/// shape inference, which reports it if its op is unsupported.
/// </remarks>
internal static partial class ConstantFolder
{
    private static readonly HashSet<string> Foldable = new(StringComparer.Ordinal)
    {
        "Identity", "Reshape", "Flatten", "Transpose", "Concat", "Add", "Sub", "Mul", "Div",
        "Shape", "Gather", "Unsqueeze", "Squeeze", "Cast",
        "Size", "Slice", "ConstantOfShape", "Range", "Expand", "Tile", "Where", "Dropout",
        "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
        "Neg", "Abs", "Sqrt", "Reciprocal", "Floor", "Ceil", "Pow", "Min", "Max",
        "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "Upsample", "Resize",
        "Trilu", "NonZero",
    };

    /// <summary>True when the op is evaluated by the folder (on constant inputs or static shapes).</summary>
    internal static bool IsFoldable(string op) => Foldable.Contains(op);

    /// <summary>Folds the node if possible; returns null when it is not foldable.</summary>
    internal static FloatTensor? TryFold(OnnxNode n, IReadOnlyDictionary<string, FloatTensor> consts,
        IReadOnlyDictionary<string, OnnxShape> shapes, long opset)
    {
        if (n.Domain is not ("" or "ai.onnx") || !Foldable.Contains(n.OpType) || n.Outputs.Length != 1) return null;
        if (n.OpType is "Shape" or "Size")
        {
            if (n.Inputs.Length != 1 || !shapes.TryGetValue(n.Inputs[0], out var s) || !s.IsFullyKnown) return null;
            if (n.OpType == "Size") return Int(n, [], [s.KnownProduct()]);
            return Shape(n, s.ToArray(), opset);
        }
        if (n.Inputs.Length == 0) return null;
        var ins = new List<FloatTensor?>();
        foreach (var name in n.Inputs)
        {
            if (name.Length == 0) { ins.Add(null); continue; }
            if (!consts.TryGetValue(name, out var t)) return null;
            ins.Add(t);
        }
        var x = ins[0] ?? throw new OnnxFormatException($"{n.Where()}: required input 0 is empty");
        string w = n.Where();
        return n.OpType switch
        {
            "Identity" => x.WithName(n.Outputs[0]),
            "Reshape" => Reshape(n, x, Need(n, ins, 1)),
            "Flatten" => Flatten(n, x),
            "Transpose" => Transpose(n, x),
            "Concat" => Concat(n, ins.Select((t, i) => t ?? throw new OnnxFormatException($"{w}: input {i} is empty")).ToList()),
            "Add" => Binary(n, x, Need(n, ins, 1), (a, b) => a + b, (a, b) => a + b),
            "Sub" => Binary(n, x, Need(n, ins, 1), (a, b) => a - b, (a, b) => a - b),
            "Mul" => Binary(n, x, Need(n, ins, 1), (a, b) => a * b, (a, b) => a * b),
            "Div" => Binary(n, x, Need(n, ins, 1), (a, b) => a / b,
                (a, b) => b == 0 ? throw new OnnxFormatException($"{w}: integer division by zero") : a / b),
            "Gather" => Gather(n, x, Need(n, ins, 1)),
            "Unsqueeze" => Unsqueeze(n, x, opset >= 13 ? Need(n, ins, 1).ToInt64Array() : n.GetInts("axes") ?? throw new OnnxFormatException($"{w}: attribute axes is missing")),
            "Squeeze" => Squeeze(n, x, opset >= 13 ? (ins.Count > 1 && ins[1] is { } a ? a.ToInt64Array() : null) : n.GetInts("axes")),
            "Cast" => Cast(n, x),
            _ => FoldMore(n, x, ins, opset),
        };
    }

    private static FloatTensor Need(OnnxNode n, List<FloatTensor?> ins, int i)
        => i < ins.Count && ins[i] is { } t ? t : throw new OnnxFormatException($"{n.Where()}: required input {i} is missing");

    private static FloatTensor Int(OnnxNode n, long[] shape, long[] values) => FloatTensor.FromInt64(n.Outputs[0], shape, values);

    private static FloatTensor Like(OnnxNode n, FloatTensor src, long[] shape, IEnumerable<int> order)
    {
        var idx = order.ToArray();
        if (src.IsInteger) return Int(n, shape, idx.Select(i => src.Int64Data[i]).ToArray());
        return new FloatTensor(n.Outputs[0], shape, idx.Select(i => src.Data[i]));
    }

    private static int Norm(OnnxNode n, long axis, int rank, string what)
    {
        if (axis < -rank || axis >= rank) throw new OnnxFormatException($"{n.Where()}: {what} {axis} is out of range for rank {rank}");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    private static FloatTensor Reshape(OnnxNode n, FloatTensor x, FloatTensor shapeT)
    {
        var target = shapeT.ToInt64Array();
        bool allowZero = n.GetInt("allowzero", 0) != 0;
        var dims = target.Select((t, i) => t == 0 && !allowZero ? (i < x.Rank ? x.Shape[i] : throw new OnnxFormatException($"{n.Where()}: shape copies dimension {i} of a rank-{x.Rank} tensor")) : t).ToArray();
        int m = Array.IndexOf(dims, -1L);
        long known = dims.Where((d, i) => i != m).Aggregate(1L, (p, d) => d < 0 ? throw new OnnxFormatException($"{n.Where()}: invalid target shape [{string.Join(",", target)}]") : checked(p * d));
        if (m >= 0) dims[m] = known == 0 ? 0 : x.Count / known;
        if (dims.Aggregate(1L, (p, d) => checked(p * d)) != x.Count)
            throw new OnnxFormatException($"{n.Where()}: cannot reshape [{string.Join(",", x.Shape)}] to [{string.Join(",", target)}]");
        return Like(n, x, dims, Enumerable.Range(0, x.Count));
    }

    private static FloatTensor Flatten(OnnxNode n, FloatTensor x)
    {
        long axis = n.GetInt("axis", 1);
        if (axis < -x.Rank || axis > x.Rank) throw new OnnxFormatException($"{n.Where()}: attribute axis = {axis} is out of range for rank {x.Rank}");
        int a = (int)(axis < 0 ? axis + x.Rank : axis);
        long outer = x.Shape.Take(a).Aggregate(1L, (p, d) => p * d);
        return Like(n, x, [outer, outer == 0 ? 0 : x.Count / outer], Enumerable.Range(0, x.Count));
    }

    private static long[] Strides(IReadOnlyList<long> shape)
    {
        var s = new long[shape.Count];
        long acc = 1;
        for (int i = shape.Count - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    private static IEnumerable<long[]> Indices(long[] shape)
    {
        long total = shape.Aggregate(1L, (p, d) => p * d);
        for (long f = 0; f < total; f++)
        {
            var idx = new long[shape.Length];
            long rem = f;
            for (int i = shape.Length - 1; i >= 0; i--) { idx[i] = rem % shape[i]; rem /= shape[i]; }
            yield return idx;
        }
    }

    private static FloatTensor Transpose(OnnxNode n, FloatTensor x)
    {
        int r = x.Rank;
        long[] perm = n.GetInts("perm") ?? Enumerable.Range(0, r).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != r || perm.Order().Select((p, i) => p == i).Any(ok => !ok))
            throw new OnnxFormatException($"{n.Where()}: attribute perm = [{string.Join(",", perm)}] is not a permutation of {r} axes");
        var st = Strides(x.Shape);
        var shape = perm.Select(p => x.Shape[(int)p]).ToArray();
        return Like(n, x, shape, Indices(shape).Select(idx => (int)idx.Select((v, i) => v * st[perm[i]]).Sum()));
    }

    private static FloatTensor Concat(OnnxNode n, List<FloatTensor> xs)
    {
        int r = xs[0].Rank;
        int axis = Norm(n, n.GetRequiredInt("axis"), r, "axis");
        foreach (var t in xs)
            if (t.Rank != r || Enumerable.Range(0, r).Any(d => d != axis && t.Shape[d] != xs[0].Shape[d]))
                throw new OnnxFormatException($"{n.Where()}: inputs [{string.Join("], [", xs.Select(z => string.Join(",", z.Shape)))}] cannot be concatenated on axis {axis}");
        long outer = xs[0].Shape.Take(axis).Aggregate(1L, (p, d) => p * d);
        var shape = xs[0].Shape.ToArray();
        shape[axis] = xs.Sum(t => t.Shape[axis]);
        bool ints = xs.All(t => t.IsInteger);
        var f = new List<float>();
        var l = new List<long>();
        for (long o = 0; o < outer; o++)
            foreach (var t in xs)
            {
                int chunk = (int)(outer == 0 ? 0 : t.Count / outer);
                for (int i = 0; i < chunk; i++)
                {
                    int k = (int)(o * chunk + i);
                    f.Add(t.Data[k]);
                    if (ints) l.Add(t.Int64Data[k]);
                }
            }
        return ints ? Int(n, shape, l.ToArray()) : new FloatTensor(n.Outputs[0], shape, f);
    }

    private static FloatTensor Binary(OnnxNode n, FloatTensor a, FloatTensor b, Func<float, float, float> ff, Func<long, long, long> fl)
    {
        var shape = OnnxShape.Broadcast(a.ToShape(), b.ToShape()).ToArray();
        long Off(FloatTensor t, long[] idx)
        {
            long off = 0, stride = 1;
            for (int i = t.Rank - 1, j = idx.Length - 1; i >= 0; i--, j--)
            {
                if (t.Shape[i] != 1) off += idx[j] * stride;
                stride *= t.Shape[i];
            }
            return off;
        }
        var idxs = Indices(shape).ToList();
        if (a.IsInteger && b.IsInteger)
            return Int(n, shape, idxs.Select(i => fl(a.Int64Data[(int)Off(a, i)], b.Int64Data[(int)Off(b, i)])).ToArray());
        return new FloatTensor(n.Outputs[0], shape, idxs.Select(i => ff(a.Data[(int)Off(a, i)], b.Data[(int)Off(b, i)])));
    }

    private static FloatTensor Gather(OnnxNode n, FloatTensor data, FloatTensor indices)
    {
        if (data.Rank == 0) throw new OnnxFormatException($"{n.Where()}: Gather of a scalar");
        int axis = Norm(n, n.GetInt("axis", 0), data.Rank, "attribute axis");
        long dim = data.Shape[axis];
        var ind = indices.ToInt64Array().Select(i => i < 0 ? i + dim : i).ToArray();
        if (ind.Any(i => i < 0 || i >= dim)) throw new OnnxFormatException($"{n.Where()}: Gather index out of range [0,{dim})");
        long outer = data.Shape.Take(axis).Aggregate(1L, (p, d) => p * d), inner = data.Shape.Skip(axis + 1).Aggregate(1L, (p, d) => p * d);
        var shape = data.Shape.Take(axis).Concat(indices.Shape).Concat(data.Shape.Skip(axis + 1)).ToArray();
        var order = new List<int>();
        for (long o = 0; o < outer; o++)
            foreach (long i in ind)
                for (long k = 0; k < inner; k++) order.Add((int)((o * dim + i) * inner + k));
        return Like(n, data, shape, order);
    }

    private static FloatTensor Unsqueeze(OnnxNode n, FloatTensor x, long[] axes)
    {
        int r = x.Rank + axes.Length;
        var norm = axes.Select(a => Norm(n, a, r, "axis")).ToHashSet();
        if (norm.Count != axes.Length) throw new OnnxFormatException($"{n.Where()}: repeated axes [{string.Join(",", axes)}]");
        var shape = new long[r];
        int src = 0;
        for (int i = 0; i < r; i++) shape[i] = norm.Contains(i) ? 1 : x.Shape[src++];
        return Like(n, x, shape, Enumerable.Range(0, x.Count));
    }

    private static FloatTensor Squeeze(OnnxNode n, FloatTensor x, long[]? axes)
    {
        var drop = axes is null
            ? Enumerable.Range(0, x.Rank).Where(i => x.Shape[i] == 1).ToHashSet()
            : axes.Select(a => Norm(n, a, x.Rank, "axis")).ToHashSet();
        if (drop.Any(d => x.Shape[d] != 1)) throw new OnnxFormatException($"{n.Where()}: cannot squeeze a dimension that is not 1");
        return Like(n, x, x.Shape.Where((_, i) => !drop.Contains(i)).ToArray(), Enumerable.Range(0, x.Count));
    }

    private static FloatTensor? Cast(OnnxNode n, FloatTensor x)
    {
        var to = (OnnxDataType)n.GetInt("to", 0);
        var shape = x.Shape.ToArray();
        switch (to)
        {
            case OnnxDataType.Float:
            case OnnxDataType.Double:
                return new FloatTensor(n.Outputs[0], shape, x.Data);
            case OnnxDataType.Int64:
            case OnnxDataType.Int32:
                var v = x.IsInteger ? x.Int64Data.ToArray()
                    : x.Data.Select(f => float.IsFinite(f) ? (long)MathF.Truncate(f) : throw new OnnxFormatException($"{n.Where()}: cannot cast {f} to an integer")).ToArray();
                if (to == OnnxDataType.Int32) v = v.Select(i => (long)unchecked((int)i)).ToArray();
                return Int(n, shape, v);
            default:
                return null;
        }
    }
}
