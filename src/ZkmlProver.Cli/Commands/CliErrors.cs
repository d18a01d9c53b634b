using ZkmlProver.Circuit;
using ZkmlProver.Onnx;
using ZkmlProver.Quantize;

namespace ZkmlProver.Cli.Commands;

/// <summary>Maps expected errors (bad files, unsupported models, bad data, range errors) to one
/// line on stderr and exit code 1; anything else is a bug and propagates.</summary>
public static class CliErrors
{
    /// <summary>Runs <paramref name="body"/>, turning expected exceptions into "zkml: message" + exit 1.</summary>
    public static int Run(Func<int> body)
    {
        try { return body(); }
        catch (Exception e) when (IsExpected(e))
        {
            Console.Error.WriteLine($"zkml: error: {OneLine(e.Message)}");
            return Program.BadInput;
        }
    }

    /// <summary>True for the exception types that report bad input.</summary>
    public static bool IsExpected(Exception e) => e is OnnxException or QuantizeException or CircuitFormatException
        or CircuitRangeException or IOException or UnauthorizedAccessException or Proving.ProvingException;

    static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
