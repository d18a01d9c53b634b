using ZkmlProver.Circuit;

namespace ZkmlProver.Quantize;

/// <summary>Scale choice and layer emission for <see cref="Quantizer"/> (see its remarks).</summary>
sealed class Emitter(FloatGraph g, Dictionary<string, double> maxAbs, QuantizeOptions opt, string name,
    Dictionary<string, (double Min, double Max)>? calibratedRange = null)
{
    readonly List<TensorInfo> tensors = [];
    readonly List<Layer> layers = [];
    readonly Dictionary<string, long[]> weights = new(StringComparer.Ordinal);
    readonly Dictionary<string, TensorInfo> byName = new(StringComparer.Ordinal);
    readonly Dictionary<string, TensorInfo> baseOf = new(StringComparer.Ordinal);       // float tensor → as produced
    readonly Dictionary<(string, int), TensorInfo> cache = new();                          // (float tensor, scale) → rescaled
    readonly Dictionary<string, string> producerNode = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> circuitToFloat = new(StringComparer.Ordinal);
    readonly List<string> notes = [];
    int AB => opt.ActivationBits;

    double Max(string ft) => maxAbs.GetValueOrDefault(ft);
    int Pref(string ft) => Quantizer.ScaleFor(Max(ft), ft == g.Input ? opt.InputHeadroom : opt.ActivationHeadroom, AB, opt.MaxScale);

    /// <summary>Declared bits of an activation-range tensor at scale s.</summary>
    int ActBits(string ft, int s) => Math.Min(62, Math.Max(AB, Quantizer.BitsForMagnitude(Max(ft) * (ft == g.Input ? opt.InputHeadroom : opt.ActivationHeadroom) * Math.ScaleB(1.0, s) + 1)));

    /// <summary>Declared bits of an accumulator at scale s: calibration with headroom, capped by the worst case.</summary>
    int AccBits(string ft, int s, double worstCase)
    {
        int cal = Quantizer.BitsForMagnitude(Max(ft) * opt.AccumulatorHeadroom * Math.ScaleB(1.0, s) + 2);
        int worst = Quantizer.BitsForMagnitude(worstCase);
        return Math.Min(62, Math.Max(2, Math.Min(cal, worst)));
    }

    string Unique(string n)
    {
        if (!byName.ContainsKey(n)) return n;
        for (int i = 2; ; i++) if (!byName.ContainsKey($"{n}#{i}")) return $"{n}#{i}";
    }

    TensorInfo AddTensor(string n, TensorKind kind, int[] shape, int scale, int bits, string? floatName = null)
    {
        var t = new TensorInfo { Name = n, Kind = kind, Shape = shape, Scale = scale, Bits = bits };
        tensors.Add(t); byName[n] = t;
        if (floatName is not null) circuitToFloat[n] = floatName;
        return t;
    }

    TensorInfo AddWeight(string baseName, int[] shape, ReadOnlySpan<float> values, int scale, int? bits = null)
    {
        var q = new long[values.Length];
        for (int i = 0; i < q.Length; i++) q[i] = FixedPoint.ToFixed(values[i], scale);
        int need = FixedPoint.BitsFor(q);
        var t = AddTensor(Unique(baseName), TensorKind.Weight, shape, scale, Math.Max(need, bits ?? 2));
        weights[t.Name] = q;
        return t;
    }

    static double MaxAbs(ReadOnlySpan<float> v) { double m = 0; foreach (var x in v) m = Math.Max(m, Math.Abs((double)x)); return m; }
    int WeightScale(ReadOnlySpan<float> v) => Quantizer.ScaleFor(MaxAbs(v), 1.0, opt.WeightBits, 30);

    /// <summary>The float tensor at scale ≤ s: the tensor as produced when its scale is ≤ s, else a Rescale of it (cached).</summary>
    TensorInfo Need(string ft, int s)
    {
        var b = baseOf[ft];
        if (s >= b.Scale) return b;
        if (cache.TryGetValue((ft, s), out var c)) return c;
        // The first rescaled version of an accumulator takes the ONNX tensor name (so graph outputs keep theirs).
        var t = AddTensor(byName.ContainsKey(ft) ? Unique($"{ft}@{s}") : ft, TensorKind.Activation, b.Shape, s, ActBits(ft, s), ft);
        layers.Add(new RescaleLayer { Name = $"{producerNode.GetValueOrDefault(ft, ft)}/rescale", Input = b.Name, Shift = b.Scale - s, Output = t.Name });
        cache[(ft, s)] = t;
        return t;
    }

    /// <summary>The float tensor at its preferred activation scale; a tensor already within the
    /// activation bits (Relu/pool/lookup outputs, rescaled tensors) is used as it is, unless its scale
    /// exceeds <see cref="QuantizeOptions.MaxScale"/> (a tensor that is zero on the calibration data
    /// fits any scale; without the cap its scale would compound layer after layer until the weights
    /// no longer fit 63 bits).</summary>
    TensorInfo NeedPref(string ft)
    {
        var b = baseOf[ft];
        return b.Bits <= AB && b.Scale <= opt.MaxScale ? b : Need(ft, Math.Min(Pref(ft), opt.MaxScale));
    }

    /// <summary>Declares the output of a layer; accumulators (wide, rescaled later) are named "&lt;onnx name&gt;:acc".</summary>
    TensorInfo Out(FOp op, int scale, int bits, bool accumulator = false)
    {
        var t = AddTensor(Unique(accumulator ? op.Output + ":acc" : op.Output), TensorKind.Activation, g.Shapes[op.Output], scale, bits, op.Output);
        baseOf[op.Output] = t;
        producerNode[op.Output] = op.Node;
        return t;
    }

    public QuantizedModel Run()
    {
        int sIn = opt.InputScale ?? Pref(g.Input);
        var input = AddTensor(g.Input, TensorKind.Input, g.InputShape, sIn, ActBits(g.Input, sIn), g.Input);
        if (input.Bits > AB)
            notes.Add($"input '{g.Input}': calibrated max |x| = {Max(g.Input):G4} does not fit {AB} bits at scale {sIn}; declared {input.Bits} bits");
        baseOf[g.Input] = input;
        producerNode[g.Input] = "input";
        foreach (var op in g.Ops) Emit(op);
        var outs = g.Outputs.Select(o => NeedPref(o).Name).ToArray();
        var circuit = new Circuit.Circuit { Name = name, Input = input.Name, Outputs = outs, Tensors = [.. tensors], Layers = [.. layers] }.WithDigest();
        CircuitValidator.Validate(circuit);
        var ws = new WeightSet(weights);
        ws.Validate(circuit);
        var report = tensors.Select(t => new TensorReport(t.Name, t.Kind, t.Shape, t.Scale, t.Bits,
            circuitToFloat.TryGetValue(t.Name, out var f) ? Max(f) : MaxAbsQ(weights.GetValueOrDefault(t.Name), t.Scale))).ToList();
        return new QuantizedModel(circuit, ws, sIn, report, g, opt, notes);
    }

    static double MaxAbsQ(long[]? q, int scale) => q is null || q.Length == 0 ? 0 : q.Max(v => Math.Abs((double)v)) * Math.ScaleB(1.0, -scale);

    void Emit(FOp op)
    {
        switch (op)
        {
            case FDense d:
            {
                var x = NeedPref(d.Input);
                int sw = WeightScale(d.W);
                var w = AddWeight(d.WName, [d.M, d.K], d.W, sw, opt.WeightBits);
                int s = x.Scale + sw;
                TensorInfo? b = d.B is null ? null : AddWeight(d.BName!, [d.M], d.B, s);
                double worst = WorstRows(weights[w.Name], d.M, d.K, b is null ? null : weights[b.Name], x.Bits);
                var y = Out(op, s, AccBits(d.Output, s, worst), true);
                layers.Add(new DenseLayer { Name = d.Node, Input = x.Name, Weight = w.Name, Bias = b?.Name, Output = y.Name });
                break;
            }
            case FConv c:
            {
                var x = NeedPref(c.Input);
                int sw = WeightScale(c.W);
                var w = AddWeight(c.WName, c.WShape, c.W, sw, opt.WeightBits);
                int s = x.Scale + sw;
                TensorInfo? b = c.B is null ? null : AddWeight(c.BName!, [c.WShape[0]], c.B, s);
                int per = c.W.Length / c.WShape[0];
                double worst = WorstRows(weights[w.Name], c.WShape[0], per, b is null ? null : weights[b.Name], x.Bits);
                var y = Out(op, s, AccBits(c.Output, s, worst), true);
                layers.Add(new Conv2dLayer { Name = c.Node, Input = x.Name, Weight = w.Name, Bias = b?.Name, Pads = c.Pads, Strides = c.Strides, Dilations = c.Dilations,
                    Group = c.Group > 1 ? c.Group : null, Output = y.Name });
                break;
            }
            case FMatMul mm:
            {
                var a = NeedPref(mm.A);
                TensorInfo b;
                if (mm.BConst) { var kc = g.Constants[mm.B]; b = AddWeight(kc.Name, kc.Shape, kc.Data, WeightScale(kc.Data), opt.WeightBits); }
                else b = NeedPref(mm.B);
                int k = g.Shapes[mm.A][^1];
                double worst = k * Math.ScaleB(1.0, a.Bits - 1) * Math.ScaleB(1.0, b.Bits - 1);
                var y = Out(op, a.Scale + b.Scale, AccBits(mm.Output, a.Scale + b.Scale, worst), true);
                layers.Add(new MatMulLayer { Name = mm.Node, A = a.Name, B = b.Name, Output = y.Name });
                break;
            }
            case FUnary { Kind: FUnaryKind.Relu } r:
            {
                var x = NeedPref(r.Input);
                var y = Out(op, x.Scale, x.Bits);
                layers.Add(new ReluLayer { Name = r.Node, Input = x.Name, Output = y.Name });
                break;
            }
            case FUnary u: Lookup(u); break;
            case FLeakyRelu l:
            {
                var x = NeedPref(l.Input);
                var y = Out(op, x.Scale, x.Bits);
                layers.Add(new LeakyReluLayer { Name = l.Node, Input = x.Name, AlphaNum = (long)Math.Round(l.Alpha * Math.ScaleB(1.0, opt.LeakyReluShift), MidpointRounding.AwayFromZero), AlphaShift = opt.LeakyReluShift, Output = y.Name });
                break;
            }
            case FClip c:
            {
                var x = NeedPref(c.Input);
                var y = Out(op, x.Scale, x.Bits);
                layers.Add(new ClipLayer { Name = c.Node, Input = x.Name, Min = c.Min is { } lo ? FixedPoint.ToFixed(lo, x.Scale) : long.MinValue, Max = c.Max is { } hi ? FixedPoint.ToFixed(hi, x.Scale) : long.MaxValue, Output = y.Name });
                break;
            }
            case FSoftmax sm:
            {
                int se = AB - 2;                                       // exp table output scale
                double sat = (se + 1) * Math.Log(2) + 0.5;              // e^−sat < 2^−(se+1): exp rounds to 0 beyond
                int sl = LookupScale(2 * sat);
                var x = Need(sm.Input, sl);
                long expMin = -(long)Math.Ceiling(sat * Math.ScaleB(1.0, x.Scale));
                var y = Out(op, AB - 2, AB);
                layers.Add(new SoftmaxLayer { Name = sm.Node, Input = x.Name, Axis = sm.Axis, ExpInScale = x.Scale, ExpOutScale = se, ExpMin = expMin, OutScale = AB - 2,
                    TableDigest = LookupTables.Digest("exp", x.Scale, se, expMin, 0), Output = y.Name });
                break;
            }
            case FPool p:
            {
                var x = NeedPref(p.Input);
                var y = Out(op, x.Scale, x.Bits);
                layers.Add(p.IsMax
                    ? new MaxPool2dLayer { Name = p.Node, Input = x.Name, Kernel = p.Kernel, Strides = p.Strides, Pads = p.Pads, Dilations = p.Dilations, CeilMode = p.CeilMode, Output = y.Name }
                    : new AvgPool2dLayer { Name = p.Node, Input = x.Name, Kernel = p.Kernel, Strides = p.Strides, Pads = p.Pads, CeilMode = p.CeilMode, CountIncludePad = p.CountIncludePad, Shift = opt.AvgPoolShift, Output = y.Name });
                break;
            }
            case FBinary b: Binary(b); break;
            case FMulConst mc:
            {
                var x = NeedPref(mc.Input);
                int t = Math.Clamp(mc.C == 0 ? 0 : (int)Math.Floor(Math.Log2((Math.ScaleB(1.0, opt.WeightBits - 1) - 1) / Math.Abs(mc.C))), 0, 30);
                long mul = FixedPoint.ToFixed(mc.C, t);
                double worst = Math.Abs((double)mul) * Math.ScaleB(1.0, x.Bits - 1);
                var y = Out(op, x.Scale + t, AccBits(mc.Output, x.Scale + t, worst), true);
                layers.Add(new MulConstLayer { Name = mc.Node, Input = x.Name, Multiplier = mul, ScaleDelta = t, Output = y.Name });
                break;
            }
            case FChannelAffine ca:
            {
                var x = NeedPref(ca.Input);
                int sa = WeightScale(ca.A);
                var a = AddWeight(ca.AName, [ca.A.Length], ca.A, sa, opt.WeightBits);
                var b = AddWeight(ca.BName, [ca.B.Length], ca.B, x.Scale + sa);
                double worst = weights[a.Name].Max(v => Math.Abs((double)v)) * Math.ScaleB(1.0, x.Bits - 1) + weights[b.Name].Max(v => Math.Abs((double)v));
                var y = Out(op, x.Scale + sa, AccBits(ca.Output, x.Scale + sa, worst), true);
                layers.Add(new ChannelAffineLayer { Name = ca.Node, Input = x.Name, Weight = a.Name, Bias = b.Name, Output = y.Name });
                break;
            }
            case FReshape r:
            {
                var x = NeedPref(r.Input);
                var y = Out(op, x.Scale, x.Bits);
                layers.Add(r.IsFlatten ? new FlattenLayer { Name = r.Node, Input = x.Name, Output = y.Name } : new ReshapeLayer { Name = r.Node, Input = x.Name, Output = y.Name });
                break;
            }
            case FSelect sel:
            {
                var x = NeedPref(sel.Input);
                var y = Out(op, x.Scale, x.Bits);
                layers.Add(new SelectLayer { Name = sel.Node, Input = x.Name, Shape = g.Shapes[sel.Output], Indices = sel.Indices, Output = y.Name });
                break;
            }
            case FTranspose t:
            {
                var x = NeedPref(t.Input);
                var y = Out(op, x.Scale, x.Bits);
                layers.Add(new TransposeLayer { Name = t.Node, Input = x.Name, Perm = t.Perm, Output = y.Name });
                break;
            }
            case FConcat cc:
            {
                int s = Pref(cc.Output);
                for (int i = 0; i < cc.Inputs.Length; i++) if (!cc.IsConst[i]) s = Math.Min(s, NeedPref(cc.Inputs[i]).Scale);
                var ins = new string[cc.Inputs.Length]; int bits = ActBits(cc.Output, s);
                for (int i = 0; i < ins.Length; i++)
                {
                    if (cc.IsConst[i]) { var k = g.Constants[cc.Inputs[i]]; var w = AddWeight(k.Name, k.Shape, k.Data, s); ins[i] = w.Name; bits = Math.Max(bits, w.Bits); }
                    else { var x = Need(cc.Inputs[i], s); ins[i] = x.Name; bits = Math.Max(bits, x.Bits); }
                }
                var y = Out(op, s, bits);
                layers.Add(new ConcatLayer { Name = cc.Node, InputList = ins, Axis = cc.Axis, Output = y.Name });
                break;
            }
            default: throw new QuantizeException($"node '{op.Node}': cannot quantize {op.GetType().Name}");
        }
    }

    /// <summary>Largest s with (width of the domain)·2^s + 1 ≤ 2^LookupInputBits.</summary>
    int LookupScale(double width)
    {
        int s = 0;
        while (s < opt.MaxScale && Math.Ceiling(width / 2 * Math.ScaleB(1.0, s + 1)) * 2 + 1 <= Math.ScaleB(1.0, opt.LookupInputBits)) s++;
        return s;
    }

    /// <summary>
    /// A unary function by table over the calibrated input range: [lo, hi] from the calibration's
    /// minimum and maximum of the input, widened by the activation headroom (a bound of the same sign
    /// as its side is multiplied by it, one of the other sign divided: [0.5, 4] → [0.25, 8] at
    /// headroom 2, [−3, 2] → [−6, 4]); functions of x ≥ 0 only (sqrt, log, fractional powers) start at
    /// 0 at most. The circuit clamps inputs beyond [lo, hi] (the Clip is part of its semantics, as for
    /// sigmoid). Input scale: the finest at which the domain has at most 2^LookupInputBits entries;
    /// output scale: the finest (≤ AB − 2, ≤ MaxScale) at which max |f| over the domain fits AB bits.
    /// </summary>
    void GeneralLookup(FUnary u)
    {
        string fn = u.Function!;
        bool nonNegative = fn is "sqrt" or "log" || fn.StartsWith("pow:", StringComparison.Ordinal);
        double h = opt.ActivationHeadroom, m = Max(u.Input);
        var (cmin, cmax) = calibratedRange is not null && calibratedRange.TryGetValue(u.Input, out var cr) && cr.Min <= cr.Max ? cr : (-m, m);
        double lo = cmin >= 0 ? cmin / h : cmin * h, hi = cmax <= 0 ? cmax / h : cmax * h;
        if (nonNegative) { lo = Math.Max(lo, 0); hi = Math.Max(hi, lo); }
        if (hi - lo < 1.0 / 64) { double mid = (hi + lo) / 2; (lo, hi) = (mid - 1.0 / 128, mid + 1.0 / 128); if (nonNegative && lo < 0) (lo, hi) = (0, 1.0 / 64); }
        int sl = 0;
        while (sl < opt.MaxScale && Entries(lo, hi, sl + 1) <= Math.ScaleB(1.0, opt.LookupInputBits)) sl++;
        var x = Need(u.Input, sl);
        long qlo = (long)Math.Floor(lo * Math.ScaleB(1.0, x.Scale)), qhi = (long)Math.Ceiling(hi * Math.ScaleB(1.0, x.Scale));
        if (qhi <= qlo) qhi = qlo + 1;
        var f = LookupFunctions.Resolve(fn, Math.ScaleB(1.0, -x.Scale));
        double fmax = 0, inv = Math.ScaleB(1.0, -x.Scale);
        for (long q = qlo; q <= qhi; q++) fmax = Math.Max(fmax, Math.Abs(f(q * inv)));
        if (!double.IsFinite(fmax))
            throw new QuantizeException($"node '{u.Node}': {fn} is not finite on its input range [{lo:G4}, {hi:G4}]");
        int so = Math.Min(AB - 2, opt.MaxScale);
        while (so > 0 && fmax * Math.ScaleB(1.0, so) + 1 > Math.ScaleB(1.0, AB - 1) - 1) so--;
        int bits = Math.Max(AB, Quantizer.BitsForMagnitude(fmax * Math.ScaleB(1.0, so) + 1));
        if (bits > 62) throw new QuantizeException($"node '{u.Node}': {fn} reaches {fmax:G4} on its input range, too large for a table");
        var clipped = AddTensor(Unique($"{u.Input}@clip"), TensorKind.Activation, x.Shape, x.Scale, x.Bits, u.Input);
        layers.Add(new ClipLayer { Name = $"{u.Node}/clip", Input = x.Name, Min = qlo, Max = qhi, Output = clipped.Name });
        var y = Out(u, so, bits);
        layers.Add(new LookupLayer { Name = u.Node, Input = clipped.Name, Function = fn, InScale = x.Scale, OutScale = so, Min = qlo, Max = qhi,
            TableDigest = LookupTables.Digest(fn, x.Scale, so, qlo, qhi), Output = y.Name });

        static double Entries(double lo, double hi, int s) => Math.Ceiling(hi * Math.ScaleB(1.0, s)) - Math.Floor(lo * Math.ScaleB(1.0, s)) + 1;
    }

    void Lookup(FUnary u)
    {
        if (u.Kind == FUnaryKind.Lookup) { GeneralLookup(u); return; }
        bool sig = u.Kind == FUnaryKind.Sigmoid;
        string fn = sig ? "sigmoid" : "tanh";
        int so = AB - 2;
        // Saturation: beyond ±sat, f is within half an output step of its limit.
        double sat = sig ? (so + 1) * Math.Log(2) + 0.5 : (so + 2) * Math.Log(2) / 2 + 0.5;
        int sl = LookupScale(2 * sat);
        var x = Need(u.Input, sl);
        long dq = (long)Math.Ceiling(sat * Math.ScaleB(1.0, x.Scale));
        var clipped = AddTensor(Unique($"{u.Input}@clip"), TensorKind.Activation, x.Shape, x.Scale, x.Bits, u.Input);
        layers.Add(new ClipLayer { Name = $"{u.Node}/clip", Input = x.Name, Min = -dq, Max = dq, Output = clipped.Name });
        var y = Out(u, so, AB);
        layers.Add(new LookupLayer { Name = u.Node, Input = clipped.Name, Function = fn, InScale = x.Scale, OutScale = so, Min = -dq, Max = dq,
            TableDigest = LookupTables.Digest(fn, x.Scale, so, -dq, dq), Output = y.Name });
    }

    void Binary(FBinary b)
    {
        if (b.Kind == FBinaryKind.Mul)
        {
            TensorInfo A, B;
            if (b.AConst || b.BConst)
            {
                var k = g.Constants[b.AConst ? b.A : b.B];
                var x = NeedPref(b.AConst ? b.B : b.A);
                var w = AddWeight(k.Name, k.Shape, k.Data, WeightScale(k.Data), opt.WeightBits);
                (A, B) = b.AConst ? (w, x) : (x, w);
            }
            else { A = NeedPref(b.A); B = NeedPref(b.B); }
            double worst = Math.ScaleB(1.0, A.Bits - 1) * Math.ScaleB(1.0, B.Bits - 1);
            var y = Out(b, A.Scale + B.Scale, AccBits(b.Output, A.Scale + B.Scale, worst), true);
            layers.Add(new MulLayer { Name = b.Node, A = A.Name, B = B.Name, Output = y.Name });
            return;
        }
        int s = Pref(b.Output);
        if (!b.AConst) s = Math.Min(s, NeedPref(b.A).Scale);
        if (!b.BConst) s = Math.Min(s, NeedPref(b.B).Scale);
        TensorInfo Operand(string n, bool isConst)
        {
            if (!isConst) return Need(n, s);
            var k = g.Constants[n];
            return AddWeight(k.Name, k.Shape, k.Data, s);
        }
        var a = Operand(b.A, b.AConst); var c = Operand(b.B, b.BConst);
        var o = Out(b, s, ActBits(b.Output, s));
        layers.Add(b.Kind == FBinaryKind.Add
            ? new AddLayer { Name = b.Node, A = a.Name, B = c.Name, Output = o.Name }
            : new SubLayer { Name = b.Node, A = a.Name, B = c.Name, Output = o.Name });
    }

    /// <summary>max over rows m of Σ_k |W[m,k]|·2^(xBits−1) + |b[m]|.</summary>
    static double WorstRows(long[] w, int m, int k, long[]? b, int xBits)
    {
        double best = 0, xmax = Math.ScaleB(1.0, xBits - 1);
        for (int j = 0; j < m; j++)
        {
            double s = 0;
            for (int i = 0; i < k; i++) s += Math.Abs((double)w[j * k + i]);
            best = Math.Max(best, s * xmax + (b is null ? 0 : Math.Abs((double)b[j])));
        }
        return best;
    }
}
