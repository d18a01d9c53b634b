using ZkmlProver.Onnx;

namespace ZkmlProver.Quantize;

/// <summary>
/// LSTM, GRU and RNN unrolled over the sequence into Dense, Add/Sub/Mul, Sigmoid and Tanh (the
/// forms <c>ShapeInference.Recurrent</c> accepts: forward, layout 0, batch 1, default activations).
/// Per step t: x_t is selected from the flattened X (a 0/1 Dense, skipped when seq = 1); each gate
/// is Dense(W_g)·x_t + (W_b + R_b) plus Dense(R_g)·h_{t−1} (absent at t = 0, the state starting at
/// zero). ONNX gate orders: LSTM i, o, f, c; GRU z, r, h; RNN one.
/// <list type="bullet">
/// <item>LSTM: C_t = f ⊙ C_{t−1} + i ⊙ c̃, H_t = o ⊙ tanh(C_t).</item>
/// <item>GRU: h̃ = tanh(W_h x + W_bh + R_h(r ⊙ h) + R_bh), or with linear_before_reset
/// tanh(W_h x + W_bh + r ⊙ (R_h h + R_bh)); H_t = h̃ + z ⊙ (H_{t−1} − h̃).</item>
/// <item>RNN: H_t = tanh(W x + R h + W_b + R_b).</item>
/// </list>
/// </summary>
public static partial class OnnxLowering
{
    sealed partial class Lowerer
    {
        void Recurrent(OnnxNode n, string name)
        {
            string w = n.Where(), op = n.OpType;
            int g = GateCount(op);
            var wt = g_(n.Inputs[1]); var rt = g_(n.Inputs[2]);
            int hid = (int)rt.Shape[2], inSize = (int)wt.Shape[2];
            int seq = (int)this.g.ShapeOf(n.Inputs[0])[0].Value;
            var bias = n.HasInput(3) ? g_(n.Inputs[3]).Data.ToArray() : new float[2 * g * hid];
            for (int i = 5; i <= (op == "LSTM" ? 6 : 5); i++)
                if (n.HasInput(i) && g_(n.Inputs[i]).Data.Any(v => v != 0))
                    throw new UnsupportedOnnxException($"{w}: a non-zero initial state (input {i}) is not supported (opset {m.Opset}); the state must start at zero");
            bool lbr = op == "GRU" && n.GetInt("linear_before_reset", 0) != 0;
            string x = R(n.Inputs[0]);
            string flat = Mid(new FReshape(name + "/flatten", false, x, $"{name}/x_flat"), [seq * inSize]);

            // Rows [gate·H, (gate+1)·H) of W or R; the bias of a gate's input part.
            float[] Rows(FloatTensor t, int gate, int cols) => t.Data.Skip(gate * hid * cols).Take(hid * cols).ToArray();
            float[] InBias(int gate, bool withRecurrentBias)
                => Enumerable.Range(0, hid).Select(j => bias[gate * hid + j] + (withRecurrentBias ? bias[(g + gate) * hid + j] : 0f)).ToArray();
            float[] RecBias(int gate) => Enumerable.Range(0, hid).Select(j => bias[(g + gate) * hid + j]).ToArray();
            int[] hs = [hid];

            string? h = null, c = null;
            var ys = new List<string>();
            for (int t = 0; t < seq; t++)
            {
                string p = $"{name}/t{t}";
                string xt = flat;
                if (seq > 1)
                {
                    var sel = new float[inSize * seq * inSize];
                    for (int j = 0; j < inSize; j++) sel[j * seq * inSize + t * inSize + j] = 1f;
                    xt = Mid(new FDense(p + "/x", flat, $"{name}/x_select_{t}", sel, inSize, seq * inSize, null, null, p + "/x"), [inSize]);
                }
                // W_g·x_t + bias (+ R_g·h): the pre-activation of a gate.
                string Pre(int gate, bool recurrentBiasHere, bool recurrentTerm)
                {
                    string a = Mid(new FDense(p + $"/wx{gate}", xt, $"{name}/W{gate}", Rows(wt, gate, inSize), hid, inSize,
                        $"{name}/B{gate}", InBias(gate, recurrentBiasHere), p + $"/wx{gate}"), hs);
                    if (!recurrentTerm || h is null) return a;
                    string r = Mid(new FDense(p + $"/rh{gate}", h, $"{name}/R{gate}", Rows(rt, gate, hid), hid, hid, null, null, p + $"/rh{gate}"), hs);
                    return Mid(new FBinary(p + $"/pre{gate}", FBinaryKind.Add, a, r, false, false, p + $"/pre{gate}"), hs);
                }
                string Act(string v, FUnaryKind k, string tag) => Mid(new FUnary(p + "/" + tag, k, v, p + "/" + tag), hs);
                string Bin(FBinaryKind k, string a, string b, string tag, bool bConst = false) => Mid(new FBinary(p + "/" + tag, k, a, b, false, bConst, p + "/" + tag), hs);

                if (op == "RNN") h = Act(Pre(0, true, true), FUnaryKind.Tanh, "h");
                else if (op == "LSTM")
                {
                    string i = Act(Pre(0, true, true), FUnaryKind.Sigmoid, "i");
                    string o = Act(Pre(1, true, true), FUnaryKind.Sigmoid, "o");
                    string ct = Act(Pre(3, true, true), FUnaryKind.Tanh, "c_tilde");
                    string ic = Bin(FBinaryKind.Mul, i, ct, "i_c");
                    if (c is null) c = ic;
                    else
                    {
                        string f = Act(Pre(2, true, true), FUnaryKind.Sigmoid, "f");
                        c = Bin(FBinaryKind.Add, Bin(FBinaryKind.Mul, f, c, "f_c"), ic, "c");
                    }
                    h = Bin(FBinaryKind.Mul, o, Act(c, FUnaryKind.Tanh, "tanh_c"), "h");
                }
                else
                {
                    string z = Act(Pre(0, true, true), FUnaryKind.Sigmoid, "z");
                    string r = Act(Pre(1, true, true), FUnaryKind.Sigmoid, "r");
                    string pre;
                    if (lbr)
                    {
                        // r ⊙ (R_h h + R_bh): with h = 0 only the bias remains.
                        string rb = $"{name}/Rbh";
                        consts[rb] = new FConst(rb, hs, RecBias(2));
                        string rh = h is null ? rb : Mid(new FDense(p + "/rh2", h, $"{name}/R2", Rows(rt, 2, hid), hid, hid, $"{name}/Rb2", RecBias(2), p + "/rh2"), hs);
                        string gated = Bin(FBinaryKind.Mul, r, rh, "r_rh", bConst: h is null);
                        pre = Bin(FBinaryKind.Add, Pre(2, false, false), gated, "pre2");
                    }
                    else if (h is null) pre = Pre(2, true, false);
                    else
                    {
                        string rhp = Bin(FBinaryKind.Mul, r, h, "r_h");
                        string rr = Mid(new FDense(p + "/rh2", rhp, $"{name}/R2", Rows(rt, 2, hid), hid, hid, null, null, p + "/rh2"), hs);
                        pre = Bin(FBinaryKind.Add, Pre(2, true, false), rr, "pre2");
                    }
                    string ht = Act(pre, FUnaryKind.Tanh, "h_tilde");
                    // H = h̃ + z ⊙ (h − h̃); with h = 0: h̃ − z ⊙ h̃.
                    h = h is null ? Bin(FBinaryKind.Sub, ht, Bin(FBinaryKind.Mul, z, ht, "z_ht"), "h")
                        : Bin(FBinaryKind.Add, ht, Bin(FBinaryKind.Mul, z, Bin(FBinaryKind.Sub, h, ht, "h_minus"), "z_d"), "h");
                }
                ys.Add(h!);
            }

            void Output(int k, FOp o)
            {
                shapes[o.Output] = Sample(n.Outputs[k], n);
                producer[o.Output] = ops.Count;
                ops.Add(o);
            }
            if (n.Outputs.Length > 0 && n.Outputs[0].Length > 0)
            {
                string y = n.Outputs[0];
                if (seq == 1) Output(0, new FReshape(name + "/Y", false, ys[0], y));
                else
                {
                    if (batch) throw new UnsupportedOnnxException($"{w}: output Y [seq={seq},…] has the sequence as its leading dimension, which the batch dimension would need");
                    var parts = ys.Select((v, t) => Mid(new FReshape($"{name}/t{t}/y", false, v, $"{name}/t{t}/y"), [1, 1, 1, hid])).ToArray();
                    Output(0, new FConcat(name + "/Y", parts, new bool[parts.Length], 0, y));
                }
            }
            if (n.Outputs.Length > 1 && n.Outputs[1].Length > 0) Output(1, new FReshape(name + "/Y_h", false, h!, n.Outputs[1]));
            if (n.Outputs.Length > 2 && n.Outputs[2].Length > 0) Output(2, new FReshape(name + "/Y_c", false, c!, n.Outputs[2]));
        }

        FloatTensor g_(string tensor) => g.TryGetInitializer(tensor)!;

        static int GateCount(string op) => op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
    }
}
