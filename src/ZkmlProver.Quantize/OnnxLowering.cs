using ZkmlProver.Onnx;

namespace ZkmlProver.Quantize;

/// <summary>
/// ONNX graph → <see cref="FloatGraph"/>: per-sample shapes, Gemm/MatMul folding, BatchNorm
/// folding, Div/Mul by constants, Identity removal. Errors are <see cref="UnsupportedOnnxException"/>
/// naming the file, node, op and attribute.
/// </summary>
public static partial class OnnxLowering
{
    /// <summary>Lowers a loaded model. <paramref name="batchDim"/>: null = auto (the input's
    /// leading dimension is the batch when the input has rank ≥ 2 and that dimension is symbolic, or
    /// 1 there and on every computed tensor).</summary>
    public static FloatGraph Lower(OnnxModel model, bool? batchDim = null) => new Lowerer(model, batchDim).Run();

    sealed partial class Lowerer
    {
        readonly OnnxModel m; readonly OnnxGraph g; readonly bool batch;
        readonly Dictionary<string, string> alias = new(StringComparer.Ordinal);
        readonly List<FOp> ops = [];
        readonly Dictionary<string, int> producer = new(StringComparer.Ordinal);
        readonly Dictionary<string, int[]> shapes = new(StringComparer.Ordinal);
        readonly Dictionary<string, FConst> consts = new(StringComparer.Ordinal);
        readonly HashSet<string> graphOutputs;
        readonly string input;

        public Lowerer(OnnxModel model, bool? batchDim)
        {
            m = model; g = model.Graph;
            if (g.Inputs.Length != 1)
                throw new UnsupportedOnnxException($"{m.Path}: the graph has {g.Inputs.Length} runtime inputs; exactly one is supported");
            if (g.Outputs.Length == 0) throw new OnnxFormatException($"{m.Path}: the graph has no outputs");
            var inInfo = g.Inputs[0];
            input = inInfo.Name;
            var s = g.ShapeOf(input);
            // Auto: the leading dimension is the batch when it is symbolic, or 1 on the input and on
            // every computed tensor (a model that moves another axis to the front, e.g. a sequence
            // for an LSTM, is lowered with its full static shapes).
            batch = batchDim ?? (s.Rank >= 2 && (!s[0].IsKnown || (s[0].Value == 1 && g.Nodes.SelectMany(n => n.Outputs)
                .All(o => o.Length == 0 || !g.Shapes.TryGetValue(o, out var os) || (os.Rank > 0 && (!os[0].IsKnown || os[0].Value == 1))))));
            if (!batch && !s.IsFullyKnown)
                throw new UnsupportedOnnxException($"{m.Path}: input '{input}' has shape {s}; only the leading (batch) dimension may be symbolic");
            graphOutputs = g.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            shapes[input] = Sample(input, null);
        }

        string R(string name) => alias.TryGetValue(name, out var a) ? a : name;

        /// <summary>Per-sample shape of a tensor (batch dimension dropped).</summary>
        int[] Sample(string tensor, OnnxNode? n)
        {
            var s = g.ShapeOf(tensor);
            string where = n?.Where() ?? m.Path;
            if (batch)
            {
                if (s.Rank == 0) throw new UnsupportedOnnxException($"{where}: tensor '{tensor}' is a scalar; it has no batch dimension");
                if (s[0].IsKnown && s[0].Value != 1)
                    throw new UnsupportedOnnxException($"{where}: tensor '{tensor}' has shape {s}; its leading dimension must be the batch dimension (1 or symbolic)");
            }
            var dims = batch ? s.Dims.Skip(1) : s.Dims;
            if (dims.Any(d => !d.IsKnown))
                throw new UnsupportedOnnxException($"{where}: tensor '{tensor}' has shape {s}; only the batch dimension may be symbolic");
            return dims.Select(d => checked((int)d.Value)).ToArray();
        }

