using BenchmarkDotNet.Attributes;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Benchmarks;

/// <summary>Field multiplication: latency (one chain of 1,000 dependent products) and throughput
/// (four independent chains interleaved, as in vector kernels); reported per product.</summary>
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
    public Fr FrMulThroughput()
    {
        Fr a = _a, b = _b, c = _b, d = _a, e = _a + _b;
        for (int i = 0; i < Ops / 4; i++)
        {
            Fr.Mul(in a, in e, out a); Fr.Mul(in b, in e, out b); Fr.Mul(in c, in e, out c); Fr.Mul(in d, in e, out d);
        }
        return a + b + c + d;
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
    public ulong FpMulThroughput()
    {
        Fp a = _x, b = _y, c = _y, d = _x, e = _y;
        for (int i = 0; i < Ops / 4; i++)
        {
            Fp.Mul(in a, in e, out a); Fp.Mul(in b, in e, out b); Fp.Mul(in c, in e, out c); Fp.Mul(in d, in e, out d);
        }
        return a.L0 ^ b.L0 ^ c.L0 ^ d.L0;
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
