namespace ZkmlProver.Circuit;

/// <summary>
/// Structural checks of a circuit: unique tensors, one Input, layers in evaluation order, each
/// activation written once, declared output shapes and scales equal to what each layer's rule
/// gives, parameters in their allowed ranges, lookup table digests. Throws
/// <see cref="CircuitFormatException"/> naming the layer.
/// </summary>
public static class CircuitValidator
{
    /// <summary>Validates <paramref name="c"/> (see the class summary).</summary>
    public static void Validate(Circuit c)
    {
        if (c.Tensors.Any(t => t is null) || c.Layers.Any(l => l is null) || c.Outputs.Any(o => o is null) || c.Layers.Any(l => l.Inputs.Any(i => i is null)))
            throw new CircuitFormatException($"circuit '{c.Name}': null entry in tensors, layers, outputs or a layer's inputs");
        var inputs = c.Tensors.Where(t => t.Kind == TensorKind.Input).ToList();
        if (inputs.Count != 1) throw new CircuitFormatException($"circuit '{c.Name}' must have exactly one Input tensor, has {inputs.Count}");
        if (inputs[0].Name != c.Input) throw new CircuitFormatException($"circuit '{c.Name}': input '{c.Input}' is not the Input tensor '{inputs[0].Name}'");
        foreach (var t in c.Tensors)
        {
            if (t.Bits < 1 || t.Bits > 63) throw new CircuitFormatException($"tensor '{t.Name}': bits {t.Bits} not in [1, 63]");
            if (t.Scale < 0 || t.Scale > 62) throw new CircuitFormatException($"tensor '{t.Name}': scale {t.Scale} not in [0, 62]");
            _ = ShapeUtil.Size(t.Shape);
        }
        var defined = new HashSet<string>(StringComparer.Ordinal) { c.Input };
        foreach (var t in c.Tensors) if (t.Kind == TensorKind.Weight) defined.Add(t.Name);
        foreach (var layer in c.Layers)
        {
            foreach (var i in layer.Inputs)
            {
                if (!c.HasTensor(i)) throw new CircuitFormatException($"layer '{layer.Name}' ({layer.Op}) reads unknown tensor '{i}'");
                if (!defined.Contains(i)) throw new CircuitFormatException($"layer '{layer.Name}' ({layer.Op}) reads '{i}' before it is computed");
            }
            var o = c.Tensor(layer.Output);
            if (o.Kind != TensorKind.Activation) throw new CircuitFormatException($"layer '{layer.Name}' writes '{o.Name}', which is not an Activation");
            if (!defined.Add(o.Name)) throw new CircuitFormatException($"layer '{layer.Name}' writes '{o.Name}', which is already defined");
            var (shape, scale) = Infer(layer, c.Tensor);
            if (!shape.AsSpan().SequenceEqual(o.Shape))
                throw new CircuitFormatException($"layer '{layer.Name}' ({layer.Op}): output '{o.Name}' declared shape {ShapeUtil.Format(o.Shape)}, the layer gives {ShapeUtil.Format(shape)}");
            if (scale != o.Scale)
                throw new CircuitFormatException($"layer '{layer.Name}' ({layer.Op}): output '{o.Name}' declared scale {o.Scale}, the layer gives {scale}");
        }
        foreach (var name in c.Outputs)
        {
            if (!defined.Contains(name) || c.Tensor(name).Kind != TensorKind.Activation)
                throw new CircuitFormatException($"circuit output '{name}' is not computed by any layer");
        }
    }

    static CircuitFormatException Bad(Layer l, string what) => new($"layer '{l.Name}' ({l.Op}): {what}");

