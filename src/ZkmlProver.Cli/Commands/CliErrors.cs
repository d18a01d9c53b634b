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
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug, not bad input: still one line (the type says where to look) and a distinct
            // exit code, never a stack trace in place of a verdict. ZKML_DEBUG=1 shows the trace.
            Console.Error.WriteLine($"zkml: internal error: {e.GetType().Name}: {OneLine(e.Message)} (please report it)");
            if (Environment.GetEnvironmentVariable("ZKML_DEBUG") == "1") Console.Error.WriteLine(e);
            return InternalError;
        }
    }

    /// <summary>Exit code of an unexpected exception (a bug).</summary>
    public const int InternalError = 3;

    /// <summary>True for the exception types that report bad input.</summary>
    public static bool IsExpected(Exception e) => e is OnnxException or QuantizeException or CircuitFormatException
        or CircuitRangeException or IOException or UnauthorizedAccessException or Proving.ProvingException;

    static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
