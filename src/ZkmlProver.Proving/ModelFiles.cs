using ZkmlProver.Circuit;

namespace ZkmlProver.Proving;

/// <summary>The files of a compiled model folder (`zkml compile` then `zkml commit`) and their
/// loading with validation. Every error is a <see cref="ProvingException"/> or
/// <see cref="CircuitFormatException"/> naming the file.</summary>
public sealed record ModelFiles(string Directory)
{
    public string CircuitPath => Path.Combine(Directory, "circuit.json");
    public string WeightsPath => Path.Combine(Directory, "weights.bin");
    public string CommitmentPath => Path.Combine(Directory, "model.commitment");
    public string KeyPath => Path.Combine(Directory, "model.key");

    public static Circuit.Circuit LoadCircuit(string path)
    {
        if (!File.Exists(path)) throw new ProvingException($"{path}: file not found");
        return Circuit.Circuit.Load(path);
    }

    public static ModelCommitment LoadCommitment(string path, Circuit.Circuit circuit)
    {
        if (!File.Exists(path)) throw new ProvingException($"{path}: file not found");
        if (!ModelCommitment.TryDecode(File.ReadAllBytes(path), circuit, out var c, out var error))
            throw new ProvingException($"{path}: {error}");
        return c!;
    }
}
