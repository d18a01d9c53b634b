using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Protocols.SumCheck;

/// <summary>
/// The round kernel shared by every sum-check variant: holds the factor tables of
/// g = Σ_t c_t·Π f_i, computes each round polynomial and folds the tables in place.
/// </summary>
/// <remarks>
/// <para><b>Variable order.</b> MSB-first (see <see cref="Mle"/>): round j binds x_j, the most
/// significant remaining index bit, so a table of current length 2n pairs entry i (x_j = 0) with
/// entry i + n (x_j = 1), and folding with r writes f[i] ← f[i] + r·(f[i + n] − f[i]) into the low half.</para>
/// <para><b>Round polynomial.</b> s_j(X) = Σ_{x_{j+1..ℓ}} g(r₁, …, r_{j−1}, X, x_{j+1}, …), computed at
/// X = 0 … d by extending each pair linearly (f(k+1) = f(k) + (f(1) − f(0))), accumulated per term and
/// scaled by the term's coefficient once at the end, then interpolated to d + 1 coefficients,
/// constant term first. Work per round: O(n·d·k) for n pairs and k factors; nothing is allocated
/// per pair and no table is copied. Pairs are processed in blocks of 64 so that products and folds
/// run through the batch kernels of <see cref="FieldVectors"/> (AVX-512 where available; results
/// are identical either way).</para>
/// <para><b>Ownership.</b> The tables passed in are folded in place and are garbage afterwards: pass
/// copies if you need them. Each factor must be its own array (the same array twice would be folded
/// twice); to use a factor twice, repeat its index in a <see cref="ProductTerm"/>.</para>
/// <para>Large rounds run on all cores (<see cref="Parallel.For(int, int, Action{int})"/> over
/// contiguous chunks, four per core, partial sums combined in chunk order, so results are
/// deterministic). Not thread-safe.</para>
/// </remarks>
public sealed class SumCheckProverState
{
    private const int ParallelThreshold = 1 << 12;

    private readonly SumCheckTerms _terms;
    private readonly Fr[][] _tables;
    private readonly int[][] _termFactors;
    private readonly int _points; // d + 1
    private readonly int _chunks;
    private readonly Fr[] _partials; // per chunk: terms × points
    private int _length;
    private int _round;
    // Per-round parameters read by the cached parallel bodies.
    private int _half, _chunkSize;
    private Fr _r;
    private readonly Action<int> _evalBody, _foldBody;

