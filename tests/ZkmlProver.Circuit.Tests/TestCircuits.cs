using ZkmlProver.Circuit;

namespace ZkmlProver.Circuit.Tests;

/// <summary>Small builders for hand-made circuits.</summary>
static class TC
{
    public static TensorInfo In(string n, int[] shape, int scale = 0, int bits = 32) => new() { Name = n, Kind = TensorKind.Input, Shape = shape, Scale = scale, Bits = bits };
    public static TensorInfo W(string n, int[] shape, int scale = 0, int bits = 32) => new() { Name = n, Kind = TensorKind.Weight, Shape = shape, Scale = scale, Bits = bits };
    public static TensorInfo A(string n, int[] shape, int scale = 0, int bits = 32) => new() { Name = n, Kind = TensorKind.Activation, Shape = shape, Scale = scale, Bits = bits };

    public static Circuit Make(TensorInfo[] tensors, Layer[] layers, params string[] outputs) => new Circuit
    {
        Name = "test",
        Input = tensors.Single(t => t.Kind == TensorKind.Input).Name,
        Outputs = outputs.Length > 0 ? outputs : [layers[^1].Output],
        Tensors = tensors,
        Layers = layers,
    }.WithDigest();

    /// <summary>Evaluates a single-input circuit and returns the last layer's output.</summary>
    public static long[] Run(Circuit c, long[] input, params (string, long[])[] weights)
    {
        var ws = new WeightSet(weights.Select(w => new KeyValuePair<string, long[]>(w.Item1, w.Item2)));
        return ReferenceEvaluator.Evaluate(c, ws, input)[c.Layers[^1].Output];
    }

    /// <summary>One circuit that uses every layer type (valid, evaluable).</summary>
    public static (Circuit Circuit, WeightSet Weights) AllLayers()
    {
        var lkMin = -64L; var lkMax = 64L;
        var tensors = new[]
        {
            In("x", [1, 4, 4], 4, 16),
            W("cw", [2, 1, 3, 3], 4, 8), W("cb", [2], 8, 20),
            A("c1", [2, 4, 4], 8, 30), A("r1", [2, 4, 4], 4, 20), A("a1", [2, 4, 4], 4, 20), A("a2", [2, 4, 4], 4, 20), A("a3", [2, 4, 4], 4, 20),
            A("p1", [2, 2, 2], 4, 20), A("p2", [2, 1, 1], 4, 20),
            W("ga", [2], 4, 8), W("gb", [2], 8, 20), A("ca", [2, 2, 2], 8, 30), A("ca2", [2, 2, 2], 4, 20),
            A("ad", [2, 2, 2], 4, 20), A("sb", [2, 2, 2], 4, 20), A("mu", [2, 2, 2], 8, 40), A("mc", [2, 2, 2], 8, 40), A("mr", [2, 2, 2], 4, 30),
            A("f", [8], 4, 30), W("dw", [3, 8], 4, 8), W("db", [3], 8, 20), A("d", [3], 8, 40), A("dr", [3], 4, 30),
            A("rs", [3, 1], 4, 30), A("tr", [1, 3], 4, 30), A("cc", [2, 3], 4, 30), A("mm", [1, 1], 8, 50),
            A("cl", [3], 4, 30), A("lk", [3], 8, 12), A("sm", [2, 3], 8, 12), A("xs", [1, 4, 4], 4, 16),
        };
        var layers = new Layer[]
        {
            new Conv2dLayer { Name = "conv", Input = "x", Weight = "cw", Bias = "cb", Pads = [1, 1, 1, 1], Strides = [1, 1], Dilations = [1, 1], Output = "c1" },
            new RescaleLayer { Name = "rescale", Input = "c1", Shift = 4, Output = "r1" },
            new ReluLayer { Name = "relu", Input = "r1", Output = "a1" },
            new LeakyReluLayer { Name = "leaky", Input = "r1", AlphaNum = 13, AlphaShift = 7, Output = "a2" },
            new ClipLayer { Name = "clip", Input = "a2", Min = -100, Max = 100, Output = "a3" },
            new MaxPool2dLayer { Name = "maxpool", Input = "a3", Kernel = [2, 2], Strides = [2, 2], Pads = [0, 0, 0, 0], Dilations = [1, 1], Output = "p1" },
            new AvgPool2dLayer { Name = "avgpool", Input = "p1", Kernel = [2, 2], Strides = [1, 1], Pads = [0, 0, 0, 0], Shift = 10, Output = "p2" },
            new ChannelAffineLayer { Name = "bn", Input = "p1", Weight = "ga", Bias = "gb", Output = "ca" },
            new RescaleLayer { Name = "bn_rescale", Input = "ca", Shift = 4, Output = "ca2" },
            new AddLayer { Name = "add", A = "ca2", B = "p1", Output = "ad" },
            new SubLayer { Name = "sub", A = "ad", B = "p1", Output = "sb" },
            new MulLayer { Name = "mul", A = "sb", B = "p1", Output = "mu" },
            new MulConstLayer { Name = "mulc", Input = "mu", Multiplier = 2, Output = "mc" },
            new RescaleLayer { Name = "mul_rescale", Input = "mc", Shift = 4, Output = "mr" },
            new FlattenLayer { Name = "flatten", Input = "mr", Output = "f" },
            new DenseLayer { Name = "dense", Input = "f", Weight = "dw", Bias = "db", Output = "d" },
            new RescaleLayer { Name = "dense_rescale", Input = "d", Shift = 4, Output = "dr" },
            new ReshapeLayer { Name = "reshape", Input = "dr", Output = "rs" },
            new TransposeLayer { Name = "transpose", Input = "rs", Perm = [1, 0], Output = "tr" },
            new ConcatLayer { Name = "concat", InputList = ["tr", "tr"], Axis = 0, Output = "cc" },
            new MatMulLayer { Name = "matmul", A = "tr", B = "rs", Output = "mm" },
            new ClipLayer { Name = "sig_clip", Input = "dr", Min = lkMin, Max = lkMax, Output = "cl" },
            new LookupLayer { Name = "sigmoid", Input = "cl", Function = "sigmoid", InScale = 4, OutScale = 8, Min = lkMin, Max = lkMax, TableDigest = LookupTables.Digest("sigmoid", 4, 8, lkMin, lkMax), Output = "lk" },
            new SoftmaxLayer { Name = "softmax", Input = "cc", Axis = 1, ExpInScale = 4, ExpOutScale = 8, ExpMin = -128, OutScale = 8, TableDigest = LookupTables.Digest("exp", 4, 8, -128, 0), Output = "sm" },
            new MulConstLayer { Name = "scale_delta", Input = "x", Multiplier = 1, ScaleDelta = 0, Output = "xs" },
        };
        var c = Make(tensors, layers, "lk", "sm", "mm", "p2");
        var rng = new Random(7);
        long[] R(int n, int lo, int hi) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(lo, hi)).ToArray();
        var ws = new WeightSet(new Dictionary<string, long[]>
        {
            ["cw"] = R(18, -20, 20), ["cb"] = R(2, -100, 100), ["ga"] = R(2, 8, 24), ["gb"] = R(2, -50, 50),
            ["dw"] = R(24, -16, 16), ["db"] = R(3, -100, 100),
        });
        return (c, ws);
    }
}
