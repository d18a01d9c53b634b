using System.Buffers;
using System.Runtime.CompilerServices;

namespace ZkmlProver.Curve;

/// <summary>An affine finite point (mutable, for scratch arrays).</summary>
internal struct Affine
{
    public Fp X, Y;
}

/// <summary>
/// Bucket (Pippenger) multi-scalar multiplication over affine points with signed scalars of at most
/// 128 bits (magnitude + sign), the engine behind <see cref="Msm"/>.
/// </summary>
/// <remarks>
/// <para>Scalars are cut into signed base-2^c digits in (−2^(c−1), 2^(c−1)], so each window needs
/// only 2^(c−1) buckets and a negative digit adds the negated point. The number of windows is the
/// least w with max|s| ≤ 2^(cw−1) (then the top digit never carries), e.g. one window of c = 16 for
/// 16-bit signed values.</para>
/// <para><b>Batch-affine buckets</b> (<see cref="BucketWindow"/>). Buckets are affine points.
/// Additions into distinct buckets are collected in a batch and completed together with one field
/// inversion (Montgomery's trick), ≈ 5M + 1S per addition instead of 7M + 4S for a mixed Jacobian
/// addition. A point whose bucket already has an addition pending in the current batch is deferred
/// to the next batch (a bounded queue); only when that queue is full does it go to a per-bucket
/// Jacobian overflow accumulator, which keeps degenerate inputs (all scalars equal) linear. Equal
/// x-coordinates (doubling or cancellation) are handled exactly.</para>
/// <para><b>Bucket reduction</b> Σ (b+1)·B_b: for many buckets, a segmented running sum whose K
/// segments advance in lock step, so each step is two batches of K independent affine additions (one
/// inversion each); the segments are then combined in Jacobian coordinates
/// (Σ T_k + L·Σ k·R_k). For few buckets, the plain Jacobian running sum.</para>
/// <para><b>Parallelism.</b> Windows (and, when there are fewer windows than threads, chunks of
/// points) are independent tasks run by <see cref="Parallel.For(int,int,ParallelOptions,Action{int})"/>.
/// Inner loops do not allocate; scratch comes from <see cref="ArrayPool{T}"/>.</para>
/// </remarks>
internal static class Pippenger
{
    // Per-operation costs (ns of CPU time measured on the 2-core reference machine) for the window-size model.
    private const double AffineAddCost = 200, CopyCost = 15, MixedAddCost = 330, JacobianAddCost = 470, InverseCost = 1300;

    /// <summary>Widest window (2^(c−1) buckets of 64 bytes each).</summary>
    internal const int MaxWindow = 18;

    /// <summary>Bucket counts from which the reduction runs batch-affine (below: Jacobian).</summary>
    internal const int AffineReductionMinBuckets = 512;

    /// <summary>Diagnostics for tuning: when set, receives phase timings of each run.</summary>
    internal static Action<string>? Trace;

    /// <summary>Tuning hook: when set (and wide enough for the magnitudes), the window widths of every
    /// automatic choice.</summary>
    internal static int[]? TuneWidths;

    /// <summary>Least w ≥ 1 with <paramref name="maxMag"/> ≤ 2^(c·w − 1): then the signed base-2^c
    /// recoding of every magnitude fits w digits (the top digit never carries).</summary>
    internal static int WindowCount(UInt128 maxMag, int c)
    {
        int w = 1;
        while (c * w - 1 < 128 && maxMag > (UInt128.One << (c * w - 1))) w++;
        return w;
    }

    /// <summary>Least T with <paramref name="maxMag"/> ≤ 2^(T − 1): signed digits of widths summing to
    /// T hold every magnitude without a carry out of the top window.</summary>
    internal static int RequiredBits(UInt128 maxMag)
        => maxMag <= 1 ? 1 : 129 - (int)UInt128.LeadingZeroCount(maxMag - 1);

    /// <summary>Uniform widths: <see cref="WindowCount"/> windows of width c.</summary>
    internal static int[] UniformWidths(UInt128 maxMag, int c)
    {
        var w = new int[WindowCount(maxMag, c)];
        Array.Fill(w, c);
        return w;
    }

