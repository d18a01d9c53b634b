using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using ZkmlProver.Onnx;
using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.Quantize.Tests.Conformance;

/// <summary>
/// The conformance tolerance (<see cref="ErrorBound"/>) must be a true bound: on random small models
/// (MLPs with Relu/Sigmoid/Tanh/Softmax heads, CNNs with Conv/pools, elementwise chains) quantized
/// and evaluated by the front end, |circuit − ONNX Runtime| stays within it on every element.
/// </summary>
public sealed class RandomModelBoundTests(ITestOutputHelper output)
{
    private sealed class G(int seed)
    {
        public readonly Random Rng = new(seed);
        public readonly GraphProto Graph = new() { Name = "random" };
        private int counter;

        public float[] Values(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((Rng.NextDouble() * 2 - 1) * scale)).ToArray();

        public string Init(long[] dims, float[] values)
        {
            string name = $"w{counter++}";
            var t = new TensorProto { Name = name, DataType = 1 };
            t.Dims.AddRange(dims);
            t.FloatData.AddRange(values);
            Graph.Initializer.Add(t);
            return name;
        }

        public string Node(string op, string[] inputs, params AttributeProto[] attrs)
        {
            string output = $"t{counter++}";
            var n = new NodeProto { OpType = op, Name = $"/{op}_{counter}" };
            n.Input.AddRange(inputs);
            n.Output.Add(output);
            n.Attribute.AddRange(attrs);
            Graph.Node.Add(n);
            return output;
        }

        public static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
        public static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
        public static AttributeProto Ints(string name, params long[] v)
        {
            var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            a.Ints.AddRange(v);
            return a;
        }

        public static ValueInfoProto Value(string name, long[]? dims)
        {
            var tt = new TypeProto.Types.Tensor { ElemType = 1 };
            if (dims is not null)
            {
                tt.Shape = new TensorShapeProto();
                foreach (var d in dims) tt.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            }
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tt } };
        }

        public byte[] Finish(long[] inputShape, string outputName)
        {
            Graph.Input.Add(Value("x", inputShape));
            Graph.Output.Add(Value(outputName, null));
            var m = new ModelProto { IrVersion = 8, ProducerName = "zkml-random", Graph = Graph };
            m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
            return m.ToByteArray();
        }
    }

    private static (byte[] Model, long[] InputShape) Build(int seed)
    {
        var g = new G(seed);
        var rng = g.Rng;
        switch (seed % 3)
        {
            case 0: // MLP
            {
                int n = rng.Next(3, 20), h = rng.Next(2, 16), o = rng.Next(2, 6);
                string x = g.Node("Gemm", ["x", g.Init([h, n], g.Values(h * n, 1.0)), g.Init([h], g.Values(h, 0.5))], G.Int("transB", 1));
                x = g.Node("Relu", [x]);
                x = g.Node("Gemm", [x, g.Init([h, o], g.Values(h * o, 1.0)), g.Init([o], g.Values(o, 0.5))], G.Float("alpha", 0.75f));
                x = rng.Next(4) switch
                {
                    0 => g.Node("Sigmoid", [x]),
                    1 => g.Node("Tanh", [x]),
                    2 => g.Node("Softmax", [x], G.Int("axis", 1)),
                    _ => x,
                };
                return (g.Finish([1, n], x), [1, n]);
            }
            case 1: // CNN
            {
                int c = rng.Next(1, 3), hw = rng.Next(5, 9), oc = rng.Next(1, 4), stride = rng.Next(1, 3);
                string x = g.Node("Conv", ["x", g.Init([oc, c, 3, 3], g.Values(oc * c * 9, 0.7)), g.Init([oc], g.Values(oc, 0.3))],
                    G.Ints("pads", 1, 1, 1, 1), G.Ints("strides", stride, stride));
                x = g.Node(rng.Next(2) == 0 ? "Relu" : "LeakyRelu", [x]);
                x = rng.Next(3) switch
                {
                    0 => g.Node("MaxPool", [x], G.Ints("kernel_shape", 2, 2), G.Ints("strides", 2, 2), G.Int("ceil_mode", 1)),
                    1 => g.Node("AveragePool", [x], G.Ints("kernel_shape", 2, 2), G.Ints("pads", 1, 1, 0, 0)),
                    _ => g.Node("GlobalAveragePool", [x]),
                };
                x = g.Node("Flatten", [x]);
                var probe = OnnxLoader.Load(g.Finish([1, c, hw, hw], x), "probe.onnx").Graph.ShapeOf(x).ToArray();
                g.Graph.Input.Clear(); g.Graph.Output.Clear();
                int k = (int)probe[1];
                x = g.Node("Gemm", [x, g.Init([3, k], g.Values(3 * k, 0.5))], G.Int("transB", 1));
                return (g.Finish([1, c, hw, hw], x), [1, c, hw, hw]);
            }
            default: // elementwise chain
            {
                int n = rng.Next(2, 12);
                string x = g.Node("Mul", ["x", g.Init([n], g.Values(n, 2.0))]);
                x = g.Node("Add", [x, g.Init([1], g.Values(1, 1.0))]);
                x = g.Node("LeakyRelu", [x], G.Float("alpha", (float)(rng.NextDouble() * 0.3)));
                x = g.Node("Div", [x, g.Init([], [(float)(rng.Next(2, 9) * (rng.Next(2) == 0 ? 1 : -1))])]);
                x = g.Node("Sub", [x, g.Init([n], g.Values(n, 0.5))]);
                x = g.Node("Clip", [x, g.Init([], [-0.6f]), g.Init([], [0.8f])]);
                return (g.Finish([1, n], x), [1, n]);
            }
        }
    }

    [Fact]
    public void ErrorBoundHoldsOnRandomModels()
    {
        var so = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        int checkedElements = 0;
        double worstRatio = 0;
        for (int seed = 0; seed < 45; seed++)
        {
            var (bytes, shape) = Build(seed);
            var model = OnnxLoader.Load(bytes, $"random-{seed}.onnx");
            var rng = new Random(1000 + seed);
            int size = (int)shape.Aggregate(1L, (a, b) => a * b);
            var rows = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToList();
            var data = new InputData($"random-{seed}", rows);
            var q = Quantizer.Quantize(model, data);
            var witness = q.Evaluate(data);
            var bounds = ErrorBound.Compute(q.Circuit, witness);
            double bound = bounds[q.Circuit.Outputs[0]];
            var got = QuantizedModel.RealOutputs(witness, 0);
            using var session = new InferenceSession(bytes, so);
            for (int r = 0; r < rows.Count; r++)
            {
                using var input = OrtValue.CreateTensorValueFromMemory(rows[r], shape);
                using var results = session.Run(new RunOptions(), ["x"], [input], session.OutputNames);
                var want = results[0].GetTensorDataAsSpan<float>().ToArray();
                Assert.Equal(want.Length, got[r].Length);
                for (int i = 0; i < want.Length; i++)
                {
                    double err = Math.Abs(got[r][i] - want[i]), tol = bound + 1e-5 * (1 + Math.Abs(want[i]));
                    worstRatio = Math.Max(worstRatio, err / tol);
                    checkedElements++;
                    Assert.True(err <= tol,
                        $"seed {seed} ({string.Join(",", model.Graph.Nodes.Select(nd => nd.OpType))}), row {r}, element {i}: circuit {got[r][i]}, ONNX Runtime {want[i]}, |err| {err:E3} > bound {tol:E3}");
                }
            }
        }
        output.WriteLine($"45 random models, {checkedElements} output elements: worst |err|/bound = {worstRatio:F3}");
    }
}
