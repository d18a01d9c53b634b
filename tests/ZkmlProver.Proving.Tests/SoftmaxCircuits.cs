using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Tests;

/// <summary>Hand-built circuits for the adversarial tests: a softmax whose output is committed (read
/// by a Dense), and a MatMul of two committed lookup outputs (sums over padded k).</summary>
public static class SoftmaxCircuits
{
    /// <summary>x[K] → Dense(M) → Rescale → Softmax → Dense(2) → Rescale → out.</summary>
    /// <param name="equalColumns">w2's rows constant (fc2 reads only the sum of each softmax row).</param>
    public static (Circuit.Circuit Circuit, WeightSet Weights) IntoDense(int k, int m, int seed, bool equalColumns = false)
    {
        var rng = new Random(seed);
        long[] Rand(int n, int mag) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(-mag, mag + 1)).ToArray();
        const long expMin = -1024;
        var tensors = new List<TensorInfo>
        {
            new() { Name = "x", Kind = TensorKind.Input, Shape = [k], Scale = 6, Bits = 10 },
            new() { Name = "w1", Kind = TensorKind.Weight, Shape = [m, k], Scale = 6, Bits = 10 },
            new() { Name = "y1", Kind = TensorKind.Activation, Shape = [m], Scale = 12, Bits = 32 },
            new() { Name = "q1", Kind = TensorKind.Activation, Shape = [m], Scale = 6, Bits = 12 },
            new() { Name = "p", Kind = TensorKind.Activation, Shape = [m], Scale = 10, Bits = 12 },
            new() { Name = "w2", Kind = TensorKind.Weight, Shape = [2, m], Scale = 6, Bits = 10 },
            new() { Name = "y2", Kind = TensorKind.Activation, Shape = [2], Scale = 16, Bits = 32 },
            new() { Name = "out", Kind = TensorKind.Activation, Shape = [2], Scale = 6, Bits = 16 },
        };
        var layers = new List<Layer>
        {
            new DenseLayer { Name = "fc1", Input = "x", Weight = "w1", Output = "y1" },
            new RescaleLayer { Name = "rs1", Input = "y1", Shift = 6, Output = "q1" },
            new SoftmaxLayer { Name = "softmax", Input = "q1", Axis = 0, ExpInScale = 6, ExpOutScale = 10, ExpMin = expMin, OutScale = 10,
                TableDigest = LookupTables.Digest("exp", 6, 10, expMin, 0), Output = "p" },
            new DenseLayer { Name = "fc2", Input = "p", Weight = "w2", Output = "y2" },
            new RescaleLayer { Name = "rs2", Input = "y2", Shift = 10, Output = "out" },
        };
        var circuit = new Circuit.Circuit { Name = "softmax-dense", Input = "x", Outputs = ["out"], Tensors = [.. tensors], Layers = [.. layers] }.WithDigest();
        var w1 = Rand(m * k, 60);
        var w2 = equalColumns ? Enumerable.Range(0, 2).SelectMany(r => Enumerable.Repeat((long)(17 + 20 * r), m)).ToArray() : Rand(2 * m, 60);
        return (circuit, new WeightSet(new Dictionary<string, long[]> { ["w1"] = w1, ["w2"] = w2 }));
    }

    /// <summary>x[3,3] → sigmoid → s1, x → tanh → s2, m = s1·s2 (MatMul of two activations) → Rescale → out.</summary>
    public static (Circuit.Circuit Circuit, WeightSet Weights) LookupMatMul()
    {
        TensorInfo Act(string name, int scale, int bits) => new() { Name = name, Kind = TensorKind.Activation, Shape = [3, 3], Scale = scale, Bits = bits };
        var tensors = new List<TensorInfo>
        {
            new() { Name = "x", Kind = TensorKind.Input, Shape = [3, 3], Scale = 6, Bits = 10 },
            Act("s1", 10, 12), Act("s2", 10, 12), Act("m", 20, 40), Act("out", 10, 24),
        };
        var layers = new List<Layer>
        {
            new LookupLayer { Name = "sigmoid", Input = "x", Function = "sigmoid", InScale = 6, OutScale = 10, Min = -512, Max = 512,
                TableDigest = LookupTables.Digest("sigmoid", 6, 10, -512, 512), Output = "s1" },
            new LookupLayer { Name = "tanh", Input = "x", Function = "tanh", InScale = 6, OutScale = 10, Min = -512, Max = 512,
                TableDigest = LookupTables.Digest("tanh", 6, 10, -512, 512), Output = "s2" },
            new MatMulLayer { Name = "mm", A = "s1", B = "s2", Output = "m" },
            new RescaleLayer { Name = "rs", Input = "m", Shift = 10, Output = "out" },
        };
        var circuit = new Circuit.Circuit { Name = "lookup-matmul", Input = "x", Outputs = ["out"], Tensors = [.. tensors], Layers = [.. layers] }.WithDigest();
        return (circuit, new WeightSet(new Dictionary<string, long[]>()));
    }
}
