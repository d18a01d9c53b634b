using ZkmlProver.Onnx;

namespace ZkmlProver.Quantize;

/// <summary>
/// Lowerings of ONNX ops to the existing float ops (and so to existing circuit layers):
/// Slice/Gather/Expand/Tile/Upsample/Resize/Trilu/Split of a run-time tensor as a Select (a public
/// index map, −1 where Trilu zeroes; proven as a view, nothing committed),
/// ReduceMean/ReduceSum as Transpose → Reshape → Dense (weights 1/n or 1) → Reshape, ReduceMax/Min
/// as a 1 × n max pool (min(x) = −max(−x)),
/// HardSigmoid/HardSwish as MulConst → Add → Clip (→ Mul), PRelu as LeakyRelu (one slope) or
/// Relu(x) + slope·(x − Relu(x)), Abs as Relu(x) + Relu(−x), Pow with exponent 1–4 as products (other exponents and Erf/Gelu/Elu/… as lookups).
/// </summary>
public static partial class OnnxLowering
{
    sealed partial class Lowerer
    {
        /// <summary>Largest selection/reduction matrix (M·K weights) lowered to a Dense.</summary>
        const long MaxMatrix = 1 << 24;

        /// <summary>Appends an intermediate op with its per-sample output shape; returns the output.</summary>
        string Mid(FOp op, int[] shape)
        {
            shapes[op.Output] = shape;
            producer[op.Output] = ops.Count;
            ops.Add(op);
            return op.Output;
        }

        static long Count(int[] s) => s.Aggregate(1L, (p, d) => p * d);

        /// <summary>A constant of the given per-sample shape filled with one value.</summary>
        string Filled(string key, int[] shape, float value)
        {
            consts[key] = new FConst(key, shape, Enumerable.Repeat(value, (int)Count(shape)).ToArray());
            return key;
        }

        void Selection(OnnxNode n, string name)
        {
            string w = n.Where(), o = n.Outputs[0], x = R(n.Inputs[0]);
            var full = g.ShapeOf(n.Inputs[0]);
            var dims = full.Dims.Select((d, i) => i == 0 && !d.IsKnown ? 1 : d.Value).ToArray();
            var map = OnnxSemantics.SelectionMap(n, dims, g.Initializers, m.Opset);
            var src = shapes[x];
            var dst = Sample(o, n);
            long k = Count(src), mm = Count(dst);
            if (map.Count != mm) throw new UnsupportedOnnxException($"{w}: {n.OpType} output has {map.Count} elements, per sample {mm}");
            bool identity = mm == k && Enumerable.Range(0, map.Count).All(i => map.Int64Data[i] == i);
            if (identity)
            {
                if (src.AsSpan().SequenceEqual(dst)) alias[o] = x;
                else Add(new FReshape(name, false, x, o), n);
                return;
            }
            Select(n, name, x, src, dst, [.. map.Int64Data], o);
        }

        /// <summary>Output o (per-sample shape dst) = x selected by map (flat output index → flat input
        /// index, −1 for a zero output): a Select layer, proven as a public view (nothing committed).</summary>
        void Select(OnnxNode n, string name, string x, int[] src, int[] dst, long[] map, string o)
        {
            if (map.LongLength != Count(dst)) throw new UnsupportedOnnxException($"{n.Where()}: {n.OpType} selects {map.LongLength} elements for an output of {Count(dst)}");
            Mid(new FSelect(name, x, map, o), dst);
        }

