using System.Buffers;
using System.Runtime.CompilerServices;
using ZkmlProver.Field;

namespace ZkmlProver.Curve;

/// <summary>Multi-scalar multiplication Σ sᵢ·Pᵢ (bucket / Pippenger method).</summary>
/// <remarks>
/// <para><see cref="Compute(ReadOnlySpan{Point}, ReadOnlySpan{Fr})"/>: each 256-bit scalar is split
/// with the GLV endomorphism into two signed ~128-bit halves over Pᵢ and φ(Pᵢ) = (β·xᵢ, yᵢ), then
/// batch-affine Pippenger with signed digits (<see cref="Pippenger"/>).</para>
/// <para><see cref="ComputeSmall(ReadOnlySpan{Point}, ReadOnlySpan{long})"/>: scalars in {−1, 0, 1}
/// cost one addition per nonzero scalar; other small scalars run Pippenger over only as many bits as
/// the largest |sᵢ| needs (one window of c = 16 for 16-bit values), with no GLV split.</para>
/// <para>Identity points and zero scalars contribute nothing. Inputs in any representation are
/// accepted (non-normalized points are batch-normalized with one inversion). Results are
/// unnormalized Jacobian points. The work runs on up to <see cref="DefaultMaxDegreeOfParallelism"/>
/// threads unless an overload with an explicit degree is used (1 = single-threaded).</para>
/// </remarks>
public static class Msm
{
    /// <summary>Threads used by the overloads without an explicit degree; ≤ 0 means all cores.</summary>
    public static int DefaultMaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>Below this many inputs, Σ sᵢ·Pᵢ is computed point by point.</summary>
    internal const int NaiveThreshold = 8;

    public static Point Compute(ReadOnlySpan<Point> points, ReadOnlySpan<Fr> scalars)
        => Compute(points, scalars, DefaultMaxDegreeOfParallelism);

    /// <summary>Σ scalars[i]·points[i] on at most <paramref name="maxDegreeOfParallelism"/> threads
    /// (≤ 0: all cores).</summary>
    public static Point Compute(ReadOnlySpan<Point> points, ReadOnlySpan<Fr> scalars, int maxDegreeOfParallelism)
    {
        if (points.Length != scalars.Length) throw new ArgumentException($"MSM length mismatch: {points.Length} points, {scalars.Length} scalars");
        if (points.Length < NaiveThreshold) return Naive(points, scalars);
        return ComputePippenger(points, scalars, maxDegreeOfParallelism, 0);
    }

    private static Point Naive(ReadOnlySpan<Point> points, ReadOnlySpan<Fr> scalars)
    {
        var acc = Point.Identity;
        for (int i = 0; i < points.Length; i++) Point.Add(in acc, points[i].Multiply(scalars[i]), out acc);
        return acc;
    }

