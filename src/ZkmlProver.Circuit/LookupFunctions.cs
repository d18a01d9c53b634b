using System.Globalization;

namespace ZkmlProver.Circuit;

/// <summary>
/// The functions a <see cref="LookupLayer"/> can tabulate, by name. A name is the function, then its
/// parameters after colons in round-trip invariant notation ("elu:1", "selu:1.6732632:1.0507010",
/// "pow:-0.1"); the verifier recomputes the table from the name, so the name and the arithmetic below
/// are the circuit's semantics (and the table digest pins them).
/// </summary>
/// <remarks>
/// Every function is defined on all reals, so a table over any clipped domain is well defined. Where
/// the real function is not (log, sqrt, a non-integer power, a negative power or reciprocal at 0,
/// asin/acos beyond ±1), the input is first clamped to the function's domain at the table's resolution
/// ε = 2^−InScale: log(max(x, ε)), sqrt(max(x, 0)), max(x, 0)^e for e &gt; 0, max(x, ε)^e for e &lt; 0,
/// 1/x with |x| raised to at least ε (sign kept), asin/acos of x clamped to [−1, 1]. Erf is not in System.Math:
/// <see cref="Erf"/> is computed here with a fixed formula (absolute error below 1.2·10⁻⁷, far below
/// half an output step at the scales the quantizer uses), so every machine computes the same table.
/// </remarks>
public static class LookupFunctions
{
    /// <summary>Function names and their parameter counts.</summary>
    public static readonly IReadOnlyDictionary<string, int> Arity = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["sigmoid"] = 0, ["tanh"] = 0, ["exp"] = 0, ["erf"] = 0, ["gelu"] = 0, ["gelu_tanh"] = 0, ["softplus"] = 0,
        ["softsign"] = 0, ["mish"] = 0, ["sin"] = 0, ["cos"] = 0, ["tan"] = 0, ["asin"] = 0, ["acos"] = 0, ["atan"] = 0,
        ["sqrt"] = 0, ["log"] = 0, ["reciprocal"] = 0, ["sign"] = 0,
        ["elu"] = 1, ["celu"] = 1, ["selu"] = 2, ["pow"] = 1,
    };

    /// <summary>The name of <paramref name="function"/> with parameters (round-trip, invariant).</summary>
    public static string Name(string function, params double[] parameters) =>
        parameters.Length == 0 ? function : function + ":" + string.Join(":", parameters.Select(p => p.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>Parses a name into the function and its parameters; null with a reason when it is not one of <see cref="Arity"/>.</summary>
    public static (string Function, double[] Parameters)? TryParse(string name, out string? error)
    {
        error = null;
        var parts = name.Split(':');
        if (!Arity.TryGetValue(parts[0], out int arity))
        {
            error = $"unknown lookup function '{name}' (expected one of {string.Join(", ", Arity.Keys)})";
            return null;
        }
        if (parts.Length - 1 != arity)
        {
            error = $"lookup function '{name}': {parts[0]} takes {arity} parameter(s)";
            return null;
        }
        var ps = new double[arity];
        for (int i = 0; i < arity; i++)
            if (!double.TryParse(parts[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out ps[i]) || !double.IsFinite(ps[i]))
            {
                error = $"lookup function '{name}': parameter '{parts[i + 1]}' is not a finite number";
                return null;
            }
        return (parts[0], ps);
    }

    /// <summary>f(x) for the named function; <paramref name="epsilon"/> is the input resolution used to clamp x into the domain of log and negative powers.</summary>
    public static double Apply(string name, double x, double epsilon) => Resolve(name, epsilon)(x);

    /// <summary>The named function as a delegate (parsed once; for building a whole table).</summary>
    public static Func<double, double> Resolve(string name, double epsilon)
    {
        var parsed = TryParse(name, out var error) ?? throw new CircuitFormatException(error!);
        double a = parsed.Parameters.Length > 0 ? parsed.Parameters[0] : 0, b = parsed.Parameters.Length > 1 ? parsed.Parameters[1] : 0;
        return parsed.Function switch
        {
            "sigmoid" => x => 1.0 / (1.0 + Math.Exp(-x)),
            "tanh" => Math.Tanh,
            "exp" => Math.Exp,
            "erf" => Erf,
            "gelu" => x => 0.5 * x * (1.0 + Erf(x / Math.Sqrt(2.0))),
            "gelu_tanh" => x => 0.5 * x * (1.0 + Math.Tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x))),
            "softplus" => Softplus,
            "softsign" => x => x / (1.0 + Math.Abs(x)),
            "mish" => x => x * Math.Tanh(Softplus(x)),
            "sin" => Math.Sin,
            "cos" => Math.Cos,
            "tan" => Math.Tan,
            "asin" => x => Math.Asin(Math.Clamp(x, -1.0, 1.0)),
            "acos" => x => Math.Acos(Math.Clamp(x, -1.0, 1.0)),
            "atan" => Math.Atan,
            "sign" => x => Math.Sign(x),
            "reciprocal" => x => x >= 0 ? 1.0 / Math.Max(x, epsilon) : 1.0 / Math.Min(x, -epsilon),
            "sqrt" => x => Math.Sqrt(Math.Max(x, 0.0)),
            "log" => x => Math.Log(Math.Max(x, epsilon)),
            "elu" => x => x >= 0 ? x : a * (Math.Exp(x) - 1.0),
            "celu" => x => Math.Max(0.0, x) + Math.Min(0.0, a * (Math.Exp(x / a) - 1.0)),
            "selu" => x => x > 0 ? b * x : b * a * (Math.Exp(x) - 1.0),
            "pow" => a > 0 ? x => Math.Pow(Math.Max(x, 0.0), a) : x => Math.Pow(Math.Max(x, epsilon), a),
            _ => throw new CircuitFormatException($"unknown lookup function '{name}'"),
        };
    }

    /// <summary>log(1 + e^x) without overflow.</summary>
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1.0 + Math.Exp(-x)) : Math.Log(1.0 + Math.Exp(x));

    /// <summary>
    /// erf(x) = 1 − erfc(x), erfc by the Chebyshev-fitted form t·exp(−z² + P(t)), t = 1/(1 + z/2),
    /// z = |x| (Press et al., Numerical Recipes, "erfcc"; fractional error of erfc below 1.2·10⁻⁷).
    /// Only +, ·, / and Math.Exp: the same value on every IEEE-754 machine with the same Math.Exp.
    /// </summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double erfc = t * Math.Exp(poly);
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }
}