    /// <summary>Cost-model estimate (ns) of one window task: <paramref name="mc"/> points into
    /// 2^(c−1) buckets (additions, first-into-bucket copies, amortized inversions, reduction).</summary>
    private static double TaskCost(int c, double mc)
    {
        int buckets = 1 << (c - 1);
        // A bucket's first point is a copy; the expected number of filled buckets is B(1 − e^(−m/B)).
        double filled = buckets * (1 - Math.Exp(-mc / buckets));
        int batch = BatchSize(buckets, (int)Math.Min(mc, int.MaxValue));
        return (mc - filled) * AffineAddCost * CacheFactor(c) + filled * CopyCost + Math.Ceiling(mc / batch) * InverseCost + ReductionCost(buckets);
    }

    /// <summary>Slowdown of random bucket accesses once the buckets (64 bytes each) outgrow a 256 KB
    /// share of L2 (measured per addition at 2^17 points: ≈ 210 ns for c ≤ 13, 214 for c = 14,
    /// 248 for c = 15, and worse when another job shares the core's caches).</summary>
    private static double CacheFactor(int c) => c <= 13 ? 1.0 : 1.0 + 0.1 * (c - 13) * (c - 12) / 2;

    /// <summary>Chooses the window widths (least significant first) for <paramref name="m"/> points
    /// with magnitudes at most <paramref name="maxMag"/> on <paramref name="threads"/> threads: for
    /// each window count W, the T = <see cref="RequiredBits"/> bits split as evenly as possible
    /// (widths ⌊T/W⌋ and ⌈T/W⌉, the wider ones at the bottom); the W whose tasks, greedily spread
    /// over the threads (longest first), finish first. Mixed widths save ≈ 5% of the additions
    /// against the best uniform width at 2^17 points (9 windows of 14/15 bits instead of 10 of 13).</summary>
    internal static int[] ChooseWidths(int m, UInt128 maxMag, int threads)
    {
        int bits = RequiredBits(maxMag);
        int[] best = [bits];
        double bestSpan = double.MaxValue, bestTotal = double.MaxValue;
        Span<double> load = stackalloc double[Math.Max(threads, 1)];
        for (int w = (bits + MaxWindow - 1) / MaxWindow; w <= bits; w++)
        {
            int lo = bits / w, extra = bits % w;
            int pointChunks = w >= threads ? 1 : (threads + w - 1) / w;
            double mc = (double)m / pointChunks;
            double costLo = TaskCost(lo, mc), costHi = extra > 0 ? TaskCost(lo + 1, mc) : 0;
            // Longest-first greedy schedule of the tasks (extra·chunks wide ones, then the rest).
            load.Clear();
            double total = 0;
            for (int t = 0; t < w * pointChunks; t++)
            {
                double cost = t < extra * pointChunks ? costHi : costLo;
                int idx = 0;
                for (int k = 1; k < load.Length; k++) if (load[k] < load[idx]) idx = k;
                load[idx] += cost;
                total += cost;
            }
            double span = 0;
            foreach (var l in load) span = Math.Max(span, l);
            // Prefer the shorter schedule; within 1%, the smaller total work.
            if (span < bestSpan * 0.99 || (span <= bestSpan * 1.01 && total < bestTotal))
            {
                bestSpan = Math.Min(span, bestSpan);
                bestTotal = total;
                best = new int[w];
                for (int k = 0; k < w; k++) best[k] = k < extra ? lo + 1 : lo;
            }
        }
        return best;
    }

    private static double ReductionCost(int buckets)
    {
        if (buckets < AffineReductionMinBuckets) return buckets * (MixedAddCost + JacobianAddCost);
        int k = Segments(buckets);
        return 2.0 * buckets * AffineAddCost + 2.0 * (buckets / k) * InverseCost + k * (2 * MixedAddCost + JacobianAddCost);
    }

