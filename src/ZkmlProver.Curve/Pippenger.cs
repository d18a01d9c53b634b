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
/// only 2^(c−1) buckets and a negative digit adds the negated point.</para>
/// <para><b>Batch-affine buckets.</b> Buckets are affine points. Additions into distinct buckets are
/// collected in a batch and completed together with one field inversion (Montgomery's trick), so an
/// addition costs about 6 multiplications instead of 11 for a mixed Jacobian addition. A point whose
/// bucket already has an addition pending in the current batch goes into a per-bucket Jacobian
/// overflow accumulator instead (rare for random scalars; keeps degenerate inputs, e.g. all scalars
/// equal, linear). Equal x-coordinates (doubling or cancellation) are handled exactly.</para>
/// <para><b>Parallelism.</b> Windows (and, when there are fewer windows than threads, chunks of
/// points) are independent tasks run by <see cref="Parallel.For(int,int,ParallelOptions,Action{int})"/>.
/// Inner loops do not allocate; scratch comes from <see cref="ArrayPool{T}"/>.</para>
/// </remarks>
internal static class Pippenger
{
    // Per-operation costs (ns of CPU time measured on the 2-core reference machine) for the window-size model.
    private const double AffineAddCost = 265, MixedAddCost = 385, JacobianAddCost = 530, InverseCost = 7200;

    /// <summary>Chooses the window width c for <paramref name="m"/> points with
    /// <paramref name="bits"/>-bit scalars on <paramref name="threads"/> threads (cost model: bucket
    /// additions, amortized inversions, batch conflicts sent to Jacobian overflow, bucket reduction).</summary>
    internal static int ChooseWindow(int m, int bits, int threads)
    {
        int best = 1;
        double bestCost = double.MaxValue;
        for (int c = 1; c <= MaxWindow; c++)
        {
            int windows = (bits + 1 + c - 1) / c;
            int buckets = 1 << (c - 1);
            int batch = BatchSize(buckets, m);
            double conflict = Math.Min(1.0, batch / (2.0 * buckets));
            double perWindow = m * (AffineAddCost + conflict * (MixedAddCost - AffineAddCost))
                             + Math.Ceiling((double)m / batch) * InverseCost
                             + Math.Min(buckets, m) * MixedAddCost + buckets * JacobianAddCost;
            int rounds = (windows + threads - 1) / threads;
            double cost = rounds * perWindow;
            if (cost < bestCost) { bestCost = cost; best = c; }
        }
        return best;
    }

    /// <summary>Widest window: digit codes (|d| << 1 | sign) ≤ 2^c + 1 must fit a ushort.</summary>
    internal const int MaxWindow = 15;

    internal static int BatchSize(int buckets, int m)
        => Math.Max(1, Math.Min(m, Math.Clamp((int)Math.Sqrt(buckets * 80.0), 16, 1024)));

    /// <summary>Σ ±mags[i]·pts[i] for i &lt; m (negs[i] ≠ 0 negates). Entries with magnitude 0 are
    /// ignored (their point may be anything). <paramref name="bits"/> bounds every magnitude's bit
    /// length.</summary>
    /// <summary>Diagnostics for tuning: when set, receives phase timings of each run.</summary>
    internal static Action<string>? Trace;

    internal static Point Run(Affine[] pts, UInt128[] mags, byte[] negs, int m, int bits, int maxDegreeOfParallelism, int forceWindow = 0)
    {
        var sw = Trace is null ? null : System.Diagnostics.Stopwatch.StartNew();
        if (m == 0 || bits == 0) return Point.Identity;
        int threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        int c = forceWindow > 0 ? Math.Min(forceWindow, MaxWindow) : ChooseWindow(m, bits, threads);
        int windows = (bits + 1 + c - 1) / c;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };

