using System.Text.Json.Serialization;

namespace ZkmlProver.Circuit;

/// <summary>Role of a tensor in the circuit.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TensorKind>))]
public enum TensorKind
{
    /// <summary>The batch input (exactly one per circuit).</summary>
    Input,
    /// <summary>A constant in the (private) weights file: weights, biases, folded parameters.</summary>
    Weight,
    /// <summary>A value computed by a layer.</summary>
    Activation,
}

/// <summary>
/// A tensor of the circuit. Values are signed integers q with real value ≈ q / 2^Scale and
/// −2^(Bits−1) ≤ q &lt; 2^(Bits−1).
/// </summary>
/// <remarks>
/// <see cref="Shape"/> is the per-sample shape (no batch dimension) for Input and Activation
/// tensors and the full shape for Weight tensors. Activations are stored batch-major: element
/// (b, i) at b·size + i, each sample row-major.
/// </remarks>
public sealed record TensorInfo
{
    /// <summary>Unique tensor name.</summary>
    public required string Name { get; init; }
    /// <summary>Input, Weight or Activation.</summary>
    public required TensorKind Kind { get; init; }
    /// <summary>Per-sample shape (Input/Activation) or full shape (Weight).</summary>
    public required int[] Shape { get; init; }
    /// <summary>Fixed-point exponent s ≥ 0 (real = q / 2^s).</summary>
    public required int Scale { get; init; }
    /// <summary>Declared signed bit width, 1..63.</summary>
    public required int Bits { get; init; }

    /// <summary>Number of elements per sample (Weight: total).</summary>
    [JsonIgnore] public int Size => ShapeUtil.Size(Shape);

    /// <summary>Smallest value allowed by <see cref="Bits"/>.</summary>
    [JsonIgnore] public long MinValue => -(1L << (Bits - 1));
    /// <summary>Largest value allowed by <see cref="Bits"/>.</summary>
    [JsonIgnore] public long MaxValue => (1L << (Bits - 1)) - 1;

    /// <summary>True when <paramref name="q"/> lies in the declared range.</summary>
    public bool InRange(long q) => q >= MinValue && q <= MaxValue;
}
