using Google.Protobuf;
using ZkmlProver.Circuit;
using ZkmlProver.Onnx.Protos;
using static ZkmlProver.Quantize.Tests.ModelBuilder;

namespace ZkmlProver.Quantize.Tests;

/// <summary>
/// Unary ONNX ops lowered to a Clip and a lookup table over the calibrated input range
/// (<see cref="LookupFunctions"/>), each against ONNX Runtime: the float graph within 1e-4 and the
/// circuit within a quantization tolerance, on inputs the calibration covers.
/// </summary>
public class UnaryLookupTests
{
    static AttributeProto Str(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };

    static QuantizedModel Check(ModelBuilder b, double lo, double hi, double tolerance)
    {
        var rows = OrtComparison.Rows(3, 24, 8, lo, hi);
        var (q, r) = OrtComparison.Run(b, rows, rows.Skip(12).ToList(), floatRows: 6, relative: true);
        Assert.True(r.Outputs[0].MaxAbsError <= tolerance, $"circuit vs ORT max abs error {r.Outputs[0].MaxAbsError} > {tolerance}");
        Assert.Contains("Lookup", q.Circuit.Layers.Select(l => l.Op));
        return q;
    }

    public static TheoryData<string, long, double, double, double> Ops => new()
    {
        // op, opset, input range, tolerance (absolute, circuit vs ORT)
        { "Erf", 13, -3, 3, 2e-3 },
        { "Elu", 13, -3, 3, 2e-3 },
        { "Selu", 13, -3, 3, 3e-3 },
        { "Celu", 13, -3, 3, 2e-3 },
        { "Softplus", 13, -3, 3, 2e-3 },
        { "Softsign", 13, -3, 3, 2e-3 },
        { "Mish", 18, -3, 3, 2e-3 },
        { "Exp", 13, -3, 2, 2e-2 },
        { "Sin", 13, -3, 3, 2e-3 },
        { "Cos", 13, -3, 3, 2e-3 },
        { "Atan", 13, -3, 3, 2e-3 },
        { "Sqrt", 13, 0.25, 4, 2e-3 },
        { "Log", 13, 0.25, 4, 5e-3 },
        { "Reciprocal", 13, 0.5, 4, 1e-2 },
        { "Reciprocal", 13, -4, -0.5, 1e-2 },
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Unary_op_by_lookup_matches_onnx_runtime(string op, long opset, double lo, double hi, double tolerance)
    {
        var b = new ModelBuilder(opset).Input("x", 1, 8).Output("y").Node(op, "f", ["x"], ["y"]);
        Check(b, lo, hi, tolerance);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("tanh")]
    public void Gelu_opset_20_both_forms(string approximate)
    {
        var b = new ModelBuilder(20).Input("x", 1, 8).Output("y").Node("Gelu", "g", ["x"], ["y"], Str("approximate", approximate));
        var q = Check(b, -3, 3, 2e-3);
        var lookup = Assert.Single(q.Circuit.Layers.OfType<LookupLayer>());
        Assert.Equal(approximate == "tanh" ? "gelu_tanh" : "gelu", lookup.Function);
    }

    [Fact]
    public void Elu_and_selu_attributes_reach_the_table_name()
    {
        var b = new ModelBuilder(13).Input("x", 1, 8).Output("y").Node("Elu", "e", ["x"], ["y"], Float("alpha", 0.5f));
        var lookup = Assert.Single(Check(b, -3, 3, 2e-3).Circuit.Layers.OfType<LookupLayer>());
        Assert.Equal("elu:0.5", lookup.Function);
    }

    [Fact]
    public void Pow_with_a_fractional_or_negative_exponent_is_a_lookup_and_small_integer_powers_stay_products()
    {
        var frac = new ModelBuilder(13).Input("x", 1, 8).Output("y").Init("e", [], [0.5f]).Node("Pow", "p", ["x", "e"], ["y"]);
        Assert.Equal("pow:0.5", Assert.Single(Check(frac, 0.25, 4, 2e-3).Circuit.Layers.OfType<LookupLayer>()).Function);
        var neg = new ModelBuilder(13).Input("x", 1, 8).Output("y").Init("e", [], [-0.1f]).Node("Pow", "p", ["x", "e"], ["y"]);
        Check(neg, 0.25, 4, 2e-3);
        var cube = new ModelBuilder(13).Input("x", 1, 8).Output("y").Init("e", [], [3f]).Node("Pow", "p", ["x", "e"], ["y"]);
        var (path, model) = cube.Save();
        try { Assert.DoesNotContain("Lookup", Quantizer.Quantize(model, new InputData("cal", [[1, 2, 3, 4, 5, 6, 7, 8]])).Circuit.Layers.Select(l => l.Op)); }
        finally { File.Delete(path); }
    }
}

/// <summary>Div by a computed tensor: a product with a reciprocal lookup of the divisor.</summary>
public class DivOfTwoTensorsTests
{
    [Fact]
    public void Div_by_a_computed_positive_tensor_matches_onnx_runtime()
    {
        // y = x / (1 + |x|)·… : the divisor softplus(x) + 0.5 is computed and positive.
        var b = new ModelBuilder(13).Input("x", 1, 8).Output("y").Init("half", [], [0.5f])
            .Node("Softplus", "sp", ["x"], ["s"]).Node("Add", "add", ["s", "half"], ["d"]).Node("Div", "div", ["x", "d"], ["y"]);
        var rows = OrtComparison.Rows(5, 24, 8, -3, 3);
        var (q, r) = OrtComparison.Run(b, rows, rows.Skip(12).ToList());
        Assert.True(r.Outputs[0].MaxAbsError <= 2e-2, $"circuit vs ORT max abs error {r.Outputs[0].MaxAbsError}");
        Assert.Contains(q.Circuit.Layers.OfType<ZkmlProver.Circuit.LookupLayer>(), l => l.Function == "reciprocal");
        Assert.Contains("Mul", q.Circuit.Layers.Select(l => l.Op));
    }
}
