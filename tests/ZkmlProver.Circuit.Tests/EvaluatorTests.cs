using ZkmlProver.Circuit;
using static ZkmlProver.Circuit.Tests.TC;

namespace ZkmlProver.Circuit.Tests;

/// <summary>Hand-computed cases for every op of docs/CIRCUIT.md.</summary>
public class EvaluatorTests
{
    static Circuit Unary(Layer layer, int[] shape, int[] outShape, int inScale = 0, int outScale = 0, int bits = 32)
        => Make([In("x", shape, inScale, bits), A("y", outShape, outScale, bits)], [layer]);

    [Fact]
    public void Rescale_RoundsHalfUp_FloorForNegatives()
    {
        var c = Unary(new RescaleLayer { Name = "r", Input = "x", Shift = 1, Output = "y" }, [8], [8], 1, 0);
        // floor((X + 1) / 2)
        Assert.Equal([-1, -1, 0, 0, 1, 1, 2, 3], Run(c, [-3, -2, -1, 0, 1, 2, 3, 5]));
        var c2 = Unary(new RescaleLayer { Name = "r", Input = "x", Shift = 2, Output = "y" }, [4], [4], 2, 0);
        // floor((X + 2) / 4): −6 → −1, −7 → −2 (−1.75), 6 → 2 (1.5 rounds up), 5 → 1
        Assert.Equal([-1, -2, 2, 1], Run(c2, [-6, -7, 6, 5]));
    }

    [Fact]
    public void Rescale_NearInt64Limits_IsExact()
    {
        var c = Unary(new RescaleLayer { Name = "r", Input = "x", Shift = 62, Output = "y" }, [2], [2], 62, 0, 63);
        long top = (1L << 62) - 1, bottom = -(1L << 62);
        Assert.Equal([1, -1], Run(c, [top, bottom]));   // floor((2^62 − 1 + 2^61) / 2^62) = 1, floor(−1/2) = −1
    }

    [Fact]
    public void Dense_BiasAndLeadingDims_BatchMajor()
    {
        var c = Make([In("x", [2, 3]), W("w", [2, 3]), W("b", [2]), A("y", [2, 2])],
            [new DenseLayer { Name = "d", Input = "x", Weight = "w", Bias = "b", Output = "y" }]);
        // rows: [1,2,3] → [1−3+10, 2+2−5] = [8, −1]; [0,1,0] → [10, −4]; sample 2: x → −x
        long[] x = [1, 2, 3, 0, 1, 0, -1, -2, -3, 0, -1, 0];
        var y = Run(c, x, ("w", [1, 0, -1, 2, 1, 0]), ("b", [10, -5]));
        Assert.Equal([8, -1, 10, -4, 12, -9, 10, -6], y);
    }

    [Fact]
    public void Conv2d_PaddingAndStride()
    {
        var c = Make([In("x", [1, 3, 3]), W("w", [1, 1, 2, 2]), A("y", [1, 2, 2])],
            [new Conv2dLayer { Name = "conv", Input = "x", Weight = "w", Pads = [1, 1, 1, 1], Strides = [2, 2], Dilations = [1, 1], Output = "y" }]);
        // y(i,j) = x(2i−1, 2j−1) − x(2i, 2j), zero outside: [−1, −3, −7, 5−9]
        Assert.Equal([-1, -3, -7, -4], Run(c, [1, 2, 3, 4, 5, 6, 7, 8, 9], ("w", [1, 0, 0, -1])));
    }

    [Fact]
    public void Conv2d_DilationAndBias()
    {
        var c = Make([In("x", [1, 3, 3]), W("w", [1, 1, 2, 2]), W("b", [1]), A("y", [1, 1, 1])],
            [new Conv2dLayer { Name = "conv", Input = "x", Weight = "w", Bias = "b", Pads = [0, 0, 0, 0], Strides = [1, 1], Dilations = [2, 2], Output = "y" }]);
        // corners 1,3,7,9 weighted 1,10,100,1000 plus 5
        Assert.Equal([9000 + 700 + 30 + 1 + 5], Run(c, [1, 2, 3, 4, 5, 6, 7, 8, 9], ("w", [1, 10, 100, 1000]), ("b", [5])));
    }