    /// <summary>Segments K of the batch-affine reduction (a power of two dividing the bucket count):
    /// balances 2·(B/K) inversions against ≈ 3K Jacobian additions to combine the segments.</summary>
    internal static int Segments(int buckets)
    {
        int k = 1;
        while (k * 2 <= buckets && (double)k * k * 2 <= buckets * 5.0) k *= 2;
        return k;
    }

    /// <summary>Batch capacity: amortizes the inversion while keeping batch conflicts (two points for
    /// one bucket) rare.</summary>
    internal static int BatchSize(int buckets, int m)
        => Math.Max(1, Math.Min(m, Math.Min(Math.Max(buckets / 4, 16), 1024)));

    /// <summary>Σ ±mags[i]·pts[i] for i &lt; m (negs[i] ≠ 0 negates). Entries with magnitude 0 are
    /// ignored (their point may be anything). <paramref name="maxMag"/> bounds every magnitude.
    /// <paramref name="reduceMode"/>: 0 automatic, 1 Jacobian, 2 batch-affine bucket reduction (tests).</summary>
    internal static Point Run(Affine[] pts, UInt128[] mags, byte[] negs, int m, UInt128 maxMag, int maxDegreeOfParallelism,
                              int forceWindow = 0, int reduceMode = 0)
    {
        if (m == 0 || maxMag == 0) return Point.Identity;
        int threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        int[] widths = forceWindow > 0 ? UniformWidths(maxMag, Math.Min(forceWindow, MaxWindow))
                     : TuneWidths is { } tw && tw.Sum() >= RequiredBits(maxMag) ? tw : ChooseWidths(m, maxMag, threads);
        return Run(pts, mags, negs, m, maxMag, maxDegreeOfParallelism, widths, reduceMode);
    }

    /// <summary><see cref="Run(Affine[], UInt128[], byte[], int, UInt128, int, int, int)"/> with the
    /// given window widths (least significant first; their sum T must satisfy maxMag ≤ 2^(T − 1)).</summary>
    internal static Point Run(Affine[] pts, UInt128[] mags, byte[] negs, int m, UInt128 maxMag, int maxDegreeOfParallelism,
                              int[] widths, int reduceMode)
    {
        if (m == 0 || maxMag == 0) return Point.Identity;
        var sw = Trace is null ? null : System.Diagnostics.Stopwatch.StartNew();
        int threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        int windows = widths.Length, totalBits = 0;
        foreach (int wd in widths)
        {
            if (wd < 1 || wd > MaxWindow) throw new ArgumentOutOfRangeException(nameof(widths));
            totalBits += wd;
        }
        if (totalBits < RequiredBits(maxMag)) throw new ArgumentException("window widths too narrow for the magnitudes", nameof(widths));
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };

        // Window offsets o_w (digits are recoded on the fly from the magnitudes: see DigitCode).
        var offsets = new int[windows];
        for (int w = 1; w < windows; w++) offsets[w] = offsets[w - 1] + widths[w - 1];
        Trace?.Invoke($"c={string.Join('/', widths)} windows={windows} m={m} maxMag bits={128 - (int)UInt128.LeadingZeroCount(maxMag)} setup {sw!.Elapsed.TotalMilliseconds:F1} ms");
        // Tasks: window × chunk of points (more than one chunk only when windows < threads).
        int pointChunks = windows >= threads ? 1 : (threads + windows - 1) / windows;
        var partial = new Point[windows * pointChunks];
        if (threads == 1)
            for (int w = 0; w < windows; w++)
                partial[w] = WindowSum(pts, mags, negs, 0, m, offsets[w], widths[w], w == windows - 1, reduceMode);
        else
            Parallel.For(0, windows * pointChunks, options, task =>
            {
                int w = task / pointChunks, ch = task % pointChunks;
                int start = (int)((long)m * ch / pointChunks), end = (int)((long)m * (ch + 1) / pointChunks);
                partial[task] = WindowSum(pts, mags, negs, start, end, offsets[w], widths[w], w == windows - 1, reduceMode);
            });

