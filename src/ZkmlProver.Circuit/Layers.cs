using System.Text.Json.Serialization;

namespace ZkmlProver.Circuit;

/// <summary>
/// One integer layer: reads named tensors, writes the tensor <see cref="Output"/>. Serialized
/// polymorphically with the discriminator <c>"op"</c>. Semantics: docs/CIRCUIT.md.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(DenseLayer), "Dense")]
[JsonDerivedType(typeof(MatMulLayer), "MatMul")]
[JsonDerivedType(typeof(Conv2dLayer), "Conv2d")]
[JsonDerivedType(typeof(RescaleLayer), "Rescale")]
[JsonDerivedType(typeof(ReluLayer), "Relu")]
[JsonDerivedType(typeof(LeakyReluLayer), "LeakyRelu")]
[JsonDerivedType(typeof(ClipLayer), "Clip")]
[JsonDerivedType(typeof(MaxPool2dLayer), "MaxPool2d")]
[JsonDerivedType(typeof(AvgPool2dLayer), "AvgPool2d")]
[JsonDerivedType(typeof(AddLayer), "Add")]
[JsonDerivedType(typeof(SubLayer), "Sub")]
[JsonDerivedType(typeof(MulLayer), "Mul")]
[JsonDerivedType(typeof(MulConstLayer), "MulConst")]
[JsonDerivedType(typeof(ChannelAffineLayer), "ChannelAffine")]
[JsonDerivedType(typeof(LookupLayer), "Lookup")]
[JsonDerivedType(typeof(SoftmaxLayer), "Softmax")]
[JsonDerivedType(typeof(ReshapeLayer), "Reshape")]
[JsonDerivedType(typeof(FlattenLayer), "Flatten")]
[JsonDerivedType(typeof(TransposeLayer), "Transpose")]
[JsonDerivedType(typeof(SelectLayer), "Select")]
[JsonDerivedType(typeof(ConcatLayer), "Concat")]
public abstract record Layer
{
    /// <summary>Name of the ONNX node the layer came from (for error messages).</summary>
    [JsonPropertyOrder(-10)] public required string Name { get; init; }
    /// <summary>Output tensor name.</summary>
    [JsonPropertyOrder(100)] public required string Output { get; init; }
    /// <summary>The op tag as written in JSON ("Dense", "Rescale", ...).</summary>
    [JsonIgnore] public string Op => GetOp();
    /// <summary>Implementation of <see cref="Op"/>.</summary>
    protected abstract string GetOp();
    /// <summary>Names of the tensors the layer reads, in a fixed order.</summary>
    [JsonIgnore] public IReadOnlyList<string> Inputs => GetInputs();
    /// <summary>Names of the tensors the layer reads (implementation of <see cref="Inputs"/>).</summary>
    protected abstract IReadOnlyList<string> GetInputs();
}

/// <summary>Y[..., m] = Σ_k X[..., k]·W[m,k] + b[m]; W stored [M,K]; scale(Y) = sX + sW = scale(b).</summary>
public sealed record DenseLayer : Layer
{
    public required string Input { get; init; }
    public required string Weight { get; init; }
    public string? Bias { get; init; }
    protected override string GetOp() => "Dense";
    protected override IReadOnlyList<string> GetInputs() => Bias is null ? [Input, Weight] : [Input, Weight, Bias];
}

/// <summary>ONNX MatMul of two tensors (batched, broadcast over leading per-sample dims); scale sA + sB.</summary>
public sealed record MatMulLayer : Layer
{
    public required string A { get; init; }
    public required string B { get; init; }
    protected override string GetOp() => "MatMul";
    protected override IReadOnlyList<string> GetInputs() => [A, B];
}

