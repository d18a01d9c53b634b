using ZkmlProver.Field;

namespace ZkmlProver.Protocols.SumCheck;

/// <summary>One term c·Π_{i ∈ Factors} f_i of a sum-check polynomial. Factor indices may repeat
/// (e.g. B·B for booleanity); the term's degree is the number of indices.</summary>
public sealed record ProductTerm(Fr Coefficient, int[] Factors)
{
    /// <summary>A term with coefficient 1.</summary>
    public ProductTerm(params int[] factors) : this(Fr.One, factors) { }
}

/// <summary>
/// The algebraic shape of a sum-check polynomial g(x) = Σ_t c_t·Π_{i ∈ F_t} f_i(x) over a fixed
/// list of multilinear factors f_0 … f_{k−1}: public, known to prover and verifier alike.
/// </summary>
/// <remarks>
/// Examples: a plain product f₀·f₁·f₂ is <see cref="Product"/>(3); a zero-check
/// eq(τ,·)·(a·b − c) with factors (eq, a, b, c) is terms {(1, [0,1,2]), (−1, [0,3])}; booleanity
/// eq·B·(B − 1) with factors (eq, B) is {(1, [0,1,1]), (−1, [0,1])}. An eq(τ, ·) factor is an
/// ordinary factor table built by <see cref="Polynomials.Mle.EqTable(System.ReadOnlySpan{Fr})"/>.
/// The degree of g in each variable is the largest number of factors in a term.
/// </remarks>
public sealed class SumCheckTerms
{
    /// <summary>The largest supported degree (factors per term).</summary>
    public const int MaxDegree = 8;

    private readonly ProductTerm[] _terms;

    public SumCheckTerms(int factorCount, IReadOnlyList<ProductTerm> terms)
    {
        if (factorCount < 1) throw new ArgumentException("need at least one factor");
        if (terms is null || terms.Count == 0) throw new ArgumentException("need at least one term");
        _terms = [.. terms];
        int degree = 0;
        foreach (var t in _terms)
        {
            if (t.Factors is null || t.Factors.Length == 0) throw new ArgumentException("a term needs at least one factor");
            if (t.Factors.Length > MaxDegree) throw new ArgumentException($"a term of degree {t.Factors.Length} exceeds {MaxDegree}");
            foreach (var f in t.Factors)
                if (f < 0 || f >= factorCount) throw new ArgumentException($"factor index {f} outside [0, {factorCount})");
            degree = Math.Max(degree, t.Factors.Length);
        }
        FactorCount = factorCount;
        Degree = degree;
    }

    /// <summary>g = f₀·f₁·…·f_{k−1} (one term, coefficient 1).</summary>
    public static SumCheckTerms Product(int factorCount)
        => new(factorCount, [new ProductTerm(Enumerable.Range(0, factorCount).ToArray())]);

    public int FactorCount { get; }

    /// <summary>The degree of g in each variable (the longest term).</summary>
    public int Degree { get; }

    public IReadOnlyList<ProductTerm> Terms => _terms;

    /// <summary>g at a point, from the factor values f_i at that point (how a caller turns the
    /// final folded factor values, or claims on them, into the sub-claim's value).</summary>
    public Fr Evaluate(ReadOnlySpan<Fr> factorValues)
    {
        if (factorValues.Length != FactorCount) throw new ArgumentException($"{factorValues.Length} factor values, expected {FactorCount}");
        Fr acc = Fr.Zero;
        foreach (var t in _terms)
        {
            Fr p = t.Coefficient;
            foreach (var f in t.Factors) p *= factorValues[f];
            acc += p;
        }
        return acc;
    }
}
