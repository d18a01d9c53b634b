using System.Collections.Immutable;

namespace ZkmlProver.Onnx;

/// <summary>
/// An immutable constant tensor (initializer, Constant node value, or a test-data tensor):
/// row-major values as <c>float</c> plus the full shape. Integer tensors (int64/int32, typically
/// shape operands of Reshape) also keep their exact values in <see cref="Int64Data"/>; double
/// tensors are converted to float (ONNX Runtime runs this project's models in float32).
/// </summary>
public sealed class FloatTensor
{
    /// <summary>Tensor name ("" when anonymous).</summary>
    public string Name { get; }

    /// <summary>The full shape (a scalar has rank 0 and one element).</summary>
    public ImmutableArray<long> Shape { get; }

    /// <summary>Row-major values converted to float.</summary>
    public ImmutableArray<float> Data { get; }

    /// <summary>Exact values of an integer tensor (int32/int64 source); default (IsDefault) otherwise.</summary>
    public ImmutableArray<long> Int64Data { get; }

    /// <summary>The element type the tensor had in the file.</summary>
    public OnnxDataType SourceType { get; }

    /// <summary>Creates a float tensor; <paramref name="data"/> length must equal the shape's product.</summary>
    public FloatTensor(string name, IEnumerable<long> shape, IEnumerable<float> data)
        : this(name, shape.ToImmutableArray(), data.ToImmutableArray(), default, OnnxDataType.Float) { }

    /// <summary>Creates an int64 tensor (kept exactly; <see cref="Data"/> holds the float conversions).</summary>
    public static FloatTensor FromInt64(string name, IEnumerable<long> shape, IEnumerable<long> values)
    {
        var v = values.ToImmutableArray();
        return new FloatTensor(name, shape.ToImmutableArray(), v.Select(x => (float)x).ToImmutableArray(), v, OnnxDataType.Int64);
    }

    internal FloatTensor(string name, ImmutableArray<long> shape, ImmutableArray<float> data, ImmutableArray<long> int64Data, OnnxDataType sourceType)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0) throw new ArgumentException($"tensor '{name}': negative dimension {d}");
            count = checked(count * d);
        }
        if (count != data.Length)
            throw new ArgumentException($"tensor '{name}': shape [{string.Join(",", shape)}] has {count} elements but {data.Length} values were given");
        if (!int64Data.IsDefault && int64Data.Length != data.Length)
            throw new ArgumentException($"tensor '{name}': int64 and float views differ in length");
        Name = name;
        Shape = shape;
        Data = data;
        Int64Data = int64Data;
        SourceType = sourceType;
    }

    /// <summary>Number of elements.</summary>
    public int Count => Data.Length;

    /// <summary>Rank (number of dimensions).</summary>
    public int Rank => Shape.Length;

    /// <summary>True when the source type is an integer type (exact values in <see cref="Int64Data"/>).</summary>
    public bool IsInteger => !Int64Data.IsDefault;

    /// <summary>True when the source type is float or double.</summary>
    public bool IsFloatingPoint => SourceType is OnnxDataType.Float or OnnxDataType.Double;

    /// <summary>The shape as an <see cref="OnnxShape"/>.</summary>
    public OnnxShape ToShape() => OnnxShape.Of(Shape);

    /// <summary>Exact integer values (int tensors), or the float values when they are all integral.</summary>
    public long[] ToInt64Array()
    {
        if (IsInteger) return Int64Data.ToArray();
        var r = new long[Data.Length];
        for (int i = 0; i < r.Length; i++)
        {
            float f = Data[i];
            if (!float.IsFinite(f) || f != MathF.Floor(f)) throw new InvalidOperationException($"tensor '{Name}' element {i} = {f} is not an integer");
            r[i] = (long)f;
        }
        return r;
    }

    /// <summary>Returns a copy with another name.</summary>
    public FloatTensor WithName(string name) => new(name, Shape, Data, Int64Data, SourceType);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {SourceType} [{string.Join(",", Shape)}]";
}
