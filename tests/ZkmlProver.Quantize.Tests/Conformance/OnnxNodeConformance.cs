using System.Globalization;
using System.Text;
using System.Text.Json;
using ZkmlProver.Circuit;
using ZkmlProver.Onnx;

namespace ZkmlProver.Quantize.Tests.Conformance;

/// <summary>Outcome of one ONNX backend node test through loader → quantizer → reference evaluator.</summary>
/// <param name="Test">Test name (folder under onnx-node-tests).</param>
/// <param name="Op">Operator under test.</param>
/// <param name="Passed">Every output element within its tolerance.</param>
/// <param name="Stage">Where it stopped: "load", "quantize", "evaluate", "compare" or "ok".</param>
/// <param name="Detail">Failure message, or a summary of the worst element.</param>
/// <param name="InScale">Scale of the circuit input (−1 if not reached).</param>
/// <param name="OutScale">Scale of the circuit output (−1 if not reached).</param>
/// <param name="Elements">Output elements compared.</param>
/// <param name="MaxAbsError">max |dequantized − expected|.</param>
/// <param name="Tolerance">The tolerance at the worst element (see <see cref="ErrorBound"/>).</param>
/// <param name="WorstRatio">max |error| / tolerance (≤ 1 passes).</param>
public sealed record ConformanceResult(string Test, string Op, bool Passed, string Stage, string Detail,
    int InScale, int OutScale, int Elements, double MaxAbsError, double Tolerance, double WorstRatio);

