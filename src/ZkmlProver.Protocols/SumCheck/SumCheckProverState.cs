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
/// per pair and no table is copied.</para>
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

    private void EvalChunk(int chunk)
    {
        if (_points == 4) { EvalChunkDegree3(chunk); return; }
        int points = _points, nf = _tables.Length, nt = _termFactors.Length, half = _half;
        int start = chunk * _chunkSize, end = Math.Min(half, start + _chunkSize);
        Span<Fr> acc = _partials.AsSpan(chunk * nt * points, nt * points);
        acc.Clear();
        Span<Fr> ext = stackalloc Fr[nf * points];
        for (int i = start; i < end; i++)
        {
            for (int f = 0; f < nf; f++)
            {
                var tab = _tables[f];
                var e = ext.Slice(f * points, points);
                e[0] = tab[i];
                e[1] = tab[i + half];
                if (points > 2)
                {
                    Fr.Sub(in e[1], in e[0], out var diff);
                    for (int k = 2; k < points; k++) Fr.Add(in e[k - 1], in diff, out e[k]);
                }
            }
            for (int t = 0; t < nt; t++)
            {
                var fs = _termFactors[t];
                var a = acc.Slice(t * points, points);
                int f0 = fs[0] * points;
                // X = 1 is skipped: s(1) = claim − s(0).
                if (fs.Length == 1)
                {
                    Fr.Add(in a[0], in ext[f0], out a[0]);
                    for (int k = 2; k < points; k++) Fr.Add(in a[k], in ext[f0 + k], out a[k]);
                    continue;
                }
                for (int k = 0; k < points; k = k == 0 ? 2 : k + 1)
                {
                    Fr.Mul(in ext[f0 + k], in ext[fs[1] * points + k], out var p);
                    for (int m = 2; m < fs.Length; m++) Fr.Mul(in p, in ext[fs[m] * points + k], out p);
                    Fr.Add(in a[k], in p, out a[k]);
                }
            }
        }
    }

    /// <summary><see cref="EvalChunk"/> for degree 3 (the common case: products of three factors,
    /// zero-checks, booleanity), unrolled over the evaluation points X ∈ {0, 2, 3}; same sums.</summary>
    private void EvalChunkDegree3(int chunk)
    {
        int nf = _tables.Length, nt = _termFactors.Length, half = _half;
        int start = chunk * _chunkSize, end = Math.Min(half, start + _chunkSize);
        Span<Fr> acc = _partials.AsSpan(chunk * nt * 4, nt * 4);
        acc.Clear();
        // ext[3f + j]: factor f at X = 0, 2, 3 (X = 1 is not needed: s(1) = claim − s(0)).
        Span<Fr> ext = stackalloc Fr[nf * 3];
        var tables = _tables;
        var termFactors = _termFactors;
        for (int i = start; i < end; i++)
        {
            for (int f = 0; f < nf; f++)
            {
                var tab = tables[f];
                ref readonly Fr lo = ref tab[i];
                ref readonly Fr hi = ref tab[i + half];
                Fr.Sub(in hi, in lo, out var d);
                ext[3 * f] = lo;
                Fr.Add(in hi, in d, out var e2);
                ext[3 * f + 1] = e2;
                Fr.Add(in e2, in d, out ext[3 * f + 2]);
            }
            for (int t = 0; t < nt; t++)
            {
                var fs = termFactors[t];
                int f0 = 3 * fs[0];
                ref Fr a0 = ref acc[4 * t];
                ref Fr a2 = ref acc[4 * t + 2];
                ref Fr a3 = ref acc[4 * t + 3];
                if (fs.Length == 1)
                {
                    Fr.Add(in a0, in ext[f0], out a0);
                    Fr.Add(in a2, in ext[f0 + 1], out a2);
                    Fr.Add(in a3, in ext[f0 + 2], out a3);
                    continue;
                }
                int f1 = 3 * fs[1];
                Fr.Mul(in ext[f0], in ext[f1], out var p0);
                Fr.Mul(in ext[f0 + 1], in ext[f1 + 1], out var p2);
                Fr.Mul(in ext[f0 + 2], in ext[f1 + 2], out var p3);
                if (fs.Length == 3)
                {
                    int f2 = 3 * fs[2];
                    Fr.Mul(in p0, in ext[f2], out p0);
                    Fr.Mul(in p2, in ext[f2 + 1], out p2);
                    Fr.Mul(in p3, in ext[f2 + 2], out p3);
                }
                Fr.Add(in a0, in p0, out a0);
                Fr.Add(in a2, in p2, out a2);
                Fr.Add(in a3, in p3, out a3);
            }
        }
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
        Fr r = _r;
        foreach (var tab in _tables)
        {
            var lo = tab.AsSpan(start, end - start);
            var hi = tab.AsSpan(start + half, end - start);
            for (int i = 0; i < lo.Length; i++)
            {
                Fr.Sub(in hi[i], in lo[i], out var d);
                Fr.Mul(in d, in r, out d);
                Fr.Add(in lo[i], in d, out lo[i]);
            }
        }
    }

    /// <summary>After all ℓ rounds: f_i(r₁, …, r_ℓ) for every factor, in factor order.</summary>
    public Fr[] FactorValues()
    {
        if (_round != NumVars) throw new InvalidOperationException($"{NumVars - _round} variables still unbound");
        return _tables.Select(t => t[0]).ToArray();
    }
}
