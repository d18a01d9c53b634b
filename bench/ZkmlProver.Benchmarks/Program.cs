using System.Diagnostics;
using BenchmarkDotNet.Running;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Benchmarks;

/// <summary>
/// Entry point. <c>dotnet run -c Release --project bench/ZkmlProver.Benchmarks -- --filter '*Msm*'</c>
/// runs BenchmarkDotNet; <c>-- quick</c> prints rough Stopwatch timings in seconds instead (for
/// tuning, not for reporting).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "trace")
        {
            int n = 1 << (args.Length > 1 ? int.Parse(args[1]) : 16);
            var gs = Generators.Derive("bench", 0, n);
            var rng = new Random(1);
            var fr = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
            Msm.Compute(gs, fr, 1);
            var t = Stopwatch.StartNew();
            double c0 = ThreadCpuMs();
            Pippenger.Trace = s => Console.WriteLine($"wall {t.Elapsed.TotalMilliseconds,8:F1} ms  thread cpu {ThreadCpuMs() - c0,8:F1} ms  {s}");
            t.Restart();
            c0 = ThreadCpuMs();
            Msm.Compute(gs, fr, 1);
            Console.WriteLine($"wall {t.Elapsed.TotalMilliseconds,8:F1} ms  thread cpu {ThreadCpuMs() - c0,8:F1} ms  end");
            var s16 = Enumerable.Range(0, n).Select(_ => (long)rng.Next(-32768, 32768)).ToArray();
            t.Restart(); c0 = ThreadCpuMs();
            Msm.ComputeSmall(gs, s16, 1);
            Console.WriteLine($"wall {t.Elapsed.TotalMilliseconds,8:F1} ms  thread cpu {ThreadCpuMs() - c0,8:F1} ms  end int16");
            return;
        }
        if (args.Length > 0 && args[0] == "madd")
        {
            var g = Generators.Derive("bench", 0, 4);
            var p0 = g[0] + g[1];
            for (int r = 0; r < 30; r++) MaddChain(p0, g[2], 100_000);
            return;
        }
        if (args.Length > 0 && args[0] == "field") { FieldQuick.Run(args.Length > 1 ? int.Parse(args[1]) : 20); return; }
        if (args.Length > 0 && args[0] == "quick") { Quick(args.Length > 1 ? int.Parse(args[1]) : 16); return; }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    private static void Quick(int logN)
    {
        int n = 1 << logN;
        var sw = Stopwatch.StartNew();
        var gs = Generators.Derive("bench", 0, n);
        Console.WriteLine($"derive 2^{logN} generators: {sw.Elapsed.TotalMilliseconds:F0} ms");
        var rng = new Random(1);
        var fr = Enumerable.Range(0, n).Select(_ => Fr.Random(rng)).ToArray();
        var s16 = Enumerable.Range(0, n).Select(_ => (long)rng.Next(-32768, 32768)).ToArray();
        var bits = Enumerable.Range(0, n).Select(_ => (long)rng.Next(2)).ToArray();
        foreach (int threads in new[] { 1, 2 })
        {
            Time($"msm random 2^{logN} t={threads}", () => Msm.Compute(gs, fr, threads));
            Time($"msm int16  2^{logN} t={threads}", () => Msm.ComputeSmall(gs, s16, threads));
            Time($"msm bits   2^{logN} t={threads}", () => Msm.ComputeSmall(gs, bits, threads));
        }
        var a = Fr.Random(rng); var b = Fr.Random(rng);
        Time("fr mul x1e6", () => { FrChain(a, b, 1_000_000); return Point.Identity; });
        var x = Fp.FromBigInteger(fr[0].ToBigInteger()); var y = Fp.FromBigInteger(fr[1].ToBigInteger());
        Time("fp mul x1e6", () => { FpChain(x, y, 1_000_000); return Point.Identity; });
        Time("fp sqr x1e6", () => { for (int i = 0; i < 1_000_000; i++) Fp.Square(in x, out x); return Point.Identity; });
        Time("fp inv x1e3", () => { for (int i = 0; i < 1000; i++) Fp.Inverse(in x, out x); return Point.Identity; });
        Time("fp add x1e6", () => { FpAddChain(x, y, 1_000_000); return Point.Identity; });
        Time("fp sub x1e6", () => { FpSubChain(x, y, 1_000_000); return Point.Identity; });
        Time("fp mulsmall x1e6", () => { FpMulSmallChain(x, 1_000_000); return Point.Identity; });
        Time("glv split x1e5", () => { SplitLoop(fr, 100_000); return Point.Identity; });
        Time("fr canonical x1e5", () => { CanonLoop(fr, 100_000); return Point.Identity; });
        Time("fp 6 indep mul x1e5", () => { Indep6(x, y, 100_000); return Point.Identity; });
        var pd = gs[0] + gs[1];
        Time("point dbl x1e5", () => { DblChain(pd, 100_000); return Point.Identity; });
        Time("point madd x1e5", () => { MaddChain(pd, gs[2], 100_000); return Point.Identity; });
        Time("point add x1e5", () => { AddChain(pd, gs[2] + gs[3], 100_000); return Point.Identity; });
        Time("scalar mul x1e3", () => { var p = gs[0]; for (int i = 0; i < 1000; i++) p = p * fr[i % n]; return p; });
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static ulong FrChain(Fr a, Fr b, int n)
    {
        for (int i = 0; i < n; i++) Fr.Mul(in a, in b, out a);
        return (ulong)a.GetHashCode();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static ulong FpChain(Fp a, Fp b, int n)
    {
        for (int i = 0; i < n; i++) Fp.Mul(in a, in b, out a);
        return a.L0;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec ts);
    private struct Timespec { public long Sec; public long Nsec; }

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): robust to a loaded machine.</summary>
    private static double ThreadCpuMs()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        ClockGetTime(3, out var t);
        return t.Sec * 1e3 + t.Nsec / 1e6;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static ulong FpAddChain(Fp a, Fp b, int n) { for (int i = 0; i < n; i++) Fp.Add(in a, in b, out a); return a.L0; }
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static ulong FpSubChain(Fp a, Fp b, int n) { for (int i = 0; i < n; i++) Fp.Sub(in a, in b, out a); return a.L0; }
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static ulong FpMulSmallChain(Fp a, int n) { for (int i = 0; i < n; i++) Fp.MulSmall(in a, 3, out a); return a.L0; }
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static ulong SplitLoop(Fr[] fr, int n)
    {
        ulong acc = 0;
        for (int i = 0; i < n; i++)
        {
            Glv.Split((ulong)i * 0x9E3779B97F4A7C15UL, (ulong)i, 12345, 0x7FFFFFFFFFFFFFFFUL, out var m1, out _, out var m2, out _);
            acc ^= (ulong)m1 ^ (ulong)m2;
        }
        return acc;
    }
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static ulong CanonLoop(Fr[] fr, int n)
    {
        ulong acc = 0;
        for (int i = 0; i < n; i++) { fr[i % fr.Length].ToCanonicalLimbs(out var a, out _, out _, out var d); acc ^= a ^ d; }
        return acc;
    }
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static ulong Indep6(Fp a, Fp b, int n)
    {
        Fp c = b, d = a, e = b, f = a;
        for (int i = 0; i < n; i++)
        {
            Fp.Mul(in a, in b, out var t1); Fp.Mul(in c, in d, out var t2); Fp.Mul(in e, in f, out var t3);
            Fp.Mul(in t1, in t2, out a); Fp.Mul(in t2, in t3, out c); Fp.Mul(in t3, in t1, out e);
        }
        return a.L0 ^ c.L0 ^ e.L0;
    }
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static Point DblChain(Point p, int n) { for (int i = 0; i < n; i++) Point.Double(in p, out p); return p; }
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static Point MaddChain(Point p, Point q, int n) { for (int i = 0; i < n; i++) Point.AddMixed(in p, in q.X, in q.Y, out p); return p; }
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static Point AddChain(Point p, Point q, int n) { for (int i = 0; i < n; i++) Point.Add(in p, in q, out p); return p; }

    private static void Time(string what, Func<Point> f)
    {
        f();
        double best = double.MaxValue, bestCpu = double.MaxValue, bestThread = double.MaxValue;
        var proc = Process.GetCurrentProcess();
        for (int r = 0; r < 5; r++)
        {
            proc.Refresh();
            var cpu0 = proc.TotalProcessorTime;
            double t0 = ThreadCpuMs();
            var sw = Stopwatch.StartNew();
            f();
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            bestThread = Math.Min(bestThread, ThreadCpuMs() - t0);
            proc.Refresh();
            bestCpu = Math.Min(bestCpu, (proc.TotalProcessorTime - cpu0).TotalMilliseconds);
        }
        Console.WriteLine($"{what,-28} wall {best,9:F2} ms   process cpu {bestCpu,9:F2} ms   calling-thread cpu {bestThread,9:F2} ms");
    }
}
