using Google.Protobuf;
using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.Onnx.Tests;

/// <summary>Builds small ONNX models in memory with the generated protobuf classes.</summary>
internal sealed class ModelBuilder
{
    public ModelProto Model { get; } = new() { IrVersion = 8, ProducerName = "zkml-tests", Graph = new GraphProto { Name = "g" } };
    public GraphProto Graph => Model.Graph;

    public ModelBuilder(long opset = 13) => Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });

    public ModelBuilder Input(string name, params long[] dims) { Graph.Input.Add(Value(name, dims)); return this; }
    public ModelBuilder InputSym(string name, string batch, params long[] rest)
    {
        var v = Value(name, rest);
        v.Type.TensorType.Shape.Dim.Insert(0, new TensorShapeProto.Types.Dimension { DimParam = batch });
        Graph.Input.Add(v);
        return this;
    }
    /// <summary>A graph output; with no dims its shape is left undeclared.</summary>
    public ModelBuilder Output(string name, params long[] dims)
    {
        var v = Value(name, dims);
        if (dims.Length == 0) v.Type.TensorType.Shape = null;
        Graph.Output.Add(v);
        return this;
    }

    public ModelBuilder Init(string name, long[] dims, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)OnnxDataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        Graph.Initializer.Add(t);
        return this;
    }

    public ModelBuilder InitInt64(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)OnnxDataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        Graph.Initializer.Add(t);
        return this;
    }

    public NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        Graph.Node.Add(n);
        return n;
    }

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
    public static AttributeProto Str(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };
    public static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }
    public static AttributeProto Tensor(string name, TensorProto t) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = t };

    public static ValueInfoProto Value(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)OnnxDataType.Float, Shape = shape } },
        };
    }

    public byte[] Bytes() => Model.ToByteArray();

    public OnnxModel Load(OnnxLoadOptions? options = null) => OnnxLoader.Load(Bytes(), "test.onnx", options);

    /// <summary>A 1-input conv model: x [1,2,5,5], W [3,2,3,3], B [3].</summary>
    public static ModelBuilder Conv(params AttributeProto[] attrs)
    {
        var b = new ModelBuilder().Input("x", 1, 2, 5, 5).Output("y")
            .Init("W", [3, 2, 3, 3], Enumerable.Range(0, 54).Select(i => i * 0.01f).ToArray())
            .Init("B", [3], [0.1f, 0.2f, 0.3f]);
        b.Node("Conv", "/conv/Conv", ["x", "W", "B"], ["y"]).Attribute.AddRange(attrs);
        return b;
    }
}
