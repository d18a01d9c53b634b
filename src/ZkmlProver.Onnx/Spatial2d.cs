namespace ZkmlProver.Onnx;

/// <summary>
/// Resolved geometry of a 2-D Conv or pooling node: kernel, strides, dilations, explicit pads
/// (auto_pad already applied) and the output size. Pads are ordered [top, left, bottom, right]
/// (ONNX order x1_begin, x2_begin, x1_end, x2_end), the order the circuit's Conv2d/pool layers use.
/// </summary>
/// <param name="KernelH">Kernel height.</param>
/// <param name="KernelW">Kernel width.</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="DilationH">Vertical dilation.</param>
/// <param name="DilationW">Horizontal dilation.</param>
/// <param name="PadTop">Zero rows added above.</param>
/// <param name="PadLeft">Zero columns added on the left.</param>
/// <param name="PadBottom">Zero rows added below.</param>
/// <param name="PadRight">Zero columns added on the right.</param>
/// <param name="InH">Input height.</param>
/// <param name="InW">Input width.</param>
/// <param name="OutH">Output height.</param>
/// <param name="OutW">Output width.</param>
/// <param name="CeilMode">Pooling ceil_mode (always false for Conv).</param>
public sealed record Spatial2d(
    int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW,
    int PadTop, int PadLeft, int PadBottom, int PadRight, int InH, int InW, int OutH, int OutW, bool CeilMode)
{
    /// <summary>Pads as [top, left, bottom, right].</summary>
    public int[] Pads => [PadTop, PadLeft, PadBottom, PadRight];

    /// <summary>
    /// Resolves a Conv/MaxPool/AveragePool node's geometry for an input of spatial size
    /// <paramref name="inH"/>×<paramref name="inW"/> and the given kernel. Follows the ONNX operator
    /// spec (and ONNX Runtime): NOTSET uses <c>pads</c>; VALID means no padding; SAME_UPPER/SAME_LOWER
    /// give output ceil(in/stride) and split the total padding evenly, the odd cell at the end
    /// (UPPER) or at the beginning (LOWER). With ceil_mode the output size rounds up, but a last
    /// window that would start beyond the input and the begin padding is dropped.
    /// </summary>
    public static Spatial2d Resolve(OnnxNode node, long inH, long inW, long kernelH, long kernelW, bool allowCeilMode)
    {
        string where = node.Where();
        long[] strides = node.GetInts("strides") ?? [1, 1];
        long[] dil = node.GetInts("dilations") ?? [1, 1];
        long[]? pads = node.GetInts("pads");
        string autoPad = node.GetString("auto_pad", "NOTSET");
        bool ceil = allowCeilMode && node.GetInt("ceil_mode", 0) != 0;
        if (!allowCeilMode && node.Has("ceil_mode") && node.GetInt("ceil_mode", 0) != 0)
            throw new UnsupportedOnnxException($"{where}: attribute ceil_mode = {node.GetInt("ceil_mode", 0)} is not supported");
        if (strides.Length != 2) throw new UnsupportedOnnxException($"{where}: attribute strides = [{string.Join(",", strides)}] is not supported (only 2-D: 2 values)");
        if (dil.Length != 2) throw new UnsupportedOnnxException($"{where}: attribute dilations = [{string.Join(",", dil)}] is not supported (only 2-D: 2 values)");
        if (strides.Any(s => s < 1)) throw new OnnxFormatException($"{where}: attribute strides = [{string.Join(",", strides)}] must be positive");
        if (dil.Any(s => s < 1)) throw new OnnxFormatException($"{where}: attribute dilations = [{string.Join(",", dil)}] must be positive");
        if (kernelH < 1 || kernelW < 1) throw new OnnxFormatException($"{where}: kernel [{kernelH},{kernelW}] must be positive");

        long ekH = (kernelH - 1) * dil[0] + 1, ekW = (kernelW - 1) * dil[1] + 1;
        long pt, pl, pb, pr, oh, ow;
        switch (autoPad)
        {
            case "NOTSET":
                if (pads is null) pads = [0, 0, 0, 0];
                if (pads.Length != 4) throw new UnsupportedOnnxException($"{where}: attribute pads = [{string.Join(",", pads)}] is not supported (only 2-D: 4 values)");
                if (pads.Any(p => p < 0)) throw new OnnxFormatException($"{where}: attribute pads = [{string.Join(",", pads)}] must be non-negative");
                (pt, pl, pb, pr) = (pads[0], pads[1], pads[2], pads[3]);
                oh = OutSize(inH, pt, pb, ekH, strides[0], ceil);
                ow = OutSize(inW, pl, pr, ekW, strides[1], ceil);
                break;
            case "VALID":
                (pt, pl, pb, pr) = (0, 0, 0, 0);
                oh = OutSize(inH, 0, 0, ekH, strides[0], ceil);
                ow = OutSize(inW, 0, 0, ekW, strides[1], ceil);
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                bool upper = autoPad == "SAME_UPPER";
                oh = (inH + strides[0] - 1) / strides[0];
                ow = (inW + strides[1] - 1) / strides[1];
                long th = Math.Max(0, (oh - 1) * strides[0] + ekH - inH);
                long tw = Math.Max(0, (ow - 1) * strides[1] + ekW - inW);
                pt = upper ? th / 2 : th - th / 2; pb = th - pt;
                pl = upper ? tw / 2 : tw - tw / 2; pr = tw - pl;
                break;
            }
            default:
                throw new UnsupportedOnnxException($"{where}: attribute auto_pad = '{autoPad}' is not supported (NOTSET, SAME_UPPER, SAME_LOWER, VALID)");
        }
        if (oh < 1 || ow < 1)
            throw new OnnxFormatException($"{where}: output size [{oh},{ow}] is empty (input [{inH},{inW}], kernel [{kernelH},{kernelW}], pads [{pt},{pl},{pb},{pr}])");
        checked
        {
            return new Spatial2d((int)kernelH, (int)kernelW, (int)strides[0], (int)strides[1], (int)dil[0], (int)dil[1],
                (int)pt, (int)pl, (int)pb, (int)pr, (int)inH, (int)inW, (int)oh, (int)ow, ceil);
        }
    }

    private static long OutSize(long input, long padBegin, long padEnd, long effKernel, long stride, bool ceil)
    {
        long span = input + padBegin + padEnd - effKernel;
        if (span < 0) return 0;
        long o = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (o - 1) * stride >= input + padBegin) o--;
        return o;
    }
}