        int SampleAxis(OnnxNode n, long axis, int fullRank, string attr)
        {
            long a = axis < 0 ? axis + fullRank : axis;
            if (a < 0 || a >= fullRank) throw new OnnxFormatException($"{n.Where()}: attribute {attr} = {axis} is out of range");
            if (!batch) return (int)a;
            if (a == 0) throw new UnsupportedOnnxException($"{n.Where()}: attribute {attr} = {axis} refers to the batch dimension");
            return (int)a - 1;
        }

        /// <summary>A constant operand with its shape aligned to per-sample broadcasting.</summary>
        string Const(OnnxNode n, string name, int outFullRank)
        {
            var t = g.TryGetInitializer(name)!;
            var shape = t.Shape.Select(d => checked((int)d)).ToArray();
            if (batch && shape.Length >= outFullRank && shape.Length > 0)
            {
                if (shape[0] != 1) throw new UnsupportedOnnxException($"{n.Where()}: constant '{name}' [{string.Join(",", shape)}] varies along the batch dimension");
                shape = shape[1..];
            }
            string key = name;
            if (consts.TryGetValue(key, out var existing) && !existing.Shape.AsSpan().SequenceEqual(shape)) key = name + "#" + n.Index;
            consts[key] = new FConst(key, shape, [.. t.Data]);
            return key;
        }

        void Add(FOp op, OnnxNode n)
        {
            shapes[op.Output] = Sample(n.Outputs[0], n);
            producer[op.Output] = ops.Count;
            ops.Add(op);
        }

        static string NodeName(OnnxNode n) => string.IsNullOrEmpty(n.Name) ? $"node{n.Index}_{n.OpType}" : n.Name;

        public FloatGraph Run()
        {
            foreach (var n in g.Nodes) Lower(n);
            var outs = g.Outputs.Select(o => R(o.Name)).ToList();
            foreach (var o in outs)
                if (!shapes.ContainsKey(o) || o == input)
                    throw new UnsupportedOnnxException($"{m.Path}: graph output '{o}' is not computed by a supported node");
            return new FloatGraph
            {
                Input = input, Outputs = outs, OnnxOutputs = g.Outputs.Select(o => o.Name).ToList(), Ops = ops,
                Shapes = shapes, Constants = consts, HasBatchDim = batch,
            };
        }

        bool IsConst(string name) => g.IsConstant(name);

