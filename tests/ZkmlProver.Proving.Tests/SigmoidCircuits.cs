using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Tests;

/// <summary>x[K] → Dense(M) → Rescale → Clip → Lookup(sigmoid) [→ Dense(1) → Rescale when hidden].</summary>
public static class SigmoidCircuits
{
    public static (Circuit.Circuit Circuit, WeightSet Weights) Build(int k, int m, int seed, bool hiddenLookup, long clipMin = -512, long clipMax = 512)
    {
        var rng = new Random(seed);
        long[] Rand(int n, int mag) => Enumerable.Range(0, n).Select(_ => (long)rng.Next(-mag, mag + 1)).ToArray();
        var tensors = new List<TensorInfo>
        {
            new() { Name = "x", Kind = TensorKind.Input, Shape = [k], Scale = 6, Bits = 10 },
            new() { Name = "w1", Kind = TensorKind.Weight, Shape = [m, k], Scale = 6, Bits = 10 },
            new() { Name = "b1", Kind = TensorKind.Weight, Shape = [m], Scale = 12, Bits = 20 },
            new() { Name = "y1", Kind = TensorKind.Activation, Shape = [m], Scale = 12, Bits = 32 },
            new() { Name = "q1", Kind = TensorKind.Activation, Shape = [m], Scale = 6, Bits = 12 },
            new() { Name = "c1", Kind = TensorKind.Activation, Shape = [m], Scale = 6, Bits = 12 },
            new() { Name = "s1", Kind = TensorKind.Activation, Shape = [m], Scale = 10, Bits = 12 },
        };
        var layers = new List<Layer>
        {
            new DenseLayer { Name = "fc1", Input = "x", Weight = "w1", Bias = "b1", Output = "y1" },
            new RescaleLayer { Name = "rs1", Input = "y1", Shift = 6, Output = "q1" },
            new ClipLayer { Name = "clip", Input = "q1", Min = clipMin, Max = clipMax, Output = "c1" },
            new LookupLayer { Name = "sigmoid", Input = "c1", Function = "sigmoid", InScale = 6, OutScale = 10, Min = -512, Max = 512,
                TableDigest = LookupTables.Digest("sigmoid", 6, 10, -512, 512), Output = "s1" },
        };
        var weights = new Dictionary<string, long[]> { ["w1"] = Rand(m * k, 60), ["b1"] = Rand(m, 3000) };
        string output = "s1";
        if (hiddenLookup)
        {
            tensors.Add(new() { Name = "w2", Kind = TensorKind.Weight, Shape = [1, m], Scale = 6, Bits = 10 });
            tensors.Add(new() { Name = "y2", Kind = TensorKind.Activation, Shape = [1], Scale = 16, Bits = 32 });
            tensors.Add(new() { Name = "out", Kind = TensorKind.Activation, Shape = [1], Scale = 6, Bits = 16 });
            layers.Add(new DenseLayer { Name = "fc2", Input = "s1", Weight = "w2", Output = "y2" });
            layers.Add(new RescaleLayer { Name = "rs2", Input = "y2", Shift = 10, Output = "out" });
            weights["w2"] = Rand(m, 60);
            output = "out";
        }
        var circuit = new Circuit.Circuit { Name = "sigmoid", Input = "x", Outputs = [output], Tensors = [.. tensors], Layers = [.. layers] }.WithDigest();
        return (circuit, new WeightSet(weights));
    }
}