        Trace?.Invoke($"windows done {sw!.Elapsed.TotalMilliseconds:F1} ms");
        // Horner over windows: Σ 2^(o_w)·S_w with o_(w+1) = o_w + c_w.
        Point acc = Point.Identity;
        for (int w = windows - 1; w >= 0; w--)
        {
            for (int s = 0; s < widths[w] && !acc.IsIdentity; s++) Point.Double(in acc, out acc);
            for (int ch = 0; ch < pointChunks; ch++) Point.Add(in acc, in partial[w * pointChunks + ch], out acc);
        }
        return acc;
    }

    /// <summary>The digit code of window (o, c) for the magnitude lo + hi·2^64 with sign flag
    /// <paramref name="neg"/>: (|d| &lt;&lt; 1) | sign(d·(±1)), 0 for a zero digit (bucket |d| − 1).</summary>
    /// <remarks>Signed-window (Booth) recoding without a carry chain: d = ⌊mag / 2^o⌋ mod 2^c + b_(o−1)
    /// − 2^c·b_(o+c−1), with b_i bit i of the magnitude (b_(−1) = 0), so d ∈ [−2^(c−1), 2^(c−1)] and
    /// the sum telescopes to Σ d_w·2^(o_w) = mag. The top window keeps ⌊mag / 2^o⌋ + b_(o−1) whole
    /// (no −2^c term): with mag ≤ 2^(T−1), T = o + c, it is at most 2^(c−1).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DigitCode(ulong lo, ulong hi, bool neg, int o, int c, bool top)
    {
        // x = bits o−1 … o+c−1 (c + 1 bits; bit 0 is b_(o−1)).
        ulong x;
        if (o == 0) x = lo << 1;
        else
        {
            int s = o - 1;
            x = s == 0 ? lo : s < 64 ? (lo >> s) | (hi << (64 - s)) : s < 128 ? hi >> (s - 64) : 0;
        }
        ulong mask = (2UL << c) - 1;
        x &= mask;
        long d = (long)((x >> 1) + (x & 1));
        if (!top) d -= (long)((x >> c) << c);
        ulong sign = (ulong)(d >> 63);
        ulong abs = (ulong)((d ^ (long)sign) - (long)sign);
        uint code = (uint)(abs << 1) | ((uint)sign & 1) ^ (neg ? 1u : 0u);
        return abs == 0 ? 0 : (int)code;
    }

    /// <summary>Σ_b (b+1)·bucket_b for one window over points [start, end).</summary>
    private static Point WindowSum(Affine[] pts, UInt128[] mags, byte[] negs, int start, int end, int o, int c, bool top, int reduceMode)
    {
        var bw = new BucketWindow(c, end - start);
        try
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            bw.Accumulate(pts, mags, negs, start, end, o, top);
            if (Trace is not null) Trace($"window accumulate {(System.Diagnostics.Stopwatch.GetTimestamp() - t0) * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms");
            bool affine = reduceMode == 2 || (reduceMode == 0 && bw.Buckets >= AffineReductionMinBuckets);
            var r = affine ? bw.ReduceAffine() : bw.ReduceJacobian();
            if (Trace is not null) Trace($"window total {(System.Diagnostics.Stopwatch.GetTimestamp() - t0) * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms");
            return r;
        }
        finally
        {
            bw.Dispose();
        }
    }

    /// <summary>Completes dst[dIdx[j]] += src[j] for j &lt; n with one inversion. Preconditions: the
    /// dIdx are distinct, every dst[dIdx[j]] is set (bit 0 of dstState), every src[j] is finite.
    /// A cancellation (P + (−P)) clears the destination's bit 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BatchAdd(Affine[] dst, byte[] dstState, int[] dIdx, Affine[] src, byte[] kind, Fp[] den, Fp[] pref, int n)
    {
        var acc = Fp.One;
        for (int j = 0; j < n; j++)
        {
            ref readonly var d = ref dst[dIdx[j]];
            ref readonly var s = ref src[j];
            Fp dn;
            if (!d.X.Equals(s.X)) { Fp.Sub(in s.X, in d.X, out dn); kind[j] = 0; }
            else if (s.Y.Equals(d.Y)) { Fp.Double(in d.Y, out dn); kind[j] = 1; } // doubling (y ≠ 0 on secp256k1)
            else { dn = Fp.One; kind[j] = 2; }                                      // P + (−P) = O
            pref[j] = acc;
            den[j] = dn;
            Fp.Mul(in acc, in dn, out acc);
        }
        Fp.Inverse(in acc, out var inv);
        for (int j = n - 1; j >= 0; j--)
        {
            Fp.Mul(in inv, in pref[j], out var dinv);
            Fp.Mul(in inv, in den[j], out inv);
            int b = dIdx[j];
            ref var d = ref dst[b];
            ref readonly var s = ref src[j];
            byte k = kind[j];
            Fp lambda;
            if (k == 0)
            {
                Fp.Sub(in s.Y, in d.Y, out var num);
                Fp.Mul(in num, in dinv, out lambda);
            }
            else if (k == 1)
            {
                Fp.Square(in d.X, out var x2);
                Fp.MulSmall(in x2, 3, out x2);
                Fp.Mul(in x2, in dinv, out lambda);
            }
            else { dstState[b] &= unchecked((byte)~1); continue; }
            // x3 = λ² − x_D − x_S, y3 = λ(x_D − x3) − y_D.
            Fp.Square(in lambda, out var x3);
            Fp.Sub(in x3, in d.X, out x3);
            Fp.Sub(in x3, in s.X, out x3);
            Fp.Sub(in d.X, in x3, out var t);
            Fp.Mul(in lambda, in t, out var y3);
            Fp.Sub(in y3, in d.Y, out y3);
            d.X = x3;
            d.Y = y3;
        }
    }
}

