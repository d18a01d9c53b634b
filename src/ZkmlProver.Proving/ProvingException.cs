namespace ZkmlProver.Proving;

/// <summary>A statement the prover cannot prove as asked: a layer it does not support, a value
/// outside its declared range, an input outside a lookup table. The message names the layer and
/// the remedy.</summary>
public sealed class ProvingException(string message) : Exception(message);