        void Lower(OnnxNode n)
        {
            string name = NodeName(n), o = n.Outputs[0];
            string In(int i) => R(n.Inputs[i]);
            string w = n.Where();
            if (n.Inputs.Where(i => i.Length > 0).All(IsConst) && n.OpType != "Identity")
                throw new UnsupportedOnnxException($"{w}: all inputs are constants (constant subgraphs are not folded)");
            switch (n.OpType)
            {
                case "Identity":
                    if (IsConst(n.Inputs[0])) throw new UnsupportedOnnxException($"{w}: Identity of a constant is not supported");
                    alias[o] = In(0);
                    break;
                case "Dropout": // inference: identity (the loader checked training_mode and the unread mask)
                case "Cast":    // to float/double only (checked by the loader): values are already float
                    alias[o] = In(0);
                    break;
                case "Squeeze":
                case "Unsqueeze":
                {
                    var src = shapes[In(0)];
                    var dst = Sample(o, n);
                    if (src.Aggregate(1L, (p, d) => p * d) != dst.Aggregate(1L, (p, d) => p * d))
                        throw new UnsupportedOnnxException($"{w}: {n.OpType} of per-sample [{string.Join(",", src)}] to [{string.Join(",", dst)}] would move the batch dimension");
                    Add(new FReshape(name, false, In(0), o), n);
                    break;
                }
                case "Slice": case "Gather": case "Expand": case "Tile": case "Upsample": case "Resize": case "Trilu": Selection(n, name); break;
                case "Split": Split(n, name); break;
                case "ReduceMean": case "ReduceSum": case "ReduceMax": case "ReduceMin": Reduce(n, name); break;
                case "HardSigmoid": case "HardSwish": HardSigmoid(n, name); break;
                case "PRelu": PRelu(n, name); break;
                case "LSTM": case "GRU": case "RNN": Recurrent(n, name); break;
                case "Abs": Abs(n, name); break;
                case "Neg": Add(new FMulConst(name, In(0), -1.0, o), n); break;
                case "Pow": Pow(n, name); break;
                case "Gemm": Gemm(n, name); break;
                case "MatMul":
                {
                    if (IsConst(n.Inputs[0])) throw new UnsupportedOnnxException($"{w}: a constant left operand A is not supported (only X·W)");
                    if (IsConst(n.Inputs[1]))
                    {
                        var b = g.TryGetInitializer(n.Inputs[1])!;
                        if (b.Rank != 2)
                        {
                            // Batched constant B: a MatMul layer with a Weight operand.
                            Add(new FMatMul(name, In(0), Const(n, n.Inputs[1], g.ShapeOf(o).Rank), true, o), n);
                            break;
                        }
                        int k = (int)b.Shape[0], mm = (int)b.Shape[1];
                        var wt = new float[mm * k];
                        for (int i = 0; i < k; i++) for (int j = 0; j < mm; j++) wt[j * k + i] = b.Data[i * mm + j];
                        Add(new FDense(name, In(0), n.Inputs[1], wt, mm, k, null, null, o), n);
                    }
                    else Add(new FMatMul(name, In(0), In(1), false, o), n);
                    break;
                }
                case "Conv" or "MaxPool" or "AveragePool" or "GlobalAveragePool" when g.ShapeOf(n.Inputs[0]).Rank == 3:
                    Spatial1d(n, name);
                    break;
                case "Conv":
                {
                    var wt = g.TryGetInitializer(n.Inputs[1])!;
                    var x = g.ShapeOf(n.Inputs[0]);
                    var geo = Spatial2d.Resolve(n, x[2].Value, x[3].Value, wt.Shape[2], wt.Shape[3], false);
                    var bias = n.HasInput(2) ? g.TryGetInitializer(n.Inputs[2])! : null;
                    string cin = In(0);
                    int[] pads = geo.Pads;
                    int ekh = (geo.KernelH - 1) * geo.DilationH + 1, ekw = (geo.KernelW - 1) * geo.DilationW + 1;
                    if (pads[0] >= ekh || pads[2] >= ekh || pads[1] >= ekw || pads[3] >= ekw)
                    {
                        // A pad as large as the kernel (output positions that see only padding, e.g. a
                        // 1×1 kernel with pad 1): zero-pad first, then convolve without padding.
                        var pc = PadConv(name + "/pad", cin, pads, o + "/padded");
                        var xs = shapes[cin];
                        shapes[pc.Output] = [xs[0], xs[1] + pads[0] + pads[2], xs[2] + pads[1] + pads[3]];
                        producer[pc.Output] = ops.Count;
                        ops.Add(pc);
                        cin = pc.Output;
                        pads = [0, 0, 0, 0];
                    }
                    Add(new FConv(name, cin, n.Inputs[1], [.. wt.Data], wt.Shape.Select(d => (int)d).ToArray(),
                        bias is null ? null : n.Inputs[2], bias is null ? null : [.. bias.Data],
                        pads, [geo.StrideH, geo.StrideW], [geo.DilationH, geo.DilationW], o, (int)n.GetInt("group", 1)), n);
                    break;
                }
                case "Pad":
                {
                    var p = OnnxSemantics.ZeroPadding(n, g.ShapeOf(n.Inputs[0]).Rank, g.Initializers, m.Opset);
                    Add(PadConv(name, In(0), p, o), n);
                    break;
                }
                case "BatchNormalization": BatchNorm(n, name); break;
                case "LayerNormalization": LayerNorm(n, name); break;
                case "InstanceNormalization": InstanceNorm(n, name); break;
                case "Relu": Add(new FUnary(name, FUnaryKind.Relu, In(0), o), n); break;
                case "Sigmoid": Add(new FUnary(name, FUnaryKind.Sigmoid, In(0), o), n); break;
                case "Tanh": Add(new FUnary(name, FUnaryKind.Tanh, In(0), o), n); break;
                case "Erf": case "Gelu": case "Elu": case "Selu": case "Celu": case "Softplus": case "Softsign": case "Mish":
                case "Exp": case "Log": case "Sqrt": case "Sin": case "Cos": case "Tan": case "Asin": case "Acos": case "Atan":
                case "Reciprocal": case "Sign":
                    Add(new FUnary(name, FUnaryKind.Lookup, In(0), o, UnaryFunction(n)), n);
                    break;
                case "LeakyRelu": Add(new FLeakyRelu(name, In(0), n.GetFloat("alpha", 0.01f), o), n); break;
                case "Clip":
                {
                    float? lo = null, hi = null;
                    if (m.Opset >= 11)
                    {
                        if (n.HasInput(1)) lo = g.TryGetInitializer(n.Inputs[1])!.Data[0];
                        if (n.HasInput(2)) hi = g.TryGetInitializer(n.Inputs[2])!.Data[0];
                    }
                    else
                    {
                        if (n.Has("min")) lo = n.GetFloat("min", 0);
                        if (n.Has("max")) hi = n.GetFloat("max", 0);
                    }
                    Add(new FClip(name, In(0), lo, hi, o), n);
                    break;
                }
                case "Softmax":
                {
                    var s = g.ShapeOf(n.Inputs[0]);
                    long axis = n.GetInt("axis", m.Opset >= 13 ? -1 : 1);
                    int a = (int)(axis < 0 ? axis + s.Rank : axis);
                    if (m.Opset < 13 && s.Dims.Skip(a + 1).Any(d => !d.IsKnown || d.Value != 1))
                    {
                        // Opset < 13: coerce to 2-D at axis, softmax over the flattened trailing dims,
                        // reshape back: reshape → softmax (last axis) → reshape.
                        var sample = shapes[In(0)];
                        int sa = SampleAxis(n, a, s.Rank, "axis");
                        int[] flat = [.. sample.Take(sa), sample.Skip(sa).Aggregate(1, (p, d) => checked(p * d))];
                        string f1 = o + "/coerce2d", f2 = o + "/softmax2d";
                        shapes[f1] = flat; producer[f1] = ops.Count;
                        ops.Add(new FReshape(name + "/coerce2d", false, In(0), f1));
                        shapes[f2] = flat; producer[f2] = ops.Count;
                        ops.Add(new FSoftmax(name, f1, flat.Length - 1, f2));
                        Add(new FReshape(name + "/reshape", false, f2, o), n);
                        break;
                    }
                    Add(new FSoftmax(name, In(0), SampleAxis(n, a, s.Rank, "axis"), o), n);
                    break;
                }
                case "MaxPool":
                case "AveragePool":
                {
                    var x = g.ShapeOf(n.Inputs[0]);
                    var ks = n.GetInts("kernel_shape")!;
                    var geo = Spatial2d.Resolve(n, x[2].Value, x[3].Value, ks[0], ks[1], true);
                    Add(new FPool(name, n.OpType == "MaxPool", In(0), [geo.KernelH, geo.KernelW], [geo.StrideH, geo.StrideW], geo.Pads,
                        [geo.DilationH, geo.DilationW], geo.CeilMode, n.GetInt("count_include_pad", 0) != 0, o), n);
                    break;
                }
                case "GlobalAveragePool":
                {
                    var x = g.ShapeOf(n.Inputs[0]);
                    int h = (int)x[2].Value, wd = (int)x[3].Value;
                    Add(new FPool(name, false, In(0), [h, wd], [1, 1], [0, 0, 0, 0], [1, 1], false, false, o), n);
                    break;
                }
                case "Add": case "Sub": case "Mul": case "Div": Binary(n, name); break;
                case "Flatten": case "Reshape":
                {
                    var src = shapes[In(0)];
                    var dst = Sample(o, n);
                    if (src.Aggregate(1L, (p, d) => p * d) != dst.Aggregate(1L, (p, d) => p * d))
                        throw new UnsupportedOnnxException($"{w}: reshaping per-sample [{string.Join(",", src)}] to [{string.Join(",", dst)}] would mix samples of the batch");
                    Add(new FReshape(name, n.OpType == "Flatten", In(0), o), n);
                    break;
                }
                case "Transpose":
                {
                    var s = g.ShapeOf(n.Inputs[0]);
                    long[] perm = n.GetInts("perm") ?? Enumerable.Range(0, s.Rank).Reverse().Select(i => (long)i).ToArray();
                    int[] p;
                    if (batch)
                    {
                        if (perm[0] != 0) throw new UnsupportedOnnxException($"{w}: attribute perm = [{string.Join(",", perm)}] moves the batch dimension");
                        p = perm.Skip(1).Select(v => (int)v - 1).ToArray();
                    }
                    else p = perm.Select(v => (int)v).ToArray();
                    Add(new FTranspose(name, In(0), p, o), n);
                    break;
                }
                case "Concat":
                {
                    int rank = g.ShapeOf(o).Rank;
                    var ins = new string[n.Inputs.Length]; var isConst = new bool[n.Inputs.Length];
                    for (int i = 0; i < ins.Length; i++)
                    {
                        isConst[i] = IsConst(n.Inputs[i]);
                        ins[i] = isConst[i] ? Const(n, n.Inputs[i], rank) : In(i);
                    }
                    Add(new FConcat(name, ins, isConst, SampleAxis(n, n.GetRequiredInt("axis"), rank, "axis"), o), n);
                    break;
                }
                default:
                    throw new UnsupportedOnnxException($"{w}: operator {n.OpType} is not supported by the quantizer");
            }
        }