/// <summary>2-D convolution, group 1, zero padding. X [C,H,W], W [O,C,kh,kw], Y [O,H',W'].
/// Pads = [top, left, bottom, right].</summary>
public sealed record Conv2dLayer : Layer
{
    public required string Input { get; init; }
    public required string Weight { get; init; }
    public string? Bias { get; init; }
    public required int[] Pads { get; init; }
    public required int[] Strides { get; init; }
    public required int[] Dilations { get; init; }
    /// <summary>Grouped convolution: input channels and output channels split into Group groups, output
    /// channel o reading only the C/Group input channels of its group o / (O/Group) (depthwise: Group = C).
    /// Weight [O, C/Group, kh, kw]. Null means 1 and is the only way to write 1 (omitted from the JSON,
    /// so circuits without groups keep their digests).</summary>
    public int? Group { get; init; }
    protected override string GetOp() => "Conv2d";
    protected override IReadOnlyList<string> GetInputs() => Bias is null ? [Input, Weight] : [Input, Weight, Bias];
}

/// <summary>Y = floor((X + 2^(Shift−1)) / 2^Shift) (round half up, floor also for negatives);
/// scale(Y) = scale(X) − Shift. 1 ≤ Shift ≤ 62.</summary>
public sealed record RescaleLayer : Layer
{
    public required string Input { get; init; }
    public required int Shift { get; init; }
    protected override string GetOp() => "Rescale";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Y = max(X, 0).</summary>
public sealed record ReluLayer : Layer
{
    public required string Input { get; init; }
    protected override string GetOp() => "Relu";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Y = floor(((2^t − a)·max(X,0) + a·X + 2^(t−1)) / 2^t) with a = AlphaNum, t = AlphaShift
/// (so Y = X for X ≥ 0, ≈ (a/2^t)·X otherwise). 1 ≤ t ≤ 31, |a| ≤ 2^31.</summary>
public sealed record LeakyReluLayer : Layer
{
    public required string Input { get; init; }
    public required long AlphaNum { get; init; }
    public required int AlphaShift { get; init; }
    protected override string GetOp() => "LeakyRelu";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Y = min(max(X, Min), Max); bounds at the input's scale (long.MinValue/MaxValue when absent).</summary>
public sealed record ClipLayer : Layer
{
    public required string Input { get; init; }
    public required long Min { get; init; }
    public required long Max { get; init; }
    protected override string GetOp() => "Clip";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>2-D max pooling over [C,H,W]: maximum over the window's in-bounds cells (padding excluded).</summary>
public sealed record MaxPool2dLayer : Layer
{
    public required string Input { get; init; }
    public required int[] Kernel { get; init; }
    public required int[] Strides { get; init; }
    public required int[] Pads { get; init; }
    public required int[] Dilations { get; init; }
    public bool CeilMode { get; init; }
    protected override string GetOp() => "MaxPool2d";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>2-D average pooling over [C,H,W]: Y = floor((S·m + 2^(t−1)) / 2^t), S = sum of in-bounds
/// cells, c = kernel area (CountIncludePad) or in-bounds count, m = floor((2^(t+1) + c) / (2c)).</summary>
public sealed record AvgPool2dLayer : Layer
{
    /// <summary>Average-pool multiplier m = round(2^t / c) = floor((2^(t+1) + c) / (2c)): the
    /// evaluator and the verifier's window map both use it.</summary>
    public static long Multiplier(int t, long count) => (long)(((Int128.One << (t + 1)) + count) / (2 * (Int128)count));