        /// <summary>Split along a per-sample axis: each part a selection (exact), named by its output.</summary>
        void Split(OnnxNode n, string name)
        {
            string x = R(n.Inputs[0]);
            var src = shapes[x];
            int axis = SampleAxis(n, n.GetInt("axis", 0), g.ShapeOf(n.Inputs[0]).Rank, "axis");
            var sizes = OnnxSemantics.SplitSizes(n, src[axis], g.Initializers, m.Opset);
            int outerCount = src.Take(axis).Aggregate(1, (p, v) => checked(p * v)), innerCount = src.Skip(axis + 1).Aggregate(1, (p, v) => checked(p * v));
            long offset = 0;
            for (int part = 0; part < sizes.Length; part++)
            {
                int len = (int)sizes[part];
                int[] dst = [.. src.Take(axis), len, .. src.Skip(axis + 1)];
                var map = new long[Count(dst)];
                int j = 0;
                for (int outer = 0; outer < outerCount; outer++)
                    for (int i = 0; i < len; i++)
                        for (int inner = 0; inner < innerCount; inner++)
                            map[j++] = ((long)outer * src[axis] + offset + i) * innerCount + inner;
                Select(n, $"{name}/part{part}", x, src, dst, map, n.Outputs[part]);
                offset += len;
            }
        }

        void Reduce(OnnxNode n, string name)
        {
            string w = n.Where(), o = n.Outputs[0], x = R(n.Inputs[0]);
            var full = g.ShapeOf(n.Inputs[0]);
            var axes = OnnxSemantics.ReduceAxes(n, full.Rank, g.Initializers, m.Opset);
            var src = shapes[x];
            var dst = Sample(o, n);
            if (axes is null) { alias[o] = x; return; }
            // Per-sample axes (a reduction over a batch dimension of size 1 changes nothing).
            var red = axes.Where(a => !batch || a > 0).Select(a => batch ? a - 1 : a).ToHashSet();
            if (red.Count == 0)
            {
                if (src.AsSpan().SequenceEqual(dst)) alias[o] = x; else Add(new FReshape(name, false, x, o), n);
                return;
            }
            int r = src.Length;
            var perm = Enumerable.Range(0, r).Where(i => !red.Contains(i)).Concat(Enumerable.Range(0, r).Where(red.Contains)).ToArray();
            string cur = x;
            if (perm.Where((p, i) => p != i).Any())
                cur = Mid(new FTranspose(name + "/transpose", x, perm, o + "/moved"), perm.Select(p => src[p]).ToArray());
            int inner = red.Aggregate(1, (p, a) => checked(p * src[a]));
            int outer = (int)(Count(src) / inner);
            if (shapes[cur].Length != 2 || shapes[cur][1] != inner)
                cur = Mid(new FReshape(name + "/group", false, cur, o + "/grouped"), [outer, inner]);
            if (n.OpType is "ReduceMax" or "ReduceMin")
            {
                // Max over the last axis of [outer, inner] as a max pool of [1, outer, inner] with a
                // 1 × inner window; min(x) = −max(−x).
                bool min = n.OpType == "ReduceMin";
                if (min) cur = Mid(new FMulConst(name + "/negate", cur, -1.0, o + "/negated"), shapes[cur]);
                string img = Mid(new FReshape(name + "/image", false, cur, o + "/image"), [1, outer, inner]);
                string pooled = Mid(new FPool(name, true, img, [1, inner], [1, inner], [0, 0, 0, 0], [1, 1], false, false, o + "/pooled"), [1, outer, 1]);
                if (!min) { Add(new FReshape(name + "/reshape", false, pooled, o), n); return; }
                string back = Mid(new FReshape(name + "/reshape", false, pooled, o + "/negmax"), dst);
                Add(new FMulConst(name + "/negate_back", back, -1.0, o), n);
                return;
            }
            float v = n.OpType == "ReduceMean" ? 1f / inner : 1f;
            if (inner > MaxMatrix) throw new UnsupportedOnnxException($"{w}: {n.OpType} over {inner} elements is too large (opset {m.Opset})");
            string sum = Mid(new FDense(name, cur, name + "/weights", Enumerable.Repeat(v, inner).ToArray(), 1, inner, null, null, o + "/reduced"), [outer, 1]);
            Add(new FReshape(name + "/reshape", false, sum, o), n);
        }

