using Google.Protobuf;
using ZkmlProver.Onnx;
using ZkmlProver.Onnx.Protos;
using static ZkmlProver.Quantize.Tests.ModelBuilder;

namespace ZkmlProver.Quantize.Tests;

/// <summary>
/// LSTM, GRU (both linear_before_reset forms) and RNN unrolled over the sequence, each checked
/// against ONNX Runtime: the float graph within 1e-4, the circuit within a quantization tolerance.
/// </summary>
public class RecurrentTests
{
    static void Check(ModelBuilder b, int inputSize, double tolerance)
    {
        var rng = new Random(1);
        var rows = Enumerable.Range(0, 24).Select(_ => Enumerable.Range(0, inputSize).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToList();
        var (path, model) = b.Save();
        try
        {
            var q = Quantizer.Quantize(model, new InputData("cal", rows));
            var test = new InputData("test", rows.Skip(12).ToList());
            using (var ort = new OrtRunner(path))
                foreach (var row in test.Rows.Take(6))
                {
                    var res = FloatEvaluator.Evaluate(q.FloatGraph, row);
                    var o = ort.Run(row);
                    for (int k = 0; k < o.Length; k++)
                    {
                        var f = res[q.FloatGraph.Outputs[k]];
                        Assert.Equal(o[k].Length, f.Length);
                        for (int i = 0; i < f.Length; i++) Assert.True(Math.Abs(f[i] - o[k][i]) < 1e-4, $"output {k} float graph vs ORT at {i}: {f[i]} vs {o[k][i]}");
                    }
                }
            var r = AccuracyReport.Measure(path, q, test);
            foreach (var out_ in r.Outputs) Assert.True(out_.MaxAbsError <= tolerance, $"circuit vs ORT max abs error {out_.MaxAbsError} > {tolerance}");
        }
        finally { File.Delete(path); }
    }

    static AttributeProto Str(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };

    static ModelBuilder Cell(string op, long opset, int seq, int hidden, int inSize, string[] outputs, params AttributeProto[] attrs)
    {
        int g = op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        var rng = new Random(op.Length * 7 + seq);
        var b = new ModelBuilder(opset).Input("x", seq, 1, inSize)
            .Rand("W", [1, g * hidden, inSize], rng, 0.8f).Rand("R", [1, g * hidden, hidden], rng, 0.8f).Rand("B", [1, 2 * g * hidden], rng, 0.3f);
        foreach (var o in outputs.Where(o => o.Length > 0)) b.Output(o);
        b.Node(op, "cell", ["x", "W", "R", "B"], outputs, [Int("hidden_size", hidden), .. attrs]);
        return b;
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(14, 1)]
    public void Lstm(long opset, int seq) => Check(Cell("LSTM", opset, seq, 3, 2, ["y", "y_h", "y_c"]), 2 * seq, 0.05);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Gru(long linearBeforeReset) => Check(Cell("GRU", 13, 3, 4, 2, ["", "y_h"], Int("linear_before_reset", linearBeforeReset)), 6, 0.05);

    [Fact]
    public void Rnn() => Check(Cell("RNN", 11, 2, 3, 3, ["y", "y_h"]), 6, 0.05);

    [Fact]
    public void BidirectionalIsRefusedWithAReason()
    {
        var b = new ModelBuilder(13).Input("x", 2, 1, 2).Output("y").Rand("W", [1, 4, 2], new Random(1)).Rand("R", [1, 4, 4], new Random(2))
            .Node("RNN", "cell", ["x", "W", "R"], ["y"], Int("hidden_size", 4), Str("direction", "bidirectional"));
        Assert.Contains("direction = 'bidirectional' is not supported", Assert.Throws<UnsupportedOnnxException>(() => b.Save()).Message);
    }
}
