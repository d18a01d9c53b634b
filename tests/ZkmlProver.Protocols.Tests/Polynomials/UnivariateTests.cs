using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Protocols.Tests.Polynomials;

public class UnivariateTests
{
    [Fact]
    public void CoefficientOrderIsConstantFirst_HandComputed()
    {
        // p(X) = 3 + 2X + X²: p(0)=3, p(1)=6, p(2)=11, p(5)=38.
        Fr[] c = [3, 2, 1];
        Assert.Equal(Fr.FromInt64(38), Univariate.Evaluate(c, 5));
        Assert.Equal(Fr.FromInt64(9), Univariate.SumOverBoolean(c));
        Assert.Equal(c, Univariate.Interpolate([3, 6, 11]));
    }

    [Fact]
    public void InterpolationRecoversRandomPolynomials()
    {
        var rng = new Random(7);
        for (int d = 0; d <= 10; d++)
        {
            var c = new Fr[d + 1];
            for (int i = 0; i <= d; i++) c[i] = Fr.Random(rng);
            var evals = new Fr[d + 1];
            for (int k = 0; k <= d; k++) evals[k] = Univariate.Evaluate(c, k);
            Assert.Equal(c, Univariate.Interpolate(evals));
            var p = UnivariatePolynomial.FromEvaluations(evals);
            Assert.Equal(d, p.DegreeBound);
            var x = Fr.Random(rng);
            Assert.Equal(Univariate.Evaluate(c, x), p.Evaluate(x));
            Assert.Equal(Univariate.Evaluate(c, 0) + Univariate.Evaluate(c, 1), p.SumOverBoolean());
        }
    }

    [Fact]
    public void InterpolationOfLowDegreeDataHasZeroHighCoefficients()
    {
        // Values of 7 − 2X at 0..4 give coefficients (7, −2, 0, 0, 0).
        Fr[] evals = [7, 5, 3, 1, -1];
        Assert.Equal(new Fr[] { 7, -2, 0, 0, 0 }, Univariate.Interpolate(evals));
    }

    [Fact]
    public void PowersAndArgumentChecks()
    {
        var p = new Fr[4];
        Univariate.Powers(3, p);
        Assert.Equal(new Fr[] { 1, 3, 9, 27 }, p);
        Assert.Throws<ArgumentException>(() => Univariate.Interpolate(ReadOnlySpan<Fr>.Empty));
        Assert.Throws<ArgumentException>(() => Univariate.Interpolate([1, 2], new Fr[3]));
        Assert.Equal(Fr.Zero, Univariate.Evaluate(ReadOnlySpan<Fr>.Empty, 5));
    }
}
