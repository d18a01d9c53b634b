using Google.Protobuf;
using Xunit.Abstractions;

namespace ZkmlProver.Onnx.Tests;

/// <summary>Mutated models: the loader either loads them or throws one of its typed exceptions, nothing else.</summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private static byte[] Seed()
    {
        var b = new ModelBuilder().InputSym("x", "N", 1, 6, 6).Output("y")
            .Init("W", [2, 1, 3, 3], Enumerable.Range(0, 18).Select(i => i * 0.1f).ToArray()).Init("B", [2], [0.1f, 0.2f])
            .Init("F", [3, 8], new float[24]).Init("c", [3], [1, 2, 3]).InitInt64("s", 0, -1);
        b.Node("Conv", "/Conv", ["x", "W", "B"], ["c1"]).Tap(n => { n.Attribute.Add(ModelBuilder.Ints("pads", 1, 1, 1, 1)); n.Attribute.Add(ModelBuilder.Ints("strides", 2, 2)); });
        b.Node("Relu", "/Relu", ["c1"], ["r"]);
        b.Node("MaxPool", "/MaxPool", ["r"], ["p"]).Tap(n => { n.Attribute.Add(ModelBuilder.Ints("kernel_shape", 2, 2)); n.Attribute.Add(ModelBuilder.Int("ceil_mode", 1)); });
        b.Node("Reshape", "/Reshape", ["p", "s"], ["f"]);
        b.Node("Gemm", "/Gemm", ["f", "F", "c"], ["g"]).Attribute.Add(ModelBuilder.Int("transB", 1));
        b.Node("Softmax", "/Softmax", ["g"], ["y"]).Attribute.Add(ModelBuilder.Int("axis", 1));
        var m = b.Load();
        Assert.Equal("[N,3]", m.Graph.ShapeOf("y").ToString());
        return b.Bytes();
    }

    [Fact]
    public void MutatedModelsFailOnlyWithTypedErrors()
    {
        var seed = Seed();
        var rng = new Random(12345);
        int loaded = 0, rejected = 0;
        for (int iter = 0; iter < 3000; iter++)
        {
            var bytes = (byte[])seed.Clone();
            int edits = rng.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                switch (rng.Next(3))
                {
                    case 0: bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256); break;
                    case 1: bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8)); break;
                    default: bytes = bytes[..rng.Next(1, bytes.Length)]; break;
                }
            }
            try { OnnxLoader.Load(bytes, "fuzz.onnx"); loaded++; }
            catch (OnnxException ex)
            {
                rejected++;
                Assert.StartsWith("fuzz.onnx: ", ex.Message);
                Assert.DoesNotContain('\n', ex.Message);
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {iter}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
            try { OnnxInspector.Inspect(OnnxLoader.Load(bytes, "fuzz.onnx", new OnnxLoadOptions { Strict = false })).ToText(); }
            catch (OnnxException) { }
            catch (Exception ex) { Assert.Fail($"iteration {iter} (non-strict): {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}"); }
        }
        output.WriteLine($"3000 mutations: {loaded} loaded, {rejected} rejected with typed errors");
    }

    private static readonly long[] Interesting = [-3, -2, -1, 0, 1, 2, 3, 5, 7, 100, int.MaxValue, (long)int.MaxValue + 1, long.MaxValue, long.MinValue];

    /// <summary>Structured mutations: attribute values, shapes, dims and input names set to edge values.</summary>
    [Fact]
    public void StructurallyMutatedModelsFailOnlyWithTypedErrors()
    {
        var seed = Protos.ModelProto.Parser.ParseFrom(Seed());
        var rng = new Random(4242);
        int loaded = 0;
        long Pick() => Interesting[rng.Next(Interesting.Length)];
        for (int iter = 0; iter < 3000; iter++)
        {
            var m = seed.Clone();
            var g = m.Graph;
            for (int e = rng.Next(1, 3); e > 0; e--)
            {
                switch (rng.Next(7))
                {
                    case 0:
                    {
                        var n = g.Node[rng.Next(g.Node.Count)];
                        if (n.Attribute.Count == 0) break;
                        var a = n.Attribute[rng.Next(n.Attribute.Count)];
                        if (a.Ints.Count > 0) a.Ints[rng.Next(a.Ints.Count)] = Pick();
                        else a.I = Pick();
                        if (rng.Next(5) == 0) a.Ints.Add(Pick());
                        break;
                    }
                    case 1:
                    {
                        var t = g.Initializer[rng.Next(g.Initializer.Count)];
                        if (t.Dims.Count > 0) t.Dims[rng.Next(t.Dims.Count)] = Pick();
                        break;
                    }
                    case 2:
                    {
                        var d = g.Input[0].Type.TensorType.Shape.Dim;
                        var dim = d[rng.Next(d.Count)];
                        if (rng.Next(3) == 0) dim.DimParam = "q"; else dim.DimValue = Pick();
                        break;
                    }
                    case 3:
                    {
                        var n = g.Node[rng.Next(g.Node.Count)];
                        if (n.Input.Count > 0) n.Input[rng.Next(n.Input.Count)] = rng.Next(2) == 0 ? "" : n.Output[0];
                        break;
                    }
                    case 4:
                    {
                        var t = g.Initializer[rng.Next(g.Initializer.Count)];
                        t.DataType = (int)Pick() & 31;
                        break;
                    }
                    case 5:
                        g.Initializer[rng.Next(g.Initializer.Count)].Int64Data.Add(Pick());
                        break;
                    default:
                        g.Node[rng.Next(g.Node.Count)].Attribute.Add(ModelBuilder.Ints(rng.Next(2) == 0 ? "pads" : "perm", Pick(), Pick(), Pick(), Pick()));
                        break;
                }
            }
            var bytes = m.ToByteArray();
            foreach (bool strict in new[] { true, false })
            {
                try
                {
                    var model = OnnxLoader.Load(bytes, "fuzz.onnx", new OnnxLoadOptions { Strict = strict });
                    if (strict) loaded++;
                    else OnnxInspector.Inspect(model).ToJson();
                }
                catch (OnnxException ex) { Assert.DoesNotContain('\n', ex.Message); }
                catch (Exception ex) { Assert.Fail($"iteration {iter} (strict={strict}): {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}"); }
            }
        }
        output.WriteLine($"3000 structured mutations: {loaded} still loaded");
    }

    [Fact]
    public void MutatedTensorFilesFailOnlyWithTypedErrors()
    {
        var seed = TensorProtoReader.ToProto(new FloatTensor("t", [2, 3], [1, 2, 3, 4, 5, 6])).ToByteArray();
        var rng = new Random(99);
        for (int iter = 0; iter < 2000; iter++)
        {
            var bytes = (byte[])seed.Clone();
            bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            if (rng.Next(4) == 0) bytes = bytes[..rng.Next(1, bytes.Length)];
            try { TensorProtoReader.Parse(bytes, "t.pb"); }
            catch (OnnxException) { }
            catch (Exception ex) { Assert.Fail($"iteration {iter}: {ex.GetType().Name}: {ex.Message}"); }
        }
    }
}
