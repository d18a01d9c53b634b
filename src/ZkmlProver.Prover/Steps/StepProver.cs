using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// The prover's half of one layer kind's proof step (<see cref="ProofStep"/> is the plan's and the
/// verifier's): the witness columns it commits before the layer pass, the values it decomposes into
/// the bits tensors its <see cref="ProofStep"/> declares, and its layer protocol.
/// </summary>
/// <remarks>Found by reflection (<see cref="StepProvers"/>), like the proof steps: a new op adds one
/// subclass in its Steps/X.Prove.cs and edits no switch.</remarks>
public abstract class StepProver
{
    /// <summary>The concrete layer types this prover proves (those of its <see cref="ProofStep"/>).</summary>
    public abstract IReadOnlyList<Type> LayerTypes { get; }

    /// <summary>Commits the witness columns of <paramref name="phase"/> (mirrors <see cref="ProofStep.ReceiveColumns"/>).</summary>
    public virtual void CommitColumns(ProverContext ctx, Layer layer, int phase) { }

    /// <summary>The padded table decomposed into the layer's bits tensor <paramref name="part"/>
    /// (mirrors <see cref="ProofStep.DeclareBits"/>).</summary>
    public virtual long[] BitsValues(ProverContext ctx, Layer layer, string part)
        => throw new InvalidOperationException($"internal error: layer '{layer.Name}' ({layer.Op}) declares no bits '{part}'");

    /// <summary>The claim on the layer's output becomes claims on its inputs (mirrors <see cref="ProofStep.Verify"/>).</summary>
    public abstract void Prove(ProverContext ctx, Layer layer, EvalClaim claim);
}

/// <summary>A <see cref="StepProver"/> for one layer type, with typed hooks.</summary>
public abstract class StepProver<TLayer> : StepProver where TLayer : Layer
{
    public override IReadOnlyList<Type> LayerTypes => [typeof(TLayer)];

    public sealed override void CommitColumns(ProverContext ctx, Layer layer, int phase) => CommitColumns(ctx, (TLayer)layer, phase);
    public sealed override long[] BitsValues(ProverContext ctx, Layer layer, string part) => BitsValues(ctx, (TLayer)layer, part);
    public sealed override void Prove(ProverContext ctx, Layer layer, EvalClaim claim) => Prove(ctx, (TLayer)layer, claim);

    protected virtual void CommitColumns(ProverContext ctx, TLayer layer, int phase) { }
    protected virtual long[] BitsValues(ProverContext ctx, TLayer layer, string part)
        => throw new InvalidOperationException($"internal error: layer '{layer.Name}' ({layer.Op}) declares no bits '{part}'");
    protected abstract void Prove(ProverContext ctx, TLayer layer, EvalClaim claim);
}

/// <summary>The step prover of every layer type, found once by reflection over this assembly.</summary>
public static class StepProvers
{
    private static readonly Dictionary<Type, StepProver> ByLayer = Discover();

    /// <summary>The prover of <paramref name="layer"/>'s step, or null when none proves its type.</summary>
    public static StepProver? For(Layer layer) => ByLayer.GetValueOrDefault(layer.GetType());

    /// <summary>Every layer type some step prover proves.</summary>
    public static IEnumerable<Type> LayerTypes => ByLayer.Keys;

    private static Dictionary<Type, StepProver> Discover()
    {
        var map = new Dictionary<Type, StepProver>();
        foreach (var t in typeof(StepProver).Assembly.GetTypes())
        {
            if (t.IsAbstract || !t.IsSubclassOf(typeof(StepProver))) continue;
            var prover = (StepProver)Activator.CreateInstance(t, nonPublic: true)!;
            foreach (var layerType in prover.LayerTypes)
                if (!map.TryAdd(layerType, prover))
                    throw new InvalidOperationException($"internal error: two step provers for {layerType.Name} ({map[layerType].GetType().Name}, {t.Name})");
        }
        return map;
    }
}