    /// <summary>The GLV + Pippenger path for any length (tests force it on small inputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Point ComputePippenger(ReadOnlySpan<Point> points, ReadOnlySpan<Fr> scalars, int maxDegreeOfParallelism, int forceWindow, int reduceMode = 0)
    {
        int n = points.Length;
        int m = 2 * n;
        var pts = ArrayPool<Affine>.Shared.Rent(m);
        var mags = ArrayPool<UInt128>.Shared.Rent(m);
        var negs = ArrayPool<byte>.Shared.Rent(m);
        var sc = ArrayPool<Fr>.Shared.Rent(n);
        try
        {
            var sw = Pippenger.Trace is null ? null : System.Diagnostics.Stopwatch.StartNew();
            LoadAffine(points, pts, stride: 2);
            scalars.CopyTo(sc);
            Pippenger.Trace?.Invoke($"load {sw!.Elapsed.TotalMilliseconds:F1} ms");
            int threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
            int chunks = threads == 1 ? 1 : Math.Min(threads * 4, Math.Max(1, n / 2048));
            var chunkMax = new UInt128[chunks];
            if (chunks == 1) chunkMax[0] = SplitChunk(sc, pts, mags, negs, 0, n);
            else
                Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, ch =>
                {
                    int start = (int)((long)n * ch / chunks), end = (int)((long)n * (ch + 1) / chunks);
                    chunkMax[ch] = SplitChunk(sc, pts, mags, negs, start, end);
                });
            UInt128 maxMag = 0;
            foreach (var v in chunkMax) if (v > maxMag) maxMag = v;
            Pippenger.Trace?.Invoke($"GLV preprocessing done {sw!.Elapsed.TotalMilliseconds:F1} ms");
            return Pippenger.Run(pts, mags, negs, m, maxMag, maxDegreeOfParallelism, forceWindow, reduceMode);
        }
        finally
        {
            ArrayPool<Affine>.Shared.Return(pts);
            ArrayPool<UInt128>.Shared.Return(mags);
            ArrayPool<byte>.Shared.Return(negs);
            ArrayPool<Fr>.Shared.Return(sc);
        }
    }

    /// <summary>GLV-splits scalars [start, end) into (Pᵢ, k₁) at 2i and (φ(Pᵢ), k₂) at 2i + 1; returns
    /// the largest half magnitude. Zero scalars and identity points get magnitude 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static UInt128 SplitChunk(Fr[] sc, Affine[] pts, UInt128[] mags, byte[] negs, int start, int end)
    {
        UInt128 max = 0;
        for (int i = start; i < end; i++)
        {
            ref readonly var s = ref sc[i];
            // Identity points were loaded with X = Y = 0 (not on the curve).
            if (s.IsZero || (pts[2 * i].X.IsZero && pts[2 * i].Y.IsZero))
            {
                mags[2 * i] = 0; mags[2 * i + 1] = 0; negs[2 * i] = 0; negs[2 * i + 1] = 0;
                continue;
            }
            s.ToCanonicalLimbs(out var c0, out var c1, out var c2, out var c3);
            Glv.Split(c0, c1, c2, c3, out var m1, out var n1, out var m2, out var n2);
            mags[2 * i] = m1; negs[2 * i] = (byte)(n1 ? 1 : 0);
            mags[2 * i + 1] = m2; negs[2 * i + 1] = (byte)(n2 ? 1 : 0);
            ref var q = ref pts[2 * i + 1];
            Fp.Mul(in pts[2 * i].X, in Glv.Beta, out q.X);
            q.Y = pts[2 * i].Y;
            if (m1 > max) max = m1;
            if (m2 > max) max = m2;
        }
        return max;
    }

    /// <summary>MSM with small signed scalars (weights, activations, bits, lookup counts).</summary>
    public static Point ComputeSmall(ReadOnlySpan<Point> points, ReadOnlySpan<long> scalars)
        => ComputeSmall(points, scalars, DefaultMaxDegreeOfParallelism);

    /// <summary>MSM with small signed scalars on at most <paramref name="maxDegreeOfParallelism"/>
    /// threads (≤ 0: all cores). Correct for every <see cref="long"/> value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Point ComputeSmall(ReadOnlySpan<Point> points, ReadOnlySpan<long> scalars, int maxDegreeOfParallelism)
    {
        if (points.Length != scalars.Length) throw new ArgumentException($"MSM length mismatch: {points.Length} points, {scalars.Length} scalars");
        ulong maxMag = 0;
        for (int i = 0; i < scalars.Length; i++)
        {
            long s = scalars[i];
            ulong mag = s < 0 ? 0UL - (ulong)s : (ulong)s;
            if (mag > maxMag) maxMag = mag;
        }
        if (maxMag == 0) return Point.Identity;
        if (maxMag == 1) return SumSignedParallel(points, scalars, maxDegreeOfParallelism);
        if (points.Length < NaiveThreshold)
        {
            var acc = Point.Identity;
            for (int i = 0; i < points.Length; i++)
                if (scalars[i] != 0) Point.Add(in acc, points[i].Multiply(Fr.FromInt64(scalars[i])), out acc);
            return acc;
        }
        return ComputeSmallPippenger(points, scalars, maxDegreeOfParallelism, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static Point ComputeSmallPippenger(ReadOnlySpan<Point> points, ReadOnlySpan<long> scalars, int maxDegreeOfParallelism, int forceWindow, int reduceMode = 0)
    {
        int n = points.Length;
        var pts = ArrayPool<Affine>.Shared.Rent(n);
        var mags = ArrayPool<UInt128>.Shared.Rent(n);
        var negs = ArrayPool<byte>.Shared.Rent(n);
        try
        {
            LoadAffine(points, pts, stride: 1);
            ulong maxMag = 0;
            for (int i = 0; i < n; i++)
            {
                long s = scalars[i];
                ulong mag = s < 0 ? 0UL - (ulong)s : (ulong)s;
                if (points[i].IsIdentity) mag = 0;
                mags[i] = mag;
                negs[i] = (byte)(s < 0 ? 1 : 0);
                if (mag > maxMag) maxMag = mag;
            }
            return Pippenger.Run(pts, mags, negs, n, maxMag, maxDegreeOfParallelism, forceWindow, reduceMode);
        }
        finally
        {
            ArrayPool<Affine>.Shared.Return(pts);
            ArrayPool<UInt128>.Shared.Return(mags);
            ArrayPool<byte>.Shared.Return(negs);
        }
    }

    /// <summary>Σ sᵢ·Pᵢ for sᵢ ∈ {−1, 0, 1}, split into chunks summed on up to
    /// <paramref name="maxDegreeOfParallelism"/> threads.</summary>
    private static unsafe Point SumSignedParallel(ReadOnlySpan<Point> points, ReadOnlySpan<long> scalars, int maxDegreeOfParallelism)
    {
        int threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        int n = points.Length;
        int chunks = Math.Min(threads, n / 4096);
        if (chunks <= 1) return SumSigned(points, scalars);
        var partial = new Point[chunks];
        fixed (Point* pp = points)
        fixed (long* ps = scalars)
        {
            Point* pts = pp; long* sc = ps; // fixed locals cannot be captured
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, ch =>
            {
                int start = (int)((long)n * ch / chunks), end = (int)((long)n * (ch + 1) / chunks);
                partial[ch] = SumSigned(new ReadOnlySpan<Point>(pts + start, end - start), new ReadOnlySpan<long>(sc + start, end - start));
            });
        }
        return Point.Sum(partial);
    }

    /// <summary>Σ sᵢ·Pᵢ for sᵢ ∈ {−1, 0, 1}: one (mixed) addition per nonzero scalar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Point SumSigned(ReadOnlySpan<Point> points, ReadOnlySpan<long> scalars)
    {
        var acc = Point.Identity;
        for (int i = 0; i < points.Length; i++)
        {
            long s = scalars[i];
            if (s == 0) continue;
            ref readonly var p = ref points[i];
            if (p.Z.IsOne)
            {
                if (s > 0) Point.AddMixed(in acc, in p.X, in p.Y, out acc);
                else { Fp.Neg(in p.Y, out var ny); Point.AddMixed(in acc, in p.X, in ny, out acc); }
            }
            else if (s > 0) Point.Add(in acc, in p, out acc);
            else { var np = p.Negate(); Point.Add(in acc, in np, out acc); }
        }
        return acc;
    }

    /// <summary>Writes the affine coordinates of points[i] to dst[stride·i] (identity → (0, 0), which
    /// is not on the curve), batch-normalizing the points that have Z ≠ 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LoadAffine(ReadOnlySpan<Point> points, Affine[] dst, int stride)
    {
        int pending = 0;
        for (int i = 0; i < points.Length; i++)
        {
            ref readonly var p = ref points[i];
            ref var d = ref dst[stride * i];
            if (p.IsIdentity) { d.X = default; d.Y = default; }
            else if (p.Z.IsOne) { d.X = p.X; d.Y = p.Y; }
            else pending++;
        }
        if (pending == 0) return;
        var idx = new int[pending];
        var zs = new Fp[pending];
        var scratch = new Fp[pending];
        int k = 0;
        for (int i = 0; i < points.Length; i++)
            if (!points[i].IsNormalized) { idx[k] = i; zs[k] = points[i].Z; k++; }
        Fp.BatchInverse(zs, scratch);
        for (int j = 0; j < pending; j++)
        {
            ref readonly var p = ref points[idx[j]];
            Fp.Square(in zs[j], out var zi2);
            Fp.Mul(in zi2, in zs[j], out var zi3);
            ref var d = ref dst[stride * idx[j]];
            Fp.Mul(in p.X, in zi2, out d.X);
            Fp.Mul(in p.Y, in zi3, out d.Y);
        }
    }
}