    [Fact]
    public void Relu_And_LeakyRelu()
    {
        Assert.Equal([0, 0, 0, 7], Run(Unary(new ReluLayer { Name = "r", Input = "x", Output = "y" }, [4], [4]), [-5, -1, 0, 7]));
        // α = 3/4: X<0 → floor((3X + 2) / 4): −5 → floor(−13/4) = −4, −1 → floor(−1/4) = −1, −2 → −1
        var c = Unary(new LeakyReluLayer { Name = "l", Input = "x", AlphaNum = 3, AlphaShift = 2, Output = "y" }, [5], [5]);
        Assert.Equal([-4, -1, -1, 0, 7], Run(c, [-5, -1, -2, 0, 7]));
        // α = 1/8: −9 → floor(−5/8) = −1, −4 → floor(0/8) = 0, −3 → 0, 100 → 100
        var c2 = Unary(new LeakyReluLayer { Name = "l", Input = "x", AlphaNum = 1, AlphaShift = 3, Output = "y" }, [4], [4]);
        Assert.Equal([-1, 0, 0, 100], Run(c2, [-9, -4, -3, 100]));
    }

    [Fact]
    public void Clip_Bounds()
    {
        var c = Unary(new ClipLayer { Name = "c", Input = "x", Min = -2, Max = 3, Output = "y" }, [5], [5]);
        Assert.Equal([-2, -2, 0, 3, 3], Run(c, [-10, -2, 0, 3, 9]));
        var open = Unary(new ClipLayer { Name = "c", Input = "x", Min = long.MinValue, Max = 0, Output = "y" }, [2], [2]);
        Assert.Equal([-1000, 0], Run(open, [-1000, 5]));
    }

    [Fact]
    public void MaxPool_PaddingExcluded()
    {
        var c = Unary(new MaxPool2dLayer { Name = "mp", Input = "x", Kernel = [2, 2], Strides = [2, 2], Pads = [1, 1, 1, 1], Dilations = [1, 1], Output = "y" }, [1, 3, 3], [1, 2, 2]);
        // all values negative: zero padding would give 0; padding excluded gives the in-bounds max
        Assert.Equal([-1, -2, -4, -5], Run(c, [-1, -2, -3, -4, -5, -6, -7, -8, -9]));
    }

    [Fact]
    public void MaxPool_CeilMode()
    {
        var ceil = Unary(new MaxPool2dLayer { Name = "mp", Input = "x", Kernel = [1, 2], Strides = [1, 2], Pads = [0, 0, 0, 0], Dilations = [1, 1], CeilMode = true, Output = "y" }, [1, 1, 5], [1, 1, 3]);
        Assert.Equal([5, 7, 3], Run(ceil, [1, 5, 2, 7, 3]));
        var floor = Unary(new MaxPool2dLayer { Name = "mp", Input = "x", Kernel = [1, 2], Strides = [1, 2], Pads = [0, 0, 0, 0], Dilations = [1, 1], Output = "y" }, [1, 1, 5], [1, 1, 2]);
        Assert.Equal([5, 7], Run(floor, [1, 5, 2, 7, 3]));
    }

    [Theory]
    [InlineData(8, 9, 28)]   // 256/9 = 28.44
    [InlineData(4, 3, 5)]    // 16/3 = 5.33
    [InlineData(4, 6, 3)]    // 16/6 = 2.67
    [InlineData(3, 16, 1)]   // 8/16 = 0.5 rounds up
    [InlineData(8, 4, 64)]
    public void AvgPool_Multiplier(int t, long count, long m) => Assert.Equal(m, AvgPool2dLayer.Multiplier(t, count));

    [Fact]
    public void AvgPool_Values()
    {
        var c = Unary(new AvgPool2dLayer { Name = "ap", Input = "x", Kernel = [2, 2], Strides = [1, 1], Pads = [0, 0, 0, 0], Shift = 8, Output = "y" }, [1, 2, 2], [1, 1, 1]);
        // S = 11, m = 64: floor((704 + 128) / 256) = 3
        Assert.Equal([3], Run(c, [1, 2, 3, 5]));
        Assert.Equal([-3], Run(c, [-1, -2, -3, -5]));   // floor((−704 + 128)/256) = floor(−2.25) = −3
    }