        /// <summary>
        /// Zero padding of the per-sample [C,H,W] tensor <paramref name="x"/> by [top, left, bottom,
        /// right], as a convolution with an identity kernel (weights 0/1, exact): a kernel of
        /// (top + bottom + 1) × (left + right + 1) with the 1 at tap (bottom, right) and pads of
        /// top + bottom and left + right on each side moves every value by (top, left) and leaves the
        /// rest zero; every pad stays smaller than the kernel, as the Conv2d layer requires.
        /// </summary>
        FConv PadConv(string name, string x, int[] p, string output)
        {
            var xs = shapes[x];
            if (xs.Length != 3) throw new UnsupportedOnnxException($"{m.Path}: {name}: zero padding needs a per-sample [C,H,W] tensor, '{x}' is [{string.Join(",", xs)}]");
            int c = xs[0], kh = p[0] + p[2] + 1, kw = p[1] + p[3] + 1;
            var wt = new float[c * c * kh * kw];
            for (int ch = 0; ch < c; ch++) wt[((ch * c + ch) * kh + p[2]) * kw + p[3]] = 1f;
            int ph = p[0] + p[2], pw = p[1] + p[3];
            return new FConv(name, x, name + "/identity_kernel", wt, [c, c, kh, kw], null, null, [ph, pw, ph, pw], [1, 1], [1, 1], output);
        }

