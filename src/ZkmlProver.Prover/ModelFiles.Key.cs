using ZkmlProver.Circuit;

namespace ZkmlProver.Proving;

/// <summary>Loading the model owner's key (model.key) of a model folder: prover side only, so the
/// verifier's assembly has no type that holds secrets.</summary>
public static class ModelFilesKey
{
    extension(ModelFiles)
    {
        public static ModelKey LoadKey(string path, Circuit.Circuit circuit)
        {
            if (!File.Exists(path)) throw new ProvingException($"{path}: file not found");
            if (!ModelKey.TryDecode(File.ReadAllBytes(path), circuit, out var k, out var error))
                throw new ProvingException($"{path}: {error}");
            return k!;
        }
    }
}
