using ZkmlProver.Circuit;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Cli.Commands;

/// <summary>Turns rows of real-valued inputs into the circuit's fixed-point input, refusing NaN,
/// infinities, wrong lengths and values outside the input's declared range (naming row and column).</summary>
public static class InputQuantizer
{
    public static long[] Quantize(Circuit.Circuit circuit, InputData data)
    {
        var input = circuit.InputTensor;
        if (data.Count == 0) throw new ProvingException($"{data.Source}: no input rows");
        var q = new long[(long)data.Count * input.Size];
        for (int r = 0; r < data.Count; r++)
        {
            var row = data.Rows[r];
            if (row.Length != input.Size)
                throw new ProvingException($"{data.Source}: {data.RowName(r)} has {row.Length} values, the model's input '{input.Name}' needs {input.Size}");
            for (int c = 0; c < row.Length; c++)
            {
                float v = row[c];
                if (!float.IsFinite(v)) throw new ProvingException($"{data.Source}: {data.RowName(r)}, column {c + 1}: {v} is not a finite number");
                long fixedV = FixedPoint.ToFixed(v, input.Scale);
                if (!input.InRange(fixedV))
                    throw new ProvingException($"{data.Source}: {data.RowName(r)}, column {c + 1}: {v} is outside the input range ±{FixedPoint.ToReal(input.MaxValue, input.Scale)} the circuit was compiled for; recompile with calibration data that covers it");
                q[(long)r * input.Size + c] = fixedV;
            }
        }
        return q;
    }
}
