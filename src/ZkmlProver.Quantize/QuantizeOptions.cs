namespace ZkmlProver.Quantize;

/// <summary>
/// Knobs of <see cref="Quantizer"/>. Every scale is a power-of-two exponent chosen from the
/// calibration data so that the calibrated values fit the declared bit widths with headroom.
/// </summary>
public sealed record QuantizeOptions
{
    /// <summary>Input scale exponent; null = chosen from calibration (with <see cref="InputHeadroom"/>).</summary>
    public int? InputScale { get; init; }
    /// <summary>Signed bit width of weight matrices / kernels (scale chosen so max |w| uses it fully).</summary>
    public int WeightBits { get; init; } = 12;
    /// <summary>Signed bit width of activations (inputs of nonlinear layers, outputs of Rescale, Relu, pools...).</summary>
    public int ActivationBits { get; init; } = 16;
    /// <summary>Largest lookup table for Sigmoid/Tanh/Softmax-exp: 2^LookupInputBits entries.</summary>
    public int LookupInputBits { get; init; } = 14;
    /// <summary>Calibrated max |activation| × this must fit the activation range.</summary>
    public double ActivationHeadroom { get; init; } = 2.0;
    /// <summary>Calibrated max |input| × this must fit the input range (inputs outside the calibration range are common).</summary>
    public double InputHeadroom { get; init; } = 4.0;
    /// <summary>Calibrated max |accumulator| × this must fit the accumulator's declared Bits
    /// (never more than the worst case over the declared input ranges).</summary>
    public double AccumulatorHeadroom { get; init; } = 4.0;
    /// <summary>Largest scale exponent given to any activation.</summary>
    public int MaxScale { get; init; } = 24;
    /// <summary>Fixed-point shift of the average-pool multiplier.</summary>
    public int AvgPoolShift { get; init; } = 16;
    /// <summary>Fixed-point shift of the LeakyRelu slope.</summary>
    public int LeakyReluShift { get; init; } = 16;
    /// <summary>Whether the ONNX input's leading dimension is the batch (null = auto: symbolic or 1, rank ≥ 2).</summary>
    public bool? BatchDimension { get; init; }
    /// <summary>Circuit name (null = model file name, or its folder's name for "network.onnx").</summary>
    public string? Name { get; init; }

    /// <summary>Checks the ranges of the options.</summary>
    public void Validate()
    {
        if (WeightBits is < 2 or > 32) throw new QuantizeException($"weight bits {WeightBits} must be in [2, 32]");
        if (ActivationBits is < 4 or > 40) throw new QuantizeException($"activation bits {ActivationBits} must be in [4, 40]");
        if (LookupInputBits is < 4 or > 24) throw new QuantizeException($"lookup input bits {LookupInputBits} must be in [4, 24]");
        if (InputScale is < 0 or > 40) throw new QuantizeException($"input scale {InputScale} must be in [0, 40]");
        if (ActivationHeadroom < 1 || InputHeadroom < 1 || AccumulatorHeadroom < 1) throw new QuantizeException("headroom factors must be ≥ 1");
    }
}
