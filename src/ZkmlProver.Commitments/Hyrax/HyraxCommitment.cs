using System.Diagnostics.CodeAnalysis;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;
using FsTranscript = ZkmlProver.Transcript.Transcript;

namespace ZkmlProver.Commitments.Hyrax;

/// <summary>
/// The matrix layout of a Hyrax-committed vector of ℓ variables: length 2^ℓ (shorter vectors are
/// zero-padded) viewed row-major as 2^{ℓ_L} rows × 2^{ℓ_R} columns, ℓ_L = ⌊ℓ/2⌋, ℓ_R = ℓ − ℓ_L.
/// </summary>
/// <remarks>
/// Entry v[i] sits in row i / Cols, column i mod Cols. Variables are MSB-first, so the row index
/// holds the first (high) ℓ_L variables of a point r and the column index the last ℓ_R:
/// r = (r_L, r_R) and ṽ(r) = Σ_i Σ_j eq(r_L, i)·eq(r_R, j)·M[i, j].
/// </remarks>
public readonly record struct HyraxShape
{
    /// <summary>Largest supported ℓ (2^30 entries).</summary>
    public const int MaxVars = 30;

    public HyraxShape(int numVars)
    {
        if (numVars < 0 || numVars > MaxVars) throw new ArgumentOutOfRangeException(nameof(numVars), numVars, $"ℓ must be in [0, {MaxVars}]");
        NumVars = numVars;
    }

    /// <summary>The smallest shape holding <paramref name="length"/> entries (length 0 or 1: ℓ = 0).</summary>
    public static HyraxShape ForLength(long length)
    {
        int l = 0;
        while ((1L << l) < length) l++;
        return new HyraxShape(l);
    }

    /// <summary>ℓ, the number of variables.</summary>
    public int NumVars { get; }
    /// <summary>ℓ_L = ⌊ℓ/2⌋: the high variables, indexing rows.</summary>
    public int RowVars => NumVars / 2;
    /// <summary>ℓ_R = ℓ − ℓ_L: the low variables, indexing columns.</summary>
    public int ColVars => NumVars - RowVars;
    public int Rows => 1 << RowVars;
    public int Cols => 1 << ColVars;
    /// <summary>2^ℓ, the padded length.</summary>
    public int Length => 1 << NumVars;

    /// <summary>Row weights eq(r_L, ·) for a full point r (length ℓ): r_L = r[..ℓ_L].</summary>
    public Fr[] RowWeights(ReadOnlySpan<Fr> point)
    {
        CheckPoint(point);
        return HyraxMath.EqTable(point[..RowVars]);
    }

    /// <summary>Column weights eq(r_R, ·) for a full point r (length ℓ): r_R = r[ℓ_L..].</summary>
    public Fr[] ColumnWeights(ReadOnlySpan<Fr> point)
    {
        CheckPoint(point);
        return HyraxMath.EqTable(point[RowVars..]);
    }

    private void CheckPoint(ReadOnlySpan<Fr> point)
    {
        if (point.Length != NumVars) throw new ArgumentException($"point has {point.Length} coordinates, the committed vector has {NumVars} variables");
    }
}

/// <summary>The prover's secret opening of a <see cref="HyraxCommitment"/>: one blind ρ_i per row.
/// The committed values themselves stay with the caller and are passed to the prover again.</summary>
public sealed class HyraxOpening
{
    private readonly Fr[] _blinds;

    public HyraxOpening(HyraxShape shape, Fr[] blinds)
    {
        ArgumentNullException.ThrowIfNull(blinds);
        if (blinds.Length != shape.Rows) throw new ArgumentException($"{blinds.Length} blinds for {shape.Rows} rows");
        Shape = shape;
        _blinds = blinds;
    }

    public HyraxShape Shape { get; }
    /// <summary>ρ_0..ρ_{Rows−1}.</summary>
    public ReadOnlySpan<Fr> Blinds => _blinds;

    /// <summary>Writes the blinds (count, then 32-byte scalars) — e.g. the model owner's secret file.</summary>
    public void Write(ProofWriter writer) => writer.WriteScalars(_blinds);

    /// <summary>Reads blinds for the expected shape; never throws on the bytes.</summary>
    public static bool TryRead(ProofReader reader, HyraxShape shape, [NotNullWhen(true)] out HyraxOpening? opening)
    {
        opening = null;
        if (!reader.ReadScalars("hyrax blinds", out var blinds, shape.Rows)) return false;
        opening = new HyraxOpening(shape, blinds);
        return true;
    }
}