        void HardSigmoid(OnnxNode n, string name)
        {
            string o = n.Outputs[0], x = R(n.Inputs[0]);
            var s = shapes[x];
            bool swish = n.OpType == "HardSwish";
            float alpha = swish ? 1f / 6 : n.GetFloat("alpha", 0.2f), beta = swish ? 0.5f : n.GetFloat("beta", 0.5f);
            string ax = Mid(new FMulConst(name + "/alpha", x, alpha, o + "/ax"), s);
            string axb = Mid(new FBinary(name + "/beta", FBinaryKind.Add, ax, Filled(o + "/beta", s, beta), false, true, o + "/axb"), s);
            if (!swish) { Add(new FClip(name, axb, 0f, 1f, o), n); return; }
            string hs = Mid(new FClip(name + "/hardsigmoid", axb, 0f, 1f, o + "/hardsigmoid"), s);
            Add(new FBinary(name, FBinaryKind.Mul, x, hs, false, false, o), n);
        }

        void PRelu(OnnxNode n, string name)
        {
            string o = n.Outputs[0], x = R(n.Inputs[0]);
            var slope = g.TryGetInitializer(n.Inputs[1])!;
            if (slope.Data.Distinct().Count() == 1) { Add(new FLeakyRelu(name, x, slope.Data[0], o), n); return; }
            // PRelu(x) = Relu(x) + slope·min(x, 0) and min(x, 0) = x − Relu(x).
            var s = shapes[x];
            string r = Mid(new FUnary(name + "/relu", FUnaryKind.Relu, x, o + "/pos"), s);
            string neg = Mid(new FBinary(name + "/negpart", FBinaryKind.Sub, x, r, false, false, o + "/neg"), s);
            string k = Const(n, n.Inputs[1], g.ShapeOf(o).Rank);
            string sn = Mid(new FBinary(name + "/slope", FBinaryKind.Mul, neg, k, false, true, o + "/slopeneg"), s);
            Add(new FBinary(name, FBinaryKind.Add, r, sn, false, false, o), n);
        }

        void Abs(OnnxNode n, string name)
        {
            string o = n.Outputs[0], x = R(n.Inputs[0]);
            var s = shapes[x];
            string r = Mid(new FUnary(name + "/relu", FUnaryKind.Relu, x, o + "/pos"), s);
            string mx = Mid(new FMulConst(name + "/negate", x, -1.0, o + "/minus"), s);
            string rn = Mid(new FUnary(name + "/relu_neg", FUnaryKind.Relu, mx, o + "/negpos"), s);
            Add(new FBinary(name, FBinaryKind.Add, r, rn, false, false, o), n);
        }

        /// <summary>The lookup function of a unary ONNX op, with its attributes' defaults (ONNX operator spec).</summary>
        static string UnaryFunction(OnnxNode n) => n.OpType switch
        {
            "Gelu" => n.GetString("approximate", "none") == "tanh" ? "gelu_tanh" : "gelu",
            "Elu" => ZkmlProver.Circuit.LookupFunctions.Name("elu", n.GetFloat("alpha", 1f)),
            "Celu" => ZkmlProver.Circuit.LookupFunctions.Name("celu", n.GetFloat("alpha", 1f)),
            "Selu" => ZkmlProver.Circuit.LookupFunctions.Name("selu", n.GetFloat("alpha", 1.67326319217681884765625f), n.GetFloat("gamma", 1.05070102214813232421875f)),
            _ => n.OpType.ToLowerInvariant(),
        };

