using ZkmlProver.Circuit;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving;

/// <summary>
/// How an operand of an elementwise layer (an activation, the input, or a weight) sits in the
/// layout of the layer's output under broadcasting: each output dimension (batch first) either
/// reads an operand dimension of the same extent or is broadcast.
/// </summary>
/// <remarks>
/// The broadcast operand's MLE factors: Ã_bcast(r) = Ã(r restricted to the operand's dimensions) ·
/// Π_{broadcast dims d} Ĩ_{extent(d)}(r_d), where Ĩ_n is the MLE of the indicator of [0, n) (the
/// padded entries of the output are zero, so a broadcast copy only fills valid positions). Hence a
/// claim on the broadcast view is a claim on the operand at a sub-point, scaled by a public factor.
/// Weights have no batch dimension (always broadcast over the batch).
/// </remarks>
public sealed class OperandView
{
    private readonly int[] _dimOf;

    private OperandView(string tensor, bool isWeight, TensorLayout layout, TensorLayout outLayout, int[] dimOf)
    {
        Tensor = tensor; IsWeight = isWeight; Layout = layout; OutLayout = outLayout; _dimOf = dimOf;
    }

    public string Tensor { get; }
    public bool IsWeight { get; }
    /// <summary>The operand's own layout ([B, dims] for activations, the weight layout for weights).</summary>
    public TensorLayout Layout { get; }
    public TensorLayout OutLayout { get; }

    /// <summary>ONNX (right-aligned) broadcasting of <paramref name="tensor"/> into the layout of <paramref name="output"/>.</summary>
    public static OperandView Broadcast(InferencePlan plan, string tensor, string output)
        => Broadcast(plan, tensor, plan.Layout(output), output);

    /// <summary>ONNX broadcasting of <paramref name="tensor"/> into an explicit layout [B, dims]
    /// (e.g. the virtual [B, L…, I, K] operand space of a batched MatMul).</summary>
    public static OperandView Broadcast(InferencePlan plan, string tensor, TensorLayout outLayout, string output)
    {
        var info = plan.Circuit.Tensor(tensor);
        bool isWeight = info.Kind == TensorKind.Weight;
        var layout = isWeight ? plan.WeightLayouts[tensor] : plan.Layout(tensor);
        if (!isWeight && plan.Circuit.Tensor(plan.Source(tensor)).Shape.Length != info.Shape.Length)
            throw new ProvingException($"tensor '{tensor}' is a reshape read by an elementwise layer; the prover needs it materialised");
        int[] opDims = isWeight ? layout.Dims : layout.Dims[1..];
        int lead = 0;
        while (opDims.Length - lead > outLayout.Dims.Length - 1 && opDims[lead] == 1) lead++;
        if (opDims.Length - lead > outLayout.Dims.Length - 1)
            throw new ProvingException($"tensor '{tensor}' has more dimensions than '{output}'");
        int offsetInLayout = isWeight ? 0 : 1;
        var dimOf = new int[outLayout.Dims.Length];
        dimOf[0] = isWeight ? -1 : 0;
        int shift = outLayout.Dims.Length - 1 - (opDims.Length - lead);
        for (int d = 1; d < outLayout.Dims.Length; d++)
        {
            int j = d - 1 - shift;
            if (j < 0) { dimOf[d] = -1; continue; }
            int ext = opDims[lead + j];
            if (ext == outLayout.Dims[d]) dimOf[d] = lead + j + offsetInLayout;
            else if (ext == 1) dimOf[d] = -1;
            else throw new ProvingException($"tensor '{tensor}' does not broadcast to '{output}'");
        }
        return new OperandView(tensor, isWeight, layout, outLayout, dimOf);
    }

    /// <summary>A per-channel weight [C] (or [C, 1, …]) read along the first per-sample dimension.</summary>
    public static OperandView PerChannel(InferencePlan plan, string weight, string output)
    {
        var outLayout = plan.Layout(output);
        var layout = plan.WeightLayouts[weight];
        if (layout.Dims[0] != outLayout.Dims[1] || layout.Dims.Skip(1).Any(d => d != 1))
            throw new ProvingException($"weight '{weight}' is not a per-channel vector of '{output}'");
        var dimOf = Enumerable.Repeat(-1, outLayout.Dims.Length).ToArray();
        dimOf[1] = 0;
        return new OperandView(weight, true, layout, outLayout, dimOf);
    }

    /// <summary>The operand point and the broadcast factor for a point of the output layout.</summary>
    public (Fr[] Point, Fr Factor) Project(Fr[] r)
    {
        var segs = new Fr[OutLayout.Dims.Length][];
        int at = 0;
        for (int d = 0; d < segs.Length; d++) { segs[d] = r[at..(at + OutLayout.Vars[d])]; at += OutLayout.Vars[d]; }
        var point = new List<Fr>(Layout.NumVars);
        for (int j = 0; j < Layout.Dims.Length; j++)
        {
            int d = Array.IndexOf(_dimOf, j);
            if (d >= 0) point.AddRange(segs[d]);
        }
        Fr factor = Fr.One;
        for (int d = 0; d < segs.Length; d++)
            if (_dimOf[d] < 0) factor *= Mle.IndicatorMle(OutLayout.Dims[d], segs[d]);
        return ([.. point], factor);
    }

    /// <summary>Prover: the operand broadcast into the output layout (zero at padded entries).</summary>
    /// <param name="logical">The operand's row-major values (activations batch-major).</param>
    public long[] BroadcastTable(long[] logical)
    {
        var table = new long[OutLayout.PaddedSize];
        var strides = new long[Layout.Dims.Length];
        long st = 1;
        for (int j = Layout.Dims.Length - 1; j >= 0; j--) { strides[j] = st; st *= Layout.Dims[j]; }
        var idx = new int[OutLayout.Dims.Length];
        for (long o = 0; o < OutLayout.Count; o++)
        {
            long rem = o;
            for (int d = idx.Length - 1; d >= 0; d--) { idx[d] = (int)(rem % OutLayout.Dims[d]); rem /= OutLayout.Dims[d]; }
            long src = 0;
            for (int d = 0; d < idx.Length; d++) if (_dimOf[d] >= 0) src += idx[d] * strides[_dimOf[d]];
            table[OutLayout.PaddedIndex(o)] = logical[src];
        }
        return table;
    }
}