    [Fact]
    public void AvgPool_CountIncludePad()
    {
        AvgPool2dLayer L(bool inc) => new() { Name = "ap", Input = "x", Kernel = [2, 2], Strides = [2, 2], Pads = [1, 1, 1, 1], Shift = 8, CountIncludePad = inc, Output = "y" };
        // one in-bounds cell per window; with pad counted c = 4, m = 64: floor((64X + 128)/256)
        Assert.Equal([0, 1, 1, 1], Run(Unary(L(true), [1, 2, 2], [1, 2, 2]), [1, 2, 3, 5]));
        Assert.Equal([0, 0, -1, -1], Run(Unary(L(true), [1, 2, 2], [1, 2, 2]), [-1, -2, -3, -5]));
        // c = 1, m = 256: identity
        Assert.Equal([1, 2, 3, 5], Run(Unary(L(false), [1, 2, 2], [1, 2, 2]), [1, 2, 3, 5]));
    }

    [Fact]
    public void Add_Sub_Mul_Broadcast()
    {
        Circuit Bin(Layer l, int outScale) => Make([In("x", [2, 3], 2), W("b", [3], 2), A("y", [2, 3], outScale)], [l]);
        long[] x = [1, 2, 3, 4, 5, 6]; long[] b = [10, 20, 30];
        Assert.Equal([11, 22, 33, 14, 25, 36], Run(Bin(new AddLayer { Name = "a", A = "x", B = "b", Output = "y" }, 2), x, ("b", b)));
        Assert.Equal([-9, -18, -27, -6, -15, -24], Run(Bin(new SubLayer { Name = "s", A = "x", B = "b", Output = "y" }, 2), x, ("b", b)));
        Assert.Equal([10, 40, 90, 40, 100, 180], Run(Bin(new MulLayer { Name = "m", A = "x", B = "b", Output = "y" }, 4), x, ("b", b)));
    }

    [Fact]
    public void MulConst_ScaleDelta()
    {
        var c = Unary(new MulConstLayer { Name = "m", Input = "x", Multiplier = 4, ScaleDelta = 2, Output = "y" }, [3], [3], 1, 3);
        Assert.Equal([-4, 0, 12], Run(c, [-1, 0, 3]));
    }

    [Fact]
    public void ChannelAffine_PerChannel()
    {
        var c = Make([In("x", [2, 2], 1), W("a", [2], 2), W("b", [2], 3), A("y", [2, 2], 3)],
            [new ChannelAffineLayer { Name = "bn", Input = "x", Weight = "a", Bias = "b", Output = "y" }]);
        Assert.Equal([3, 5, -3, -4], Run(c, [1, 2, 3, 4], ("a", [2, -1]), ("b", [1, 0])));
    }

    [Fact]
    public void Lookup_Tables_HandComputed()
    {
        var sig = LookupTables.Build("sigmoid", 2, 4, -4, 4);
        Assert.Equal(8, sig[4]);     // σ(0)·16
        Assert.Equal(12, sig[8]);    // σ(1)·16 = 11.70
        Assert.Equal(4, sig[0]);     // σ(−1)·16 = 4.30
        var tanh = LookupTables.Build("tanh", 1, 4, -2, 2);
        Assert.Equal([-12, -7, 0, 7, 12], tanh);  // tanh(1)·16 = 12.19, tanh(.5)·16 = 7.40
        Assert.Equal(6, LookupTables.Build("exp", 0, 4, -1, -1)[0]); // e^−1·16 = 5.89
        Assert.Equal(-3, FixedPoint.ToFixed(-2.5, 0)); // half away from zero
        Assert.Equal(3, FixedPoint.ToFixed(0.75, 2));
    }

    [Fact]
    public void Lookup_Evaluates_And_RejectsOutsideDomain()
    {
        var c = Unary(new LookupLayer { Name = "sig", Input = "x", Function = "sigmoid", InScale = 2, OutScale = 4, Min = -4, Max = 4, TableDigest = LookupTables.Digest("sigmoid", 2, 4, -4, 4), Output = "y" }, [3], [3], 2, 4);
        Assert.Equal([4, 8, 12], Run(c, [-4, 0, 4]));
        var e = Assert.Throws<CircuitRangeException>(() => Run(c, [0, 5, 0]));
        Assert.Equal("sig", e.Layer); Assert.Equal(1, e.Index); Assert.Equal("5", e.Value); Assert.Equal(4, e.RangeMax);
    }