/// <summary>The buckets of one window (or window chunk) with their scratch, rented from
/// <see cref="ArrayPool{T}"/> and returned by <see cref="Dispose"/>.</summary>
internal sealed class BucketWindow : IDisposable
{
    internal readonly int Buckets;
    private readonly int c, cap, qCap, segs;
    private readonly Affine[] bucket;
    private readonly Point[] overflow;
    private readonly byte[] state;      // bit 0: bucket set, bit 1: overflow set
    private readonly int[] stamp;       // batch id of a pending addition
    private readonly int[] bDst;        // batch: destination indices
    private readonly Affine[] bSrc;     // batch: signed source points
    private readonly byte[] kind;
    private readonly Fp[] den, pref;
    private readonly int[] qIdx, qCode; // deferred points
    private int batchId = 1, n, qLen;

    internal BucketWindow(int c, int points)
    {
        this.c = c;
        Buckets = 1 << (c - 1);
        cap = Pippenger.BatchSize(Buckets, Math.Max(1, points));
        qCap = cap / 2;
        segs = Pippenger.Segments(Buckets);
        int scratch = Math.Max(cap, Math.Max(segs, 1));
        bucket = ArrayPool<Affine>.Shared.Rent(Buckets);
        overflow = ArrayPool<Point>.Shared.Rent(Buckets);
        state = ArrayPool<byte>.Shared.Rent(Buckets);
        stamp = ArrayPool<int>.Shared.Rent(Buckets);
        bDst = ArrayPool<int>.Shared.Rent(scratch);
        bSrc = ArrayPool<Affine>.Shared.Rent(scratch);
        kind = ArrayPool<byte>.Shared.Rent(scratch);
        den = ArrayPool<Fp>.Shared.Rent(scratch);
        pref = ArrayPool<Fp>.Shared.Rent(scratch);
        qIdx = ArrayPool<int>.Shared.Rent(Math.Max(qCap, 1));
        qCode = ArrayPool<int>.Shared.Rent(Math.Max(qCap, 1));
        Array.Clear(state, 0, Buckets);
        Array.Clear(stamp, 0, Buckets);
    }

