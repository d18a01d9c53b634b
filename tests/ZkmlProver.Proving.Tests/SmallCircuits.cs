using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Tests;

/// <summary>Hand-built circuits with random weights, for protocol tests that need no ONNX.</summary>
public static class SmallCircuits
{
    /// <summary>input[K] → Dense(M1) → Rescale → Relu → Dense(M2) → Rescale → output.
    /// Non-power-of-two sizes on purpose (padding is where bugs live).</summary>
    public static (Circuit.Circuit Circuit, WeightSet Weights) Mlp(int k, int m1, int m2, int seed, bool bias = true)
    {
        var rng = new Random(seed);
        long[] Rand(int n, int mag) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(-mag, mag + 1)).ToArray();
        var tensors = new List<TensorInfo>
        {
            new() { Name = "x", Kind = TensorKind.Input, Shape = [k], Scale = 6, Bits = 10 },
            new() { Name = "w1", Kind = TensorKind.Weight, Shape = [m1, k], Scale = 6, Bits = 10 },
            new() { Name = "b1", Kind = TensorKind.Weight, Shape = [m1], Scale = 12, Bits = 20 },
            new() { Name = "y1", Kind = TensorKind.Activation, Shape = [m1], Scale = 12, Bits = 32 },
            new() { Name = "q1", Kind = TensorKind.Activation, Shape = [m1], Scale = 6, Bits = 16 },
            new() { Name = "a1", Kind = TensorKind.Activation, Shape = [m1], Scale = 6, Bits = 16 },
            new() { Name = "w2", Kind = TensorKind.Weight, Shape = [m2, m1], Scale = 6, Bits = 10 },
            new() { Name = "b2", Kind = TensorKind.Weight, Shape = [m2], Scale = 12, Bits = 20 },
            new() { Name = "y2", Kind = TensorKind.Activation, Shape = [m2], Scale = 12, Bits = 32 },
            new() { Name = "out", Kind = TensorKind.Activation, Shape = [m2], Scale = 6, Bits = 16 },
        };
        var layers = new List<Layer>
        {
            new DenseLayer { Name = "fc1", Input = "x", Weight = "w1", Bias = bias ? "b1" : null, Output = "y1" },
            new RescaleLayer { Name = "rs1", Input = "y1", Shift = 6, Output = "q1" },
            new ReluLayer { Name = "relu1", Input = "q1", Output = "a1" },
            new DenseLayer { Name = "fc2", Input = "a1", Weight = "w2", Bias = bias ? "b2" : null, Output = "y2" },
            new RescaleLayer { Name = "rs2", Input = "y2", Shift = 6, Output = "out" },
        };
        if (!bias) tensors.RemoveAll(t => t.Name is "b1" or "b2");
        var circuit = new Circuit.Circuit { Name = "small-mlp", Input = "x", Outputs = ["out"], Tensors = [.. tensors], Layers = [.. layers] }.WithDigest();
        var weights = new Dictionary<string, long[]> { ["w1"] = Rand(m1 * k, 60), ["w2"] = Rand(m2 * m1, 60) };
        if (bias) { weights["b1"] = Rand(m1, 3000); weights["b2"] = Rand(m2, 3000); }
        return (circuit, new WeightSet(weights));
    }

    /// <summary>A residual block with a branch: x[K] → Dense(K) → Rescale → h; out = Relu(h) + x and
    /// side = Relu(h)·h (h is read by two layers, x by a Dense and an Add, Relu(h) by an Add and a Mul;
    /// two outputs).</summary>
    public static (Circuit.Circuit Circuit, WeightSet Weights) Residual(int k, int seed)
    {
        var rng = new Random(seed);
        long[] Rand(int n, int mag) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(-mag, mag + 1)).ToArray();
        TensorInfo Act(string name, int scale, int bits) => new() { Name = name, Kind = TensorKind.Activation, Shape = [k], Scale = scale, Bits = bits };
        var tensors = new List<TensorInfo>
        {
            new() { Name = "x", Kind = TensorKind.Input, Shape = [k], Scale = 6, Bits = 10 },
            new() { Name = "w", Kind = TensorKind.Weight, Shape = [k, k], Scale = 6, Bits = 10 },
            Act("y", 12, 32), Act("h", 6, 16), Act("a", 6, 16), Act("out", 6, 17), Act("side", 12, 32),
        };
        var layers = new List<Layer>
        {
            new DenseLayer { Name = "fc", Input = "x", Weight = "w", Output = "y" },
            new RescaleLayer { Name = "rs", Input = "y", Shift = 6, Output = "h" },
            new ReluLayer { Name = "relu", Input = "h", Output = "a" },
            new AddLayer { Name = "skip", A = "a", B = "x", Output = "out" },
            new MulLayer { Name = "gate", A = "a", B = "h", Output = "side" },
        };
        var circuit = new Circuit.Circuit { Name = "residual", Input = "x", Outputs = ["out", "side"], Tensors = [.. tensors], Layers = [.. layers] }.WithDigest();
        return (circuit, new WeightSet(new Dictionary<string, long[]> { ["w"] = Rand(k * k, 60) }));
    }

    public static long[] Inputs(int batch, int k, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, batch * k).Select(_ => (long)rng.Next(-64, 65)).ToArray();
    }
}