    [Fact]
    public void Lookup_WrongTableDigest_IsRejected()
    {
        var c = Unary(new LookupLayer { Name = "sig", Input = "x", Function = "sigmoid", InScale = 2, OutScale = 4, Min = -4, Max = 4, TableDigest = LookupTables.Digest("tanh", 2, 4, -4, 4), Output = "y" }, [3], [3], 2, 4);
        var e = Assert.Throws<CircuitFormatException>(() => Run(c, [0, 0, 0]));
        Assert.Contains("digest", e.Message);
    }

    [Fact]
    public void Softmax_HandComputed()
    {
        SoftmaxLayer L() => new() { Name = "sm", Input = "x", Axis = 0, ExpInScale = 0, ExpOutScale = 4, ExpMin = -4, OutScale = 8, TableDigest = LookupTables.Digest("exp", 0, 4, -4, 0), Output = "y" };
        // e = [16, 6, 1] (e^0, e^−1, e^−3 at 2^4), S = 23: floor((e·256 + 11) / 23)
        Assert.Equal([178, 67, 11], Run(Unary(L(), [3], [3], 0, 8), [3, 2, 0]));
        // d = −10 clamps to ExpMin = −4 → e = 0
        Assert.Equal([256, 0], Run(Unary(L(), [2], [2], 0, 8), [10, 0]));
    }

    [Fact]
    public void Softmax_InnerAxis()
    {
        var l = new SoftmaxLayer { Name = "sm", Input = "x", Axis = 0, ExpInScale = 0, ExpOutScale = 4, ExpMin = -4, OutScale = 8, TableDigest = LookupTables.Digest("exp", 0, 4, -4, 0), Output = "y" };
        // shape [3,2]: softmax over axis 0 of columns [3,2,0] and [0,0,0]
        var y = Run(Unary(l, [3, 2], [3, 2], 0, 8), [3, 0, 2, 0, 0, 0]);
        Assert.Equal([178, 85, 67, 85, 11, 85], y);  // 16·256+24 / 48 = 85.8 → 85
    }

    [Fact]
    public void Reshape_Flatten_Transpose_Concat()
    {
        Assert.Equal([1, 4, 2, 5, 3, 6], Run(Unary(new TransposeLayer { Name = "t", Input = "x", Perm = [1, 0], Output = "y" }, [2, 3], [3, 2]), [1, 2, 3, 4, 5, 6]));
        Assert.Equal([1, 2, 3, 4, 5, 6], Run(Unary(new ReshapeLayer { Name = "r", Input = "x", Output = "y" }, [2, 3], [3, 2]), [1, 2, 3, 4, 5, 6]));
        Assert.Equal([1, 2, 3, 4], Run(Unary(new FlattenLayer { Name = "f", Input = "x", Output = "y" }, [2, 2], [4]), [1, 2, 3, 4]));
        var cc = Make([In("x", [2, 1]), W("w", [2, 2]), A("y", [2, 3])], [new ConcatLayer { Name = "c", InputList = ["x", "w"], Axis = 1, Output = "y" }]);
        Assert.Equal([1, 3, 4, 2, 5, 6], Run(cc, [1, 2], ("w", [3, 4, 5, 6])));
        // batch of 2 keeps samples apart
        Assert.Equal([1, 3, 4, 2, 5, 6, 7, 3, 4, 8, 5, 6], Run(cc, [1, 2, 7, 8], ("w", [3, 4, 5, 6])));
    }

    [Fact]
    public void Transpose_3d()
    {
        // [2,1,3] perm [2,0,1] → [3,2,1]: y[k,i,0] = x[i,0,k]
        Assert.Equal([1, 4, 2, 5, 3, 6], Run(Unary(new TransposeLayer { Name = "t", Input = "x", Perm = [2, 0, 1], Output = "y" }, [2, 1, 3], [3, 2, 1]), [1, 2, 3, 4, 5, 6]));
    }