    public void Dispose()
    {
        ArrayPool<Affine>.Shared.Return(bucket);
        ArrayPool<Point>.Shared.Return(overflow);
        ArrayPool<byte>.Shared.Return(state);
        ArrayPool<int>.Shared.Return(stamp);
        ArrayPool<int>.Shared.Return(bDst);
        ArrayPool<Affine>.Shared.Return(bSrc);
        ArrayPool<byte>.Shared.Return(kind);
        ArrayPool<Fp>.Shared.Return(den);
        ArrayPool<Fp>.Shared.Return(pref);
        ArrayPool<int>.Shared.Return(qIdx);
        ArrayPool<int>.Shared.Return(qCode);
    }

    /// <summary>Adds ±pts[i] into bucket |d| − 1 for every nonzero digit d of window (o, c) of
    /// mags[i] (<see cref="Pippenger.DigitCode"/>), i in [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Accumulate(Affine[] pts, UInt128[] mags, byte[] negs, int start, int end, int o, bool top)
    {
        var limbs = System.Runtime.InteropServices.MemoryMarshal.Cast<UInt128, ulong>(mags.AsSpan());
        for (int i = start; i < end; i++)
        {
            int e = Pippenger.DigitCode(limbs[2 * i], limbs[2 * i + 1], negs[i] != 0, o, c, top);
            if (e == 0) continue;
            if (!Place(pts, i, e))
            {
                if (qLen < qCap) { qIdx[qLen] = i; qCode[qLen] = e; qLen++; }
                else Overflow(pts, i, e);
            }
            if (n == cap)
            {
                Flush();
                // Retry the deferred points in the fresh batch (qLen ≤ cap/2 < cap: it cannot fill).
                int old = qLen;
                qLen = 0;
                for (int t = 0; t < old; t++)
                {
                    int qi = qIdx[t], qe = qCode[t];
                    if (!Place(pts, qi, qe)) { qIdx[qLen] = qi; qCode[qLen] = qe; qLen++; }
                }
            }
        }
        Flush();
        for (int t = 0; t < qLen; t++)
            if (!Place(pts, qIdx[t], qCode[t])) Overflow(pts, qIdx[t], qCode[t]);
        qLen = 0;
        Flush();
        MergeOverflow();
    }

    /// <summary>Copies ±pts[i] into an empty bucket or queues the addition in the batch; false when
    /// the bucket already has an addition pending in this batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Place(Affine[] pts, int i, int e)
    {
        int b = (e >> 1) - 1;
        bool neg = (e & 1) != 0;
        ref readonly var p = ref pts[i];
        if ((state[b] & 1) == 0)
        {
            ref var bk = ref bucket[b];
            bk.X = p.X;
            Fp.CondNeg(in p.Y, neg, out bk.Y);
            state[b] |= 1;
            return true;
        }
        if (stamp[b] == batchId) return false;
        stamp[b] = batchId;
        bDst[n] = b;
        ref var s = ref bSrc[n];
        s.X = p.X;
        Fp.CondNeg(in p.Y, neg, out s.Y);
        n++;
        return true;
    }

    private void Overflow(Affine[] pts, int i, int e)
    {
        int b = (e >> 1) - 1;
        ref readonly var p = ref pts[i];
        Fp.CondNeg(in p.Y, (e & 1) != 0, out var y);
        if ((state[b] & 2) != 0) Point.AddMixed(in overflow[b], in p.X, in y, out overflow[b]);
        else overflow[b] = Point.FromAffine(p.X, y);
        state[b] |= 2;
    }

    private void Flush()
    {
        if (n > 0) Pippenger.BatchAdd(bucket, state, bDst, bSrc, kind, den, pref, n);
        n = 0;
        batchId++;
    }

