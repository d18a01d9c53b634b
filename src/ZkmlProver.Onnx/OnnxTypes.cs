using System.Collections.Immutable;
using System.Text;

namespace ZkmlProver.Onnx;

/// <summary>ONNX tensor element types (values of <c>TensorProto.DataType</c>).</summary>
public enum OnnxDataType
{
    Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7,
    String = 8, Bool = 9, Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, Complex64 = 14,
    Complex128 = 15, BFloat16 = 16,
}

/// <summary>
/// One dimension of a tensor shape: either a known size (<see cref="Value"/> ≥ 0, <see cref="Param"/>
/// null) or a symbolic one (<see cref="Value"/> = −1; <see cref="Param"/> the <c>dim_param</c> name,
/// or "?" when the size is simply unknown, e.g. −1 or an absent dim in the file).
/// </summary>
public readonly record struct OnnxDim(long Value, string? Param)
{
    /// <summary>A known dimension.</summary>
    public static OnnxDim Known(long value) => new(value, null);

    /// <summary>A symbolic dimension (name "?" when anonymous).</summary>
    public static OnnxDim Symbolic(string? param) => new(-1, string.IsNullOrEmpty(param) ? "?" : param);

    /// <summary>True when the size is a known number.</summary>
    public bool IsKnown => Param is null;

    /// <inheritdoc/>
    public override string ToString() => IsKnown ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : Param!;
}

/// <summary>An immutable tensor shape whose dimensions may be symbolic (only a batch dimension in practice).</summary>
public sealed class OnnxShape : IEquatable<OnnxShape>
{
    /// <summary>The dimensions, outermost first.</summary>
    public ImmutableArray<OnnxDim> Dims { get; }

    /// <summary>Creates a shape from its dimensions.</summary>
    public OnnxShape(IEnumerable<OnnxDim> dims) => Dims = dims.ToImmutableArray();

    /// <summary>Creates a fully known shape.</summary>
    public static OnnxShape Of(params long[] dims) => new(dims.Select(OnnxDim.Known));

    /// <summary>Creates a fully known shape.</summary>
    public static OnnxShape Of(IEnumerable<long> dims) => new(dims.Select(OnnxDim.Known));

    /// <summary>The scalar shape [].</summary>
    public static OnnxShape Scalar { get; } = new(Array.Empty<OnnxDim>());

    /// <summary>
    /// ONNX multidirectional (numpy) broadcasting of two shapes; a symbolic dim matches any size.
    /// Throws <see cref="OnnxFormatException"/> when they do not broadcast.
    /// </summary>
    public static OnnxShape Broadcast(OnnxShape a, OnnxShape b) => ShapeInference.BroadcastShapes(a, b, () => "broadcast");

    /// <summary>Number of dimensions.</summary>
    public int Rank => Dims.Length;

    /// <summary>Dimension i.</summary>
    public OnnxDim this[int i] => Dims[i];

    /// <summary>True when every dimension is a known number.</summary>
    public bool IsFullyKnown => Dims.All(d => d.IsKnown);

    /// <summary>The known sizes; throws if a dimension is symbolic (check <see cref="IsFullyKnown"/>).</summary>
    public long[] ToArray() => IsFullyKnown
        ? Dims.Select(d => d.Value).ToArray()
        : throw new InvalidOperationException($"shape {this} has a symbolic dimension");

    /// <summary>
    /// Product of the known dimensions; the element count when <see cref="IsFullyKnown"/>.
    /// </summary>
    public long KnownProduct()
    {
        long p = 1;
        foreach (var d in Dims) if (d.IsKnown) p = checked(p * d.Value);
        return p;
    }

    /// <summary>
    /// The shape without its first dimension (the per-sample shape when dimension 0 is the batch).
    /// </summary>
    public OnnxShape DropFirst() => new(Dims.Skip(1));

    /// <inheritdoc/>
    public bool Equals(OnnxShape? other) => other is not null && Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is OnnxShape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Renders as "[N,1,8,8]".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < Dims.Length; i++) { if (i > 0) sb.Append(','); sb.Append(Dims[i].ToString()); }
        return sb.Append(']').ToString();
    }
}

/// <summary>A graph input or output: name, element type and (possibly symbolic) shape.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="ElementType">Element type.</param>
/// <param name="Shape">Declared shape (symbolic dims allowed).</param>
public sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, OnnxShape Shape)
{
    /// <summary>True when dimension 0 is symbolic (a dynamic batch dimension).</summary>
    public bool HasDynamicBatch => Shape.Rank > 0 && !Shape[0].IsKnown;
}
