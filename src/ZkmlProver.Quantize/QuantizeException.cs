namespace ZkmlProver.Quantize;

/// <summary>Bad input data or a model the quantizer cannot map to a circuit. The message is one
/// line naming the file and the row/column or the ONNX node, op and attribute.</summary>
public sealed class QuantizeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QuantizeException(string message, Exception? inner = null) : base(message, inner) { }
}