    /// <summary>Adds the Jacobian overflow accumulators into their buckets: normalized with one
    /// inversion per batch, then one batch-affine addition (the buckets are distinct).</summary>
    private void MergeOverflow()
    {
        int b = 0;
        while (true)
        {
            // Gather up to cap finite overflow points.
            int k = 0;
            for (; b < Buckets && k < cap; b++)
            {
                if ((state[b] & 2) == 0) continue;
                state[b] &= unchecked((byte)~2);
                if (overflow[b].IsIdentity) continue;
                bDst[k] = b;
                den[k] = overflow[b].Z;
                k++;
            }
            if (k == 0) return;
            Fp.BatchInverse(den.AsSpan(0, k), pref.AsSpan(0, k));
            n = 0;
            for (int j = 0; j < k; j++)
            {
                int bb = bDst[j];
                ref readonly var o = ref overflow[bb];
                Fp.Square(in den[j], out var zi2);
                Fp.Mul(in zi2, in den[j], out var zi3);
                Affine a;
                Fp.Mul(in o.X, in zi2, out a.X);
                Fp.Mul(in o.Y, in zi3, out a.Y);
                if ((state[bb] & 1) == 0) { bucket[bb] = a; state[bb] |= 1; }
                else { bDst[n] = bb; bSrc[n] = a; n++; }   // n ≤ j: bDst[j] was read already
            }
            Flush();
        }
    }

    /// <summary>Σ (b+1)·bucket_b by the Jacobian running sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal Point ReduceJacobian()
    {
        Point running = Point.Identity, total = Point.Identity;
        for (int b = Buckets - 1; b >= 0; b--)
        {
            if ((state[b] & 1) != 0) Point.AddMixed(in running, in bucket[b].X, in bucket[b].Y, out running);
            Point.Add(in total, in running, out total);
        }
        return total;
    }

    /// <summary>Σ (b+1)·bucket_b by K segments of L = B/K buckets advancing in lock step:
    /// R_k = Σ_j B_{kL+j}, T_k = Σ_j (j+1)·B_{kL+j} (affine, one batch each per step), then
    /// Σ_k T_k + L·Σ_k k·R_k in Jacobian coordinates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal Point ReduceAffine()
    {
        int k = segs, len = Buckets / k;
        var r = ArrayPool<Affine>.Shared.Rent(k);
        var t = ArrayPool<Affine>.Shared.Rent(k);
        var rs = ArrayPool<byte>.Shared.Rent(k);
        var ts = ArrayPool<byte>.Shared.Rent(k);
        try
        {
            Array.Clear(rs, 0, k);
            Array.Clear(ts, 0, k);
            for (int j = len - 1; j >= 0; j--)
            {
                int cnt = 0;
                for (int s = 0, b = j; s < k; s++, b += len)
                {
                    if ((state[b] & 1) == 0) continue;
                    if (rs[s] == 0) { r[s] = bucket[b]; rs[s] = 1; }
                    else { bDst[cnt] = s; bSrc[cnt] = bucket[b]; cnt++; }
                }
                if (cnt > 0) Pippenger.BatchAdd(r, rs, bDst, bSrc, kind, den, pref, cnt);
                cnt = 0;
                for (int s = 0; s < k; s++)
                {
                    if (rs[s] == 0) continue;
                    if (ts[s] == 0) { t[s] = r[s]; ts[s] = 1; }
                    else { bDst[cnt] = s; bSrc[cnt] = r[s]; cnt++; }
                }
                if (cnt > 0) Pippenger.BatchAdd(t, ts, bDst, bSrc, kind, den, pref, cnt);
            }
            Point sumT = Point.Identity, acc = Point.Identity, weighted = Point.Identity;
            for (int s = k - 1; s >= 0; s--)
            {
                if (ts[s] != 0) Point.AddMixed(in sumT, in t[s].X, in t[s].Y, out sumT);
                if (s == 0) break;
                if (rs[s] != 0) Point.AddMixed(in acc, in r[s].X, in r[s].Y, out acc);
                Point.Add(in weighted, in acc, out weighted);   // Σ_k k·R_k
            }
            for (int l = len; l > 1 && !weighted.IsIdentity; l >>= 1) Point.Double(in weighted, out weighted);
            Point.Add(in sumT, in weighted, out var total);
            return total;
        }
        finally
        {
            ArrayPool<Affine>.Shared.Return(r);
            ArrayPool<Affine>.Shared.Return(t);
            ArrayPool<byte>.Shared.Return(rs);
            ArrayPool<byte>.Shared.Return(ts);
        }
    }
}
