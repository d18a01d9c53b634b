namespace ZkmlProver.Onnx;

/// <summary>
/// LSTM, GRU and RNN (opsets 7–21): the forms the quantizer unrolls over the sequence. Layout 0
/// (X [seq, batch, input]), one forward direction, the default activations (Sigmoid/Tanh), no clip,
/// no peepholes, no input_forget, constant W, R, B, initial states and sequence_lens (all = seq).
/// Outputs: Y [seq, 1, batch, hidden], Y_h and (LSTM) Y_c [1, batch, hidden], each optional.
/// </summary>
internal sealed partial class ShapeInference
{
    /// <summary>Gates per op: LSTM i,o,f,c; GRU z,r,h; RNN one.</summary>
    internal static int Gates(string op) => op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };

    private OnnxShape[] Recurrent(OnnxNode n)
    {
        string w = n.Where(), op = n.OpType;
        int maxIn = op == "LSTM" ? 8 : 6;
        Arity(n, 3, maxIn);
        var x = In(n, 0);
        if (n.GetInt("layout", 0) != 0)
            throw new UnsupportedOnnxException($"{w}: attribute layout = 1 (batch first) is not supported (opset {opset}); export with layout 0 ([seq, batch, input])");
        string dir = n.GetString("direction", "forward");
        if (dir != "forward")
            throw new UnsupportedOnnxException($"{w}: attribute direction = '{dir}' is not supported (opset {opset}); only a forward {op} (bidirectional = two {op}s)");
        if (n.Has("clip")) throw new UnsupportedOnnxException($"{w}: attribute clip is not supported (opset {opset})");
        if (n.GetInt("input_forget", 0) != 0) throw new UnsupportedOnnxException($"{w}: attribute input_forget = 1 is not supported (opset {opset})");
        if (n.Has("activation_alpha") || n.Has("activation_beta"))
            throw new UnsupportedOnnxException($"{w}: attributes activation_alpha/beta are not supported (opset {opset})");
        string[] defaults = op switch { "LSTM" => ["Sigmoid", "Tanh", "Tanh"], "GRU" => ["Sigmoid", "Tanh"], _ => ["Tanh"] };
        var acts = n.Has("activations") ? n.Attributes["activations"].Strings.ToArray() : defaults;
        if (!acts.SequenceEqual(defaults, StringComparer.OrdinalIgnoreCase))
            throw new UnsupportedOnnxException($"{w}: attribute activations = [{string.Join(",", acts)}] is not supported (opset {opset}); only the defaults [{string.Join(",", defaults)}]");
        if (x.Rank != 3 || !x.IsFullyKnown)
            throw new UnsupportedOnnxException($"{w}: input X {x} must be a static [seq, batch, input] tensor (opset {opset})");
        if (x[1].Value != 1)
            throw new UnsupportedOnnxException($"{w}: input X {x} has batch {x[1].Value}; only batch 1 (one sample per proof) is supported");
        long seq = x[0].Value, inSize = x[2].Value;
        int g = Gates(op);
        var wt = Const(n, 1, "W"); var r = Const(n, 2, "R");
        long hidden = n.Has("hidden_size") ? n.GetInt("hidden_size", 0) : r.Rank == 3 ? r.Shape[2] : 0;
        if (wt.Rank != 3 || wt.Shape[0] != 1 || wt.Shape[1] != g * hidden || wt.Shape[2] != inSize)
            throw new OnnxFormatException($"{w}: W has shape [{string.Join(",", wt.Shape)}], expected [1,{g * hidden},{inSize}]");
        if (r.Rank != 3 || r.Shape[0] != 1 || r.Shape[1] != g * hidden || r.Shape[2] != hidden)
            throw new OnnxFormatException($"{w}: R has shape [{string.Join(",", r.Shape)}], expected [1,{g * hidden},{hidden}]");
        if (n.HasInput(3))
        {
            var b = Const(n, 3, "B");
            if (b.Count != 2 * g * hidden) throw new OnnxFormatException($"{w}: B has shape [{string.Join(",", b.Shape)}], expected [1,{2 * g * hidden}]");
        }
        if (n.HasInput(4))
        {
            var sl = Const(n, 4, "sequence_lens");
            if (sl.ToInt64Array().Any(v => v != seq))
                throw new UnsupportedOnnxException($"{w}: sequence_lens [{string.Join(",", sl.ToInt64Array())}] shorter than the sequence ({seq}) are not supported");
        }
        for (int i = 5; i <= (op == "LSTM" ? 6 : 5); i++)
            if (n.HasInput(i))
            {
                var s0 = Const(n, i, i == 5 ? "initial_h" : "initial_c");
                if (s0.Count != hidden) throw new OnnxFormatException($"{w}: input {i} has shape [{string.Join(",", s0.Shape)}], expected [1,1,{hidden}]");
            }
        if (op == "LSTM" && n.HasInput(7)) throw new UnsupportedOnnxException($"{w}: peephole weights P are not supported (opset {opset})");
        var state = OnnxShape.Of(1, 1, hidden);
        var outs = new OnnxShape[n.Outputs.Length];
        for (int k = 0; k < outs.Length; k++)
            outs[k] = k == 0 ? OnnxShape.Of(seq, 1, 1, hidden) : k <= (op == "LSTM" ? 2 : 1) ? state
                : throw new OnnxFormatException($"{w}: {op} has at most {(op == "LSTM" ? 3 : 2)} outputs");
        if (n.Outputs.All(o => o.Length == 0)) throw new OnnxFormatException($"{w}: node has no output");
        return outs;
    }
}
