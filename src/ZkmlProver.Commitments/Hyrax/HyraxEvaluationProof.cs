using System.Diagnostics.CodeAnalysis;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;
using FsTranscript = ZkmlProver.Transcript.Transcript;

namespace ZkmlProver.Commitments.Hyrax;

/// <summary>The prover's copy of a committed vector, either small integers (weights, bits,
/// activations) or field elements; arrays and memories convert implicitly. May be shorter than
/// the shape's 2^ℓ entries (the rest is zero).</summary>
public readonly struct HyraxValues
{
    private readonly ReadOnlyMemory<long> _small;
    private readonly ReadOnlyMemory<Fr> _field;

    private HyraxValues(ReadOnlyMemory<long> small, ReadOnlyMemory<Fr> field, bool isSmall)
    {
        _small = small; _field = field; IsSmall = isSmall;
    }

    public bool IsSmall { get; }
    public int Length => IsSmall ? _small.Length : _field.Length;
    public ReadOnlyMemory<long> Small => _small;
    public ReadOnlyMemory<Fr> Field => _field;

    public static implicit operator HyraxValues(long[] v) => new(v, default, true);
    public static implicit operator HyraxValues(ReadOnlyMemory<long> v) => new(v, default, true);
    public static implicit operator HyraxValues(Fr[] v) => new(default, v, false);
    public static implicit operator HyraxValues(ReadOnlyMemory<Fr> v) => new(default, v, false);
}

/// <summary>The verifier's view of one claim on a committed vector v, in the general form
/// ⟨v, L ⊗ R′⟩ = y: the row weights L belong to the proof call (shared by a batch), the column
/// weights R′ (length Cols) and the value belong to the claim. The value is either committed
/// (C_y = y·G + r_y·H, the prover knows r_y) or public (C_y = y·G, blind 0).</summary>
public sealed class HyraxClaim
{
    private HyraxClaim(Fr[] columnWeights, Point commitment, Fr value, bool isPublic)
    {
        ArgumentNullException.ThrowIfNull(columnWeights);
        ColumnWeights = columnWeights; ValueCommitment = commitment; PublicValue = value; IsPublic = isPublic;
    }

    /// <summary>R′ (e.g. eq(r_R, ·), or eq(r_R′, ·) ⊗ bit weights).</summary>
    public Fr[] ColumnWeights { get; }
    /// <summary>C_y for a committed claim; the identity for a public one.</summary>
    public Point ValueCommitment { get; }
    /// <summary>y for a public claim; zero for a committed one.</summary>
    public Fr PublicValue { get; }
    public bool IsPublic { get; }

    public static HyraxClaim Committed(Fr[] columnWeights, Point valueCommitment) => new(columnWeights, valueCommitment, Fr.Zero, false);
    public static HyraxClaim Public(Fr[] columnWeights, Fr value) => new(columnWeights, Point.Identity, value, true);
}

/// <summary>A claim with the prover's witness: the value y and the blind r_y of C_y (zero for a
/// public claim).</summary>
public sealed class HyraxProverClaim
{
    private HyraxProverClaim(HyraxClaim claim, Fr value, Fr blind) { Claim = claim; Value = value; Blind = blind; }

    public HyraxClaim Claim { get; }
    public Fr Value { get; }
    public Fr Blind { get; }

    public static HyraxProverClaim Committed(Fr[] columnWeights, Point valueCommitment, Fr value, Fr blind)
        => new(HyraxClaim.Committed(columnWeights, valueCommitment), value, blind);
    public static HyraxProverClaim Public(Fr[] columnWeights, Fr value)
        => new(HyraxClaim.Public(columnWeights, value), value, Fr.Zero);
}

