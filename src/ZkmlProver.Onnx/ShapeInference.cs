using System.Collections.Immutable;

namespace ZkmlProver.Onnx;

/// <summary>
/// Shape inference (and support checks) for the supported operators. One call per node, in order;
/// errors are <see cref="UnsupportedOnnxException"/> or <see cref="OnnxFormatException"/> whose
/// message names the file, node and attribute.
/// </summary>
internal sealed partial class ShapeInference
{
    /// <summary>Operators the front end supports, with the attributes each accepts.</summary>
    internal static readonly ImmutableDictionary<string, string[]> SupportedOps = new Dictionary<string, string[]>
    {
        ["Gemm"] = ["alpha", "beta", "transA", "transB"],
        ["MatMul"] = [],
        ["Add"] = [], ["Sub"] = [], ["Mul"] = [], ["Div"] = [],
        ["Relu"] = [], ["Sigmoid"] = [], ["Tanh"] = [], ["Identity"] = [],
        ["LeakyRelu"] = ["alpha"],
        ["Clip"] = ["min", "max"],
        ["Softmax"] = ["axis"],
        ["Conv"] = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"],
        ["MaxPool"] = ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"],
        ["AveragePool"] = ["auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"],
        ["GlobalAveragePool"] = [],
        ["Flatten"] = ["axis"],
        ["Reshape"] = ["allowzero"],
        ["Transpose"] = ["perm"],
        ["Concat"] = ["axis"],
        ["BatchNormalization"] = ["epsilon", "momentum", "spatial", "training_mode"],
        ["LayerNormalization"] = ["axis", "epsilon", "stash_type"],
        ["InstanceNormalization"] = ["epsilon"],
        ["Dropout"] = ["ratio", "seed"],
        ["Cast"] = ["to", "saturate"],
        ["Squeeze"] = ["axes"],
        ["Unsqueeze"] = ["axes"],
        ["Pad"] = ["mode", "pads", "value"],
        ["Slice"] = ["starts", "ends", "axes"],
        ["Gather"] = ["axis"],
        ["Expand"] = [],
        ["Tile"] = [],
        ["Split"] = ["axis", "split", "num_outputs"],
        ["Trilu"] = ["upper"],
        ["LSTM"] = ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "input_forget", "layout", "linear_before_reset"],
        ["GRU"] = ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "input_forget", "layout", "linear_before_reset"],
        ["RNN"] = ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "input_forget", "layout", "linear_before_reset"],
        ["Upsample"] = ["mode", "scales"],
        ["Resize"] = ["mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "antialias", "axes", "keep_aspect_ratio_policy"],
        ["ReduceMean"] = ["axes", "keepdims", "noop_with_empty_axes"],
        ["ReduceSum"] = ["axes", "keepdims", "noop_with_empty_axes"],
        ["ReduceMax"] = ["axes", "keepdims", "noop_with_empty_axes"],
        ["ReduceMin"] = ["axes", "keepdims", "noop_with_empty_axes"],
        ["HardSigmoid"] = ["alpha", "beta"],
        ["HardSwish"] = [],
        ["PRelu"] = [],
        ["Abs"] = [],
        ["Neg"] = [],
        ["Pow"] = [],
        // Unary functions proven by a lookup table over the calibrated input range (LookupFunctions).
        ["Erf"] = [], ["Gelu"] = ["approximate"], ["Elu"] = ["alpha"], ["Selu"] = ["alpha", "gamma"], ["Celu"] = ["alpha"],
        ["Softplus"] = [], ["Softsign"] = [], ["Mish"] = [], ["Exp"] = [], ["Log"] = [], ["Sqrt"] = [], ["Sin"] = [], ["Cos"] = [],
        ["Tan"] = [], ["Asin"] = [], ["Acos"] = [], ["Atan"] = [], ["Reciprocal"] = [], ["Sign"] = [],
        ["Constant"] = ["value", "value_float", "value_floats", "value_int", "value_ints"],
    }.ToImmutableDictionary(StringComparer.Ordinal);

    private readonly Dictionary<string, OnnxShape> shapes;
    private readonly IReadOnlyDictionary<string, FloatTensor> constants;
    private readonly long opset;

    internal ShapeInference(Dictionary<string, OnnxShape> shapes, IReadOnlyDictionary<string, FloatTensor> constants, long opset)
    {
        this.shapes = shapes; this.constants = constants; this.opset = opset;
    }

    /// <summary>What to do instead, for operators that stay unsupported (appended to the message).</summary>
    private static readonly Dictionary<string, string> Hints = new(StringComparer.Ordinal)
    {
        ["PRelu"] = "use LeakyRelu (one slope)",
        ["HardSigmoid"] = "use Sigmoid or Clip",
        ["HardSwish"] = "use Relu or Clip",
        ["LogSoftmax"] = "use Softmax (argmax is unchanged)",
    };

    /// <summary>
    /// The op-level problem of a node (domain, operator, attribute names), independent of its input
    /// shapes, or null. Reported even for nodes downstream of a blocker.
    /// </summary>
    internal static UnsupportedOnnxException? OpLevelProblem(OnnxNode n, long opset)
    {
        string w = n.Where();
        if (n.Domain is not ("" or "ai.onnx"))
            return new UnsupportedOnnxException($"{w}: operator domain '{n.Domain}' is not supported (only ai.onnx); export without custom or contrib operators");
        if (!SupportedOps.TryGetValue(n.OpType, out var known))
        {
            if (ConstantFolder.IsFoldable(n.OpType)) return null; // decided by its inputs
            string hint = Hints.GetValueOrDefault(n.OpType, "") is { Length: > 0 } h ? h
                : "replace it with supported operators before export (see src/ZkmlProver.Onnx/README.md)";
            return new UnsupportedOnnxException($"{w}: operator {n.OpType} is not supported (opset {opset}); {hint}");
        }
        foreach (var a in n.Attributes.Values)
            if (!known.Contains(a.Name))
                return new UnsupportedOnnxException($"{w}: attribute {a} is not supported for {n.OpType} (opset {opset})");
        return null;
    }

    /// <summary>Checks the node and returns the shapes of its outputs (one per output).</summary>
    internal OnnxShape[] Infer(OnnxNode n)
    {
        string w = n.Where();
        if (OpLevelProblem(n, opset) is { } problem) throw problem;
        if (!SupportedOps.ContainsKey(n.OpType))
            throw new UnsupportedOnnxException(ConstantFolder.WhyNotFolded(n, shapes, constants, opset));
        if (n.OpType is "LSTM" or "GRU" or "RNN") return Recurrent(n);
        if (n.OpType == "Split") return Split(n);
        if (n.Outputs.Length == 0 || n.Outputs[0].Length == 0)
            throw new OnnxFormatException($"{w}: node has no output");

        OnnxShape result = n.OpType switch
        {
            "Gemm" => Gemm(n),
            "MatMul" => MatMul(n, In(n, 0), In(n, 1)),
            "Add" or "Sub" or "Mul" => Broadcast(n, In(n, 0), In(n, 1)),
            "Div" => Div(n),
            "Relu" or "Sigmoid" or "Tanh" or "Identity" => Unary(n),
            "LeakyRelu" => Unary(n),
            "Clip" => Clip(n),
            "Softmax" => Softmax(n),
            "Conv" => Conv(n),
            "MaxPool" or "AveragePool" => Pool(n),
            "GlobalAveragePool" => GlobalAveragePool(n),
            "Flatten" => Flatten(n),
            "Reshape" => Reshape(n),
            "Transpose" => Transpose(n),
            "Concat" => Concat(n),
            "BatchNormalization" => BatchNorm(n),
            "LayerNormalization" => LayerNorm(n),
            "InstanceNormalization" => InstanceNorm(n),
            "Dropout" => Dropout(n),
            "Cast" => Cast(n),
            "Squeeze" => Squeeze(n),
            "Unsqueeze" => Unsqueeze(n),
            "Pad" => Pad(n),
            "Slice" or "Gather" or "Expand" or "Tile" or "Upsample" or "Resize" or "Trilu" => Selection(n),
            "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" => Reduce(n),
            "HardSigmoid" or "HardSwish" or "Abs" or "Neg" => Unary(n),
            "Erf" or "Gelu" or "Elu" or "Selu" or "Celu" or "Softplus" or "Softsign" or "Mish" or "Exp" or "Log" or "Sqrt" or "Sin" or "Cos"
                or "Tan" or "Asin" or "Acos" or "Atan" or "Reciprocal" or "Sign" => Unary(n),
            "PRelu" => PRelu(n),
            "Pow" => Pow(n),
            _ => throw new UnsupportedOnnxException($"{w}: operator {n.OpType} is not supported"),
        };
        for (int i = 1; i < n.Outputs.Length; i++)
            if (n.Outputs[i].Length > 0)
                throw new UnsupportedOnnxException($"{w}: output {i} ('{n.Outputs[i]}') is not supported (only the first output of {n.OpType})");
        return [result];
    }

    private void Arity(OnnxNode n, int min, int max)
    {
        int count = n.Inputs.Length;
        while (count > 0 && n.Inputs[count - 1].Length == 0) count--;
        if (count < min || count > max)
            throw new OnnxFormatException($"{n.Where()}: has {count} inputs, expected {(min == max ? min.ToString() : $"{min} to {max}")}");
        for (int i = 0; i < min; i++)
            if (n.Inputs[i].Length == 0) throw new OnnxFormatException($"{n.Where()}: required input {i} is empty");
    }

    private OnnxShape In(OnnxNode n, int i)
    {
        if (i >= n.Inputs.Length || n.Inputs[i].Length == 0)
            throw new OnnxFormatException($"{n.Where()}: required input {i} is missing");
        string name = n.Inputs[i];
        return shapes.TryGetValue(name, out var s) ? s
            : throw new OnnxFormatException($"{n.Where()}: input '{name}' is not a graph input, an initializer or the output of an earlier node");
    }

    private FloatTensor Const(OnnxNode n, int i, string role)
    {
        In(n, i);
        return constants.TryGetValue(n.Inputs[i], out var t) ? t
            : throw new UnsupportedOnnxException($"{n.Where()}: input {i} ('{n.Inputs[i]}', {role}) must be a constant (initializer or Constant node)");
    }

    private static int Axis(OnnxNode n, long axis, int rank, string attr, bool allowRank = false)
    {
        long hi = allowRank ? rank : rank - 1;
        if (axis < -rank || axis > hi)
            throw new OnnxFormatException($"{n.Where()}: attribute {attr} = {axis} is out of range for rank {rank}");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>
    /// A symbolic dimension 0 is the batch: samples are independent, so an op may not mix them
    /// (reduce, concatenate, transpose or reshape across dimension 0).
    /// </summary>
    private static void NoBatchMixing(OnnxNode n, OnnxShape x, bool mixes, string what)
    {
        if (x.Rank > 0 && !x[0].IsKnown && mixes)
            throw new UnsupportedOnnxException($"{n.Where()}: {what} across the dynamic batch dimension '{x[0]}' of {x} is not supported (samples must stay independent)");
    }

    private OnnxShape Unary(OnnxNode n)
    {
        Arity(n, 1, 1);
        return In(n, 0);
    }

    /// <summary>Multidirectional (numpy) broadcasting; symbolic dims match anything but a known size ≠ 1.</summary>
    internal static OnnxShape BroadcastShapes(OnnxShape a, OnnxShape b, Func<string> where)
    {
        int r = Math.Max(a.Rank, b.Rank);
        var dims = new OnnxDim[r];
        for (int i = 0; i < r; i++)
        {
            int ia = a.Rank - r + i, ib = b.Rank - r + i;
            OnnxDim da = ia >= 0 ? a[ia] : OnnxDim.Known(1), db = ib >= 0 ? b[ib] : OnnxDim.Known(1);
            if (da.IsKnown && db.IsKnown)
            {
                if (da.Value != db.Value && da.Value != 1 && db.Value != 1)
                    throw new OnnxFormatException($"{where()}: shapes {a} and {b} cannot be broadcast");
                dims[i] = OnnxDim.Known(da.Value == 1 ? db.Value : da.Value);
            }
            else if (da.IsKnown) dims[i] = da.Value == 1 ? db : da;
            else if (db.IsKnown) dims[i] = db.Value == 1 ? da : db;
            else dims[i] = da;
        }
        return new OnnxShape(dims);
    }

    private OnnxShape Broadcast(OnnxNode n, OnnxShape a, OnnxShape b)
    {
        Arity(n, 2, 2);
        return BroadcastShapes(a, b, n.Where);
    }

    private OnnxShape Div(OnnxNode n)
    {
        Arity(n, 2, 2);
        // A constant divisor is a multiplication by its reciprocal; a computed one is a reciprocal lookup and a product.
        return Broadcast(n, In(n, 0), In(n, 1));
    }

    private OnnxShape Gemm(OnnxNode n)
    {
        Arity(n, 2, 3);
        var a = In(n, 0);
        var b = In(n, 1);
        string w = n.Where();
        if (a.Rank != 2) throw new OnnxFormatException($"{w}: input A has shape {a}; Gemm needs a 2-D input (insert a Flatten)");
        if (b.Rank != 2) throw new OnnxFormatException($"{w}: input B has shape {b}; Gemm needs a 2-D input");
        Const(n, 1, "B, the weight matrix");
        bool ta = n.GetInt("transA", 0) != 0, tb = n.GetInt("transB", 0) != 0;
        NoBatchMixing(n, a, ta, "transA = 1 (a product)");
        OnnxDim m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
        OnnxDim k2 = tb ? b[1] : b[0], nn = tb ? b[0] : b[1];
        if (k.IsKnown && k2.IsKnown && k.Value != k2.Value)
            throw new OnnxFormatException($"{w}: inner dimensions differ: A {a} (transA={(ta ? 1 : 0)}) and B {b} (transB={(tb ? 1 : 0)})");
        var y = new OnnxShape([m, nn]);
        if (n.HasInput(2))
        {
            var c = In(n, 2);
            Const(n, 2, "C, the bias");
            bool fits = c.Rank <= 2 && c.Dims.Select((d, i) => (d, o: y[2 - c.Rank + i]))
                .All(p => !p.d.IsKnown || !p.o.IsKnown || p.d.Value == 1 || p.d.Value == p.o.Value);
            if (!fits)
                throw new OnnxFormatException($"{w}: bias C {c} does not broadcast to the output {y}");
        }
        return y;
    }

    private static OnnxShape MatMul(OnnxNode n, OnnxShape a, OnnxShape b)
    {
        string w = n.Where();
        if (n.Inputs.Length != 2) throw new OnnxFormatException($"{w}: has {n.Inputs.Length} inputs, expected 2");
        if (a.Rank == 0 || b.Rank == 0) throw new OnnxFormatException($"{w}: MatMul of a scalar ({a} × {b})");
        var ad = a.Dims.ToList(); var bd = b.Dims.ToList();
        bool aVec = ad.Count == 1, bVec = bd.Count == 1;
        if (aVec) ad.Insert(0, OnnxDim.Known(1));
        if (bVec) bd.Add(OnnxDim.Known(1));
        OnnxDim k1 = ad[^1], k2 = bd[^2];
        if (k1.IsKnown && k2.IsKnown && k1.Value != k2.Value)
            throw new OnnxFormatException($"{w}: inner dimensions differ: {a} × {b}");
        var batch = BroadcastShapes(new OnnxShape(ad.Take(ad.Count - 2)), new OnnxShape(bd.Take(bd.Count - 2)), n.Where);
        var dims = batch.Dims.ToList();
        if (!aVec) dims.Add(ad[^2]);
        if (!bVec) dims.Add(bd[^1]);
        return new OnnxShape(dims);
    }

    private OnnxShape Clip(OnnxNode n)
    {
        string w = n.Where();
        if (opset >= 11)
        {
            if (n.Has("min") || n.Has("max"))
                throw new OnnxFormatException($"{w}: attributes min/max are not allowed in opset {opset} (they are inputs since opset 11)");
            Arity(n, 1, 3);
            for (int i = 1; i <= 2; i++)
            {
                if (!n.HasInput(i)) continue;
                var t = Const(n, i, i == 1 ? "min" : "max");
                if (t.Count != 1) throw new OnnxFormatException($"{w}: input {i} ('{n.Inputs[i]}') must be a scalar, has shape [{string.Join(",", t.Shape)}]");
            }
        }
        else Arity(n, 1, 1);
        return In(n, 0);
    }

    private OnnxShape Softmax(OnnxNode n)
    {
        Arity(n, 1, 1);
        var x = In(n, 0);
        long axis = n.GetInt("axis", opset >= 13 ? -1 : 1);
        int a = Axis(n, axis, x.Rank, "axis");
        NoBatchMixing(n, x, a == 0, $"softmax (axis = {axis})");
        // Before opset 13, Softmax flattens the input to 2-D at `axis` and normalizes over all
        // trailing dims together (the quantizer lowers it as reshape → softmax → reshape); the
        // trailing dims must be static.
        if (opset < 13 && x.Dims.Skip(a + 1).Any(d => !d.IsKnown))
            throw new UnsupportedOnnxException($"{n.Where()}: attribute axis = {axis} with input {x} in opset {opset} normalizes over the trailing axes together (opset < 13 semantics), which must be static");
        return x;
    }

    private OnnxShape Conv(OnnxNode n)
    {
        Arity(n, 2, 3);
        string w = n.Where();
        var x = In(n, 0);
        long group = n.GetInt("group", 1);
        if (group < 1) throw new OnnxFormatException($"{w}: attribute group = {group} must be at least 1");
        var wt = Const(n, 1, "W, the kernel");
        long[] ws = [.. wt.Shape];
        // 1-D convolution ([N,C,L], W [O,C,k]) is a 2-D one of height 1.
        bool oneD = x.Rank == 3 && wt.Rank == 3;
        if (oneD)
        {
            x = new OnnxShape([x[0], x[1], OnnxDim.Known(1), x[2]]);
            ws = [ws[0], ws[1], 1, ws[2]];
            n = OnnxSemantics.As2d(n);
        }
        if (x.Rank != 4) throw new UnsupportedOnnxException($"{w}: input has shape {x}; only 1-D and 2-D convolution (input [N,C,L] or [N,C,H,W]) are supported (opset {opset})");
        if (ws.Length != 4) throw new UnsupportedOnnxException($"{w}: kernel W has shape [{string.Join(",", wt.Shape)}]; only 1-D and 2-D convolution (W [O,C,k] or [O,C,kh,kw]) are supported");
        if (x[1].IsKnown && x[1].Value != ws[1] * group)
            throw new OnnxFormatException($"{w}: input has {x[1].Value} channels but W [{string.Join(",", wt.Shape)}] with group = {group} expects {ws[1] * group}");
        if (ws[0] % group != 0)
            throw new OnnxFormatException($"{w}: W has {ws[0]} output channels, not a multiple of group = {group}");
        // The grouped proof step splits the output-channel index into (group, channel in group) bits.
        long perGroup = ws[0] / group;
        if (group > 1 && (perGroup & (perGroup - 1)) != 0)
            throw new UnsupportedOnnxException($"{w}: grouped convolution with {perGroup} output channels per group is not supported (opset {opset}); only a power of two per group (depthwise: 1 or a power-of-two multiplier)");
        var ks = n.GetInts("kernel_shape");
        if (ks is not null && (ks.Length != 2 || ks[0] != ws[2] || ks[1] != ws[3]))
            throw new OnnxFormatException($"{w}: attribute kernel_shape = [{string.Join(",", ks)}] does not match W [{string.Join(",", wt.Shape)}]");
        if (n.HasInput(2))
        {
            var b = Const(n, 2, "B, the bias");
            if (b.Rank != 1 || b.Shape[0] != ws[0])
                throw new OnnxFormatException($"{w}: bias B has shape [{string.Join(",", b.Shape)}], expected [{ws[0]}]");
        }
        RequireSpatial(n, x);
        var g = Spatial2d.Resolve(n, x[2].Value, x[3].Value, ws[2], ws[3], allowCeilMode: false);
        return oneD ? new OnnxShape([x[0], OnnxDim.Known(ws[0]), OnnxDim.Known(g.OutW)])
            : new OnnxShape([x[0], OnnxDim.Known(ws[0]), OnnxDim.Known(g.OutH), OnnxDim.Known(g.OutW)]);
    }

    private static void RequireSpatial(OnnxNode n, OnnxShape x)
    {
        if (!x[1].IsKnown || !x[2].IsKnown || !x[3].IsKnown)
            throw new UnsupportedOnnxException($"{n.Where()}: input shape {x} has symbolic channel or spatial dimensions (only the batch dimension may be dynamic)");
    }

    private OnnxShape Pool(OnnxNode n)
    {
        Arity(n, 1, 1);
        string w = n.Where();
        var x = In(n, 0);
        bool oneD = x.Rank == 3;
        if (oneD)
        {
            x = new OnnxShape([x[0], x[1], OnnxDim.Known(1), x[2]]);
            n = OnnxSemantics.As2d(n);
        }
        if (x.Rank != 4) throw new UnsupportedOnnxException($"{w}: input has shape {x}; only 1-D and 2-D pooling (input [N,C,L] or [N,C,H,W]) are supported (opset {opset})");
        var ks = n.GetInts("kernel_shape") ?? throw new OnnxFormatException($"{w}: required attribute kernel_shape is missing");
        if (ks.Length != 2) throw new UnsupportedOnnxException($"{w}: attribute kernel_shape = [{string.Join(",", ks)}] is not supported (only 2-D: 2 values)");
        if (n.OpType == "MaxPool" && n.GetInt("storage_order", 0) != 0)
            throw new UnsupportedOnnxException($"{w}: attribute storage_order = {n.GetInt("storage_order", 0)} is not supported (only 0)");
        RequireSpatial(n, x);
        var g = Spatial2d.Resolve(n, x[2].Value, x[3].Value, ks[0], ks[1], allowCeilMode: true);
        if (n.OpType == "AveragePool" && n.Has("dilations"))
            throw new UnsupportedOnnxException($"{w}: attribute dilations is not supported for AveragePool");
        if (g.PadTop >= g.KernelH || g.PadBottom >= g.KernelH || g.PadLeft >= g.KernelW || g.PadRight >= g.KernelW)
            throw new OnnxFormatException($"{w}: pads [{string.Join(",", g.Pads)}] must be smaller than the kernel [{g.KernelH},{g.KernelW}]");
        return oneD ? new OnnxShape([x[0], x[1], OnnxDim.Known(g.OutW)]) : new OnnxShape([x[0], x[1], OnnxDim.Known(g.OutH), OnnxDim.Known(g.OutW)]);
    }

    private OnnxShape GlobalAveragePool(OnnxNode n)
    {
        Arity(n, 1, 1);
        var x = In(n, 0);
        if (x.Rank == 3 && x[1].IsKnown && x[2].IsKnown) return new OnnxShape([x[0], x[1], OnnxDim.Known(1)]);
        if (x.Rank != 4) throw new UnsupportedOnnxException($"{n.Where()}: input has shape {x}; only 2-D pooling (input [N,C,H,W]) is supported");
        RequireSpatial(n, x);
        return new OnnxShape([x[0], x[1], OnnxDim.Known(1), OnnxDim.Known(1)]);
    }

    /// <summary>Product of a run of dims: known if all known, the single symbolic dim if the rest multiply to 1, else "?".</summary>
    private static OnnxDim Product(IEnumerable<OnnxDim> dims)
    {
        long p = 1; int symbolic = 0; OnnxDim sym = default;
        foreach (var d in dims)
        {
            if (d.IsKnown) p = checked(p * d.Value);
            else { symbolic++; sym = d; }
        }
        if (symbolic == 0) return OnnxDim.Known(p);
        return symbolic == 1 && p == 1 ? sym : OnnxDim.Symbolic("?");
    }

    private OnnxShape Flatten(OnnxNode n)
    {
        Arity(n, 1, 1);
        var x = In(n, 0);
        int axis = Axis(n, n.GetInt("axis", 1), x.Rank, "axis", allowRank: true);
        NoBatchMixing(n, x, axis == 0, "flatten with axis = 0");
        return new OnnxShape([Product(x.Dims.Take(axis)), Product(x.Dims.Skip(axis))]);
    }

    private OnnxShape Reshape(OnnxNode n)
    {
        Arity(n, 2, 2);
        string w = n.Where();
        var x = In(n, 0);
        var st = Const(n, 1, "the target shape");
        if (!st.IsInteger || st.Rank != 1) throw new OnnxFormatException($"{w}: shape input '{n.Inputs[1]}' must be a 1-D int64 tensor");
        bool allowZero = n.GetInt("allowzero", 0) != 0;
        var target = st.Int64Data;
        var dims = new OnnxDim[target.Length];
        int minusOne = -1;
        for (int i = 0; i < target.Length; i++)
        {
            long t = target[i];
            if (t == -1)
            {
                if (minusOne >= 0) throw new OnnxFormatException($"{w}: target shape [{string.Join(",", target)}] has more than one -1");
                minusOne = i;
            }
            else if (t == 0 && !allowZero)
            {
                if (i >= x.Rank) throw new OnnxFormatException($"{w}: target shape [{string.Join(",", target)}] copies dimension {i} (0) but the input {x} has rank {x.Rank}");
                dims[i] = x[i];
            }
            else if (t < 0) throw new OnnxFormatException($"{w}: target shape [{string.Join(",", target)}] has an invalid value {t}");
            else dims[i] = OnnxDim.Known(t);
        }
        if (allowZero && minusOne >= 0 && target.Contains(0))
            throw new OnnxFormatException($"{w}: target shape [{string.Join(",", target)}] has both 0 and -1 with allowzero = 1");
        // Symbolic input dims that are copied through (0) cancel out; others make the -1 symbolic.
        var inRest = x.Dims.Where((d, i) => !(d.IsKnown == false && i < target.Length && target[i] == 0 && !allowZero)).ToList();
        long inKnown = inRest.Where(d => d.IsKnown).Aggregate(1L, (p, d) => checked(p * d.Value));
        bool inSymbolic = inRest.Any(d => !d.IsKnown);
        long outKnown = dims.Where((d, i) => i != minusOne && d.IsKnown).Aggregate(1L, (p, d) => checked(p * d.Value));
        bool resolved = true; // false when a -1 could not be matched to the symbolic input dimension
        if (minusOne >= 0)
        {
            if (inSymbolic)
            {
                resolved = inRest.Count(d => !d.IsKnown) == 1 && outKnown == inKnown;
                dims[minusOne] = resolved ? inRest.First(d => !d.IsKnown) : OnnxDim.Symbolic("?");
            }
            else
            {
                if (outKnown == 0 || inKnown % outKnown != 0)
                    throw new OnnxFormatException($"{w}: cannot reshape {x} to [{string.Join(",", target)}]");
                dims[minusOne] = OnnxDim.Known(inKnown / outKnown);
            }
        }
        else if (!inSymbolic && inKnown != outKnown)
            throw new OnnxFormatException($"{w}: cannot reshape {x} ({inKnown} elements) to [{string.Join(",", target)}] ({outKnown} elements)");
        NoBatchMixing(n, x, dims.Length == 0 || !dims[0].Equals(x[0]) || !resolved || dims.Skip(1).Any(d => !d.IsKnown), $"reshape to [{string.Join(",", target)}]");
        return new OnnxShape(dims);
    }

    private OnnxShape Transpose(OnnxNode n)
    {
        Arity(n, 1, 1);
        var x = In(n, 0);
        long[] perm = n.GetInts("perm") ?? Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != x.Rank || perm.OrderBy(p => p).Select((p, i) => p == i).Any(ok => !ok))
            throw new OnnxFormatException($"{n.Where()}: attribute perm = [{string.Join(",", perm)}] is not a permutation of the {x.Rank} axes of {x}");
        NoBatchMixing(n, x, perm[0] != 0, $"transpose (perm = [{string.Join(",", perm)}])");
        return new OnnxShape(perm.Select(p => x[(int)p]));
    }

    private OnnxShape Concat(OnnxNode n)
    {
        string w = n.Where();
        if (n.Inputs.Length == 0) throw new OnnxFormatException($"{w}: has no inputs");
        var first = In(n, 0);
        long axisAttr = n.GetRequiredInt("axis");
        int axis = Axis(n, axisAttr, first.Rank, "axis");
        var dims = first.Dims.ToArray();
        NoBatchMixing(n, first, axis == 0, "concatenation on axis 0");
        for (int i = 1; i < n.Inputs.Length; i++)
        {
            var s = In(n, i);
            if (s.Rank != first.Rank) throw new OnnxFormatException($"{w}: input {i} has shape {s}, rank differs from {first}");
            for (int d = 0; d < s.Rank; d++)
            {
                if (d == axis)
                {
                    dims[d] = dims[d].IsKnown && s[d].IsKnown ? OnnxDim.Known(dims[d].Value + s[d].Value) : OnnxDim.Symbolic("?");
                }
                else if (dims[d].IsKnown && s[d].IsKnown && dims[d].Value != s[d].Value)
                    throw new OnnxFormatException($"{w}: input {i} has shape {s}, incompatible with {first} outside axis {axis}");
            }
        }
        return new OnnxShape(dims);
    }

    /// <summary>Split of a run-time tensor into parts along a non-batch axis of static length (one output shape per part).</summary>
    private OnnxShape[] Split(OnnxNode n)
    {
        Arity(n, 1, 2);
        string w = n.Where();
        var x = In(n, 0);
        if (constants.ContainsKey(n.Inputs[0])) throw new UnsupportedOnnxException($"{w}: Split of a constant is not supported (opset {opset}); fold it before export");
        int a = Axis(n, n.GetInt("axis", 0), x.Rank, "axis");
        if (!x[a].IsKnown) throw new UnsupportedOnnxException($"{w}: Split along the dynamic dimension {a} of {x} is not supported (samples must stay independent)");
        if (n.Outputs.Any(o => o.Length == 0)) throw new OnnxFormatException($"{w}: a Split output is unnamed");
        var sizes = OnnxSemantics.SplitSizes(n, x[a].Value, constants, opset);
        return sizes.Select(len => new OnnxShape(x.Dims.Select((d, i) => i == a ? OnnxDim.Known(len) : d))).ToArray();
    }

    /// <summary>LayerNormalization (opset 17): X, Scale, optional B (constants broadcast to X[axis:]); only output 0 (the Mean and InvStdDev outputs unused).</summary>
    private OnnxShape LayerNorm(OnnxNode n)
    {
        Arity(n, 2, 3);
        string w = n.Where();
        for (int k = 1; k < n.Outputs.Length; k++)
            if (n.Outputs[k].Length > 0)
                throw new UnsupportedOnnxException($"{w}: output {k} ('{n.Outputs[k]}', a saved statistic) is read by another node; only the normalized output is supported");
        var x = In(n, 0);
        long axis = n.GetInt("axis", -1), a = axis < 0 ? axis + x.Rank : axis;
        if (a < 0 || a >= x.Rank) throw new OnnxFormatException($"{w}: attribute axis = {axis} is out of range for {x}");
        if (a == 0 && x.Rank > 1 && !x[0].IsKnown) throw new UnsupportedOnnxException($"{w}: LayerNormalization over axis 0 normalizes across the dynamic batch dimension (samples must stay independent)");
        Const(n, 1, "Scale");
        if (n.HasInput(2)) Const(n, 2, "B");
        return x;
    }

    /// <summary>InstanceNormalization: X [N, C, …], constant scale and B of shape [C].</summary>
    private OnnxShape InstanceNorm(OnnxNode n)
    {
        Arity(n, 3, 3);
        string w = n.Where();
        var x = In(n, 0);
        if (x.Rank < 3) throw new OnnxFormatException($"{w}: input has shape {x}; InstanceNormalization needs [N,C,D1,…]");
        foreach (var (i, role) in new[] { (1, "scale"), (2, "B") })
        {
            var t = Const(n, i, role);
            if (t.Rank != 1 || (x[1].IsKnown && t.Shape[0] != x[1].Value))
                throw new OnnxFormatException($"{w}: {role} has shape [{string.Join(",", t.Shape)}], expected [{x[1]}]");
        }
        return x;
    }

    private OnnxShape BatchNorm(OnnxNode n)
    {
        Arity(n, 5, 5);
        string w = n.Where();
        for (int k = 1; k < n.Outputs.Length; k++)
            if (n.Outputs[k].Length > 0)
                throw new UnsupportedOnnxException($"{w}: output {k} ('{n.Outputs[k]}', a {(opset >= 14 ? "running" : "saved")} statistic) is read by another node; only inference (output 0) is supported");
        if (n.Has("spatial"))
        {
            if (opset >= 9) throw new UnsupportedOnnxException($"{w}: attribute spatial is not part of BatchNormalization in opset {opset} (removed in opset 9)");
            if (n.GetInt("spatial", 1) != 1)
                throw new UnsupportedOnnxException($"{w}: attribute spatial = {n.GetInt("spatial", 1)} (per-activation statistics, opset {opset}) is not supported; only spatial = 1 (per-channel), the default and the only form from opset 9");
        }
        if (n.GetInt("training_mode", 0) != 0)
            throw new UnsupportedOnnxException($"{w}: attribute training_mode = {n.GetInt("training_mode", 0)} is not supported (inference only)");
        var x = In(n, 0);
        if (x.Rank < 2) throw new OnnxFormatException($"{w}: input has shape {x}; BatchNormalization needs [N,C,...]");
        string[] roles = ["", "scale", "B", "input_mean", "input_var"];
        for (int i = 1; i <= 4; i++)
        {
            var t = Const(n, i, roles[i]);
            if (t.Rank != 1 || (x[1].IsKnown && t.Shape[0] != x[1].Value))
                throw new OnnxFormatException($"{w}: {roles[i]} has shape [{string.Join(",", t.Shape)}], expected [{x[1]}]");
        }
        return x;
    }

    private OnnxShape Dropout(OnnxNode n)
    {
        // Inference: Dropout is the identity. Opset 7–11: ratio attribute; from 12: ratio and
        // training_mode inputs (training_mode must be absent or a constant false).
        string w = n.Where();
        if (opset >= 12)
        {
            if (n.Has("ratio")) throw new OnnxFormatException($"{w}: attribute ratio is not allowed in opset {opset} (an input since opset 12)");
            Arity(n, 1, 3);
            if (n.HasInput(2))
            {
                var t = Const(n, 2, "training_mode");
                if (t.Data.Any(v => v != 0))
                    throw new UnsupportedOnnxException($"{w}: training_mode = true is not supported (inference only: export with model.eval())");
            }
        }
        else
        {
            if (n.Has("seed")) throw new OnnxFormatException($"{w}: attribute seed is not allowed in opset {opset} (added in opset 12)");
            Arity(n, 1, 1);
        }
        if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0)
            throw new UnsupportedOnnxException($"{w}: output 1 (the mask, '{n.Outputs[1]}') is read by another node; only inference (output 0) is supported");
        return In(n, 0);
    }

    private OnnxShape Cast(OnnxNode n)
    {
        Arity(n, 1, 1);
        var to = (OnnxDataType)n.GetRequiredInt("to");
        if (to is not (OnnxDataType.Float or OnnxDataType.Double))
            throw new UnsupportedOnnxException($"{n.Where()}: Cast of the run-time tensor '{n.Inputs[0]}' to {to} is not supported (opset {opset}); only casts to float/double (no-ops here) are, and integer casts of constants and shapes, which are folded");
        return In(n, 0);
    }

    /// <summary>Axes of Squeeze/Unsqueeze: an attribute before opset 13, a constant input from 13.</summary>
    private long[]? SqueezeAxes(OnnxNode n, bool required)
    {
        string w = n.Where();
        if (opset >= 13)
        {
            if (n.Has("axes")) throw new OnnxFormatException($"{w}: attribute axes is not allowed in opset {opset} (an input since opset 13)");
            Arity(n, required ? 2 : 1, 2);
            if (!n.HasInput(1)) return null;
            var t = Const(n, 1, "axes");
            if (!t.IsInteger || t.Rank > 1) throw new OnnxFormatException($"{w}: axes input '{n.Inputs[1]}' must be a 1-D int64 tensor");
            return t.ToInt64Array();
        }
        Arity(n, 1, 1);
        var a = n.GetInts("axes");
        if (a is null && required) throw new OnnxFormatException($"{w}: required attribute axes is missing (opset {opset})");
        return a;
    }

    private OnnxShape Squeeze(OnnxNode n)
    {
        var axes = SqueezeAxes(n, required: false);
        var x = In(n, 0);
        HashSet<int> drop;
        if (axes is null)
        {
            if (x.Dims.Any(d => !d.IsKnown && d.Param != x[0].Param || !d.IsKnown && x.Rank == 0))
                throw new UnsupportedOnnxException($"{n.Where()}: Squeeze without axes of {x} (symbolic dimensions) is not supported; give axes");
            drop = Enumerable.Range(0, x.Rank).Where(i => x[i].IsKnown && x[i].Value == 1).ToHashSet();
        }
        else drop = axes.Select(a => Axis(n, a, x.Rank, "axes")).ToHashSet();
        foreach (int d in drop)
            if (!x[d].IsKnown || x[d].Value != 1)
                throw new OnnxFormatException($"{n.Where()}: cannot squeeze dimension {d} of {x} (it is not 1)");
        return new OnnxShape(x.Dims.Where((_, i) => !drop.Contains(i)));
    }

    private OnnxShape Unsqueeze(OnnxNode n)
    {
        var axes = SqueezeAxes(n, required: true)!;
        var x = In(n, 0);
        int r = x.Rank + axes.Length;
        var ins = axes.Select(a => Axis(n, a, r, "axes")).ToHashSet();
        if (ins.Count != axes.Length) throw new OnnxFormatException($"{n.Where()}: axes [{string.Join(",", axes)}] repeat an axis");
        NoBatchMixing(n, x, ins.Contains(0), "unsqueeze at axis 0 (moving the batch)");
        var dims = new OnnxDim[r];
        int src = 0;
        for (int i = 0; i < r; i++) dims[i] = ins.Contains(i) ? OnnxDim.Known(1) : x[src++];
        return new OnnxShape(dims);
    }

    /// <summary>
    /// Zero padding of the spatial dims of [N,C,H,W]: pads (and value) are attributes before opset 11,
    /// inputs (pads, constant_value, and from 18 axes) from 11. Only mode 'constant' with value 0.
    /// Returns the [top, left, bottom, right] pads of H and W.
    /// </summary>
    internal static int[] PadSpatial(OnnxNode n, int rank, IReadOnlyDictionary<string, FloatTensor> constants, long opset)
    {
        string w = n.Where();
        string mode = n.GetString("mode", "constant");
        if (mode != "constant")
            throw new UnsupportedOnnxException($"{w}: attribute mode = '{mode}' is not supported (opset {opset}); only zero padding (mode 'constant')");
        long[] pads; float value;
        FloatTensor? C(int i) => n.HasInput(i) ? constants.GetValueOrDefault(n.Inputs[i])
            ?? throw new UnsupportedOnnxException($"{w}: input {i} ('{n.Inputs[i]}') must be a constant (opset {opset})") : null;
        if (opset < 11)
        {
            pads = n.GetInts("pads") ?? throw new OnnxFormatException($"{w}: required attribute pads is missing (opset {opset})");
            value = n.GetFloat("value", 0f);
        }
        else
        {
            if (n.Has("pads") || n.Has("value")) throw new OnnxFormatException($"{w}: attributes pads/value are not allowed in opset {opset} (inputs since opset 11)");
            pads = (C(1) ?? throw new OnnxFormatException($"{w}: required input 1 (pads) is missing")).ToInt64Array();
            value = C(2) is { } cv ? (cv.Count == 1 ? cv.Data[0] : throw new OnnxFormatException($"{w}: constant_value must be a scalar")) : 0f;
            if (C(3) is { } axesT)
            {
                var axes = axesT.ToInt64Array().Select(a => a < 0 ? a + rank : a).ToArray();
                if (pads.Length != 2 * axes.Length) throw new OnnxFormatException($"{w}: pads has {pads.Length} values for {axes.Length} axes");
                var full = new long[2 * rank];
                for (int k = 0; k < axes.Length; k++)
                {
                    if (axes[k] < 0 || axes[k] >= rank) throw new OnnxFormatException($"{w}: axis {axes[k]} is out of range for rank {rank}");
                    full[axes[k]] = pads[k]; full[rank + axes[k]] = pads[axes.Length + k];
                }
                pads = full;
            }
        }
        if (value != 0) throw new UnsupportedOnnxException($"{w}: padding value {value} is not supported (opset {opset}); only zero padding");
        if (rank != 4 || pads.Length != 8)
            throw new UnsupportedOnnxException($"{w}: Pad of a rank-{rank} tensor with pads [{string.Join(",", pads)}] is not supported (opset {opset}); only the spatial dims of [N,C,H,W]");
        if (pads.Any(p => p < 0)) throw new UnsupportedOnnxException($"{w}: negative pads [{string.Join(",", pads)}] (cropping) are not supported (opset {opset})");
        if (pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0)
            throw new UnsupportedOnnxException($"{w}: pads [{string.Join(",", pads)}] pad the batch or channel dimension; only the spatial dims (H, W) may be padded (opset {opset})");
        return [checked((int)pads[2]), checked((int)pads[3]), checked((int)pads[6]), checked((int)pads[7])];
    }

    private OnnxShape Pad(OnnxNode n)
    {
        Arity(n, 1, opset >= 18 ? 4 : opset >= 11 ? 3 : 1);
        var x = In(n, 0);
        var p = PadSpatial(n, x.Rank, constants, opset);
        RequireSpatial(n, x);
        return new OnnxShape([x[0], x[1], OnnxDim.Known(x[2].Value + p[0] + p[2]), OnnxDim.Known(x[3].Value + p[1] + p[3])]);
    }

    /// <summary>
    /// Slice, Gather, Expand, Tile of a run-time tensor: the output shape of the element map (see
    /// <see cref="OnnxSemantics.SelectionMap"/>). A dynamic batch dimension is evaluated as 1 and must
    /// be left alone (samples stay independent); a static leading dimension may be selected from.
    /// </summary>
    private OnnxShape Selection(OnnxNode n)
    {
        var x = In(n, 0);
        for (int i = 1; i < x.Rank; i++)
            if (!x[i].IsKnown) throw new UnsupportedOnnxException($"{n.Where()}: {n.OpType} of {x} with symbolic dimensions is not supported (opset {opset})");
        if (x.Rank == 0) throw new UnsupportedOnnxException($"{n.Where()}: {n.OpType} of a scalar run-time tensor is not supported (opset {opset})");
        bool dynamicBatch = !x[0].IsKnown;
        var dims = x.Dims.Select((d, i) => i == 0 && dynamicBatch ? 1 : d.Value).ToArray();
        var map = OnnxSemantics.SelectionMap(n, dims, constants, opset);
        if (dynamicBatch && (map.Rank == 0 || map.Shape[0] != 1 || !KeepsBatch(map, dims)))
            throw new UnsupportedOnnxException($"{n.Where()}: {n.OpType} changes or mixes the batch dimension 0 of {x} (opset {opset}); only the other dimensions may be selected");
        return new OnnxShape(map.Shape.Select((d, i) => i == 0 && dynamicBatch ? x[0] : OnnxDim.Known(d)));
    }

    /// <summary>True when output slice b along dim 0 reads only input slice b (one sample stays one sample).</summary>
    private static bool KeepsBatch(FloatTensor map, long[] inShape)
    {
        long inPer = inShape.Skip(1).Aggregate(1L, (p, d) => p * d), outPer = map.Shape.Skip(1).Aggregate(1L, (p, d) => p * d);
        for (int i = 0; i < map.Count; i++)
            if (map.Int64Data[i] >= 0 && map.Int64Data[i] / Math.Max(1, inPer) != i / Math.Max(1, outPer)) return false;
        return true;
    }

    private OnnxShape Reduce(OnnxNode n)
    {
        var x = In(n, 0);
        Arity(n, 1, 2);
        var axes = OnnxSemantics.ReduceAxes(n, x.Rank, constants, opset);
        if (axes is null) return x;
        NoBatchMixing(n, x, axes.Contains(0), $"{n.OpType} over axis 0");
        foreach (int a in axes)
            if (!x[a].IsKnown) throw new UnsupportedOnnxException($"{n.Where()}: {n.OpType} over the symbolic dimension {a} of {x} is not supported (opset {opset})");
        bool keep = n.GetInt("keepdims", 1) != 0;
        return new OnnxShape(x.Dims.Select((d, i) => (d, i)).Where(p => keep || !axes.Contains(p.i)).Select(p => axes.Contains(p.i) ? OnnxDim.Known(1) : p.d));
    }

    private OnnxShape PRelu(OnnxNode n)
    {
        Arity(n, 2, 2);
        var x = In(n, 0);
        var slope = Const(n, 1, "slope");
        var y = BroadcastShapes(x, slope.ToShape(), n.Where);
        if (!y.Equals(x)) throw new OnnxFormatException($"{n.Where()}: slope [{string.Join(",", slope.Shape)}] does not broadcast to the input {x}");
        return x;
    }

    /// <summary>Pow with a constant integer exponent 1–4 (lowered to products of the input).</summary>
    private OnnxShape Pow(OnnxNode n)
    {
        Arity(n, 2, 2);
        var x = In(n, 0);
        var e = Const(n, 1, "exponent");
        // Integer exponents 1–4 are products of the input with itself; any other finite scalar exponent is a lookup (pow:e).
        if (e.Count != 1 || !float.IsFinite(e.Data[0]) || e.Data[0] == 0f)
            throw new UnsupportedOnnxException($"{n.Where()}: Pow with exponent {(e.Count == 1 ? e.Data[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : $"tensor [{string.Join(",", e.Shape)}]")} is not supported (opset {opset}); only a constant finite non-zero scalar exponent");
        return x;
    }
}
