using ZkmlProver.Circuit;
using ZkmlProver.Onnx;
using static ZkmlProver.Quantize.Tests.ModelBuilder;

namespace ZkmlProver.Quantize.Tests;

/// <summary>Folding and scale choices on small synthetic models, each checked against ONNX Runtime.</summary>
public class QuantizerTests
{
    static InputData RandomRows(int rows, int size, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        return new InputData($"random-{seed}", Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray()).ToList());
    }

    /// <summary>Quantizes on one random set, evaluates on another; checks the float graph and the circuit against ONNX Runtime.</summary>
    static (QuantizedModel Q, AccuracyReport R) Check(ModelBuilder b, int inputSize, double tolerance, QuantizeOptions? options = null)
    {
        var (path, model) = b.Save();
        try
        {
            var q = Quantizer.Quantize(model, RandomRows(64, inputSize, 1), options);
            var test = RandomRows(64, inputSize, 2);
            using (var ort = new OrtRunner(path))
                foreach (var row in test.Rows.Take(8))
                {
                    var f = FloatEvaluator.Evaluate(q.FloatGraph, row)[q.FloatGraph.Outputs[0]];
                    var o = ort.Run(row)[0];
                    for (int i = 0; i < o.Length; i++) Assert.True(Math.Abs(f[i] - o[i]) < 1e-4, $"float graph vs ORT at {i}: {f[i]} vs {o[i]}");
                }
            var r = AccuracyReport.Measure(path, q, test);
            Assert.True(r.Outputs[0].MaxAbsError <= tolerance, $"circuit vs ORT max abs error {r.Outputs[0].MaxAbsError} > {tolerance}");
            return (q, r);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Gemm_AlphaBetaTrans_AreFoldedIntoDense()
    {
        var rng = new Random(5);
        var b = new ModelBuilder().Input("x", 1, 6).Output("y")
            .Rand("W1", [6, 4], rng).Rand("C1", [4], rng).Rand("W2", [3, 4], rng).Rand("C2", [1, 3], rng)
            .Node("Gemm", "g1", ["x", "W1", "C1"], ["h"], Float("alpha", 0.5f), Float("beta", 2f))
            .Node("Relu", "r", ["h"], ["hr"])
            .Node("Gemm", "g2", ["hr", "W2", "C2"], ["y"], Int("transB", 1), Float("alpha", 1.5f));
        var (q, _) = Check(b, 6, 2e-3);
        Assert.Equal(["Dense", "Rescale", "Relu", "Dense", "Rescale"], q.Circuit.Layers.Select(l => l.Op));
        Assert.Equal([4, 6], q.Circuit.Tensor("W1").Shape);   // stored [M,K]
    }

    [Fact]
    public void Conv_BatchNormFolded_Pools_MatMulConst_DivConst_Tanh_Softmax()
    {
        var rng = new Random(6);
        var b = new ModelBuilder().Input("x", 1, 2, 6, 6).Output("y")
            .Rand("W", [3, 2, 3, 3], rng, 0.5f).Rand("B", [3], rng, 0.1f)
            .Init("bn_s", [3], [1.5f, 0.5f, 1f]).Init("bn_b", [3], [0.1f, -0.2f, 0f]).Init("bn_m", [3], [0.05f, 0f, -0.1f]).Init("bn_v", [3], [0.5f, 2f, 1f])
            .Rand("M", [27, 5], rng).Init("d", [], [4f]).InitInt64("shape", 1, 27)
            .Node("Conv", "conv", ["x", "W", "B"], ["c"], Ints("pads", 1, 1, 1, 1), Ints("strides", 1, 1))
            .Node("BatchNormalization", "bn", ["c", "bn_s", "bn_b", "bn_m", "bn_v"], ["cb"])
            .Node("LeakyRelu", "lrelu", ["cb"], ["l"], Float("alpha", 0.1f))
            .Node("MaxPool", "mp", ["l"], ["p"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), Int("ceil_mode", 1))
            .Node("AveragePool", "ap", ["p"], ["a"], Ints("kernel_shape", 2, 2), Ints("strides", 1, 1), Ints("pads", 0, 0, 1, 1), Int("count_include_pad", 1))
            .Node("GlobalAveragePool", "gap", ["a"], ["g"])
            .Node("Reshape", "rs", ["a", "shape"], ["f"])
            .Node("MatMul", "mm", ["f", "M"], ["m"])
            .Node("Div", "div", ["m", "d"], ["md"])
            .Node("Tanh", "tanh", ["md"], ["t"])
            .Node("Softmax", "sm", ["t"], ["y"]);
        var (q, _) = Check(b, 72, 2e-3);
        var ops = q.Circuit.Layers.Select(l => l.Op).ToList();
        Assert.DoesNotContain("ChannelAffine", ops);                        // BatchNorm folded into the Conv
        Assert.Contains("MulConst", ops);                                     // Div by a constant
        Assert.Contains("Lookup", ops);
        Assert.Equal("Softmax", ops[^1]);
        Assert.Equal("Dense", q.Circuit.Layers.Single(l => l.Name == "mm").Op);  // MatMul with constant → Dense
    }

    [Fact]
    public void UnfoldableBatchNorm_Residual_Concat_Transpose_Clip_Sigmoid()
    {
        var rng = new Random(7);
        var b = new ModelBuilder().Input("x", 1, 2, 3).Output("y")
            .Init("s", [2], [2f, 0.5f]).Init("bb", [2], [0.1f, -0.1f]).Init("mu", [2], [0f, 0.2f]).Init("var", [2], [1f, 0.25f])
            .Rand("k", [3], rng).Rand("mk", [2, 3], rng)
            .Node("BatchNormalization", "bn", ["x", "s", "bb", "mu", "var"], ["n"])
            .Node("Sub", "sub", ["n", "k"], ["d"])
            .Node("Mul", "mulc", ["d", "mk"], ["e"])
            .Node("Add", "res", ["e", "x"], ["r"])
            .Node("Mul", "sq", ["r", "x"], ["r2"])
            .Node("Concat", "cat", ["r", "r2"], ["c"], Int("axis", 2))
            .Node("Transpose", "tr", ["c"], ["t"], Ints("perm", 0, 2, 1))
            .Node("Clip", "clip", ["t", "", ""], ["cl"])
            .Node("Sigmoid", "sig", ["cl"], ["y"]);
        var (q, _) = Check(b, 6, 2e-3);
        var ops = q.Circuit.Layers.Select(l => l.Op).ToList();
        Assert.Contains("ChannelAffine", ops);
        Assert.Contains("Concat", ops);
        Assert.Contains("Transpose", ops);
        Assert.Contains("Mul", ops);
    }

    [Fact]
    public void DynamicBatchDimension_IsThePerSampleBatch()
    {
        var rng = new Random(8);
        var b = new ModelBuilder().InputSym("x", "N", 5).Output("y").Rand("W", [3, 5], rng).Rand("C", [3], rng)
            .Node("Gemm", "fc", ["x", "W", "C"], ["h"], Int("transB", 1))
            .Node("Relu", "r", ["h"], ["y"]);
        var (q, _) = Check(b, 5, 2e-3);
        Assert.True(q.FloatGraph.HasBatchDim);
        Assert.Equal([5], q.Circuit.InputTensor.Shape);
    }

    [Fact]
    public void ScaleChoices_DigitsMlp_HandComputed()
    {
        var q = Quantizer.Quantize(OnnxLoader.Load(Repo.Model("digits_mlp")), InputData.Load(Repo.File("digits_mlp", "input.json")));
        var c = q.Circuit;
        // inputs in [0,1], headroom 4, 16 bits: 1·4·2^12 = 16384 ≤ 32767 < 1·4·2^13 → scale 12
        Assert.Equal(12, q.InputScale);
        // max |W0| = 1.2607…: 1.26·2^10 = 1291 ≤ 2047 (12-bit) < 1.26·2^11 → scale 10; bias at 12 + 10
        var w0 = c.Tensor("layers.0.weight");
        Assert.Equal((10, 12), (w0.Scale, w0.Bits));
        Assert.Equal(22, c.Tensor("layers.0.bias").Scale);
        var rescale = (RescaleLayer)c.Layers[1];
        var act = c.Tensor(rescale.Output);
        double maxHidden = q.Report.Single(t => t.Name == act.Name).CalibratedMaxAbs;
        int expected = (int)Math.Floor(Math.Log2(32767 / (maxHidden * 2)));
        Assert.Equal(expected, act.Scale);
        Assert.Equal(22 - expected, rescale.Shift);
        Assert.Equal(["Dense", "Rescale", "Relu", "Dense", "Rescale"], c.Layers.Select(l => l.Op));
        Assert.Equal("output", c.Outputs[0]);
    }

    [Fact]
    public void Sigmoid_IsClipPlusLookup_OverTheSaturationDomain()
    {
        var q = Quantizer.Quantize(OnnxLoader.Load(Repo.Model("credit_logreg")), InputData.Load(Repo.File("credit_logreg", "input.json")));
        var c = q.Circuit;
        Assert.Equal(["Dense", "Rescale", "Clip", "Lookup"], c.Layers.Select(l => l.Op));
        var clip = (ClipLayer)c.Layers[2]; var lk = (LookupLayer)c.Layers[3];
        Assert.Equal((clip.Min, clip.Max), (lk.Min, lk.Max));
        Assert.Equal(14, lk.OutScale);
        double domain = lk.Max * Math.ScaleB(1.0, -lk.InScale);
        Assert.True(domain >= 15 * Math.Log(2), $"domain ±{domain} does not reach saturation");   // 1 − σ(x) < 2^−15 beyond
        Assert.True(lk.Max - lk.Min + 1 <= 1 << 14);
        Assert.Equal(LookupTables.Digest("sigmoid", lk.InScale, 14, lk.Min, lk.Max), lk.TableDigest);
    }

    [Fact]
    public void OutOfRangeInput_NamesRowAndElement()
    {
        var q = Quantizer.Quantize(OnnxLoader.Load(Repo.Model("digits_mlp")), InputData.Load(Repo.File("digits_mlp", "input.json")));
        var bad = new InputData("bad.json", [new float[64], Enumerable.Repeat(0f, 63).Append(100f).ToArray()]);
        var e = Assert.Throws<QuantizeException>(() => q.QuantizeInputs(bad));
        Assert.Contains("row 2, element 64", e.Message);
        Assert.Contains("input scale", e.Message);
        Assert.Contains("row 1 has 3 values", Assert.Throws<QuantizeException>(() => q.QuantizeInputs(new InputData("short.json", [new float[3]]))).Message);
    }

    [Fact]
    public void CalibrationOfWrongWidth_IsRejected()
    {
        var e = Assert.Throws<QuantizeException>(() => Quantizer.Quantize(OnnxLoader.Load(Repo.Model("digits_mlp")), InputData.Load(Repo.File("credit_mlp", "input.json"))));
        Assert.Contains("row 1 has 59 values", e.Message);
    }

    [Fact]
    public void TransA_WithBatchDimension_IsUnsupported_NamingNodeAndAttribute()
    {
        // A symbolic batch dimension cannot be transposed away: refused at load, naming node and attribute.
        var b = new ModelBuilder().InputSym("x", "N", 4).Output("y").Init("W", [1, 3], [1, 2, 3])
            .Node("Gemm", "/fc/Gemm", ["x", "W"], ["y"], Int("transA", 1));
        var e = Assert.Throws<UnsupportedOnnxException>(() => b.Save());
        Assert.Contains("/fc/Gemm", e.Message);
        Assert.Contains("transA", e.Message);
        // A static leading 1 whose product [4,3] no longer starts with 1 is not a batch: the model is
        // lowered with its full shapes and matches ONNX Runtime.
        var s = new ModelBuilder().Input("x", 1, 4).Output("y").Init("W", [1, 3], [1, 2, 3])
            .Node("Gemm", "/fc/Gemm", ["x", "W"], ["y"], Int("transA", 1));
        var (q, _) = Check(s, 4, 0.01);
        Assert.False(q.FloatGraph.HasBatchDim);
    }

    [Fact]
    public void NarrowerOptions_AreHonoured()
    {
        var q = Quantizer.Quantize(OnnxLoader.Load(Repo.Model("digits_cnn")), InputData.Load(Repo.File("digits_cnn", "input.json")),
            new QuantizeOptions { ActivationBits = 12, WeightBits = 8, InputScale = 6 });
        Assert.Equal(6, q.InputScale);
        foreach (var t in q.Circuit.Tensors.Where(t => t.Kind == TensorKind.Activation && !t.Name.EndsWith(":acc")))
            Assert.Equal(12, t.Bits);
        Assert.All(q.Circuit.WeightTensors.Where(t => t.Shape.Length > 1), t => Assert.Equal(8, t.Bits));
    }
}