    public SumCheckProverState(SumCheckTerms terms, Fr[][] tables)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(tables);
        if (tables.Length != terms.FactorCount) throw new ArgumentException($"{tables.Length} tables for {terms.FactorCount} factors");
        int len = tables[0]?.Length ?? throw new ArgumentException("null table");
        if (len == 0 || (len & (len - 1)) != 0) throw new ArgumentException($"table length {len} is not a power of two (pad with Mle.Padded)");
        for (int i = 0; i < tables.Length; i++)
        {
            if (tables[i] is null || tables[i].Length != len) throw new ArgumentException($"table {i} has length {tables[i]?.Length}, expected {len}");
            for (int j = 0; j < i; j++)
                if (ReferenceEquals(tables[i], tables[j])) throw new ArgumentException($"tables {j} and {i} are the same array; repeat the factor index in a term instead");
        }
        _terms = terms;
        _tables = tables;
        _termFactors = terms.Terms.Select(t => t.Factors).ToArray();
        _points = terms.Degree + 1;
        _length = len;
        NumVars = Mle.NumVars(len);
        // A few chunks per core, so that a descheduled worker (shared machines) delays less.
        _chunks = Environment.ProcessorCount == 1 ? 1 : 4 * Environment.ProcessorCount;
        _partials = new Fr[_chunks * _termFactors.Length * _points];
        _evalBody = EvalChunk;
        _foldBody = FoldChunk;
    }

    public int NumVars { get; }
    public int Degree => _terms.Degree;
    public int RoundsDone => _round;
    public SumCheckTerms Terms => _terms;

    /// <summary>Σ_x g(x) over the current (partially bound) hypercube — the claim the next round proves.</summary>
    public Fr CurrentSum()
    {
        Span<Fr> vals = stackalloc Fr[_tables.Length];
        Fr acc = Fr.Zero;
        for (int i = 0; i < _length; i++)
        {
            for (int f = 0; f < _tables.Length; f++) vals[f] = _tables[f][i];
            acc += _terms.Evaluate(vals);
        }
        return acc;
    }

    /// <summary>Writes the current round polynomial's d + 1 coefficients (constant first), given the
    /// claim e = Σ_x g(r₁ … r_{j−1}, x) this round must prove: s(1) is taken as e − s(0), so the products at
    /// X = 1 are not computed. A wrong claim is not detected here; it makes the final value
    /// e_ℓ differ from g(r), which the protocol drivers check.</summary>
    public void RoundPolynomial(Span<Fr> coefficients, in Fr claim)
    {
        if (_round >= NumVars) throw new InvalidOperationException("all variables are bound");
        if (coefficients.Length != _points) throw new ArgumentException($"need {_points} coefficients");
        _half = _length / 2;
        int chunks = _half >= ParallelThreshold ? _chunks : 1;
        _chunkSize = (_half + chunks - 1) / chunks;
        if (chunks == 1) EvalChunk(0);
        else Parallel.For(0, chunks, _evalBody);

        int per = _termFactors.Length * _points;
        Span<Fr> evals = stackalloc Fr[_points];
        evals.Clear();
        for (int c = 0; c < chunks; c++)
            for (int t = 0; t < _termFactors.Length; t++)
            {
                var coef = _terms.Terms[t].Coefficient;
                for (int k = 0; k < _points; k++)
                {
                    Fr.Mul(in _partials[c * per + t * _points + k], in coef, out var v);
                    Fr.Add(in evals[k], in v, out evals[k]);
                }
            }
        Fr.Sub(in claim, in evals[0], out evals[1]);
        Univariate.Interpolate(evals, coefficients);
    }

    /// <summary>Pairs per block: the evaluations of one block are products of whole spans, so they go
    /// through <see cref="FieldVectors.MulBatch(ReadOnlySpan{Fr}, ReadOnlySpan{Fr}, Span{Fr})"/> (eight
    /// lanes at a time where AVX-512 is available).</summary>
    private const int Block = 64;

    /// <summary>Partial sums of one chunk of pairs, block by block: for each factor, its values at
    /// X = 2 … d (X = 0 is the low half itself; X = 1 is not needed: s(1) = claim − s(0)); then, for each
    /// point and term, the product of the term's factor spans and its sum.</summary>
    private void EvalChunk(int chunk)
    {
        int points = _points, nf = _tables.Length, nt = _termFactors.Length, half = _half;
        int start = chunk * _chunkSize, end = Math.Min(half, start + _chunkSize);
        Span<Fr> acc = _partials.AsSpan(chunk * nt * points, nt * points);
        acc.Clear();
        int extra = points - 2; // evaluation points X = 2 … d per factor
        var tables = _tables;
        var termFactors = _termFactors;
        Fr[] rented = System.Buffers.ArrayPool<Fr>.Shared.Rent((nf * Math.Max(extra, 0) + 1) * Block);
        try
        {
            Span<Fr> ext = rented.AsSpan(0, nf * Math.Max(extra, 0) * Block); // [f][k − 2][i]
            Span<Fr> prod = rented.AsSpan(ext.Length, Block);
            for (int b0 = start; b0 < end; b0 += Block)
            {
                int len = Math.Min(Block, end - b0);
                for (int f = 0; f < nf && extra > 0; f++)
                    FieldVectors.ExtendLine(tables[f].AsSpan(b0, len), tables[f].AsSpan(b0 + half, len), ext.Slice(f * extra * Block), extra, Block);
                for (int k = 0; k < points; k = k == 0 ? 2 : k + 1)
                {
                    for (int t = 0; t < nt; t++)
                    {
                        var fs = termFactors[t];
                        ReadOnlySpan<Fr> first = k == 0 ? tables[fs[0]].AsSpan(b0, len) : ext.Slice((fs[0] * extra + k - 2) * Block, len);
                        if (fs.Length == 1) { acc[t * points + k] += FieldVectors.Sum(first); continue; }
                        var p = prod[..len];
                        ReadOnlySpan<Fr> second = k == 0 ? tables[fs[1]].AsSpan(b0, len) : ext.Slice((fs[1] * extra + k - 2) * Block, len);
                        FieldVectors.MulBatch(first, second, p);
                        for (int m = 2; m < fs.Length; m++)
                            FieldVectors.MulBatch(p, k == 0 ? tables[fs[m]].AsSpan(b0, len) : ext.Slice((fs[m] * extra + k - 2) * Block, len), p);
                        acc[t * points + k] += FieldVectors.Sum(p);
                    }
                }
            }
        }
        finally { System.Buffers.ArrayPool<Fr>.Shared.Return(rented); }
    }

    /// <summary>Binds the current variable to r: every table halves in place.</summary>
    public void Fold(in Fr r)
    {
        if (_round >= NumVars) throw new InvalidOperationException("all variables are bound");
        _half = _length / 2;
        _r = r;
        int chunks = _half >= ParallelThreshold ? _chunks : 1;
        _chunkSize = (_half + chunks - 1) / chunks;
        if (chunks == 1) FoldChunk(0);
        else Parallel.For(0, chunks, _foldBody);
        _length = _half;
        _round++;
    }

    private void FoldChunk(int chunk)
    {
        int half = _half;
        int start = chunk * _chunkSize, end = Math.Min(half, start + _chunkSize);
        foreach (var tab in _tables)
            FieldVectors.Fold(tab.AsSpan(start, end - start), tab.AsSpan(start + half, end - start), in _r);
    }

    /// <summary>After all ℓ rounds: f_i(r₁, …, r_ℓ) for every factor, in factor order.</summary>
    public Fr[] FactorValues()
    {
        if (_round != NumVars) throw new InvalidOperationException($"{NumVars - _round} variables still unbound");
        return _tables.Select(t => t[0]).ToArray();
    }
}