    /// <summary>The output shape (per sample) and scale that a layer's rule gives for its inputs.</summary>
    public static (int[] Shape, int Scale) Infer(Layer layer, Func<string, TensorInfo> t)
    {
        switch (layer)
        {
            case DenseLayer d:
            {
                var x = t(d.Input); var w = t(d.Weight);
                if (w.Kind != TensorKind.Weight || w.Shape.Length != 2) throw Bad(layer, $"weight '{w.Name}' must be a 2-D Weight [M,K]");
                if (x.Shape.Length < 1 || x.Shape[^1] != w.Shape[1]) throw Bad(layer, $"input {ShapeUtil.Format(x.Shape)} does not end in K = {w.Shape[1]}");
                int s = x.Scale + w.Scale;
                if (d.Bias is { } bn)
                {
                    var b = t(bn);
                    if (b.Kind != TensorKind.Weight || b.Shape.Length != 1 || b.Shape[0] != w.Shape[0]) throw Bad(layer, $"bias '{bn}' must be a Weight [{w.Shape[0]}]");
                    if (b.Scale != s) throw Bad(layer, $"bias scale {b.Scale} must equal scale(X)+scale(W) = {s}");
                }
                return ([.. x.Shape[..^1], w.Shape[0]], s);
            }
            case MatMulLayer m:
            {
                var a = t(m.A); var b = t(m.B);
                return (MatMulShape(a.Shape, b.Shape) ?? throw Bad(layer, $"MatMul shapes {ShapeUtil.Format(a.Shape)} x {ShapeUtil.Format(b.Shape)} are incompatible"), a.Scale + b.Scale);
            }
            case Conv2dLayer cv:
            {
                var x = t(cv.Input); var w = t(cv.Weight);
                if (x.Shape.Length != 3) throw Bad(layer, $"input must be [C,H,W], is {ShapeUtil.Format(x.Shape)}");
                int groups = cv.Group ?? 1;
                if (cv.Group is { } gr && (gr < 2 || x.Shape[0] % gr != 0))
                    throw Bad(layer, $"group {gr} must be at least 2 (omit it for 1) and divide the {x.Shape[0]} input channels");
                if (w.Kind != TensorKind.Weight || w.Shape.Length != 4 || w.Shape[1] * groups != x.Shape[0] || w.Shape[0] % groups != 0)
                    throw Bad(layer, $"weight must be a Weight [O,{x.Shape[0] / groups},kh,kw] with O a multiple of the group count {groups}, is {ShapeUtil.Format(w.Shape)}");
                CheckGeometry(layer, cv.Pads, cv.Strides, cv.Dilations, [w.Shape[2], w.Shape[3]]);
                int s = x.Scale + w.Scale;
                if (cv.Bias is { } bn)
                {
                    var b = t(bn);
                    if (b.Kind != TensorKind.Weight || b.Shape.Length != 1 || b.Shape[0] != w.Shape[0]) throw Bad(layer, $"bias '{bn}' must be a Weight [{w.Shape[0]}]");
                    if (b.Scale != s) throw Bad(layer, $"bias scale {b.Scale} must equal {s}");
                }
                int oh = Geometry.OutDim(x.Shape[1], w.Shape[2], cv.Strides[0], cv.Pads[0], cv.Pads[2], cv.Dilations[0], false);
                int ow = Geometry.OutDim(x.Shape[2], w.Shape[3], cv.Strides[1], cv.Pads[1], cv.Pads[3], cv.Dilations[1], false);
                if (oh < 1 || ow < 1) throw Bad(layer, "empty output");
                return ([w.Shape[0], oh, ow], s);
            }
            case RescaleLayer r:
            {
                var x = t(r.Input);
                if (r.Shift < 1 || r.Shift > 62) throw Bad(layer, $"shift {r.Shift} not in [1, 62]");
                return (x.Shape, x.Scale - r.Shift);
            }
            case ReluLayer r: return Same(t(r.Input));
            case LeakyReluLayer lr:
                if (lr.AlphaShift < 1 || lr.AlphaShift > 31 || lr.AlphaNum < -(1L << 31) || lr.AlphaNum > (1L << 31)) throw Bad(layer, "AlphaShift must be in [1,31] and |AlphaNum| ≤ 2^31");
                return Same(t(lr.Input));
            case ClipLayer cl:
                if (cl.Min > cl.Max) throw Bad(layer, $"min {cl.Min} > max {cl.Max}");
                return Same(t(cl.Input));
            case MaxPool2dLayer mp:
            {
                var x = t(mp.Input);
                if (x.Shape.Length != 3) throw Bad(layer, $"input must be [C,H,W], is {ShapeUtil.Format(x.Shape)}");
                CheckGeometry(layer, mp.Pads, mp.Strides, mp.Dilations, mp.Kernel);
                int oh = Geometry.OutDim(x.Shape[1], mp.Kernel[0], mp.Strides[0], mp.Pads[0], mp.Pads[2], mp.Dilations[0], mp.CeilMode);
                int ow = Geometry.OutDim(x.Shape[2], mp.Kernel[1], mp.Strides[1], mp.Pads[1], mp.Pads[3], mp.Dilations[1], mp.CeilMode);
                if (oh < 1 || ow < 1) throw Bad(layer, "empty output");
                return ([x.Shape[0], oh, ow], x.Scale);
            }
            case AvgPool2dLayer ap:
            {
                var x = t(ap.Input);
                if (x.Shape.Length != 3) throw Bad(layer, $"input must be [C,H,W], is {ShapeUtil.Format(x.Shape)}");
                CheckGeometry(layer, ap.Pads, ap.Strides, [1, 1], ap.Kernel);
                if (ap.Shift < 1 || ap.Shift > 40) throw Bad(layer, $"shift {ap.Shift} not in [1, 40]");
                int oh = Geometry.OutDim(x.Shape[1], ap.Kernel[0], ap.Strides[0], ap.Pads[0], ap.Pads[2], 1, ap.CeilMode);
                int ow = Geometry.OutDim(x.Shape[2], ap.Kernel[1], ap.Strides[1], ap.Pads[1], ap.Pads[3], 1, ap.CeilMode);
                if (oh < 1 || ow < 1) throw Bad(layer, "empty output");
                return ([x.Shape[0], oh, ow], x.Scale);
            }
            case AddLayer or SubLayer:
            {
                var (an, bn) = layer is AddLayer ad ? (ad.A, ad.B) : (((SubLayer)layer).A, ((SubLayer)layer).B);
                var a = t(an); var b = t(bn);
                if (a.Scale != b.Scale) throw Bad(layer, $"operand scales differ: '{a.Name}' {a.Scale}, '{b.Name}' {b.Scale}");
                return (ShapeUtil.Broadcast(a.Shape, b.Shape) ?? throw Bad(layer, $"shapes {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)} do not broadcast"), a.Scale);
            }
            case MulLayer mu:
            {
                var a = t(mu.A); var b = t(mu.B);
                return (ShapeUtil.Broadcast(a.Shape, b.Shape) ?? throw Bad(layer, $"shapes {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)} do not broadcast"), a.Scale + b.Scale);
            }
            case MulConstLayer mc:
            {
                var x = t(mc.Input);
                return (x.Shape, x.Scale + mc.ScaleDelta);
            }
            case ChannelAffineLayer ca:
            {
                var x = t(ca.Input); var a = t(ca.Weight); var b = t(ca.Bias);
                if (x.Shape.Length < 1) throw Bad(layer, "input must have a channel axis");
                int cch = x.Shape[0];
                if (a.Kind != TensorKind.Weight || b.Kind != TensorKind.Weight || a.Shape is not [var ac] || b.Shape is not [var bc] || ac != cch || bc != cch)
                    throw Bad(layer, $"weight and bias must be Weights of shape [{cch}]");
                if (b.Scale != x.Scale + a.Scale) throw Bad(layer, $"bias scale {b.Scale} must equal {x.Scale + a.Scale}");
                return (x.Shape, b.Scale);
            }
            case LookupLayer lk:
            {
                var x = t(lk.Input);
                if (x.Scale != lk.InScale) throw Bad(layer, $"InScale {lk.InScale} differs from the input's scale {x.Scale}");
                string digest = LookupTables.Digest(lk.Function, lk.InScale, lk.OutScale, lk.Min, lk.Max);
                if (digest != lk.TableDigest) throw Bad(layer, $"table digest {lk.TableDigest} does not match the table computed here ({digest}): platform difference in {lk.Function}?");
                return (x.Shape, lk.OutScale);
            }
            case SoftmaxLayer sm:
            {
                var x = t(sm.Input);
                if (sm.Axis < 0 || sm.Axis >= x.Shape.Length) throw Bad(layer, $"axis {sm.Axis} out of range for {ShapeUtil.Format(x.Shape)}");
                if (x.Scale != sm.ExpInScale) throw Bad(layer, $"ExpInScale {sm.ExpInScale} differs from the input's scale {x.Scale}");
                if (sm.ExpMin > 0) throw Bad(layer, "ExpMin must be ≤ 0");
                if (sm.OutScale < 0 || sm.OutScale > 40 || sm.ExpOutScale > 40) throw Bad(layer, "OutScale and ExpOutScale must be ≤ 40");
                string digest = LookupTables.Digest("exp", sm.ExpInScale, sm.ExpOutScale, sm.ExpMin, 0);
                if (digest != sm.TableDigest) throw Bad(layer, $"exp table digest {sm.TableDigest} does not match the table computed here ({digest})");
                return (x.Shape, sm.OutScale);
            }
            case ReshapeLayer or FlattenLayer:
            {
                string inName = layer is ReshapeLayer rs ? rs.Input : ((FlattenLayer)layer).Input;
                var x = t(inName); var o = t(layer.Output);
                if (ShapeUtil.Size(x.Shape) != ShapeUtil.Size(o.Shape)) throw Bad(layer, $"cannot reshape {ShapeUtil.Format(x.Shape)} to {ShapeUtil.Format(o.Shape)}");
                return (o.Shape, x.Scale);
            }
            case SelectLayer sl:
            {
                var x = t(sl.Input);
                if (sl.Shape.Length == 0 || sl.Shape.Any(d => d < 1)) throw Bad(layer, $"shape {ShapeUtil.Format(sl.Shape)} must have positive dimensions");
                if (sl.Indices.LongLength != ShapeUtil.Size(sl.Shape)) throw Bad(layer, $"{sl.Indices.LongLength} indices for shape {ShapeUtil.Format(sl.Shape)}");
                foreach (long i in sl.Indices)
                    if (i < -1 || i >= x.Size) throw Bad(layer, $"index {i} is outside the input's {x.Size} elements (−1 selects 0)");
                return (sl.Shape, x.Scale);
            }
            case TransposeLayer tr:
            {
                var x = t(tr.Input);
                if (tr.Perm.Length != x.Shape.Length || tr.Perm.Order().Where((p, i) => p != i).Any()) throw Bad(layer, $"perm [{string.Join(",", tr.Perm)}] is not a permutation of the {x.Shape.Length} axes");
                return (tr.Perm.Select(p => x.Shape[p]).ToArray(), x.Scale);
            }
            case ConcatLayer cc:
            {
                if (cc.InputList.Length == 0) throw Bad(layer, "no inputs");
                var first = t(cc.InputList[0]);
                if (cc.Axis < 0 || cc.Axis >= first.Shape.Length) throw Bad(layer, $"axis {cc.Axis} out of range");
                var shape = (int[])first.Shape.Clone();
                foreach (var n in cc.InputList.Skip(1))
                {
                    var x = t(n);
                    if (x.Scale != first.Scale) throw Bad(layer, $"input scales differ: '{first.Name}' {first.Scale}, '{x.Name}' {x.Scale}");
                    if (x.Shape.Length != shape.Length || Enumerable.Range(0, shape.Length).Any(i => i != cc.Axis && x.Shape[i] != shape[i]))
                        throw Bad(layer, $"input '{x.Name}' {ShapeUtil.Format(x.Shape)} does not match {ShapeUtil.Format(first.Shape)} off axis {cc.Axis}");
                    shape[cc.Axis] += x.Shape[cc.Axis];
                }
                return (shape, first.Scale);
            }
            default: throw Bad(layer, "unknown layer type");
        }
    }