/// <summary>
/// Runs the ONNX backend node tests in ../shared/onnx-node-tests through the whole front end.
/// </summary>
/// <remarks>
/// Per test: the model is loaded with <see cref="OnnxLoader"/>; graph inputs after the first are
/// bound as constants (<see cref="OnnxLoadOptions.ConstantInputs"/>: a circuit has one input, the
/// other operands become weights, as in an exported model); the quantizer is calibrated on the
/// test's own input_0; the circuit is evaluated on that input by the reference evaluator; the
/// dequantized output is compared with output_0.pb element by element (shape first: the circuit's
/// per-sample shape is the expected shape, or it without a leading 1). Tolerance per element:
/// <c>ErrorBound(output) + 1e-5·(1 + |expected|)</c>, where ErrorBound is the worst-case error
/// bound derived from the circuit's scales (see <see cref="ErrorBound"/>; the input's error is its
/// actual rounding error, known here) and the second term covers float32 rounding in the
/// reference outputs.
/// </remarks>
public static class OnnxNodeConformance
{
    /// <summary>Tests listed in index.json as (name, op).</summary>
    public static IReadOnlyList<(string Name, string Op)> List(string root)
    {
        using var j = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "index.json")));
        return j.RootElement.GetProperty("tests").EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString()!, t.GetProperty("op").GetString()!)).ToList();
    }

    /// <summary>Runs one test; never throws (failures are in the result).</summary>
    /// <param name="root">The onnx-node-tests folder.</param>
    /// <param name="test">Test name.</param>
    /// <param name="op">Operator (for the table).</param>
    /// <param name="tamper">Optional: replaces the quantized weights before evaluation (negative controls).</param>
    public static ConformanceResult Run(string root, string test, string op, Func<QuantizedModel, WeightSet>? tamper = null)
    {
        string dir = Path.Combine(root, test);
        string stage = "load";
        int inScale = -1, outScale = -1;
        try
        {
            string modelPath = Path.Combine(dir, "model.onnx");
            var proto = OnnxLoader.ReadProto(modelPath);
            var init = proto.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var inputs = proto.Graph.Input.Select(i => i.Name).Where(n => !init.Contains(n)).ToList();
            string data = Path.Combine(dir, "test_data_set_0");
            var tensors = inputs.Select((_, i) => TensorProtoReader.ReadFile(Path.Combine(data, $"input_{i}.pb"))).ToList();
            var bound = new Dictionary<string, FloatTensor>(StringComparer.Ordinal);
            for (int i = 1; i < inputs.Count; i++) bound[inputs[i]] = tensors[i];
            var model = OnnxLoader.Load(proto, modelPath, new OnnxLoadOptions { ConstantInputs = bound });
            var expected = TensorProtoReader.ReadFile(Path.Combine(data, "output_0.pb"));

            stage = "quantize";
            var calibration = new InputData($"{test}/input_0.pb", [tensors[0].Data.ToArray()]);
            var q = Quantizer.Quantize(model, calibration);
            inScale = q.Circuit.InputTensor.Scale;
            var outT = q.Circuit.Tensor(q.Circuit.Outputs[0]);
            outScale = outT.Scale;

            stage = "evaluate";
            var witness = tamper is null ? q.Evaluate(calibration)
                : ReferenceEvaluator.Evaluate(q.Circuit, tamper(q), q.QuantizeInputs(calibration), calibration.Count);
            var got = QuantizedModel.RealOutputs(witness, 0)[0];

            stage = "compare";
            var x = tensors[0].Data;
            double inputError = 0;
            var qIn = witness[q.Circuit.Input];
            for (int i = 0; i < x.Length; i++) inputError = Math.Max(inputError, Math.Abs(x[i] - Math.ScaleB(qIn[i], -inScale)));
            var bounds = ErrorBound.Compute(q.Circuit, witness, inputError);
            double bound0 = bounds[outT.Name];
            // The circuit's output shape is per sample: the expected shape, or it without a leading batch dim of 1.
            var want = expected.Shape.Select(d => (int)d).ToArray();
            bool shapeOk = outT.Shape.SequenceEqual(want) || (want.Length > 0 && want[0] == 1 && outT.Shape.SequenceEqual(want[1..]));
            if (!shapeOk || got.Length != expected.Count)
                return new(test, op, false, stage, $"output shape [{string.Join(",", outT.Shape)}] ({got.Length} elements) differs from expected [{string.Join(",", expected.Shape)}] ({expected.Count})",
                    inScale, outScale, got.Length, double.NaN, bound0, double.PositiveInfinity);
            if (got.Length == 0)
                return new(test, op, true, "ok", "empty output, shape matches", inScale, outScale, 0, 0, bound0, 0);
            double maxErr = 0, worst = 0, tolAtWorst = 0;
            int worstIdx = 0;
            for (int i = 0; i < got.Length; i++)
            {
                double exp = expected.Data[i], err = Math.Abs(got[i] - exp);
                double tol = bound0 + 1e-5 * (1 + Math.Abs(exp));
                maxErr = Math.Max(maxErr, err);
                if (err / tol > worst || i == 0) { worst = err / tol; tolAtWorst = tol; worstIdx = i; }
            }
            bool ok = worst <= 1 && got.All(double.IsFinite);
            string detail = string.Create(CultureInfo.InvariantCulture,
                $"worst element {worstIdx}: got {got[worstIdx]:G6}, expected {expected.Data[worstIdx]:G6}, |err| {Math.Abs(got[worstIdx] - expected.Data[worstIdx]):E2} vs tol {tolAtWorst:E2}");
            return new(test, op, ok, ok ? "ok" : stage, detail, inScale, outScale, got.Length, maxErr, tolAtWorst, worst);
        }
        catch (Exception e)
        {
            string msg = e.Message.Split('\n')[0];
            return new(test, op, false, stage, $"{e.GetType().Name}: {msg}", inScale, outScale, 0, double.NaN, double.NaN, double.PositiveInfinity);
        }
    }

    /// <summary>Plain-text pass/fail table with a summary line.</summary>
    public static string Table(IReadOnlyList<ConformanceResult> results)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        int w = Math.Max(4, results.Max(r => r.Test.Length));
        sb.AppendLine(inv, $"{"test".PadRight(w)}  {"op",-18} {"result",-6} {"s_in",4} {"s_out",5} {"max|err|",9} {"tol",9} {"err/tol",7}  detail");
        foreach (var r in results)
            sb.AppendLine(inv, $"{r.Test.PadRight(w)}  {r.Op,-18} {(r.Passed ? "pass" : "FAIL"),-6} {r.InScale,4} {r.OutScale,5} {r.MaxAbsError,9:E1} {r.Tolerance,9:E1} {r.WorstRatio,7:F3}  {(r.Passed ? "" : r.Stage + ": " + r.Detail)}");
        int pass = results.Count(r => r.Passed);
        sb.AppendLine(inv, $"conformance: {pass}/{results.Count} passed");
        foreach (var g in results.GroupBy(r => r.Op))
            sb.AppendLine(inv, $"  {g.Key,-18} {g.Count(r => r.Passed)}/{g.Count()}");
        return sb.ToString();
    }
}