        void Gemm(OnnxNode n, string name)
        {
            string w = n.Where(), o = n.Outputs[0];
            float alpha = n.GetFloat("alpha", 1f), beta = n.GetFloat("beta", 1f);
            bool ta = n.GetInt("transA", 0) != 0, tb = n.GetInt("transB", 0) != 0;
            string x = R(n.Inputs[0]);
            var b = g.TryGetInitializer(n.Inputs[1])!;
            int k = (int)(tb ? b.Shape[1] : b.Shape[0]), mm = (int)(tb ? b.Shape[0] : b.Shape[1]);
            if (ta)
            {
                if (batch) throw new UnsupportedOnnxException($"{w}: attribute transA = 1 is not supported when the first dimension is the batch");
                string tname = o + "/transA";
                shapes[tname] = [.. shapes[x].Reverse()];
                producer[tname] = ops.Count;
                ops.Add(new FTranspose(name + "/transA", x, [1, 0], tname));
                x = tname;
            }
            var wt = new float[mm * k];
            for (int j = 0; j < mm; j++)
                for (int i = 0; i < k; i++)
                    wt[j * k + i] = alpha * (tb ? b.Data[j * k + i] : b.Data[i * mm + j]);
            float[]? bias = null; string? bname = null; string? addConst = null;
            if (n.HasInput(2) && beta != 0)
            {
                var c = g.TryGetInitializer(n.Inputs[2])!;
                var cs = c.Shape.ToArray();
                bool perColumn = c.Count == mm && (cs.Length == 1 || (cs.Length == 2 && cs[0] == 1));
                bool scalar = c.Count == 1;
                if (perColumn || scalar)
                {
                    bias = new float[mm];
                    for (int j = 0; j < mm; j++) bias[j] = beta * c.Data[scalar ? 0 : j];
                    bname = n.Inputs[2];
                }
                else addConst = n.Inputs[2];
            }
            if (addConst is null)
            {
                Add(new FDense(name, x, n.Inputs[1], wt, mm, k, bname, bias, o), n);
                return;
            }
            // A bias that varies per row (no batch dim): Dense without bias, then Add the constant β·C.
            string mid = o + "/nobias";
            shapes[mid] = Sample(o, n);
            producer[mid] = ops.Count;
            ops.Add(new FDense(name, x, n.Inputs[1], wt, mm, k, null, null, mid));
            var ct = g.TryGetInitializer(addConst)!;
            string key = addConst + "#beta";
            consts[key] = new FConst(key, ct.Shape.Select(d => (int)d).ToArray(), ct.Data.Select(v => beta * v).ToArray());
            Add(new FBinary(name + "/bias", FBinaryKind.Add, mid, key, false, true, o), n);
        }

