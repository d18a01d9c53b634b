using BenchmarkDotNet.Attributes;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Benchmarks;

/// <summary>Multi-scalar multiplication over 2^LogN generators: random 256-bit scalars (GLV +
/// batch-affine Pippenger), signed 16-bit scalars and 0/1 scalars (<see cref="Msm.ComputeSmall(ReadOnlySpan{Point}, ReadOnlySpan{long}, int)"/>),
/// on 1 and 2 threads.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/ZkmlProver.Benchmarks -- --filter '*Msm*'</c>.</remarks>
[ShortRunJob]
[MemoryDiagnoser]
public class MsmBenchmarks
{
    [Params(10, 12, 14, 16)]
    public int LogN;

    [Params(1, 2)]
    public int Threads;

    private Point[] _gs = [];
    private Fr[] _random = [];
    private long[] _int16 = [], _bits = [];

    [GlobalSetup]
    public void Setup()
    {
        int n = 1 << LogN;
        _gs = Generators.Derive("bench", 0, n);
        var rng = new Random(LogN);
        _random = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        _int16 = Enumerable.Range(0, n).Select(_ => (long)rng.Next(-32768, 32768)).ToArray();
        _bits = Enumerable.Range(0, n).Select(_ => (long)rng.Next(2)).ToArray();
    }

    [Benchmark]
    public Point MsmRandom256() => Msm.Compute(_gs, _random, Threads);

    [Benchmark]
    public Point MsmSigned16() => Msm.ComputeSmall(_gs, _int16, Threads);

    [Benchmark]
    public Point MsmBits() => Msm.ComputeSmall(_gs, _bits, Threads);
}

/// <summary>Single point operations and generator derivation.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class CurveBenchmarks
{
    private Point _p, _q, _pq;
    private Fr _k;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _p = Generators.Derive("bench", 0);
        _q = Generators.Derive("bench", 1);
        _pq = _p + _q; // Jacobian, Z ≠ 1
        _k = Fr.Random(new Random(3));
    }

    [Benchmark]
    public Point ScalarMul() => _p * _k;

    [Benchmark]
    public Point AddMixed() => _pq + _q;

    [Benchmark]
    public Point AddJacobian() => _pq + _pq.Double();

    [Benchmark]
    public Point Double() => _pq.Double();

    [Benchmark]
    public byte[] Encode() => _pq.ToBytes();

    [Benchmark]
    public Point DeriveGenerator() => Generators.Derive("bench", _i++);
}
