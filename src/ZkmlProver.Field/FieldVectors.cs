namespace ZkmlProver.Field;

/// <summary>
/// Vector kernels over spans of <see cref="Fr"/>. Callers own every buffer; nothing here allocates
/// except <see cref="BatchInverse"/>'s scratch for long inputs (pooled).
/// </summary>
/// <remarks>
/// <b>Variable order (multilinear folds)</b>: a table v of length 2^ℓ holds ṽ on the hypercube with
/// x₁ the most significant bit of the index. Fixing x₁ = r therefore pairs v[i] (x₁ = 0) with
/// v[i + half] (x₁ = 1): v'[i] = v[i] + r·(v[i + half] − v[i]).
/// </remarks>
public static class FieldVectors
{
    public static Fr InnerProduct(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"length mismatch: {a.Length} vs {b.Length}");
        Fr acc = Fr.Zero;
        for (int i = 0; i < a.Length; i++)
        {
            Fr.Mul(in a[i], in b[i], out var t);
            Fr.Add(in acc, in t, out acc);
        }
        return acc;
    }

    public static Fr Sum(ReadOnlySpan<Fr> a)
    {
        Fr acc = Fr.Zero;
        for (int i = 0; i < a.Length; i++) Fr.Add(in acc, in a[i], out acc);
        return acc;
    }

    /// <summary>y[i] += s·x[i].</summary>
    public static void ScaledAdd(Span<Fr> y, in Fr s, ReadOnlySpan<Fr> x)
    {
        if (y.Length != x.Length) throw new ArgumentException($"length mismatch: {y.Length} vs {x.Length}");
        for (int i = 0; i < y.Length; i++)
        {
            Fr.Mul(in s, in x[i], out var t);
            Fr.Add(in y[i], in t, out y[i]);
        }
    }

    /// <summary>y[i] = s·y[i].</summary>
    public static void Scale(Span<Fr> y, in Fr s)
    {
        for (int i = 0; i < y.Length; i++) Fr.Mul(in y[i], in s, out y[i]);
    }

    /// <summary>Fixes the most significant variable to r in place; returns the folded half
    /// (the first v.Length/2 entries of v).</summary>
    public static Span<Fr> FoldHigh(Span<Fr> v, in Fr r)
    {
        int half = v.Length / 2;
        if (half * 2 != v.Length) throw new ArgumentException($"length {v.Length} is not even");
        var lo = v[..half];
        var hi = v[half..];
        for (int i = 0; i < half; i++)
        {
            Fr.Sub(in hi[i], in lo[i], out var d);
            Fr.Mul(in d, in r, out d);
            Fr.Add(in lo[i], in d, out lo[i]);
        }
        return lo;
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