        void BatchNorm(OnnxNode n, string name)
        {
            string o = n.Outputs[0], x = R(n.Inputs[0]);
            float eps = n.GetFloat("epsilon", 1e-5f);
            float[] T(int i) => [.. g.TryGetInitializer(n.Inputs[i])!.Data];
            float[] scale = T(1), bb = T(2), mean = T(3), var = T(4);
            int c = scale.Length;
            var s = new float[c]; var t = new float[c];
            for (int i = 0; i < c; i++)
            {
                s[i] = (float)(scale[i] / Math.Sqrt((double)var[i] + eps));
                t[i] = (float)(bb[i] - (double)mean[i] * s[i]);
            }
            bool single = g.Consumers(n.Inputs[0]).Count() == 1 && !graphOutputs.Contains(n.Inputs[0]);
            if (single && producer.TryGetValue(x, out int pi))
            {
                switch (ops[pi])
                {
                    case FConv cv when cv.WShape[0] == c:
                    {
                        int per = cv.W.Length / c;
                        var wt = (float[])cv.W.Clone();
                        for (int oc = 0; oc < c; oc++) for (int j = 0; j < per; j++) wt[oc * per + j] *= s[oc];
                        var bias = new float[c];
                        for (int oc = 0; oc < c; oc++) bias[oc] = (cv.B?[oc] ?? 0f) * s[oc] + t[oc];
                        Replace(pi, cv with { W = wt, B = bias, BName = cv.BName ?? cv.WName + "_bias", Output = o }, n);
                        return;
                    }
                    case FDense d when d.M == c && shapes[x].Length == 1:
                    {
                        var wt = (float[])d.W.Clone();
                        for (int j = 0; j < c; j++) for (int i = 0; i < d.K; i++) wt[j * d.K + i] *= s[j];
                        var bias = new float[c];
                        for (int j = 0; j < c; j++) bias[j] = (d.B?[j] ?? 0f) * s[j] + t[j];
                        Replace(pi, d with { W = wt, B = bias, BName = d.BName ?? d.WName + "_bias", Output = o }, n);
                        return;
                    }
                }
            }
            if (batch)
            {
                Add(new FChannelAffine(name, x, n.Inputs[1] + "_bnscale", s, n.Inputs[2] + "_bnshift", t, o), n);
                return;
            }
            // No batch dimension: channel axis is 1 of the per-sample shape; use broadcast Mul + Add.
            int rank = shapes[x].Length;
            var cshape = new int[rank - 1]; cshape[0] = c; for (int i = 1; i < cshape.Length; i++) cshape[i] = 1;
            string ks = n.Inputs[1] + "_bnscale", kt = n.Inputs[2] + "_bnshift", mid = o + "/bnmul";
            consts[ks] = new FConst(ks, cshape, s); consts[kt] = new FConst(kt, cshape, t);
            shapes[mid] = shapes[x];
            producer[mid] = ops.Count;
            ops.Add(new FBinary(name + "/scale", FBinaryKind.Mul, x, ks, false, true, mid));
            Add(new FBinary(name, FBinaryKind.Add, mid, kt, false, true, o), n);
        }

