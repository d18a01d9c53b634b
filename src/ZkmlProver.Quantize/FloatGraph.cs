namespace ZkmlProver.Quantize;

/// <summary>
/// The model after ONNX-level folding and before quantization: per-sample shapes (no batch
/// dimension), Gemm/MatMul-with-constant as <see cref="FDense"/> with W stored [M,K], BatchNorm
/// folded into the preceding Conv/Dense (or kept as <see cref="FChannelAffine"/>), Div by a
/// constant as <see cref="FMulConst"/>, Identity removed. Evaluated in double by
/// <see cref="FloatEvaluator"/> for calibration.
/// </summary>
public sealed class FloatGraph
{
    /// <summary>The graph input's name.</summary>
    public required string Input { get; init; }
    /// <summary>The graph outputs (after Identity removal).</summary>
    public required List<string> Outputs { get; init; }
    /// <summary>The ONNX output names, parallel to <see cref="Outputs"/>.</summary>
    public required List<string> OnnxOutputs { get; init; }
    /// <summary>Operations in evaluation order.</summary>
    public required List<FOp> Ops { get; init; }
    /// <summary>Per-sample shape of every activation (input included).</summary>
    public required Dictionary<string, int[]> Shapes { get; init; }
    /// <summary>Constant operands of binary ops / concat, with per-sample-aligned shapes.</summary>
    public required Dictionary<string, FConst> Constants { get; init; }
    /// <summary>True when the ONNX input's leading dimension is the batch dimension.</summary>
    public bool HasBatchDim { get; init; }
    /// <summary>Per-sample input shape.</summary>
    public int[] InputShape => Shapes[Input];
}

/// <summary>A constant tensor (float values, row-major, shape aligned for per-sample broadcasting).</summary>
public sealed record FConst(string Name, int[] Shape, float[] Data);

/// <summary>Base of the float ops. <see cref="Node"/> names the ONNX node (for messages and layer names).</summary>
public abstract record FOp(string Node, string Output)
{
    /// <summary>Activations read by the op (constants excluded).</summary>
    public abstract IEnumerable<string> ActivationInputs { get; }
}

/// <summary>Y[..., m] = Σ_k X[..., k]·W[m,k] + B[m]; W row-major [M,K].</summary>
public sealed record FDense(string Node, string Input, string WName, float[] W, int M, int K, string? BName, float[]? B, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>2-D convolution, W [O,C/Group,kh,kw], pads [t,l,b,r]; Group &gt; 1: grouped (depthwise when Group = C).</summary>
public sealed record FConv(string Node, string Input, string WName, float[] W, int[] WShape, string? BName, float[]? B, int[] Pads, int[] Strides, int[] Dilations, string Output, int Group = 1) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>MatMul of two activations, or of an activation and a constant B of rank ≠ 2 (batched).</summary>
public sealed record FMatMul(string Node, string A, string B, bool BConst, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => BConst ? [A] : [A, B]; }

/// <summary>Elementwise unary function.</summary>
public enum FUnaryKind { Relu, Sigmoid, Tanh, Lookup }

/// <summary>Relu / Sigmoid / Tanh, or <see cref="FUnaryKind.Lookup"/> of a <see cref="ZkmlProver.Circuit.LookupFunctions"/>
/// name (<paramref name="Function"/>: erf, gelu, elu:α, pow:e, …) tabulated over the calibrated input range.</summary>
public sealed record FUnary(string Node, FUnaryKind Kind, string Input, string Output, string? Function = null) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>LeakyRelu(alpha).</summary>
public sealed record FLeakyRelu(string Node, string Input, float Alpha, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>Clip(min, max); null bound = none.</summary>
public sealed record FClip(string Node, string Input, float? Min, float? Max, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>Softmax along a per-sample axis.</summary>
public sealed record FSoftmax(string Node, string Input, int Axis, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>2-D pooling (max or average) over [C,H,W].</summary>
public sealed record FPool(string Node, bool IsMax, string Input, int[] Kernel, int[] Strides, int[] Pads, int[] Dilations, bool CeilMode, bool CountIncludePad, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>Binary elementwise op.</summary>
public enum FBinaryKind { Add, Sub, Mul }

/// <summary>A ∘ B with broadcasting; an operand may be a constant (name in <see cref="FloatGraph.Constants"/>).</summary>
public sealed record FBinary(string Node, FBinaryKind Kind, string A, string B, bool AConst, bool BConst, string Output) : FOp(Node, Output)
{
    public override IEnumerable<string> ActivationInputs => (AConst, BConst) switch
    {
        (false, false) => [A, B], (true, false) => [B], (false, true) => [A], _ => [],
    };
}

/// <summary>Y = C·X for a real constant C (Div by a constant, Mul by a scalar constant).</summary>
public sealed record FMulConst(string Node, string Input, double C, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>Y[c,...] = X[c,...]·A[c] + B[c] (BatchNorm that could not be folded).</summary>
public sealed record FChannelAffine(string Node, string Input, string AName, float[] A, string BName, float[] B, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>Reshape or Flatten (data unchanged; shape in <see cref="FloatGraph.Shapes"/>).</summary>
public sealed record FReshape(string Node, bool IsFlatten, string Input, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>Transpose with a per-sample permutation.</summary>
/// <summary>Per-sample selection: Y[o] = X[Indices[o]], 0 where Indices[o] = −1 (Slice, Split, Gather, Expand, Tile, Resize, Trilu).</summary>
public sealed record FSelect(string Node, string Input, long[] Indices, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

public sealed record FTranspose(string Node, string Input, int[] Perm, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => [Input]; }

/// <summary>Concat along a per-sample axis; inputs may be constants.</summary>
public sealed record FConcat(string Node, string[] Inputs, bool[] IsConst, int Axis, string Output) : FOp(Node, Output)
{ public override IEnumerable<string> ActivationInputs => Inputs.Where((_, i) => !IsConst[i]); }
