namespace ZkmlProver.Circuit;

/// <summary>
/// A value left its declared range, or integer arithmetic overflowed, while evaluating a circuit
/// (or while quantizing an input / a weight into it). The message names the layer, the tensor,
/// the flat index, the value, the range and a remedy.
/// </summary>
public sealed class CircuitRangeException : Exception
{
    /// <summary>Creates the exception; the message is assembled from the fields.</summary>
    public CircuitRangeException(string layer, string tensor, long index, string value, long rangeMin, long rangeMax, string remedy)
        : base($"range error in layer '{layer}', tensor '{tensor}' at flat index {index}: value {value} " +
               $"is outside [{rangeMin}, {rangeMax}]; {remedy}")
    {
        Layer = layer; Tensor = tensor; Index = index; Value = value; RangeMin = rangeMin; RangeMax = rangeMax; Remedy = remedy;
    }

    /// <summary>Creates the exception for a declared signed bit width (64 = raw int64 overflow).</summary>
    public static CircuitRangeException ForBits(string layer, string tensor, long index, Int128 value, int bits, string remedy)
        => new(layer, tensor, index, value.ToString(), bits >= 64 ? long.MinValue : -(1L << (bits - 1)),
               bits >= 64 ? long.MaxValue : (1L << (bits - 1)) - 1, bits >= 64 ? "64-bit overflow; " + remedy : $"declared {bits}-bit range; {remedy}");

    /// <summary>Layer name (the ONNX node it came from), or "input"/"weights" for data checks.</summary>
    public string Layer { get; }
    /// <summary>Tensor whose value is out of range.</summary>
    public string Tensor { get; }
    /// <summary>Flat index into the tensor's batch-major storage.</summary>
    public long Index { get; }
    /// <summary>The offending value in decimal (may exceed the 64-bit range on overflow).</summary>
    public string Value { get; }
    /// <summary>Smallest allowed value.</summary>
    public long RangeMin { get; }
    /// <summary>Largest allowed value.</summary>
    public long RangeMax { get; }
    /// <summary>What to change to make the value fit.</summary>
    public string Remedy { get; }
}

/// <summary>A circuit or weights file is malformed or inconsistent (bad JSON, digest mismatch,
/// shape/scale mismatch, unknown tensor...). The message says where.</summary>
public sealed class CircuitFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CircuitFormatException(string message, Exception? inner = null) : base(message, inner) { }
}
