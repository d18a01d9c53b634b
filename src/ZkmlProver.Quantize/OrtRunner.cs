using Microsoft.ML.OnnxRuntime;

namespace ZkmlProver.Quantize;

/// <summary>
/// Runs the float ONNX model with ONNX Runtime (CPU, single-threaded) one sample at a time
/// (the models have a static batch of 1). The float reference of the accuracy report.
/// </summary>
public sealed class OrtRunner : IDisposable
{
    readonly InferenceSession session;
    readonly string inputName;
    readonly long[] inputShape;
    readonly RunOptions runOptions = new();

    /// <summary>Opens the model.</summary>
    public OrtRunner(string onnxPath)
    {
        try
        {
            var so = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            session = new InferenceSession(onnxPath, so);
        }
        catch (OnnxRuntimeException e) { throw new QuantizeException($"{onnxPath}: ONNX Runtime cannot load the model: {e.Message.Split('\n')[0]}", e); }
        if (session.InputNames.Count != 1) throw new QuantizeException($"{onnxPath}: ONNX Runtime sees {session.InputNames.Count} inputs; exactly one is supported");
        inputName = session.InputNames[0];
        inputShape = session.InputMetadata[inputName].Dimensions.Select(d => d < 0 ? 1L : d).ToArray();
        OutputNames = [.. session.OutputNames];
    }

    /// <summary>Output names in ONNX Runtime's order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Number of input elements per sample.</summary>
    public long InputSize => inputShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Runs one sample; returns each output flattened, in <see cref="OutputNames"/> order.</summary>
    public float[][] Run(float[] sample)
    {
        if (sample.Length != InputSize) throw new QuantizeException($"sample has {sample.Length} values, ONNX Runtime expects {InputSize} ([{string.Join(",", inputShape)}])");
        using var input = OrtValue.CreateTensorValueFromMemory(sample, inputShape);
        using var results = session.Run(runOptions, [inputName], [input], session.OutputNames);
        return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        runOptions.Dispose();
        session.Dispose();
    }
}