/// <summary>
/// Zero-knowledge Hyrax evaluation proof (PROTOCOL.md, "Hyrax evaluation proof"): for a
/// <see cref="HyraxCommitment"/> with rows C_i, a public row-weight vector L and claims
/// ⟨v, L ⊗ R′_k⟩ = y_k, both sides form C_u = Σ_i L_i·C_i (the prover knows u = L·M and
/// ρ_u = Σ L_i·ρ_i); the claims are combined with γ_1 = 1 and γ_k = challenge (k ≥ 2) into
/// a = Σ γ_k·R′_k and C_y = Σ γ_k·C_{y_k}, and one <see cref="LogDotProductProof"/> shows
/// ⟨u, a⟩ = Σ γ_k·y_k. For ṽ(r): L = eq(r_L, ·), R′ = eq(r_R, ·) (<see cref="HyraxShape"/>).
/// </summary>
/// <remarks>
/// <para><b>Transcript</b> (before any challenge): "hyrax-eval/…" labels: the commitment (shape and
/// rows), L, the number of claims, then per claim R′_k and C_{y_k} (committed) or y_k (public);
/// then γ_2..γ_m; then the dot-product argument's messages. C_u = Σ L_i·C_i is a function of
/// absorbed data, so it is bound without being absorbed itself; the verifier never computes it
/// separately: rows, claims and the argument form one MSM.</para>
/// <para><b>Encoding</b>: exactly the inner <see cref="LogDotProductProof"/> for length Cols.</para>
/// </remarks>
public sealed class HyraxEvaluationProof
{
    private const string Lbl = "hyrax-eval/";

