using BenchmarkDotNet.Attributes;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Benchmarks;

/// <summary>Field multiplication latency: chains of 1,000 dependent products per invocation
/// (reported per operation).</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class FieldBenchmarks
{
    private const int Ops = 1000;
    private Fr _a, _b;
    private Fp _x, _y;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Fr.Random(rng); _b = Fr.Random(rng);
        _x = Fp.FromBigInteger(Fr.Random(rng).ToBigInteger());
        _y = Fp.FromBigInteger(Fr.Random(rng).ToBigInteger());
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public Fr FrMul()
    {
        Fr a = _a, b = _b;
        for (int i = 0; i < Ops; i++) Fr.Mul(in a, in b, out a);
        return a;
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public Fr FrAdd()
    {
        Fr a = _a, b = _b;
        for (int i = 0; i < Ops; i++) Fr.Add(in a, in b, out a);
        return a;
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public ulong FpMul()
    {
        Fp x = _x, y = _y;
        for (int i = 0; i < Ops; i++) Fp.Mul(in x, in y, out x);
        return x.L0;
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public ulong FpSquare()
    {
        Fp x = _x;
        for (int i = 0; i < Ops; i++) Fp.Square(in x, out x);
        return x.L0;
    }

    [Benchmark]
    public ulong FpInverse()
    {
        Fp.Inverse(in _x, out var r);
        return r.L0;
    }
}
