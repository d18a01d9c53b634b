using BenchmarkDotNet.Attributes;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Benchmarks;

/// <summary>Field multiplication: latency (one chain of 1,000 dependent products), throughput
/// (four independent chains interleaved) and the batch kernel; reported per product.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class FieldBenchmarks
{
    private const int Ops = 1000;
    private Fr _a, _b;
    private Fp _x, _y;
    private readonly Fr[] _xs = new Fr[1024], _ys = new Fr[1024], _zs = new Fr[1024];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _a = Fr.Random(rng); _b = Fr.Random(rng);
        for (int i = 0; i < _xs.Length; i++) { _xs[i] = Fr.Random(rng); _ys[i] = Fr.Random(rng); }
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

    /// <summary>FieldVectors.MulBatch over 1,024 pairs (AVX-512 kernel where supported); per product.</summary>
    [Benchmark(OperationsPerInvoke = 1024)]
    public Fr FrMulBatch()
    {
        FieldVectors.MulBatch(_xs, _ys, _zs);
        return _zs[0];
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

/// <summary>
/// <c>dotnet bench/ZkmlProver.Benchmarks/bin/Release/net10.0/ZkmlProver.Benchmarks.dll field [logN]</c>:
/// field multiplication (dependent chain, four independent chains) and the plain degree-3
/// sum-check (g = f₀·f₁·f₂ over 2^logN entries, default 20), timed by the CPU time of the calling
/// thread (<c>CLOCK_THREAD_CPUTIME_ID</c>, robust to a loaded machine) and by wall clock; best of 5.
/// Batch multiplication and the sum-check are timed with the AVX-512 kernel (where supported) and
/// with <see cref="FieldVectors.UseAvx512"/> = false (scalar path), in the same process.
/// The sum-check is run with its default parallelism (wall) and pinned to one core via
/// <c>DOTNET_PROCESSOR_COUNT=1</c> for a single-thread figure.
/// </summary>
public static class FieldQuick
{
    private const int Ops = 1_000_000;

    public static void Run(int logN)
    {
        var rng = new Random(1);
        Fr a = Fr.Random(rng), b = Fr.Random(rng);
        Time("fr mul dependent chain", Ops, () => MulChain(a, b, Ops));
        Time("fr mul 4 independent chains", Ops, () => MulIndep4(a, b, Ops));
        Time("fr square chain", Ops, () => SquareChain(a, Ops));
        Time("fr add chain", Ops, () => AddChain(a, b, Ops));
        var xs = Enumerable.Range(0, BatchLen).Select(_ => Fr.Random(rng)).ToArray();
        var ys = Enumerable.Range(0, BatchLen).Select(_ => Fr.Random(rng)).ToArray();
        var zs = new Fr[BatchLen];
        foreach (bool avx in new[] { true, false })
        {
            if (avx && !FieldVectors.Avx512Supported) continue;
            FieldVectors.UseAvx512 = avx;
            string path = avx ? "avx512" : "scalar";
            Time($"fr MulBatch a[i]*b[i], {BatchLen} ({path})", Ops, () => MulBatchLoop(xs, ys, zs, Ops));
            Time($"fr MulBatch a[i]*s, {BatchLen} ({path})", Ops, () => MulBatchScalarLoop(xs, a, zs, Ops));
            Time($"fr AddBatch a[i]+b[i], {BatchLen} ({path})", Ops, () => Repeat(() => FieldVectors.AddBatch(xs, ys, zs), Ops));
            Time($"fr InnerProduct, {BatchLen} ({path})", Ops, () => Repeat(() => FieldVectors.InnerProduct(xs, ys), Ops));
            Time($"fr Fold lo+s*(hi-lo), {BatchLen} ({path})", Ops, () => Repeat(() => FieldVectors.Fold(zs, ys, in a), Ops));
        }
        FieldVectors.UseAvx512 = true;
        int n = 1 << logN;
        var tables = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray()).ToArray();
        Fr claim = Fr.Zero;
        for (int i = 0; i < n; i++) claim += tables[0][i] * tables[1][i] * tables[2][i];
        var terms = SumCheckTerms.Product(3);
        foreach (bool avx in new[] { true, false })
        {
            if (avx && !FieldVectors.Avx512Supported) continue;
            FieldVectors.UseAvx512 = avx;
            Time($"sum-check deg 3, 2^{logN} ({(avx ? "avx512" : "scalar")}, threads: {Environment.ProcessorCount})", 1, () =>
            {
                var copy = tables.Select(t => (Fr[])t.Clone()).ToArray();
                double t0 = ThreadCpuNs();
                var sw = System.Diagnostics.Stopwatch.StartNew();
                PlainSumCheck.Prove(new Transcript.Transcript("bench"), claim, terms, copy);
                return (ThreadCpuNs() - t0, sw.Elapsed.TotalMilliseconds * 1e6);
            });
        }
        FieldVectors.UseAvx512 = true;
    }

    private const int BatchLen = 1024;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ulong Repeat(Action body, int ops)
    {
        for (int done = 0; done < ops; done += BatchLen) body();
        return 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ulong Repeat(Func<Fr> body, int ops)
    {
        Fr acc = Fr.Zero;
        for (int done = 0; done < ops; done += BatchLen) acc += body();
        return (ulong)acc.GetHashCode();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ulong MulBatchLoop(Fr[] x, Fr[] y, Fr[] z, int ops)
    {
        for (int done = 0; done < ops; done += x.Length) FieldVectors.MulBatch(x, y, z);
        return (ulong)z[0].GetHashCode();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ulong MulBatchScalarLoop(Fr[] x, Fr s, Fr[] z, int ops)
    {
        for (int done = 0; done < ops; done += x.Length) FieldVectors.MulBatch(x, in s, z);
        return (ulong)z[0].GetHashCode();
    }

    private static void Time(string what, int ops, Func<(double cpuNs, double wallNs)> f)
    {
        f();
        double cpu = double.MaxValue, wall = double.MaxValue;
        for (int r = 0; r < 5; r++) { var (c, w) = f(); cpu = Math.Min(cpu, c); wall = Math.Min(wall, w); }
        if (ops == 1) Console.WriteLine($"{what,-44} thread cpu {cpu / 1e6,8:F1} ms   wall {wall / 1e6,8:F1} ms");
        else Console.WriteLine($"{what,-44} thread cpu {cpu / ops,8:F2} ns/op   wall {wall / ops,8:F2} ns/op");
    }

    private static (double, double) Measure(Func<ulong> body)
    {
        double t0 = ThreadCpuNs();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        body();
        return (ThreadCpuNs() - t0, sw.Elapsed.TotalMilliseconds * 1e6);
    }

    private static void Time(string what, int ops, Func<ulong> body) => Time(what, ops, () => Measure(body));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ulong MulChain(Fr a, Fr b, int n)
    {
        for (int i = 0; i < n; i++) Fr.Mul(in a, in b, out a);
        return (ulong)a.GetHashCode();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ulong MulIndep4(Fr a, Fr e, int n)
    {
        Fr b = e, c = a + e, d = a - e;
        for (int i = 0; i < n / 4; i++)
        {
            Fr.Mul(in a, in e, out a); Fr.Mul(in b, in e, out b); Fr.Mul(in c, in e, out c); Fr.Mul(in d, in e, out d);
        }
        return (ulong)(a + b + c + d).GetHashCode();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ulong SquareChain(Fr a, int n)
    {
        for (int i = 0; i < n; i++) Fr.Square(in a, out a);
        return (ulong)a.GetHashCode();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining | System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static ulong AddChain(Fr a, Fr b, int n)
    {
        for (int i = 0; i < n; i++) Fr.Add(in a, in b, out a);
        return (ulong)a.GetHashCode();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec ts);
    private struct Timespec { public long Sec; public long Nsec; }

    private static double ThreadCpuNs()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        ClockGetTime(3, out var t);
        return t.Sec * 1e9 + t.Nsec;
    }
}