        void Replace(int index, FOp op, OnnxNode bn)
        {
            producer.Remove(ops[index].Output);
            shapes.Remove(ops[index].Output);
            ops[index] = op;
            producer[op.Output] = index;
            shapes[op.Output] = Sample(bn.Outputs[0], bn);
        }

        void Binary(OnnxNode n, string name)
        {
            string w = n.Where(), o = n.Outputs[0];
            bool ca = IsConst(n.Inputs[0]), cb = IsConst(n.Inputs[1]);
            int rank = g.ShapeOf(o).Rank;
            var kind = n.OpType switch { "Add" => FBinaryKind.Add, "Sub" => FBinaryKind.Sub, _ => FBinaryKind.Mul };
            if (n.OpType == "Div" && !cb)
            {
                // Div by a computed tensor: a · (1/b), 1/b a reciprocal lookup over b's calibrated range
                // (like every lookup, exact on its table and approximate to the table's resolution).
                string bx = R(n.Inputs[1]);
                string rec = Mid(new FUnary(name + "/reciprocal", FUnaryKind.Lookup, bx, o + "/reciprocal", "reciprocal"), shapes[bx]);
                if (ca)
                {
                    var num = g.TryGetInitializer(n.Inputs[0])!;
                    if (num.Data.Distinct().Count() == 1 && g.ShapeOf(n.Inputs[1]).Equals(g.ShapeOf(o)))
                        Add(new FMulConst(name, rec, num.Data[0], o), n);
                    else
                        Add(new FBinary(name, FBinaryKind.Mul, Const(n, n.Inputs[0], rank), rec, true, false, o), n);
                }
                else Add(new FBinary(name, FBinaryKind.Mul, R(n.Inputs[0]), rec, false, false, o), n);
                return;
            }
            if (n.OpType == "Div")
            {
                var d = g.TryGetInitializer(n.Inputs[1])!;
                if (d.Data.Any(v => v == 0)) throw new OnnxFormatException($"{w}: division by zero in constant '{n.Inputs[1]}'");
                if (d.Data.Distinct().Count() == 1 && BroadcastKeeps(n))
                {
                    Add(new FMulConst(name, R(n.Inputs[0]), 1.0 / d.Data[0], o), n);
                    return;
                }
                string key = Const(n, n.Inputs[1], rank) + "#recip";
                var baseC = consts[key[..^6]];
                consts[key] = baseC with { Name = key, Data = baseC.Data.Select(v => 1f / v).ToArray() };
                Add(new FBinary(name, FBinaryKind.Mul, R(n.Inputs[0]), key, false, true, o), n);
                return;
            }
            if (kind == FBinaryKind.Mul && (ca || cb))
            {
                var c = g.TryGetInitializer(n.Inputs[ca ? 0 : 1])!;
                if (c.Data.Distinct().Count() == 1 && BroadcastKeeps(n))
                {
                    Add(new FMulConst(name, R(n.Inputs[ca ? 1 : 0]), c.Data[0], o), n);
                    return;
                }
            }
            string a = ca ? Const(n, n.Inputs[0], rank) : R(n.Inputs[0]);
            string b = cb ? Const(n, n.Inputs[1], rank) : R(n.Inputs[1]);
            Add(new FBinary(name, kind, a, b, ca, cb, o), n);
        }

        /// <summary>True when the output shape equals the activation operand's shape (the constant only broadcasts).</summary>
        bool BroadcastKeeps(OnnxNode n)
        {
            string act = IsConst(n.Inputs[0]) ? n.Inputs[1] : n.Inputs[0];
            return g.ShapeOf(act).Equals(g.ShapeOf(n.Outputs[0]));
        }
    }
}
