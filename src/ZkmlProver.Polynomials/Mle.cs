using System.Buffers;
using ZkmlProver.Field;

namespace ZkmlProver.Polynomials;

/// <summary>
/// Multilinear extensions of tables over the Boolean hypercube, and the eq polynomial.
/// </summary>
/// <remarks>
/// <para><b>Variable order (the project-wide convention).</b> A table v of length 2^ℓ holds
/// ṽ(x₁, …, x_ℓ) on {0,1}^ℓ with <b>x₁ the most significant bit of the index</b>:
/// v[i] = ṽ(bits of i, MSB first). For a row-major tensor the leading dimension's bits are the
/// first (high) variables. Example pinned by a test: the table [1, 2, 1, 4] has
/// ṽ(x₁, x₂) = 1 + x₂ + 2·x₁·x₂, so ṽ(4, 3) = 28 (low-bit-first would give 29).</para>
/// <para><b>Padding.</b> A table shorter than 2^ℓ is read as zero-padded to 2^ℓ (padded entries are
/// 0, the project's padding convention).</para>
/// <para><b>eq.</b> eq(r, x) = Π_i (r_i·x_i + (1 − r_i)(1 − x_i)); ṽ(r) = Σ_x eq(r, x)·v[x].</para>
/// </remarks>
public static class Mle
{
    /// <summary>The number of variables ℓ = ⌈log₂ n⌉ of a table of length n (0 for n ≤ 1).</summary>
    public static int NumVars(long length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        int l = 0;
        while ((1L << l) < length) l++;
        return l;
    }

    /// <summary>Copies <paramref name="table"/> into a new array of length 2^numVars, zero-padded.</summary>
    public static Fr[] Padded(ReadOnlySpan<Fr> table, int numVars)
    {
        long size = 1L << numVars;
        if (table.Length > size) throw new ArgumentException($"table of length {table.Length} exceeds 2^{numVars}");
        var r = new Fr[size];
        table.CopyTo(r);
        return r;
    }

    /// <summary>Embeds signed integers (v ↦ v mod n) into a new table of length 2^numVars, zero-padded.</summary>
    public static Fr[] Padded(ReadOnlySpan<long> table, int numVars)
    {
        long size = 1L << numVars;
        if (table.Length > size) throw new ArgumentException($"table of length {table.Length} exceeds 2^{numVars}");
        var r = new Fr[size];
        for (int i = 0; i < table.Length; i++) r[i] = Fr.FromInt64(table[i]);
        return r;
    }

    /// <summary>
    /// ṽ(point) for a table of length ≤ 2^ℓ (ℓ = point.Length), zero-padded. O(2^ℓ) multiplications,
    /// one pooled scratch buffer; the input is not modified.
    /// </summary>
    public static Fr Evaluate(ReadOnlySpan<Fr> table, ReadOnlySpan<Fr> point)
    {
        int l = point.Length;
        if (l > 30) throw new ArgumentException($"{l} variables is too many");
        int size = 1 << l;
        if (table.Length > size) throw new ArgumentException($"table of length {table.Length} exceeds 2^{l} (point has {l} coordinates)");
        if (table.Length == 0) return Fr.Zero;
        // Only the entries that exist are folded: a table of length m ≤ 2^ℓ occupies the low part of
        // the hypercube, so fixing x₁ = r maps (lo, hi) to lo + r·(hi − lo) with hi = 0 past the end.
        var buf = ArrayPool<Fr>.Shared.Rent(table.Length);
        try
        {
            var v = buf.AsSpan(0, table.Length);
            table.CopyTo(v);
            int len = table.Length;
            for (int j = 0; j < l; j++)
            {
                int half = size >> (j + 1);
                int newLen = Math.Min(len, half);
                Fr oneMinusR = Fr.One - point[j];
                for (int i = 0; i < newLen; i++)
                {
                    if (i + half < len)
                    {
                        Fr.Sub(in v[i + half], in v[i], out var d);
                        Fr.Mul(in d, in point[j], out d);
                        Fr.Add(in v[i], in d, out v[i]);
                    }
                    else Fr.Mul(in v[i], in oneMinusR, out v[i]);
                }
                len = newLen;
            }
            return v[0];
        }
        finally { ArrayPool<Fr>.Shared.Return(buf); }
    }