    [Fact]
    public void MatMul_Activations_AndBroadcast()
    {
        var c = Make([In("x", [2, 2]), W("b", [2, 2]), A("y", [2, 2])], [new MatMulLayer { Name = "mm", A = "x", B = "b", Output = "y" }]);
        Assert.Equal([19, 22, 43, 50], Run(c, [1, 2, 3, 4], ("b", [5, 6, 7, 8])));
        // batched A [2,1,2] × B [2,1] → [2,1,1]
        var c2 = Make([In("x", [2, 1, 2]), W("b", [2, 1]), A("y", [2, 1, 1])], [new MatMulLayer { Name = "mm", A = "x", B = "b", Output = "y" }]);
        Assert.Equal([1 * 5 + 2 * 7, 3 * 5 + 4 * 7], Run(c2, [1, 2, 3, 4], ("b", [5, 7])));
        // vector × matrix: [2] × [2,3] → [3]
        var c3 = Make([In("x", [2]), W("b", [2, 3]), A("y", [3])], [new MatMulLayer { Name = "mm", A = "x", B = "b", Output = "y" }]);
        Assert.Equal([1 + 8, 2 + 10, 3 + 12], Run(c3, [1, 2], ("b", [1, 2, 3, 4, 5, 6])));
    }

    [Fact]
    public void RangeError_NamesLayerTensorIndexValueAndRemedy()
    {
        var c = Make([In("x", [2], 0, 8), W("w", [1, 2], 0, 8), A("y", [1], 0, 8)], [new DenseLayer { Name = "/fc/Gemm", Input = "x", Weight = "w", Output = "y" }]);
        var e = Assert.Throws<CircuitRangeException>(() => Run(c, [0, 0, 100, 100], ("w", [1, 1])));
        Assert.Equal("/fc/Gemm", e.Layer); Assert.Equal("y", e.Tensor); Assert.Equal(1, e.Index); Assert.Equal("200", e.Value);
        Assert.Equal(-128, e.RangeMin); Assert.Equal(127, e.RangeMax);
        Assert.Contains("lower the scale of 'x', 'w'", e.Message);
        Assert.Contains("widen the range of 'y'", e.Message);
    }

    [Fact]
    public void Overflow_IsRangeErrorWithExactValue()
    {
        var c = Make([In("x", [2], 0, 63), W("w", [1, 2], 0, 63), A("y", [1], 0, 63)], [new DenseLayer { Name = "d", Input = "x", Weight = "w", Output = "y" }]);
        long big = 1L << 61;
        var e = Assert.Throws<CircuitRangeException>(() => Run(c, [big, big], ("w", [4, 4])));
        Assert.Equal(((Int128)1 << 64).ToString(), e.Value);
        Assert.Contains("64-bit overflow", e.Message);
    }

    [Fact]
    public void InputAndWeightRanges_AreChecked()
    {
        var c = Make([In("x", [2], 0, 4), W("w", [1, 2], 0, 4), A("y", [1], 0, 16)], [new DenseLayer { Name = "d", Input = "x", Weight = "w", Output = "y" }]);
        var e = Assert.Throws<CircuitRangeException>(() => Run(c, [1, 8], ("w", [1, 1])));
        Assert.Equal("input", e.Layer); Assert.Equal(1, e.Index);
        var e2 = Assert.Throws<CircuitRangeException>(() => Run(c, [1, 1], ("w", [1, -9])));
        Assert.Equal("w", e2.Tensor);
    }

    [Fact]
    public void AllLayersCircuit_EvaluatesAndWitnessHasEveryTensor()
    {
        var (c, ws) = AllLayers();
        var rng = new Random(3);
        var x = Enumerable.Range(0, 2 * 16).Select(_ => (long)rng.Next(-40, 40)).ToArray();
        var wit = ReferenceEvaluator.Evaluate(c, ws, x);
        Assert.Equal(2, wit.BatchSize);
        foreach (var t in c.Tensors)
            Assert.Equal(t.Kind == TensorKind.Weight ? t.Size : 2 * t.Size, wit[t.Name].Length);
        // per-sample evaluation equals the batch evaluation (batch-major layout)
        var w0 = ReferenceEvaluator.Evaluate(c, ws, x[..16]);
        var w1 = ReferenceEvaluator.Evaluate(c, ws, x[16..]);
        foreach (var t in c.Tensors.Where(t => t.Kind != TensorKind.Weight))
        {
            Assert.Equal(w0[t.Name], wit.Sample(t.Name, 0).ToArray());
            Assert.Equal(w1[t.Name], wit.Sample(t.Name, 1).ToArray());
        }
        // softmax rows sum to ≈ 2^8
        for (int r = 0; r < 4; r++) Assert.InRange(wit["sm"].Skip(3 * r).Take(3).Sum(), 254, 258);
    }
}
