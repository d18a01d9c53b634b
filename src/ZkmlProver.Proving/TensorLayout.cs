using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving;

/// <summary>
/// Where a batched tensor's entries live on the Boolean hypercube.
/// </summary>
/// <remarks>
/// Dimensions (batch first, then the per-sample dimensions) are each padded to a power of two and
/// concatenated MSB-first: the batch index owns the highest variables. Entry (b, i₁, …, i_k) sits at
/// flat index ((b·P₁ + i₁)·P₂ + i₂)… with P_d the padded extent of dimension d. Padded entries are
/// zero at every layer (docs/PROVING.md, "Layout").
/// </remarks>
public sealed class TensorLayout
{
    public TensorLayout(IReadOnlyList<int> dims)
    {
        if (dims.Count == 0) throw new ArgumentException("a layout needs at least one dimension");
        Dims = dims.ToArray();
        Vars = new int[Dims.Length];
        for (int d = 0; d < Dims.Length; d++)
        {
            if (Dims[d] <= 0) throw new ArgumentException($"dimension {d} has extent {Dims[d]}");
            int v = 0;
            while ((1 << v) < Dims[d]) v++;
            Vars[d] = v;
        }
        NumVars = Vars.Sum();
        if (NumVars > 30) throw new ArgumentException($"tensor with dims [{string.Join(",", Dims)}] needs 2^{NumVars} padded entries: too large");
        Count = Dims.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>Logical extents, batch first.</summary>
    public int[] Dims { get; }
    /// <summary>Variables per dimension (⌈log₂ extent⌉).</summary>
    public int[] Vars { get; }
    public int NumVars { get; }
    public int PaddedSize => 1 << NumVars;

    /// <summary>The valid entries of the padded table (true) and the padding (false).</summary>
    public bool[] ValidMask()
    {
        var mask = new bool[PaddedSize];
        for (long i = 0; i < Count; i++) mask[PaddedIndex(i)] = true;
        return mask;
    }
    public long Count { get; }

    /// <summary>Flat padded index of the logical row-major index <paramref name="logical"/>.</summary>
    public int PaddedIndex(long logical)
    {
        int result = 0, shift = 0;
        for (int d = Dims.Length - 1; d >= 0; d--)
        {
            long idx = logical % Dims[d];
            logical /= Dims[d];
            result |= (int)idx << shift;
            shift += Vars[d];
        }
        return result;
    }

    /// <summary>Scatters row-major logical values into a zero-padded field table.</summary>
    public Fr[] ToTable(ReadOnlySpan<long> logical)
    {
        if (logical.Length != Count) throw new ArgumentException($"expected {Count} values for dims [{string.Join(",", Dims)}], got {logical.Length}");
        var t = new Fr[PaddedSize];
        for (int i = 0; i < logical.Length; i++)
            if (logical[i] != 0) t[PaddedIndex(i)] = Fr.FromInt64(logical[i]);
        return t;
    }

    /// <summary>Scatters row-major logical values into a zero-padded integer table.</summary>
    public long[] ToLongTable(ReadOnlySpan<long> logical)
    {
        if (logical.Length != Count) throw new ArgumentException($"expected {Count} values for dims [{string.Join(",", Dims)}], got {logical.Length}");
        var t = new long[PaddedSize];
        for (int i = 0; i < logical.Length; i++) t[PaddedIndex(i)] = logical[i];
        return t;
    }

    /// <summary>The MLE of the indicator of valid (unpadded) entries at <paramref name="point"/>,
    /// in O(NumVars): a product over dimensions of the 1-D indicator of [0, extent)
    /// (<see cref="Mle.IndicatorMle(ReadOnlySpan{long}, ReadOnlySpan{int}, ReadOnlySpan{Fr})"/>).</summary>
    public Fr ValidIndicator(ReadOnlySpan<Fr> point)
    {
        if (point.Length != NumVars) throw new ArgumentException($"point has {point.Length} coordinates, layout has {NumVars} variables");
        return Mle.IndicatorMle(Array.ConvertAll(Dims, d => (long)d), Vars, point);
    }

    /// <summary>Σ_{x &lt; count} eq(r, x) over ℓ = r.Length MSB-first variables, in O(ℓ)
    /// (<see cref="Mle.IndicatorMle(long, ReadOnlySpan{Fr})"/>; counts beyond 2^ℓ give 1).</summary>
    public static Fr PrefixIndicator(long count, ReadOnlySpan<Fr> r)
        => Mle.IndicatorMle(Math.Min(count, 1L << r.Length), r);
}
