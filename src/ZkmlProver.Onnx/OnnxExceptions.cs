namespace ZkmlProver.Onnx;

/// <summary>
/// Base class of every error the ONNX front end raises on bad or unsupported input. Its message is
/// one line and names the file and, where it applies, the node (index, name, op) and attribute.
/// </summary>
public abstract class OnnxException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    protected OnnxException(string message, Exception? inner = null) : base(OneLine(message), inner) { }

    /// <summary>
    /// Escapes control characters (names in a corrupt file may contain newlines) so that the message
    /// stays one line.
    /// </summary>
    internal static string OneLine(string s)
    {
        if (!s.Any(char.IsControl)) return s;
        var sb = new System.Text.StringBuilder(s.Length + 8);
        foreach (char c in s)
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return sb.ToString();
    }
}

/// <summary>
/// The file is not a well-formed ONNX model: truncated or corrupt protobuf, missing graph,
/// inconsistent tensor data, a node reading a tensor nobody produced, a shape that does not fit.
/// </summary>
public sealed class OnnxFormatException : OnnxException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public OnnxFormatException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// The model is valid ONNX but uses something ZkmlProver does not support: an IR version or opset
/// outside the supported range, an operator, an attribute value, a data type, external data.
/// </summary>
public sealed class UnsupportedOnnxException : OnnxException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public UnsupportedOnnxException(string message, Exception? inner = null) : base(message, inner) { }
}