    public required string Input { get; init; }
    public required int[] Kernel { get; init; }
    public required int[] Strides { get; init; }
    public required int[] Pads { get; init; }
    public bool CeilMode { get; init; }
    public bool CountIncludePad { get; init; }
    public required int Shift { get; init; }
    protected override string GetOp() => "AvgPool2d";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Y = A + B (ONNX broadcasting over per-sample shapes; equal scales).</summary>
public sealed record AddLayer : Layer
{
    public required string A { get; init; }
    public required string B { get; init; }
    protected override string GetOp() => "Add";
    protected override IReadOnlyList<string> GetInputs() => [A, B];
}

/// <summary>Y = A − B (ONNX broadcasting; equal scales).</summary>
public sealed record SubLayer : Layer
{
    public required string A { get; init; }
    public required string B { get; init; }
    protected override string GetOp() => "Sub";
    protected override IReadOnlyList<string> GetInputs() => [A, B];
}

/// <summary>Y = A·B elementwise (ONNX broadcasting); scale sA + sB.</summary>
public sealed record MulLayer : Layer
{
    public required string A { get; init; }
    public required string B { get; init; }
    protected override string GetOp() => "Mul";
    protected override IReadOnlyList<string> GetInputs() => [A, B];
}

/// <summary>Y = Multiplier·X; scale(Y) = scale(X) + ScaleDelta.</summary>
public sealed record MulConstLayer : Layer
{
    public required string Input { get; init; }
    public required long Multiplier { get; init; }
    public int ScaleDelta { get; init; }
    protected override string GetOp() => "MulConst";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Y[c, ...] = X[c, ...]·Weight[c] + Bias[c] over X [C, ...]; scale = sX + s(Weight) = s(Bias).</summary>
public sealed record ChannelAffineLayer : Layer
{
    public required string Input { get; init; }
    public required string Weight { get; init; }
    public required string Bias { get; init; }
    protected override string GetOp() => "ChannelAffine";
    protected override IReadOnlyList<string> GetInputs() => [Input, Weight, Bias];
}

/// <summary>Y = T[X], T[q] = round_half_away(f(q / 2^InScale)·2^OutScale) for q ∈ [Min, Max];
/// an input outside [Min, Max] is a range error. <see cref="TableDigest"/> = SHA-256 of the table
/// (see <see cref="LookupTables.Digest(string, int, int, long, long)"/>).</summary>
public sealed record LookupLayer : Layer
{
    public required string Input { get; init; }
    /// <summary>A <see cref="LookupFunctions"/> name: "sigmoid", "tanh", "exp", "erf", "gelu", "elu:1", "pow:-0.1", ….</summary>
    public required string Function { get; init; }
    public required int InScale { get; init; }
    public required int OutScale { get; init; }
    public required long Min { get; init; }
    public required long Max { get; init; }
    public required string TableDigest { get; init; }
    protected override string GetOp() => "Lookup";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Integer softmax along a per-sample axis: d = max(X − max_axis X, ExpMin), e = ExpTable(d)
/// with ExpTable = exp lookup (InScale ExpInScale = scale(X), OutScale ExpOutScale, domain [ExpMin, 0]),
/// S = Σ_axis e, Y = floor((e·2^OutScale + floor(S/2)) / S). TableDigest is the exp table's digest.</summary>
public sealed record SoftmaxLayer : Layer
{
    public required string Input { get; init; }
    public required int Axis { get; init; }
    public required int ExpInScale { get; init; }
    public required int ExpOutScale { get; init; }
    public required long ExpMin { get; init; }
    public required int OutScale { get; init; }
    public required string TableDigest { get; init; }
    protected override string GetOp() => "Softmax";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Per-sample reshape: row-major data unchanged; the new shape is the output tensor's.</summary>
public sealed record ReshapeLayer : Layer
{
    public required string Input { get; init; }
    protected override string GetOp() => "Reshape";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Per-sample flatten: row-major data unchanged; the new shape is the output tensor's.</summary>
public sealed record FlattenLayer : Layer
{
    public required string Input { get; init; }
    protected override string GetOp() => "Flatten";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Per-sample selection by a public index map: Y[o] = X[Indices[o]] (row-major per-sample
/// indices), 0 where Indices[o] = −1; Y has per-sample shape <see cref="Shape"/>. Slice, Split, Gather
/// by constant indices, Expand, Tile, nearest Resize/Upsample and Trilu of a computed tensor: proven as
/// a view (a public map, nothing committed), like Transpose.</summary>
public sealed record SelectLayer : Layer
{
    public required string Input { get; init; }
    public required int[] Shape { get; init; }
    public required long[] Indices { get; init; }
    protected override string GetOp() => "Select";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Per-sample transpose: output axis i is input axis Perm[i].</summary>
public sealed record TransposeLayer : Layer
{
    public required string Input { get; init; }
    public required int[] Perm { get; init; }
    protected override string GetOp() => "Transpose";
    protected override IReadOnlyList<string> GetInputs() => [Input];
}

/// <summary>Concatenation along a per-sample axis; equal scales.</summary>
public sealed record ConcatLayer : Layer
{
    [JsonPropertyName("inputs")] public required string[] InputList { get; init; }
    public required int Axis { get; init; }
    protected override string GetOp() => "Concat";
    protected override IReadOnlyList<string> GetInputs() => InputList;
}
