namespace ZkmlProver.Field;

/// <summary>
/// Vector kernels over spans of <see cref="Fr"/>. Callers own every buffer; nothing here allocates
/// except <see cref="BatchInverse"/>'s scratch for long inputs (pooled).
/// </summary>
/// <remarks>
/// <b>Variable order (multilinear folds)</b>: a table v of length 2^ℓ holds ṽ on the hypercube with
/// x₁ the most significant bit of the index. Fixing x₁ = r therefore pairs v[i] (x₁ = 0) with
/// v[i + half] (x₁ = 1): v'[i] = v[i] + r·(v[i + half] − v[i]).
/// <para><b>Batch multiplication.</b> Where AVX-512F is available, products are computed eight at a
/// time by an AVX-512 Montgomery kernel that returns exactly <see cref="Fr.Mul"/>'s result
/// (FrAvx512.cs); otherwise, and for the last len mod 8 entries, by <see cref="Fr.Mul"/>.
/// <see cref="UseAvx512"/> switches the kernel off (tests, A/B timing). Results never depend on
/// the path.</para>
/// </remarks>
public static class FieldVectors
{
    /// <summary>Entries per block in kernels that combine batch products with additions (scratch on the stack).</summary>
    internal const int Block = 64;

    private static bool s_useAvx512 = FrAvx512.IsSupported;

    /// <summary>True when this machine and runtime can run the AVX-512 batch kernel.</summary>
    public static bool Avx512Supported => FrAvx512.IsSupported;

    /// <summary>Whether batch kernels use AVX-512 (default: when supported). Setting it to false forces
    /// the scalar path; setting it to true has no effect without hardware support. Both paths give
    /// identical results; the switch exists for tests and timing.</summary>
    public static bool UseAvx512
    {
        get => s_useAvx512;
        set => s_useAvx512 = value && FrAvx512.IsSupported;
    }

    /// <summary>c[i] = a[i]·b[i]. <paramref name="c"/> may be the same span as <paramref name="a"/>
    /// or <paramref name="b"/> (not a shifted overlap).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void MulBatch(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, Span<Fr> c)
    {
        if (a.Length != c.Length || b.Length != c.Length)
            throw new ArgumentException($"length mismatch: {a.Length}, {b.Length}, {c.Length}");
        int i = s_useAvx512 ? FrAvx512.MulBatch(a, b, c) : 0;
        for (; i < c.Length; i++) Fr.Mul(in a[i], in b[i], out c[i]);
    }

    /// <summary>c[i] = a[i]·s. <paramref name="c"/> may be the same span as <paramref name="a"/>
    /// (not a shifted overlap).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void MulBatch(ReadOnlySpan<Fr> a, in Fr s, Span<Fr> c)
    {
        if (a.Length != c.Length) throw new ArgumentException($"length mismatch: {a.Length} vs {c.Length}");
        int i = s_useAvx512 ? FrAvx512.MulBatch(a, in s, c) : 0;
        for (; i < c.Length; i++) Fr.Mul(in a[i], in s, out c[i]);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static Fr InnerProduct(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"length mismatch: {a.Length} vs {b.Length}");
        Fr acc = Fr.Zero;
        Span<Fr> t = stackalloc Fr[Block];
        for (int start = 0; start < a.Length; start += Block)
        {
            int len = Math.Min(Block, a.Length - start);
            var tb = t[..len];
            MulBatch(a.Slice(start, len), b.Slice(start, len), tb);
            acc += Sum(tb);
        }
        return acc;
    }

    public static Fr Sum(ReadOnlySpan<Fr> a)
    {
        int i = 0;
        Fr acc = Fr.Zero;
        if (s_useAvx512) acc = FrAvx512.Sum(a, out i);
        for (; i < a.Length; i++) Fr.Add(in acc, in a[i], out acc);
        return acc;
    }

    /// <summary>c[i] = a[i] + b[i]. <paramref name="c"/> may be the same span as an input.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void AddBatch(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, Span<Fr> c)
    {
        if (a.Length != c.Length || b.Length != c.Length)
            throw new ArgumentException($"length mismatch: {a.Length}, {b.Length}, {c.Length}");
        int i = s_useAvx512 ? FrAvx512.AddBatch(a, b, c, subtract: false) : 0;
        for (; i < c.Length; i++) Fr.Add(in a[i], in b[i], out c[i]);
    }

    /// <summary>c[i] = a[i] − b[i]. <paramref name="c"/> may be the same span as an input.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void SubBatch(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b, Span<Fr> c)
    {
        if (a.Length != c.Length || b.Length != c.Length)
            throw new ArgumentException($"length mismatch: {a.Length}, {b.Length}, {c.Length}");
        int i = s_useAvx512 ? FrAvx512.AddBatch(a, b, c, subtract: true) : 0;
        for (; i < c.Length; i++) Fr.Sub(in a[i], in b[i], out c[i]);
    }

