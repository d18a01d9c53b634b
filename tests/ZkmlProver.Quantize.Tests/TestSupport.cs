using Google.Protobuf;
using ZkmlProver.Onnx;
using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.Quantize.Tests;

/// <summary>The repository (folder with ZkmlProver.sln, found by walking up from the test binary) and its models/ and circuits/.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (System.IO.File.Exists(Path.Combine(d.FullName, "ZkmlProver.sln"))) return d.FullName;
        throw new InvalidOperationException($"ZkmlProver.sln not found above {AppContext.BaseDirectory}");
    }

    public static string Models => Path.Combine(Root, "models");
    public static string Circuits => Path.Combine(Root, "circuits");
    public static string Model(string name) => Path.Combine(Models, name, "network.onnx");
    public static string File(string model, string file) => Path.Combine(Models, model, file);

    /// <summary>The six models of models/.</summary>
    public static readonly string[] ModelNames = ["credit_logreg", "credit_mlp", "digits_mlp", "digits_cnn", "mnist_mlp_shape", "mlp_deep"];
    public static IEnumerable<object[]> ModelCases => ModelNames.Select(n => new object[] { n });
}

/// <summary>
/// The 28×28 inputs of mnist_mlp_shape / mlp_deep rebuilt from the 8×8 digits test split
/// (models/digits_mlp/test.csv), as meta.json describes: bilinear resize 8→20 (PyTorch,
/// align_corners = False), zero-pad 4 on each side, clamp to [0, 1], flatten row-major.
/// </summary>
internal static class Digits28
{
    public static InputData Load()
    {
        var d8 = InputData.Load(Repo.File("digits_mlp", "test.csv"));
        return new InputData(d8.Source + " (upsampled to 28x28)", d8.Rows.Select(Upsample).ToList(), d8.Labels, d8.Ids);
    }

    public static float[] Upsample(float[] img8)
    {
        const int n = 8, m = 20, pad = 4, w = 28;
        var o = new float[w * w];
        static (int, int, double) Src(int dst)
        {
            double s = (dst + 0.5) * n / m - 0.5;
            if (s < 0) s = 0;
            int i0 = (int)Math.Floor(s);
            int i1 = Math.Min(i0 + 1, n - 1);
            return (i0, i1, s - i0);
        }
        for (int y = 0; y < m; y++)
        {
            var (y0, y1, ly) = Src(y);
            for (int x = 0; x < m; x++)
            {
                var (x0, x1, lx) = Src(x);
                double v = (1 - ly) * ((1 - lx) * img8[y0 * n + x0] + lx * img8[y0 * n + x1])
                         + ly * ((1 - lx) * img8[y1 * n + x0] + lx * img8[y1 * n + x1]);
                o[(y + pad) * w + x + pad] = (float)Math.Clamp(v, 0, 1);
            }
        }
        return o;
    }
}

/// <summary>Builds small ONNX models in memory with the generated protobuf classes (a copy of the
/// Onnx tests' builder, which is internal to that assembly).</summary>
internal sealed class ModelBuilder
{
    public ModelProto Model { get; } = new() { IrVersion = 8, ProducerName = "zkml-tests", Graph = new GraphProto { Name = "g" } };
    public GraphProto Graph => Model.Graph;

    public ModelBuilder(long opset = 13) => Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });

    public ModelBuilder Input(string name, params long[] dims) { Graph.Input.Add(Value(name, dims)); return this; }
    /// <summary>An input whose leading (batch) dimension is symbolic.</summary>
    public ModelBuilder InputSym(string name, string batch, params long[] rest)
    {
        var v = Value(name, rest);
        v.Type.TensorType.Shape.Dim.Insert(0, new TensorShapeProto.Types.Dimension { DimParam = batch });
        Graph.Input.Add(v);
        return this;
    }
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

    /// <summary>An initializer of random values in [−scale, scale] (seeded).</summary>
    public ModelBuilder Rand(string name, long[] dims, Random rng, float scale = 1f)
        => Init(name, dims, Enumerable.Range(0, (int)dims.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray());

    public ModelBuilder InitInt64(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)OnnxDataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        Graph.Initializer.Add(t);
        return this;
    }

    public ModelBuilder Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attrs)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attrs);
        Graph.Node.Add(n);
        return this;
    }

    public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
    public static AttributeProto Ints(string name, params long[] v)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(v);
        return a;
    }

    static ValueInfoProto Value(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)OnnxDataType.Float, Shape = shape } } };
    }

    /// <summary>Writes the model to a temporary .onnx file (for ONNX Runtime) and loads it.</summary>
    public (string Path, OnnxModel Model) Save()
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"zkml-q-{Guid.NewGuid():N}.onnx");
        System.IO.File.WriteAllBytes(path, Model.ToByteArray());
        return (path, OnnxLoader.Load(path));
    }
}

/// <summary>
/// Compiles a <see cref="ModelBuilder"/> model on seeded uniform rows and compares it with ONNX
/// Runtime: the float graph on the first <c>floatRows</c> test rows (within <c>floatTolerance</c>,
/// relative above magnitude 1 when <c>relative</c>), and the circuit on every test row (the report).
/// </summary>
internal static class OrtComparison
{
    public static List<float[]> Rows(int seed, int count, int size, double lo, double hi)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(lo + rng.NextDouble() * (hi - lo))).ToArray()).ToList();
    }

    public static (QuantizedModel Q, AccuracyReport Report) Run(ModelBuilder b, List<float[]> calibration, List<float[]> test,
        int floatRows = 0, double floatTolerance = 1e-4, bool relative = false)
    {
        var (path, model) = b.Save();
        try
        {
            var q = Quantizer.Quantize(model, new InputData("cal", calibration));
            if (floatRows > 0)
                using (var ort = new OrtRunner(path))
                    foreach (var row in test.Take(floatRows))
                    {
                        var f = FloatEvaluator.Evaluate(q.FloatGraph, row)[q.FloatGraph.Outputs[0]];
                        var o = ort.Run(row)[0];
                        for (int i = 0; i < o.Length; i++)
                            Assert.True(Math.Abs(f[i] - o[i]) < floatTolerance * (relative ? Math.Max(1, Math.Abs(o[i])) : 1), $"float graph vs ORT at {i}: {f[i]} vs {o[i]}");
                    }
            return (q, AccuracyReport.Measure(path, q, new InputData("test", test)));
        }
        finally { File.Delete(path); }
    }
}