/// <summary>
/// Hyrax polynomial commitment to a vector v of 2^ℓ entries (zero-padded): one Pedersen commitment
/// per matrix row (see <see cref="HyraxShape"/>), C_i = Σ_j M[i, j]·G_j + ρ_i·H over the key
/// <c>PedersenKey.Get(Cols)</c>. Hiding (fresh ρ_i per row) and binding under discrete log.
/// </summary>
/// <remarks>Encoding: count of rows (4 bytes, must equal 2^{ℓ_L}), then each row as a 33-byte
/// compressed point; the identity is refused (an honest row is blinded).</remarks>
public sealed class HyraxCommitment
{
    private readonly Point[] _rows;

    public HyraxCommitment(HyraxShape shape, Point[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length != shape.Rows) throw new ArgumentException($"{rows.Length} row commitments for {shape.Rows} rows");
        Shape = shape;
        _rows = rows;
    }

    public HyraxShape Shape { get; }
    /// <summary>C_0..C_{Rows−1} (affine after <see cref="Commit(ReadOnlyMemory{long}, HyraxShape, out HyraxOpening, Random?)"/> or decoding).</summary>
    public ReadOnlySpan<Point> Rows => _rows;
    internal Point[] RowArray => _rows;

    /// <summary>The Pedersen key of the rows: generators G_0..G_{Cols−1}, G and H.</summary>
    public PedersenKey Key => PedersenKey.Get(Shape.Cols);

    /// <summary>Commits to small signed integers (weights, bits, activations) with the small-scalar
    /// MSM; rows are committed in parallel. <paramref name="values"/> may be shorter than 2^ℓ.</summary>
    /// <param name="rng">Seeded randomness for reproducible tests; null: the system CSPRNG.</param>
    public static HyraxCommitment Commit(ReadOnlyMemory<long> values, HyraxShape shape, out HyraxOpening opening, Random? rng = null)
        => CommitRows(values, shape, out opening, rng, static (key, row, blind) => key.CommitSmall(row.Span, blind));

    /// <summary>Commits to field elements; rows are committed in parallel.</summary>
    public static HyraxCommitment Commit(ReadOnlyMemory<Fr> values, HyraxShape shape, out HyraxOpening opening, Random? rng = null)
        => CommitRows(values, shape, out opening, rng, static (key, row, blind) => key.Commit(row.Span, blind));

    /// <summary>One blinded Pedersen commitment per row, rows in parallel, then normalized to affine
    /// (cheap to encode, absorb and reuse as MSM inputs).</summary>
    private static HyraxCommitment CommitRows<T>(ReadOnlyMemory<T> values, HyraxShape shape, out HyraxOpening opening, Random? rng,
        Func<PedersenKey, ReadOnlyMemory<T>, Fr, Point> commitRow)
    {
        CheckLength(values.Length, shape);
        var key = PedersenKey.Get(shape.Cols);
        var blinds = DrawBlinds(shape, rng);
        var rows = new Point[shape.Rows];
        int cols = shape.Cols;
        Parallel.For(0, shape.Rows, i => rows[i] = commitRow(key, RowSlice(values, i, cols), blinds[i]));
        Point.BatchNormalize(rows);
        opening = new HyraxOpening(shape, blinds);
        return new HyraxCommitment(shape, rows);
    }

    /// <summary>Absorbs the shape and every row commitment.</summary>
    public void AppendTo(FsTranscript transcript, string label)
    {
        transcript.AppendUInt64(label + "/num-vars", (ulong)Shape.NumVars);
        transcript.AppendPoints(label + "/rows", _rows);
    }

    /// <summary>Writes the row count and the rows (33-byte compressed points).</summary>
    public void Write(ProofWriter writer) => writer.WritePoints(_rows);

    /// <summary>Decodes a commitment of the expected shape (the row count is checked against it).
    /// Never throws on the bytes; on failure <see cref="ProofReader.Error"/> says why.</summary>
    public static bool TryRead(ProofReader reader, HyraxShape shape, [NotNullWhen(true)] out HyraxCommitment? commitment)
    {
        commitment = null;
        if (!reader.ReadPoints("hyrax rows", out var rows, shape.Rows, allowIdentity: false)) return false;
        commitment = new HyraxCommitment(shape, rows);
        return true;
    }

    internal static ReadOnlyMemory<T> RowSlice<T>(ReadOnlyMemory<T> values, int row, int cols)
    {
        long start = (long)row * cols;
        if (start >= values.Length) return ReadOnlyMemory<T>.Empty;
        return values.Slice((int)start, (int)Math.Min(cols, values.Length - start));
    }

    private static void CheckLength(int length, HyraxShape shape)
    {
        if (length > shape.Length) throw new ArgumentException($"vector of {length} entries does not fit {shape.NumVars} variables ({shape.Length} entries)");
    }

    private static Fr[] DrawBlinds(HyraxShape shape, Random? rng)
    {
        var b = new Fr[shape.Rows];
        for (int i = 0; i < b.Length; i++) b[i] = HyraxMath.NextRandom(rng);
        return b;
    }
}