    /// <summary>ṽ(point) for a table of small signed integers (v ↦ v mod n), zero-padded.</summary>
    public static Fr Evaluate(ReadOnlySpan<long> table, ReadOnlySpan<Fr> point)
    {
        var buf = ArrayPool<Fr>.Shared.Rent(Math.Max(1, table.Length));
        try
        {
            var v = buf.AsSpan(0, table.Length);
            for (int i = 0; i < table.Length; i++) v[i] = Fr.FromInt64(table[i]);
            return Evaluate(v, point);
        }
        finally { ArrayPool<Fr>.Shared.Return(buf); }
    }

    /// <summary>The table eq(r, ·) over all 2^ℓ points (ℓ = r.Length), MSB-first: entry i is
    /// eq(r, bits of i). 2^ℓ multiplications.</summary>
    public static Fr[] EqTable(ReadOnlySpan<Fr> r)
    {
        if (r.Length > 30) throw new ArgumentException($"{r.Length} variables is too many");
        var t = new Fr[1 << r.Length];
        EqTable(r, t);
        return t;
    }

    /// <summary>Writes eq(r, ·) into <paramref name="destination"/> (length exactly 2^ℓ). No allocation.</summary>
    public static void EqTable(ReadOnlySpan<Fr> r, Span<Fr> destination)
    {
        int l = r.Length;
        if (l > 30 || destination.Length != 1 << l)
            throw new ArgumentException($"destination has length {destination.Length}, expected 2^{l}");
        destination[0] = Fr.One;
        // After processing r₁..r_j the first 2^j entries hold eq((r₁..r_j), ·); each new variable
        // becomes the least significant bit, so r₁ ends up as the most significant one.
        for (int j = 0; j < l; j++)
        {
            int size = 1 << j;
            for (int k = size - 1; k >= 0; k--)
            {
                Fr v = destination[k];
                Fr.Mul(in v, in r[j], out destination[2 * k + 1]);
                Fr.Sub(in v, in destination[2 * k + 1], out destination[2 * k]);
            }
        }
    }