    static (int[], int) Same(TensorInfo x) => (x.Shape, x.Scale);

    static void CheckGeometry(Layer l, int[] pads, int[] strides, int[] dil, int[] kernel)
    {
        if (pads.Length != 4 || strides.Length != 2 || dil.Length != 2 || kernel.Length != 2) throw Bad(l, "pads need 4 entries, strides/dilations/kernel 2");
        if (strides.Any(s => s < 1) || dil.Any(d => d < 1) || kernel.Any(k => k < 1) || pads.Any(p => p < 0)) throw Bad(l, "strides, dilations, kernel must be ≥ 1 and pads ≥ 0");
        for (int a = 0; a < 2; a++)
            if (pads[a] >= (kernel[a] - 1) * dil[a] + 1 || pads[a + 2] >= (kernel[a] - 1) * dil[a] + 1)
                throw Bad(l, "each pad must be smaller than the (dilated) kernel");
    }

    /// <summary>Per-sample output shape of ONNX MatMul, or null.</summary>
    public static int[]? MatMulShape(int[] a, int[] b)
    {
        if (a.Length == 0 || b.Length == 0) return null;
        int[] a2 = a.Length == 1 ? [1, a[0]] : a;
        int[] b2 = b.Length == 1 ? [b[0], 1] : b;
        if (a2[^1] != b2[^2]) return null;
        var batch = ShapeUtil.Broadcast(a2[..^2], b2[..^2]);
        if (batch is null) return null;
        var o = new List<int>(batch);
        if (a.Length > 1) o.Add(a2[^2]);
        if (b.Length > 1) o.Add(b2[^1]);
        return [.. o];
    }
}

/// <summary>Pooling / convolution geometry.</summary>
public static class Geometry
{
    /// <summary>Output length along one axis: floor (or ceil) of (in + pads − ((k−1)·d + 1)) / s, plus 1;
    /// in ceil mode the last window must start inside the input or its leading padding.</summary>
    public static int OutDim(int inDim, int k, int s, int padBegin, int padEnd, int d, bool ceil)
    {
        long span = (long)inDim + padBegin + padEnd - ((long)(k - 1) * d + 1);
        if (span < 0) return 0;
        long o = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (o - 1) * s >= inDim + padBegin) o--;
        return (int)o;
    }
}