        void Pow(OnnxNode n, string name)
        {
            string o = n.Outputs[0], x = R(n.Inputs[0]);
            var s = shapes[x];
            float exponent = g.TryGetInitializer(n.Inputs[1])!.Data[0];
            if (exponent is not (1f or 2f or 3f or 4f))
            {
                // Not a small integer power: a lookup of max(x, 0)^e (max(x, ε)^e for e < 0), see LookupFunctions.
                Add(new FUnary(name, FUnaryKind.Lookup, x, o, ZkmlProver.Circuit.LookupFunctions.Name("pow", exponent)), n);
                return;
            }
            int e = (int)exponent;
            switch (e)
            {
                case 1: alias[o] = x; break;
                case 2: Add(new FBinary(name, FBinaryKind.Mul, x, x, false, false, o), n); break;
                case 3:
                {
                    string sq = Mid(new FBinary(name + "/square", FBinaryKind.Mul, x, x, false, false, o + "/square"), s);
                    Add(new FBinary(name, FBinaryKind.Mul, sq, x, false, false, o), n);
                    break;
                }
                default:
                {
                    string sq = Mid(new FBinary(name + "/square", FBinaryKind.Mul, x, x, false, false, o + "/square"), s);
                    Add(new FBinary(name, FBinaryKind.Mul, sq, sq, false, false, o), n);
                    break;
                }
            }
        }

        /// <summary>
        /// 1-D Conv / MaxPool / AveragePool / GlobalAveragePool on per-sample [C,L]: reshape to
        /// [C,1,L], the 2-D op of height 1 (<see cref="OnnxSemantics.As2d"/>), reshape back.
        /// </summary>
        void Spatial1d(OnnxNode n, string name)
        {
            string o = n.Outputs[0], x = R(n.Inputs[0]);
            var src = shapes[x];
            var dst = Sample(o, n);
            if (src.Length != 2 || dst.Length != 2)
                throw new UnsupportedOnnxException($"{n.Where()}: 1-D {n.OpType} needs a per-sample [C,L] tensor, '{x}' is [{string.Join(",", src)}]");
            string img = Mid(new FReshape(name + "/to2d", false, x, o + "/in2d"), [src[0], 1, src[1]]);
            var n2 = OnnxSemantics.As2d(n);
            FOp op;
            if (n.OpType == "Conv")
            {
                var wt = g.TryGetInitializer(n.Inputs[1])!;
                int[] ws = [(int)wt.Shape[0], (int)wt.Shape[1], 1, (int)wt.Shape[2]];
                var geo = Spatial2d.Resolve(n2, 1, src[1], 1, ws[3], false);
                var bias = n.HasInput(2) ? g.TryGetInitializer(n.Inputs[2])! : null;
                if (geo.PadLeft >= (ws[3] - 1) * geo.DilationW + 1 || geo.PadRight >= (ws[3] - 1) * geo.DilationW + 1)
                {
                    var pc = PadConv(name + "/pad", img, geo.Pads, o + "/padded");
                    img = Mid(pc, [src[0], 1, src[1] + geo.PadLeft + geo.PadRight]);
                    geo = geo with { PadLeft = 0, PadRight = 0 };
                }
                op = new FConv(name, img, n.Inputs[1], [.. wt.Data], ws, bias is null ? null : n.Inputs[2], bias is null ? null : [.. bias.Data],
                    geo.Pads, [geo.StrideH, geo.StrideW], [geo.DilationH, geo.DilationW], o + "/out2d", (int)n.GetInt("group", 1));
            }
            else if (n.OpType == "GlobalAveragePool")
                op = new FPool(name, false, img, [1, src[1]], [1, 1], [0, 0, 0, 0], [1, 1], false, false, o + "/out2d");
            else
            {
                var ks = n2.GetInts("kernel_shape")!;
                var geo = Spatial2d.Resolve(n2, 1, src[1], ks[0], ks[1], true);
                op = new FPool(name, n.OpType == "MaxPool", img, [geo.KernelH, geo.KernelW], [geo.StrideH, geo.StrideW], geo.Pads,
                    [geo.DilationH, geo.DilationW], geo.CeilMode, n.GetInt("count_include_pad", 0) != 0, o + "/out2d");
            }
            string y = Mid(op, [dst[0], 1, dst[1]]);
            Add(new FReshape(name + "/to1d", false, y, o), n);
        }
    }
}
