namespace ZkmlProver.Circuit.Tests;

/// <summary>The lookup functions (the circuit's semantics of Erf, Gelu, Elu, …): hand-computed values,
/// the domain clamps, name parsing, and one pinned table digest per new function family.</summary>
public class LookupFunctionTests
{
    [Theory]
    [InlineData("erf", 0.5, 0.5204998778130465)]
    [InlineData("erf", -1.0, -0.8427007929497149)]
    [InlineData("erf", 0.0, 0.0)]
    [InlineData("gelu", 1.0, 0.8413447460685429)]           // 1·Φ(1)
    [InlineData("gelu_tanh", 1.0, 0.8411919906082768)]
    [InlineData("softplus", 0.0, 0.6931471805599453)]       // ln 2
    [InlineData("softplus", 800.0, 800.0)]                  // no overflow
    [InlineData("softsign", 3.0, 0.75)]
    [InlineData("mish", 1.0, 0.8650983882673103)]           // tanh(ln(1 + e))
    [InlineData("elu:1", -1.0, -0.6321205588285577)]        // e^−1 − 1
    [InlineData("elu:0.5", 2.0, 2.0)]
    [InlineData("celu:2", -1.0, -0.7869386805747332)]       // 2(e^−0.5 − 1)
    [InlineData("selu:1.6732632423543772:1.0507009873554805", -1.0, -1.1113307378125628)]
    [InlineData("selu:1.6732632423543772:1.0507009873554805", 2.0, 2.101401974710961)]
    [InlineData("sqrt", 2.25, 1.5)]
    [InlineData("sqrt", -1.0, 0.0)]                         // clamped to the domain
    [InlineData("pow:0.5", 4.0, 2.0)]
    [InlineData("pow:0.5", -4.0, 0.0)]
    [InlineData("reciprocal", -0.5, -2.0)]
    [InlineData("sign", -0.25, -1.0)]
    [InlineData("asin", 2.0, 1.5707963267948966)]            // clamped to 1
    public void Hand_computed_values(string name, double x, double expected)
        => Assert.Equal(expected, LookupFunctions.Apply(name, x, 1.0 / 1024), 1e-7);

    [Fact]
    public void Singular_points_use_the_table_resolution()
    {
        double eps = 1.0 / 1024;
        Assert.Equal(Math.Log(eps), LookupFunctions.Apply("log", 0.0, eps));
        Assert.Equal(1024.0, LookupFunctions.Apply("reciprocal", 0.0, eps));
        Assert.Equal(Math.Pow(eps, -0.1), LookupFunctions.Apply("pow:-0.1", -3.0, eps), 12);
    }

    [Fact]
    public void Erf_is_within_its_stated_error_of_a_series()
    {
        // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n!(2n+1)), converging fast for |x| ≤ 3.
        for (double x = -3; x <= 3; x += 0.125)
        {
            double term = x, sum = 0;
            for (int n = 0; n < 80; n++) { sum += term / (2 * n + 1); term *= -x * x / (n + 1); }
            Assert.True(Math.Abs(LookupFunctions.Erf(x) - 2 / Math.Sqrt(Math.PI) * sum) < 1.5e-7, $"erf({x})");
        }
    }

    [Theory]
    [InlineData("nope", "unknown lookup function")]
    [InlineData("elu", "takes 1 parameter")]
    [InlineData("erf:1", "takes 0 parameter")]
    [InlineData("pow:NaN", "not a finite number")]
    public void Bad_names_are_refused_with_the_reason(string name, string reason)
    {
        Assert.Null(LookupFunctions.TryParse(name, out var error));
        Assert.Contains(reason, error);
        var e = Assert.Throws<CircuitFormatException>(() => LookupTables.Build(name, 4, 8, -4, 4));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Names_round_trip_their_parameters()
    {
        Assert.Equal("selu:1.6732632423543772:1.0507009873554805", LookupFunctions.Name("selu", 1.6732632423543772, 1.0507009873554805));
        Assert.Equal("pow:-0.1", LookupFunctions.Name("pow", -0.1));
        Assert.Equal("erf", LookupFunctions.Name("erf"));
    }

    /// <summary>Tables are part of the circuit (their digest is in circuit.json): a change to any
    /// formula changes these digests and must be a deliberate, versioned decision.</summary>
    [Theory]
    [InlineData("sigmoid", "085847070179a041f274fd6242ff0461410ab50ef36fa5a2de824ac88484dcfd")]
    [InlineData("erf", "9f42d2a2155b2254ba320b6a811aaf3cd5406153751ed3154cc73960bfcbd6f9")]
    [InlineData("gelu", "4008931e33a40431afd94160e76658829f0e45aafe1a1a756cdb72ecb8e9688e")]
    [InlineData("elu:1", "0bb317abf808fae8b2b955727c939825a04caecafd4e6abb7dcc82d36be2d521")]
    [InlineData("log", "1968c05c7da29a51a0cb19a5d50f41dbcb9498ad7ea6b62021c21abdf475f300")]
    public void Table_digests_are_pinned(string name, string digest)
    {
        string actual = LookupTables.Digest(name, 8, 12, -1024, 1024);
        Assert.True(digest == actual, $"{name}: table digest {actual}, pinned {digest}");
    }
}