    public HyraxEvaluationProof(LogDotProductProof inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The log-size dot-product argument over the row combination u.</summary>
    public LogDotProductProof Inner { get; }

    /// <summary>Writes the proof: exactly the inner argument's encoding for length Cols.</summary>
    public void Write(ProofWriter writer) => Inner.Write(writer);

    /// <summary>Decodes a proof for a vector of the given shape; never throws on the bytes.</summary>
    public static bool TryRead(ProofReader reader, HyraxShape shape, [NotNullWhen(true)] out HyraxEvaluationProof? proof)
    {
        proof = null;
        if (!LogDotProductProof.TryRead(reader, shape.Cols, out var inner)) return false;
        proof = new HyraxEvaluationProof(inner);
        return true;
    }

    // ───────────────────────────── point form ─────────────────────────────

    /// <summary>Proves that <paramref name="valueCommitment"/> = ṽ(r)·G + blind·H commits to the
    /// multilinear extension of the committed vector at <paramref name="point"/> (length ℓ, MSB-first).</summary>
    public static HyraxEvaluationProof Prove(FsTranscript transcript, HyraxCommitment commitment, HyraxOpening opening, HyraxValues values,
        ReadOnlySpan<Fr> point, Point valueCommitment, in Fr value, in Fr blind, Random? rng = null)
    {
        var shape = commitment.Shape;
        var claim = HyraxProverClaim.Committed(shape.ColumnWeights(point), valueCommitment, value, blind);
        return ProveBatch(transcript, commitment, opening, values, shape.RowWeights(point), [claim], rng);
    }

    /// <summary>Proves ṽ(r) = <paramref name="value"/> for a public value.</summary>
    public static HyraxEvaluationProof ProvePublic(FsTranscript transcript, HyraxCommitment commitment, HyraxOpening opening, HyraxValues values,
        ReadOnlySpan<Fr> point, in Fr value, Random? rng = null)
    {
        var shape = commitment.Shape;
        var claim = HyraxProverClaim.Public(shape.ColumnWeights(point), value);
        return ProveBatch(transcript, commitment, opening, values, shape.RowWeights(point), [claim], rng);
    }

    /// <summary>Verifies "C_y commits to ṽ(r)". Never throws on proof data; throws
    /// <see cref="ArgumentException"/> only for a point of the wrong length (caller misuse).</summary>
    public static Verdict Verify(FsTranscript transcript, HyraxCommitment commitment, ReadOnlySpan<Fr> point, Point valueCommitment,
        HyraxEvaluationProof proof)
    {
        var shape = commitment.Shape;
        return VerifyBatch(transcript, commitment, shape.RowWeights(point), [HyraxClaim.Committed(shape.ColumnWeights(point), valueCommitment)], proof);
    }

    /// <summary>Verifies ṽ(r) = <paramref name="value"/> for a public value.</summary>
    public static Verdict VerifyPublic(FsTranscript transcript, HyraxCommitment commitment, ReadOnlySpan<Fr> point, in Fr value,
        HyraxEvaluationProof proof)
    {
        var shape = commitment.Shape;
        return VerifyBatch(transcript, commitment, shape.RowWeights(point), [HyraxClaim.Public(shape.ColumnWeights(point), value)], proof);
    }

    // ───────────────────────────── general / batched form ─────────────────────────────

    /// <summary>Proves claims ⟨v, L ⊗ R′_k⟩ = y_k (all with the same row weights L) with one
    /// argument. Throws <see cref="InvalidOperationException"/> if a claimed value is wrong or a
    /// committed claim's C_y is not y·G + r_y·H (caller bugs caught before they become rejected
    /// proofs; the messages never print secret values).</summary>
    /// <param name="rowWeights">L, length Rows.</param>
    /// <param name="claims">At least one claim; each R′_k of length Cols.</param>
    /// <param name="requireTrueClaims">true (always, in the product); false only for soundness tests
    /// that play a cheating prover (the proof is then rejected by the verifier).</param>
    public static HyraxEvaluationProof ProveBatch(FsTranscript transcript, HyraxCommitment commitment, HyraxOpening opening, HyraxValues values,
        ReadOnlySpan<Fr> rowWeights, IReadOnlyList<HyraxProverClaim> claims, Random? rng = null, bool requireTrueClaims = true)
    {
        var shape = commitment.Shape;
        if (opening.Shape != shape) throw new ArgumentException($"opening is for {opening.Shape.NumVars} variables, commitment for {shape.NumVars}");
        if (values.Length > shape.Length) throw new ArgumentException($"{values.Length} values do not fit {shape.Length} entries");
        var pub = new HyraxClaim[claims.Count];
        for (int k = 0; k < pub.Length; k++) pub[k] = claims[k].Claim;
        CheckStatement(shape, rowWeights, pub);

        // u = L·M (length Cols), ρ_u = Σ L_i·ρ_i; every claim checked before the transcript is touched.
        int cols = shape.Cols;
        var u = new Fr[cols];
        RowCombination(values, shape, rowWeights, u);
        var blind = FieldVectors.InnerProduct(rowWeights, opening.Blinds);
        for (int k = 0; k < claims.Count; k++)
        {
            var c = claims[k];
            if (requireTrueClaims && FieldVectors.InnerProduct(u, c.Claim.ColumnWeights) != c.Value)
                throw new InvalidOperationException($"hyrax-eval: claim {k} does not hold for the committed vector (its value differs from ⟨v, L ⊗ R′⟩; values are not printed: they are secret)");
            if (!c.Claim.IsPublic && commitment.Key.Commit(c.Value, c.Blind) != c.Claim.ValueCommitment)
                throw new InvalidOperationException($"hyrax-eval: claim {k}: the value commitment is not value·G + blind·H");
        }

        var gamma = AbsorbStatement(transcript, commitment, rowWeights, pub);

        // a = Σ γ_k·R′_k, blind += Σ γ_k·r_{y_k}.
        var a = new Fr[cols];
        for (int k = 0; k < claims.Count; k++)
        {
            FieldVectors.ScaledAdd(a, gamma[k], claims[k].Claim.ColumnWeights);
            blind += gamma[k] * claims[k].Blind;
        }
        var inner = LogDotProductProof.ProveCore(transcript, commitment.Key, u, a, cols, blind, rng);
        return new HyraxEvaluationProof(inner);
    }

    /// <summary>Verifies claims ⟨v, L ⊗ R′_k⟩ = y_k against the commitment: one MSM over the rows,
    /// the claims' commitments, the generators and the argument's points. Never throws on proof
    /// data; throws <see cref="ArgumentException"/> for vectors of the wrong length (caller misuse).</summary>
    public static Verdict VerifyBatch(FsTranscript transcript, HyraxCommitment commitment, ReadOnlySpan<Fr> rowWeights,
        IReadOnlyList<HyraxClaim> claims, HyraxEvaluationProof proof)
        => VerifyBatch(transcript, commitment, rowWeights, claims, proof, null);

    /// <summary>As <see cref="VerifyBatch(FsTranscript, HyraxCommitment, ReadOnlySpan{Fr}, IReadOnlyList{HyraxClaim}, HyraxEvaluationProof)"/>;
    /// with <paramref name="acc"/> non-null the final group equation is deferred to it (the caller must
    /// call <see cref="MsmAccumulator.Check"/>).</summary>
    public static Verdict VerifyBatch(FsTranscript transcript, HyraxCommitment commitment, ReadOnlySpan<Fr> rowWeights,
        IReadOnlyList<HyraxClaim> claims, HyraxEvaluationProof proof, MsmAccumulator? acc)
    {
        var shape = commitment.Shape;
        CheckStatement(shape, rowWeights, claims);
        var gamma = AbsorbStatement(transcript, commitment, rowWeights, claims);

        int cols = shape.Cols, rows = shape.Rows;
        var a = new Fr[cols];
        int committed = 0;
        var publicSum = Fr.Zero;
        bool anyPublic = false;
        for (int k = 0; k < claims.Count; k++)
        {
            FieldVectors.ScaledAdd(a, gamma[k], claims[k].ColumnWeights);
            if (claims[k].IsPublic) { publicSum += gamma[k] * claims[k].PublicValue; anyPublic = true; }
            else committed++;
        }
        // Γ = C_u + C_y = Σ L_i·C_i + Σ_committed γ_k·C_{y_k} + (Σ_public γ_k·y_k)·G.
        int m = rows + committed + (anyPublic ? 1 : 0);
        var pts = new Point[m];
        var sc = new Fr[m];
        commitment.Rows.CopyTo(pts);
        rowWeights.CopyTo(sc);
        int o = rows;
        for (int k = 0; k < claims.Count; k++)
            if (!claims[k].IsPublic) { pts[o] = claims[k].ValueCommitment; sc[o] = gamma[k]; o++; }
        if (anyPublic) { pts[o] = commitment.Key.G; sc[o] = publicSum; }
        return LogDotProductProof.VerifyCore(transcript, commitment.Key, pts, sc, a, proof.Inner, acc).In("hyrax evaluation");
    }

    // ───────────────────────────── prover-side values ─────────────────────────────

    /// <summary>ṽ(r) for the (zero-padded) vector: the value a point claim states. O(2^ℓ).</summary>
    public static Fr Evaluate(HyraxValues values, HyraxShape shape, ReadOnlySpan<Fr> point)
        => Evaluate(values, shape, shape.RowWeights(point), shape.ColumnWeights(point));

    /// <summary>⟨v, L ⊗ R′⟩ for the (zero-padded) vector: the value a general claim states.</summary>
    public static Fr Evaluate(HyraxValues values, HyraxShape shape, ReadOnlySpan<Fr> rowWeights, ReadOnlySpan<Fr> columnWeights)
    {
        if (rowWeights.Length != shape.Rows) throw new ArgumentException($"{rowWeights.Length} row weights for {shape.Rows} rows");
        if (columnWeights.Length != shape.Cols) throw new ArgumentException($"{columnWeights.Length} column weights for {shape.Cols} columns");
        if (values.Length > shape.Length) throw new ArgumentException($"{values.Length} values do not fit {shape.Length} entries");
        var u = new Fr[shape.Cols];
        RowCombination(values, shape, rowWeights, u);
        return FieldVectors.InnerProduct(u, columnWeights);
    }

    // ───────────────────────────── shared pieces ─────────────────────────────

    private static void CheckStatement(HyraxShape shape, ReadOnlySpan<Fr> rowWeights, IReadOnlyList<HyraxClaim> claims)
    {
        if (rowWeights.Length != shape.Rows) throw new ArgumentException($"{rowWeights.Length} row weights for {shape.Rows} rows");
        if (claims.Count == 0) throw new ArgumentException("no claims to prove");
        for (int k = 0; k < claims.Count; k++)
            if (claims[k].ColumnWeights.Length != shape.Cols)
                throw new ArgumentException($"claim {k}: {claims[k].ColumnWeights.Length} column weights for {shape.Cols} columns");
    }

    /// <summary>Absorbs the statement and returns γ (γ_1 = 1, then challenges).</summary>
    private static Fr[] AbsorbStatement(FsTranscript t, HyraxCommitment commitment, ReadOnlySpan<Fr> rowWeights, IReadOnlyList<HyraxClaim> claims)
    {
        commitment.AppendTo(t, Lbl + "commitment");
        t.AppendScalars(Lbl + "row-weights", rowWeights);
        t.AppendUInt64(Lbl + "claims", (ulong)claims.Count);
        foreach (var c in claims)
        {
            t.AppendScalars(Lbl + "col-weights", c.ColumnWeights);
            if (c.IsPublic) t.AppendScalar(Lbl + "y", c.PublicValue);
            else t.AppendPoint(Lbl + "Cy", c.ValueCommitment);
        }
        var gamma = new Fr[claims.Count];
        gamma[0] = Fr.One;
        for (int k = 1; k < gamma.Length; k++) gamma[k] = t.ChallengeScalar(Lbl + "gamma");
        return gamma;
    }

    /// <summary>u[j] = Σ_i L_i·M[i, j] over the (zero-padded) matrix; parallel over column blocks.</summary>
    internal static void RowCombination(HyraxValues values, HyraxShape shape, ReadOnlySpan<Fr> rowWeights, Fr[] u)
    {
        int cols = shape.Cols, rows = shape.Rows;
        var l = rowWeights.ToArray();
        int block = Math.Max(16, cols / (2 * Environment.ProcessorCount));
        int blocks = (cols + block - 1) / block;
        if (values.IsSmall)
        {
            var mem = values.Small;
            Parallel.For(0, blocks, b => CombineSmall(mem.Span, l, u, cols, rows, b * block, Math.Min(cols, (b + 1) * block)));
        }
        else
        {
            var mem = values.Field;
            Parallel.For(0, blocks, b => CombineField(mem.Span, l, u, cols, rows, b * block, Math.Min(cols, (b + 1) * block)));
        }
    }

    /// <summary>Small-integer path: Σ_i L_i·m_ij accumulated exactly as integers (L_i's canonical
    /// 256-bit value times |m_ij| &lt; 2^64, summed into 384-bit accumulators, one for positive and
    /// one for negative m), reduced mod n once per column: about four 64-bit multiplications per
    /// entry instead of two Montgomery products. Bound: ≤ 2^15 rows × 2^320 &lt; 2^384.</summary>
    private static void CombineSmall(ReadOnlySpan<long> v, Fr[] l, Fr[] u, int cols, int rows, int j0, int j1)
    {
        int w = j1 - j0;
        var acc = new ulong[12 * w]; // per column: positive[6], negative[6]
        for (int i = 0; i < rows; i++)
        {
            long start = (long)i * cols + j0;
            if (start >= v.Length) break;
            var row = v.Slice((int)start, (int)Math.Min(w, v.Length - start));
            l[i].ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
            if ((l0 | l1 | l2 | l3) == 0) continue;
            for (int j = 0; j < row.Length; j++)
            {
                long m = row[j];
                if (m == 0) continue;
                ulong mag = m < 0 ? unchecked(0UL - (ulong)m) : (ulong)m;
                ulong h0 = Math.BigMul(l0, mag, out ulong p0);
                ulong h1 = Math.BigMul(l1, mag, out ulong t1);
                ulong h2 = Math.BigMul(l2, mag, out ulong t2);
                ulong h3 = Math.BigMul(l3, mag, out ulong t3);
                ulong p1 = t1 + h0; ulong c = p1 < t1 ? 1UL : 0UL;
                h1 += c; ulong p2 = t2 + h1; c = p2 < t2 ? 1UL : 0UL;
                h2 += c; ulong p3 = t3 + h2; c = p3 < t3 ? 1UL : 0UL;
                ulong p4 = h3 + c;
                int o = 12 * j + (m < 0 ? 6 : 0);
                ulong a = acc[o] + p0; c = a < p0 ? 1UL : 0UL; acc[o] = a;
                Add(ref acc[o + 1], p1, ref c);
                Add(ref acc[o + 2], p2, ref c);
                Add(ref acc[o + 3], p3, ref c);
                Add(ref acc[o + 4], p4, ref c);
                acc[o + 5] += c;
            }
        }
        for (int j = 0; j < w; j++)
        {
            int o = 12 * j;
            u[j0 + j] = FromWide(acc.AsSpan(o, 6)) - FromWide(acc.AsSpan(o + 6, 6));
        }

        static void Add(ref ulong x, ulong y, ref ulong carry)
        {
            ulong s = x + y;
            ulong c1 = s < x ? 1UL : 0UL;
            ulong r = s + carry;
            carry = c1 | (r < s ? 1UL : 0UL);
            x = r;
        }
    }

    private static readonly Fr TwoTo256 = Fr.FromBigInteger(System.Numerics.BigInteger.Pow(2, 256));

    /// <summary>A 384-bit little-endian integer mod n.</summary>
    private static Fr FromWide(ReadOnlySpan<ulong> a)
    {
        var lo = Fr.FromCanonicalLimbs(a[0], a[1], a[2], a[3]);
        if ((a[4] | a[5]) == 0) return lo;
        return lo + Fr.FromCanonicalLimbs(a[4], a[5], 0, 0) * TwoTo256;
    }

    private static void CombineField(ReadOnlySpan<Fr> v, Fr[] l, Fr[] u, int cols, int rows, int j0, int j1)
    {
        var acc = u.AsSpan(j0, j1 - j0);
        acc.Clear();
        for (int i = 0; i < rows; i++)
        {
            long start = (long)i * cols + j0;
            if (start >= v.Length) break;
            var row = v.Slice((int)start, (int)Math.Min(j1 - j0, v.Length - start));
            FieldVectors.ScaledAdd(acc[..row.Length], l[i], row);
        }
    }
}
