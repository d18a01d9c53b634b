using ZkmlProver.Field;

namespace ZkmlProver.Polynomials;

/// <summary>
/// Univariate polynomials in coefficient form over F_n.
/// </summary>
/// <remarks>
/// <b>Coefficient order</b>: constant term first, p(X) = c₀ + c₁·X + … + c_d·X^d, so a polynomial of
/// degree ≤ d is a span of d + 1 coefficients. This is also the order in which sum-check round
/// polynomials are sent and committed.
/// </remarks>
public static class Univariate
{
    /// <summary>The largest degree <see cref="Interpolate(ReadOnlySpan{Fr})"/> supports (factorial inverses are cached).</summary>
    public const int MaxInterpolationDegree = 32;

    private static readonly Fr[] InverseIntegers = BuildInverseIntegers();

    private static Fr[] BuildInverseIntegers()
    {
        var v = new Fr[MaxInterpolationDegree + 1];
        for (int i = 1; i <= MaxInterpolationDegree; i++) v[i] = Fr.FromInt64(i);
        FieldVectors.BatchInverse(v);
        return v;
    }

    /// <summary>p(x) by Horner's rule.</summary>
    public static Fr Evaluate(ReadOnlySpan<Fr> coefficients, in Fr x)
    {
        Fr acc = Fr.Zero;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            Fr.Mul(in acc, in x, out acc);
            Fr.Add(in acc, in coefficients[i], out acc);
        }
        return acc;
    }

    /// <summary>p(0) + p(1) = 2·c₀ + c₁ + … + c_d (the sum-check round identity).</summary>
    public static Fr SumOverBoolean(ReadOnlySpan<Fr> coefficients)
    {
        if (coefficients.Length == 0) return Fr.Zero;
        Fr acc = coefficients[0];
        for (int i = 0; i < coefficients.Length; i++) Fr.Add(in acc, in coefficients[i], out acc);
        return acc;
    }

    /// <summary>
    /// The coefficients (constant first) of the unique polynomial of degree ≤ d = evaluations.Length − 1
    /// with p(k) = evaluations[k] for k = 0 … d. Newton forward differences, O(d²); no allocation
    /// beyond a stack buffer.
    /// </summary>
    public static void Interpolate(ReadOnlySpan<Fr> evaluations, Span<Fr> coefficients)
    {
        int n = evaluations.Length;
        if (n == 0) throw new ArgumentException("need at least one evaluation");
        if (n - 1 > MaxInterpolationDegree) throw new ArgumentException($"degree {n - 1} exceeds {MaxInterpolationDegree}");
        if (coefficients.Length != n) throw new ArgumentException($"coefficient span has length {coefficients.Length}, expected {n}");
        // Forward differences: diff[k] = Δ^k p(0). p(X) = Σ_k Δ^k p(0) · C(X, k), C(X, k) = X(X−1)…(X−k+1)/k!.
        Span<Fr> diff = stackalloc Fr[n];
        evaluations.CopyTo(diff);
        for (int k = 1; k < n; k++)
            for (int i = n - 1; i >= k; i--)
                Fr.Sub(in diff[i], in diff[i - 1], out diff[i]);
        // basis holds the coefficients of X(X−1)…(X−k+1)/k!, updated in place for each k.
        Span<Fr> basis = stackalloc Fr[n];
        basis.Clear();
        basis[0] = Fr.One;
        coefficients.Clear();
        for (int k = 0; k < n; k++)
        {
            if (k > 0)
            {
                // basis ← basis · (X − (k−1)) / k
                Fr shift = Fr.FromInt64(k - 1);
                for (int i = k; i >= 1; i--)
                {
                    Fr.Mul(in basis[i], in shift, out var t);
                    Fr.Sub(in basis[i - 1], in t, out basis[i]);
                }
                Fr.Mul(in basis[0], in shift, out var t0);
                Fr.Neg(in t0, out basis[0]);
                for (int i = 0; i <= k; i++) Fr.Mul(in basis[i], in InverseIntegers[k], out basis[i]);
            }
            for (int i = 0; i <= k; i++)
            {
                Fr.Mul(in diff[k], in basis[i], out var t);
                Fr.Add(in coefficients[i], in t, out coefficients[i]);
            }
        }
    }

    /// <summary>Allocating form of <see cref="Interpolate(ReadOnlySpan{Fr}, Span{Fr})"/>.</summary>
    public static Fr[] Interpolate(ReadOnlySpan<Fr> evaluations)
    {
        var c = new Fr[evaluations.Length];
        Interpolate(evaluations, c);
        return c;
    }

    /// <summary>Powers (1, x, x², …, x^d) into <paramref name="destination"/> (length d + 1).</summary>
    public static void Powers(in Fr x, Span<Fr> destination)
    {
        if (destination.Length == 0) return;
        destination[0] = Fr.One;
        for (int i = 1; i < destination.Length; i++) Fr.Mul(in destination[i - 1], in x, out destination[i]);
    }
}

/// <summary>A univariate polynomial in coefficient form, constant term first (see <see cref="Univariate"/>).</summary>
public sealed class UnivariatePolynomial
{
    private readonly Fr[] _coefficients;

    /// <summary>Wraps a copy of the coefficients (constant term first).</summary>
    public UnivariatePolynomial(ReadOnlySpan<Fr> coefficients) { _coefficients = coefficients.ToArray(); }

    /// <summary>The interpolant of degree ≤ d through (k, evaluations[k]) for k = 0 … d.</summary>
    public static UnivariatePolynomial FromEvaluations(ReadOnlySpan<Fr> evaluations)
        => new(Univariate.Interpolate(evaluations));

    public ReadOnlySpan<Fr> Coefficients => _coefficients;

    /// <summary>The number of coefficients minus one (trailing zero coefficients are counted).</summary>
    public int DegreeBound => _coefficients.Length - 1;

    public Fr Evaluate(in Fr x) => Univariate.Evaluate(_coefficients, x);

    /// <summary>p(0) + p(1).</summary>
    public Fr SumOverBoolean() => Univariate.SumOverBoolean(_coefficients);
}