    /// <summary>The line through (0, lo[i]) and (1, hi[i]) at X = 2 … count + 1:
    /// dst[j·stride + i] = lo[i] + (j + 2)·(hi[i] − lo[i]) for j &lt; count (computed as hi + d, hi + 2d, …
    /// with d = hi − lo). Used by sum-check provers to extend factor pairs to the evaluation points.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void ExtendLine(ReadOnlySpan<Fr> lo, ReadOnlySpan<Fr> hi, Span<Fr> dst, int count, int stride)
    {
        if (lo.Length != hi.Length) throw new ArgumentException($"length mismatch: {lo.Length} vs {hi.Length}");
        if (count < 0 || (count > 0 && (stride < lo.Length || dst.Length < (count - 1) * stride + lo.Length)))
            throw new ArgumentException($"destination of {dst.Length} too short for {count} rows of stride {stride} and length {lo.Length}");
        if (count == 0) return;
        int i = s_useAvx512 ? FrAvx512.ExtendLine(lo, hi, dst, count, stride) : 0;
        for (; i < lo.Length; i++)
        {
            Fr.Sub(in hi[i], in lo[i], out var d);
            Fr v = hi[i];
            for (int j = 0; j < count; j++) { Fr.Add(in v, in d, out v); dst[j * stride + i] = v; }
        }
    }

    /// <summary>y[i] += s·x[i].</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void ScaledAdd(Span<Fr> y, in Fr s, ReadOnlySpan<Fr> x)
    {
        if (y.Length != x.Length) throw new ArgumentException($"length mismatch: {y.Length} vs {x.Length}");
        Span<Fr> t = stackalloc Fr[Block];
        for (int start = 0; start < y.Length; start += Block)
        {
            int len = Math.Min(Block, y.Length - start);
            var tb = t[..len];
            var yb = y.Slice(start, len);
            MulBatch(x.Slice(start, len), in s, tb);
            AddBatch(yb, tb, yb);
        }
    }

    /// <summary>y[i] = s·y[i].</summary>
    public static void Scale(Span<Fr> y, in Fr s) => MulBatch(y, in s, y);

    /// <summary>Fixes the most significant variable to r in place; returns the folded half
    /// (the first v.Length/2 entries of v).</summary>
    public static Span<Fr> FoldHigh(Span<Fr> v, in Fr r)
    {
        int half = v.Length / 2;
        if (half * 2 != v.Length) throw new ArgumentException($"length {v.Length} is not even");
        var lo = v[..half];
        var hi = v[half..];
        Fold(lo, hi, in r);
        return lo;
    }

    /// <summary>lo[i] ← lo[i] + r·(hi[i] − lo[i]) (one fold step over two equal-length halves; with
    /// AVX-512 one fused kernel per eight entries).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Fold(Span<Fr> lo, ReadOnlySpan<Fr> hi, in Fr r)
    {
        if (lo.Length != hi.Length) throw new ArgumentException($"length mismatch: {lo.Length} vs {hi.Length}");
        int i = s_useAvx512 ? FrAvx512.Fold(lo, hi, in r) : 0;
        for (; i < lo.Length; i++)
        {
            Fr.Sub(in hi[i], in lo[i], out var d);
            Fr.Mul(in d, in r, out d);
            Fr.Add(in lo[i], in d, out lo[i]);
        }
    }

    /// <summary>Montgomery's trick: inverts every non-zero entry in place (zeros stay zero).
    /// One field inversion and 3(n−1) multiplications.</summary>
    public static void BatchInverse(Span<Fr> v)
    {
        if (v.Length == 0) return;
        Fr[] prefixArr = System.Buffers.ArrayPool<Fr>.Shared.Rent(v.Length);
        try
        {
            var prefix = prefixArr.AsSpan(0, v.Length);
            Fr acc = Fr.One;
            for (int i = 0; i < v.Length; i++)
            {
                prefix[i] = acc;
                if (!v[i].IsZero) Fr.Mul(in acc, in v[i], out acc);
            }
            Fr inv = Fr.Inverse(in acc);
            for (int i = v.Length - 1; i >= 0; i--)
            {
                if (v[i].IsZero) continue;
                Fr.Mul(in inv, in prefix[i], out var vi);
                Fr.Mul(in inv, in v[i], out inv);
                v[i] = vi;
            }
        }
        finally { System.Buffers.ArrayPool<Fr>.Shared.Return(prefixArr); }
    }
}
