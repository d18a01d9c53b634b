using ZkmlProver.Onnx;

namespace ZkmlProver.Quantize;

/// <summary>
/// LayerNormalization and InstanceNormalization lowered to existing float ops (and so to proven
/// circuit layers): over the normalized elements of each row, mean = Dense with weights 1/n,
/// d = x − mean, var = Dense(d·d) with weights 1/n, y = d · (var + ε)^(−1/2) — the inverse square
/// root a lookup (pow:-0.5) over var's calibrated range — then the per-element scale and bias.
/// The same arithmetic as the decomposed form exporters write out (ReduceMean/Sub/Pow/Sqrt/Div).
/// </summary>
public static partial class OnnxLowering
{
    sealed partial class Lowerer
    {
        /// <summary>Normalizes each row of <paramref name="rows"/> ([outer, inner]); returns the normalized [outer, inner] tensor.</summary>
        string NormalizeRows(string name, string rows, int outer, int inner, float epsilon, string o)
        {
            int[] table = [outer, inner], column = [outer, 1];
            var mean = Enumerable.Repeat(1f / inner, inner).ToArray();
            string mu = Mid(new FDense(name + "/mean", rows, name + "/mean_weights", mean, 1, inner, null, null, o + "/mean"), column);
            string d = Mid(new FBinary(name + "/center", FBinaryKind.Sub, rows, mu, false, false, o + "/centered"), table);
            string sq = Mid(new FBinary(name + "/square", FBinaryKind.Mul, d, d, false, false, o + "/squared"), table);
            string variance = Mid(new FDense(name + "/variance", sq, name + "/variance_weights", mean, 1, inner, null, null, o + "/variance"), column);
            string ve = Mid(new FBinary(name + "/epsilon", FBinaryKind.Add, variance, Filled(o + "/epsilon", column, epsilon), false, true, o + "/variance_eps"), column);
            string inv = Mid(new FUnary(name + "/rsqrt", FUnaryKind.Lookup, ve, o + "/inv_std", ZkmlProver.Circuit.LookupFunctions.Name("pow", -0.5)), column);
            return Mid(new FBinary(name + "/normalize", FBinaryKind.Mul, d, inv, false, false, o + "/normalized"), table);
        }

        void LayerNorm(OnnxNode n, string name)
        {
            string o = n.Outputs[0], x = R(n.Inputs[0]);
            var src = shapes[x];
            int fullRank = g.ShapeOf(n.Inputs[0]).Rank;
            int axis = SampleAxis(n, n.GetInt("axis", -1), fullRank, "axis");
            int outer = src.Take(axis).Aggregate(1, (p, v) => checked(p * v)), inner = src.Skip(axis).Aggregate(1, (p, v) => checked(p * v));
            string rows = src.Length == 2 && axis == 1 ? x : Mid(new FReshape(name + "/rows", false, x, o + "/rows"), [outer, inner]);
            string nrm = NormalizeRows(name, rows, outer, inner, n.GetFloat("epsilon", 1e-5f), o);
            string back = src.Length == 2 && axis == 1 ? nrm : Mid(new FReshape(name + "/unrows", false, nrm, o + "/shaped"), src);
            int rank = g.ShapeOf(o).Rank;
            if (!n.HasInput(2)) { Add(new FBinary(name, FBinaryKind.Mul, back, Const(n, n.Inputs[1], rank), false, true, o), n); return; }
            string scaled = Mid(new FBinary(name + "/scale", FBinaryKind.Mul, back, Const(n, n.Inputs[1], rank), false, true, o + "/scaled"), src);
            Add(new FBinary(name, FBinaryKind.Add, scaled, Const(n, n.Inputs[2], rank), false, true, o), n);
        }

        void InstanceNorm(OnnxNode n, string name)
        {
            string o = n.Outputs[0], x = R(n.Inputs[0]);
            var src = shapes[x];
            if (!batch) throw new UnsupportedOnnxException($"{n.Where()}: InstanceNormalization needs an input [N, C, …] with a batch dimension");
            int c = src[0], spatial = src.Skip(1).Aggregate(1, (p, v) => checked(p * v));
            string rows = src.Length == 2 ? x : Mid(new FReshape(name + "/rows", false, x, o + "/rows"), [c, spatial]);
            string nrm = NormalizeRows(name, rows, c, spatial, n.GetFloat("epsilon", 1e-5f), o);
            // Per-channel scale and bias as [C, 1, …] constants broadcast over the spatial dims.
            int[] channel = [c, .. Enumerable.Repeat(1, src.Length - 1)];
            string Channel(int input, string tag)
            {
                string key = n.Inputs[input] + "#" + tag;
                consts[key] = new FConst(key, channel, [.. g.TryGetInitializer(n.Inputs[input])!.Data]);
                return key;
            }
            string back = src.Length == 2 ? nrm : Mid(new FReshape(name + "/unrows", false, nrm, o + "/shaped"), src);
            string scaled = Mid(new FBinary(name + "/scale", FBinaryKind.Mul, back, Channel(1, "channel_scale"), false, true, o + "/scaled"), src);
            Add(new FBinary(name, FBinaryKind.Add, scaled, Channel(2, "channel_bias"), false, true, o), n);
        }
    }
}