        // Digits, window-major: digits[w·m + i] = (|d| << 1) | sign (0 for a zero digit; bucket |d| − 1).
        var digits = ArrayPool<ushort>.Shared.Rent(windows * m);
        try
        {
            int chunks = Math.Min(threads * 4, Math.Max(1, m / 1024));
            Parallel.For(0, chunks, options, ch =>
            {
                int start = (int)((long)m * ch / chunks), end = (int)((long)m * (ch + 1) / chunks);
                EncodeDigits(mags, negs, digits, m, c, windows, start, end);
            });

            Trace?.Invoke($"c={c} windows={windows} m={m} bits={bits} digits {sw!.Elapsed.TotalMilliseconds:F1} ms");
            // Tasks: window × chunk of points (more than one chunk only when windows < threads).
            int pointChunks = windows >= threads ? 1 : (threads + windows - 1) / windows;
            var partial = new Point[windows * pointChunks];
            Parallel.For(0, windows * pointChunks, options, task =>
            {
                int w = task / pointChunks, ch = task % pointChunks;
                int start = (int)((long)m * ch / pointChunks), end = (int)((long)m * (ch + 1) / pointChunks);
                partial[task] = Window(pts, digits.AsSpan(w * m, m), start, end, c);
            });

            Trace?.Invoke($"windows done {sw!.Elapsed.TotalMilliseconds:F1} ms");
            // Horner over windows: Σ 2^(c·w)·S_w.
            Point acc = Point.Identity;
            for (int w = windows - 1; w >= 0; w--)
            {
                for (int s = 0; s < c && !acc.IsIdentity; s++) Point.Double(in acc, out acc);
                for (int ch = 0; ch < pointChunks; ch++) Point.Add(in acc, in partial[w * pointChunks + ch], out acc);
            }
            return acc;
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(digits);
        }
    }

    /// <summary>Signed digits of points [start, end), window-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EncodeDigits(UInt128[] mags, byte[] negs, ushort[] digits, int m, int c, int windows, int start, int end)
    {
        Span<int> ds = stackalloc int[windows];
        for (int i = start; i < end; i++)
        {
            Point.SignedDigits(mags[i], c, ds);
            bool neg = negs[i] != 0;
            for (int w = 0; w < windows; w++)
            {
                int d = ds[w];
                ushort e = 0;
                if (d != 0)
                {
                    int sign = (d < 0) != neg ? 1 : 0;
                    e = (ushort)((Math.Abs(d) << 1) | sign);
                }
                digits[w * m + i] = e;
            }
        }
    }

    /// <summary>Σ_b (b+1)·bucket_b for one window over points [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Point Window(Affine[] pts, ReadOnlySpan<ushort> digits, int start, int end, int c)
    {
        int buckets = 1 << (c - 1);
        int batchCap = BatchSize(buckets, end - start);
        var bucket = ArrayPool<Affine>.Shared.Rent(buckets);
        var overflow = ArrayPool<Point>.Shared.Rent(buckets);
        var state = ArrayPool<byte>.Shared.Rent(buckets);   // bit 0: bucket set, bit 1: overflow set
        var stamp = ArrayPool<int>.Shared.Rent(buckets);    // batch id of a pending addition
        var bBucket = ArrayPool<int>.Shared.Rent(batchCap);
        var bPoint = ArrayPool<int>.Shared.Rent(batchCap);
        var bNeg = ArrayPool<byte>.Shared.Rent(batchCap);
        var bKind = ArrayPool<byte>.Shared.Rent(batchCap);
        var den = ArrayPool<Fp>.Shared.Rent(batchCap);
        var pref = ArrayPool<Fp>.Shared.Rent(batchCap);
        try
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            Array.Clear(state, 0, buckets);
            Array.Clear(stamp, 0, buckets);
            int batchId = 1, n = 0;
            for (int i = start; i < end; i++)
            {
                int e = digits[i];
                if (e == 0) continue;
                int b = (e >> 1) - 1;
                bool neg = (e & 1) != 0;
                if (stamp[b] == batchId)
                {
                    // Pending in this batch: accumulate separately.
                    ref readonly var p = ref pts[i];
                    Fp py = p.Y;
                    if (neg) Fp.Neg(in py, out py);
                    if ((state[b] & 2) != 0) Point.AddMixed(in overflow[b], in p.X, in py, out overflow[b]);
                    else overflow[b] = Point.FromAffine(p.X, py);
                    state[b] |= 2;
                    continue;
                }
                if ((state[b] & 1) == 0)
                {
                    ref readonly var p = ref pts[i];
                    bucket[b].X = p.X;
                    if (neg) Fp.Neg(in p.Y, out bucket[b].Y); else bucket[b].Y = p.Y;
                    state[b] |= 1;
                    continue;
                }
                stamp[b] = batchId;
                bBucket[n] = b; bPoint[n] = i; bNeg[n] = (byte)(neg ? 1 : 0);
                if (++n == batchCap)
                {
                    Flush(pts, bucket, state, bBucket, bPoint, bNeg, bKind, den, pref, n);
                    n = 0;
                    batchId++;
                }
            }
            if (n > 0) Flush(pts, bucket, state, bBucket, bPoint, bNeg, bKind, den, pref, n);

            if (Trace is not null) Trace($"window accumulate {(System.Diagnostics.Stopwatch.GetTimestamp() - t0) * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms");
            // Running-sum reduction: total = Σ (b+1)·B_b.
            Point running = Point.Identity, total = Point.Identity;
            for (int b = buckets - 1; b >= 0; b--)
            {
                byte s = state[b];
                if ((s & 1) != 0) Point.AddMixed(in running, in bucket[b].X, in bucket[b].Y, out running);
                if ((s & 2) != 0) Point.Add(in running, in overflow[b], out running);
                Point.Add(in total, in running, out total);
            }
            if (Trace is not null) Trace($"window total {(System.Diagnostics.Stopwatch.GetTimestamp() - t0) * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1} ms");
            return total;
        }
        finally
        {
            ArrayPool<Affine>.Shared.Return(bucket);
            ArrayPool<Point>.Shared.Return(overflow);
            ArrayPool<byte>.Shared.Return(state);
            ArrayPool<int>.Shared.Return(stamp);
            ArrayPool<int>.Shared.Return(bBucket);
            ArrayPool<int>.Shared.Return(bPoint);
            ArrayPool<byte>.Shared.Return(bNeg);
            ArrayPool<byte>.Shared.Return(bKind);
            ArrayPool<Fp>.Shared.Return(den);
            ArrayPool<Fp>.Shared.Return(pref);
        }
    }

    /// <summary>Completes the pending additions bucket[bBucket[j]] += ±pts[bPoint[j]] with one
    /// inversion.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Flush(Affine[] pts, Affine[] bucket, byte[] state, int[] bBucket, int[] bPoint, byte[] bNeg,
                              byte[] bKind, Fp[] den, Fp[] pref, int n)
    {
        var acc = Fp.One;
        for (int j = 0; j < n; j++)
        {
            ref readonly var bk = ref bucket[bBucket[j]];
            ref readonly var p = ref pts[bPoint[j]];
            Fp d;
            if (!bk.X.Equals(p.X)) { Fp.Sub(in p.X, in bk.X, out d); bKind[j] = 0; }
            else
            {
                Fp py = p.Y;
                if (bNeg[j] != 0) Fp.Neg(in py, out py);
                if (py.Equals(bk.Y)) { Fp.Double(in bk.Y, out d); bKind[j] = 1; } // doubling (y ≠ 0 on secp256k1)
                else { d = Fp.One; bKind[j] = 2; }                                 // P + (−P) = O
            }
            pref[j] = acc;
            den[j] = d;
            Fp.Mul(in acc, in d, out acc);
        }
        Fp.Inverse(in acc, out var inv);
        for (int j = n - 1; j >= 0; j--)
        {
            Fp.Mul(in inv, in pref[j], out var dinv);
            Fp.Mul(in inv, in den[j], out inv);
            int b = bBucket[j];
            ref var bk = ref bucket[b];
            byte kind = bKind[j];
            if (kind == 2) { state[b] &= unchecked((byte)~1); continue; }
            Fp lambda;
            if (kind == 0)
            {
                ref readonly var p = ref pts[bPoint[j]];
                Fp py = p.Y;
                if (bNeg[j] != 0) Fp.Neg(in py, out py);
                Fp.Sub(in py, in bk.Y, out var num);
                Fp.Mul(in num, in dinv, out lambda);
            }
            else
            {
                Fp.Square(in bk.X, out var x2);
                Fp.MulSmall(in x2, 3, out x2);
                Fp.Mul(in x2, in dinv, out lambda);
            }
            // x3 = λ² − x_B − x_P (x_P = x_B when doubling), y3 = λ(x_B − x3) − y_B.
            Fp.Square(in lambda, out var x3);
            Fp.Sub(in x3, in bk.X, out x3);
            Fp.Sub(in x3, in pts[bPoint[j]].X, out x3);
            Fp.Sub(in bk.X, in x3, out var t);
            Fp.Mul(in lambda, in t, out var y3);
            Fp.Sub(in y3, in bk.Y, out y3);
            bk.X = x3;
            bk.Y = y3;
        }
    }
}