    /// <summary>eq(a, b) = Π_i (a_i·b_i + (1 − a_i)(1 − b_i)) for two points of equal length. O(ℓ).</summary>
    public static Fr Eq(ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"points of different lengths {a.Length} and {b.Length}");
        Fr acc = Fr.One;
        for (int i = 0; i < a.Length; i++)
        {
            // a·b + (1 − a)(1 − b) = 1 − a − b + 2ab
            Fr ab = a[i] * b[i];
            Fr term = Fr.One - a[i] - b[i] + ab + ab;
            Fr.Mul(in acc, in term, out acc);
        }
        return acc;
    }

    /// <summary>
    /// Σ_{x &lt; count} eq(tau, x)·eq(point, x) over ℓ = point.Length MSB-first variables (0 ≤ count ≤ 2^ℓ):
    /// the MLE at <paramref name="point"/> of the table x ↦ eq(tau, x)·[x &lt; count]. O(ℓ).
    /// </summary>
    /// <remarks>Per variable, w_k(1) = τ_k·r_k and w_k(0) = (1 − τ_k)(1 − r_k); as in
    /// <see cref="IndicatorMle(long, ReadOnlySpan{Fr})"/>, each 1-bit j of count contributes the
    /// prefix Π_{k&lt;j} w_k(count_k)·w_j(0) times the free suffix Π_{k&gt;j} (w_k(0) + w_k(1)).</remarks>
    public static Fr IndicatorEqMle(long count, ReadOnlySpan<Fr> tau, ReadOnlySpan<Fr> point)
    {
        int l = point.Length;
        if (tau.Length != l) throw new ArgumentException($"tau has {tau.Length} coordinates, point has {l}");
        if (l > 62) throw new ArgumentException($"{l} variables is too many");
        if (count < 0 || count > 1L << l) throw new ArgumentOutOfRangeException(nameof(count), $"count {count} is outside [0, 2^{l}]");
        Span<Fr> suffix = stackalloc Fr[l + 1];
        suffix[l] = Fr.One;
        for (int k = l - 1; k >= 0; k--)
        {
            Fr t1 = tau[k] * point[k];
            suffix[k] = suffix[k + 1] * (t1 + (Fr.One - tau[k]) * (Fr.One - point[k]));
        }
        if (count == 1L << l) return suffix[0];
        Fr result = Fr.Zero, prefix = Fr.One;
        for (int j = 0; j < l; j++)
        {
            Fr w1 = tau[j] * point[j], w0 = (Fr.One - tau[j]) * (Fr.One - point[j]);
            if (((count >> (l - 1 - j)) & 1) != 0)
            {
                result += prefix * w0 * suffix[j + 1];
                prefix *= w1;
            }
            else prefix *= w0;
        }
        return result;
    }

    /// <summary>
    /// Ĩ(point) = Σ_{x &lt; count} eq(point, x): the MLE of the indicator of the valid indices
    /// [0, count) of one dimension padded to 2^ℓ entries (ℓ = point.Length, 0 ≤ count ≤ 2^ℓ). O(ℓ).
    /// </summary>
    /// <remarks>For each bit j (MSB first) where count has a 1, the indices x &lt; count whose first
    /// j − 1 bits agree with count and whose j-th bit is 0 contribute
    /// Π_{i&lt;j} eq₁(r_i, count_i)·(1 − r_j) (the remaining variables sum to 1).</remarks>
    public static Fr IndicatorMle(long count, ReadOnlySpan<Fr> point)
    {
        int l = point.Length;
        if (l > 62) throw new ArgumentException($"{l} variables is too many");
        if (count < 0 || count > 1L << l) throw new ArgumentOutOfRangeException(nameof(count), $"count {count} is outside [0, 2^{l}]");
        if (count == 1L << l) return Fr.One;
        Fr result = Fr.Zero, prefix = Fr.One;
        for (int j = 0; j < l; j++)
        {
            bool bit = ((count >> (l - 1 - j)) & 1) != 0;
            if (bit)
            {
                result += prefix * (Fr.One - point[j]);
                prefix *= point[j];
            }
            else prefix *= Fr.One - point[j];
        }
        return result;
    }

    /// <summary>
    /// The MLE of the indicator of valid indices of a tensor padded per dimension: Π_d Ĩ_d, where
    /// dimension d has <paramref name="counts"/>[d] valid entries out of 2^bits[d], and the point is
    /// split per dimension with the leading dimension taking the first (high) coordinates. O(ℓ).
    /// </summary>
    public static Fr IndicatorMle(ReadOnlySpan<long> counts, ReadOnlySpan<int> bits, ReadOnlySpan<Fr> point)
    {
        if (counts.Length != bits.Length) throw new ArgumentException($"{counts.Length} counts but {bits.Length} bit widths");
        int total = 0;
        foreach (var b in bits) { if (b < 0) throw new ArgumentException("negative bit width"); total += b; }
        if (total != point.Length) throw new ArgumentException($"bit widths sum to {total}, point has {point.Length} coordinates");
        Fr acc = Fr.One;
        int off = 0;
        for (int d = 0; d < counts.Length; d++)
        {
            acc *= IndicatorMle(counts[d], point.Slice(off, bits[d]));
            off += bits[d];
        }
        return acc;
    }
}
