using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Google.Protobuf;
using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.Onnx;

/// <summary>
/// Converts <c>onnx.TensorProto</c> messages to <see cref="FloatTensor"/>s and reads serialized
/// TensorProto files (the <c>input_i.pb</c>/<c>output_j.pb</c> files of the ONNX backend tests).
/// Supported element types: float32, float64 (converted to float), int8/uint8/int16/uint16/int32/int64
/// and bool (kept exactly as integers; bool as 0/1).
/// Values come from <c>raw_data</c> (little-endian, the ONNX convention) or the typed fields.
/// </summary>
public static class TensorProtoReader
{
    /// <summary>Reads one serialized TensorProto file. Errors are <see cref="OnnxException"/>s naming the file.</summary>
    public static FloatTensor ReadFile(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxFormatException($"{path}: cannot read tensor file: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses a serialized TensorProto; <paramref name="source"/> names it in error messages.</summary>
    public static FloatTensor Parse(byte[] bytes, string source)
    {
        if (bytes.Length == 0) throw new OnnxFormatException($"{source}: empty file (not a TensorProto)");
        TensorProto proto;
        try { proto = TensorProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{source}: not a valid TensorProto (truncated or corrupt protobuf: {FirstLine(e.Message)})", e);
        }
        return Convert(proto, source);
    }

    /// <summary>
    /// Converts a TensorProto. <paramref name="context"/> prefixes error messages (file, node).
    /// </summary>
    public static FloatTensor Convert(TensorProto proto, string context)
    {
        string what = $"{context}: tensor '{proto.Name}'";
        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
            throw new UnsupportedOnnxException($"{what} uses external data; save the model with all tensors inside the .onnx file");
        var shapeB = ImmutableArray.CreateBuilder<long>(proto.Dims.Count);
        long count = 1;
        foreach (long d in proto.Dims)
        {
            if (d < 0) throw new OnnxFormatException($"{what} has a negative dimension {d}");
            try { count = checked(count * d); }
            catch (OverflowException) { throw new OnnxFormatException($"{what} has too many elements"); }
            shapeB.Add(d);
        }
        if (count > int.MaxValue) throw new UnsupportedOnnxException($"{what} has {count} elements (more than 2^31-1)");
        int n = (int)count;
        var shape = shapeB.MoveToImmutable();
        var type = (OnnxDataType)proto.DataType;
        byte[]? raw = proto.RawData.Length > 0 ? proto.RawData.ToByteArray() : null;

        switch (type)
        {
            case OnnxDataType.Float:
            {
                if (raw is not null) CheckRaw(what, raw, n, 4); else CheckTyped(what, proto.FloatData.Count, n, "float_data");
                var f = new float[n];
                if (raw is not null)
                {
                    if (BitConverter.IsLittleEndian) raw.AsSpan().CopyTo(MemoryMarshal.AsBytes(f.AsSpan()));
                    else for (int i = 0; i < n; i++) f[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(4 * i));
                }
                else
                {
                    CheckTyped(what, proto.FloatData.Count, n, "float_data");
                    proto.FloatData.CopyTo(f, 0);
                }
                return new FloatTensor(proto.Name, shape, ImmutableCollectionsMarshal.AsImmutableArray(f), default, type);
            }
            case OnnxDataType.Double:
            {
                if (raw is not null) CheckRaw(what, raw, n, 8); else CheckTyped(what, proto.DoubleData.Count, n, "double_data");
                var f = new float[n];
                if (raw is not null)
                {
                    for (int i = 0; i < n; i++) f[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(8 * i));
                }
                else
                {
                    CheckTyped(what, proto.DoubleData.Count, n, "double_data");
                    for (int i = 0; i < n; i++) f[i] = (float)proto.DoubleData[i];
                }
                return new FloatTensor(proto.Name, shape, ImmutableCollectionsMarshal.AsImmutableArray(f), default, type);
            }
            case OnnxDataType.Int64:
            case OnnxDataType.Int32:
            {
                int size = type == OnnxDataType.Int64 ? 8 : 4;
                if (raw is not null) CheckRaw(what, raw, n, size);
                else if (type == OnnxDataType.Int64) CheckTyped(what, proto.Int64Data.Count, n, "int64_data");
                else CheckTyped(what, proto.Int32Data.Count, n, "int32_data");
                var l = new long[n];
                if (raw is not null)
                {
                    for (int i = 0; i < n; i++)
                        l[i] = size == 8 ? BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(8 * i)) : BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(4 * i));
                }
                else if (type == OnnxDataType.Int64)
                {
                    CheckTyped(what, proto.Int64Data.Count, n, "int64_data");
                    proto.Int64Data.CopyTo(l, 0);
                }
                else
                {
                    CheckTyped(what, proto.Int32Data.Count, n, "int32_data");
                    for (int i = 0; i < n; i++) l[i] = proto.Int32Data[i];
                }
                var f = new float[n];
                for (int i = 0; i < n; i++) f[i] = l[i];
                return new FloatTensor(proto.Name, shape, ImmutableCollectionsMarshal.AsImmutableArray(f), ImmutableCollectionsMarshal.AsImmutableArray(l), type);
            }
            case OnnxDataType.Bool:
            case OnnxDataType.Int8:
            case OnnxDataType.UInt8:
            case OnnxDataType.Int16:
            case OnnxDataType.UInt16:
            {
                // Small integer types and booleans (as 0/1): kept exactly as int64 values. Raw data is
                // 1 or 2 bytes per element; the typed form is int32_data.
                int size = type is OnnxDataType.Int16 or OnnxDataType.UInt16 ? 2 : 1;
                if (raw is not null) CheckRaw(what, raw, n, size); else CheckTyped(what, proto.Int32Data.Count, n, "int32_data");
                var l = new long[n];
                for (int i = 0; i < n; i++)
                    l[i] = raw is null ? proto.Int32Data[i] : type switch
                    {
                        OnnxDataType.Int8 => (sbyte)raw[i],
                        OnnxDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(2 * i)),
                        OnnxDataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(2 * i)),
                        OnnxDataType.Bool => raw[i] != 0 ? 1 : 0,
                        _ => raw[i],
                    };
                var f = new float[n];
                for (int i = 0; i < n; i++) f[i] = l[i];
                return new FloatTensor(proto.Name, shape, ImmutableCollectionsMarshal.AsImmutableArray(f), ImmutableCollectionsMarshal.AsImmutableArray(l), type);
            }
            case OnnxDataType.Undefined:
                throw new OnnxFormatException($"{what} has no data_type");
            default:
                throw new UnsupportedOnnxException($"{what} has element type {type}; only float32/64, (u)int8/16, int32/64 and bool tensors are supported");
        }
    }

    private static void CheckRaw(string what, byte[] raw, int n, int size)
    {
        if ((long)raw.Length != (long)n * size)
            throw new OnnxFormatException($"{what}: raw_data has {raw.Length} bytes but the shape needs {n} elements × {size} bytes = {(long)n * size}");
    }

    private static void CheckTyped(string what, int have, int n, string field)
    {
        if (have != n)
            throw new OnnxFormatException($"{what}: {field} has {have} values but the shape needs {n}");
    }

    internal static string FirstLine(string s)
    {
        int i = s.IndexOfAny(['\r', '\n']);
        return i < 0 ? s : s[..i];
    }

    /// <summary>Builds a TensorProto (float32, raw_data little-endian) from a tensor: the inverse of <see cref="Convert"/>.</summary>
    public static TensorProto ToProto(FloatTensor t)
    {
        var p = new TensorProto { Name = t.Name };
        p.Dims.AddRange(t.Shape);
        if (t.SourceType == OnnxDataType.Int64 || t.SourceType == OnnxDataType.Int32)
        {
            p.DataType = (int)OnnxDataType.Int64;
            var raw = new byte[8 * t.Count];
            for (int i = 0; i < t.Count; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(8 * i), t.Int64Data[i]);
            p.RawData = ByteString.CopyFrom(raw);
        }
        else
        {
            p.DataType = (int)OnnxDataType.Float;
            var raw = new byte[4 * t.Count];
            for (int i = 0; i < t.Count; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i), t.Data[i]);
            p.RawData = ByteString.CopyFrom(raw);
        }
        return p;
    }
}
