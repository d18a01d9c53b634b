using System.Reflection;
using ZkmlProver.Circuit;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// One layer kind's proof step as the plan and the verifier see it: whether the prover supports a
/// layer, the range its output is proven to have, the bits tensors it commits, the witness columns it
/// commits before the layer pass, and the verifier's half of its layer protocol. The prover's half
/// is a <c>StepProver</c> for the same layer type (ZkmlProver.Prover).
/// </summary>
/// <remarks>
/// Found by reflection (<see cref="ProofSteps"/>): an op is one subclass here, next to its protocol
/// (Steps/X.cs), and one prover subclass (Steps/X.Prove.cs) — no switch in the plan, the prover or
/// the verifier to edit. The top-level loops call every step the same way, in the same order on
/// both sides, so the transcripts agree.
/// </remarks>
public abstract class ProofStep
{
    /// <summary>Phases of witness columns committed after the bits tensors, before the layer pass:
    /// 0 the lookup arguments' columns, 1 the softmax columns (the order of the proof format).</summary>
    public const int ColumnPhases = 2;

    /// <summary>The concrete layer types this step proves.</summary>
    public abstract IReadOnlyList<Type> LayerTypes { get; }

    /// <summary>Why the prover cannot prove this layer (a phrase for "does not support …"), or null.</summary>
    public virtual string? Unsupported(InferencePlan plan, Layer layer) => null;

    /// <summary>The range of the layer's output that an accepted proof establishes, given the
    /// proven ranges of its inputs (docs/SOUNDNESS.md, Proven ranges).</summary>
    public abstract IntRange ProvenRange(InferencePlan plan, Layer layer, Func<string, IntRange> proven);

    /// <summary>Declares the bits tensors the step commits (<see cref="InferencePlan.DeclareBits"/>).</summary>
    public virtual void DeclareBits(InferencePlan plan, Layer layer) { }

    /// <summary>Verifier: receives the witness columns the step commits in <paramref name="phase"/>.</summary>
    public virtual void ReceiveColumns(VerifierContext ctx, Layer layer, int phase) { }

    /// <summary>Verifier: the claim on the layer's output becomes claims on its inputs.</summary>
    public abstract void Verify(VerifierContext ctx, Layer layer, EvalClaim claim);
}

/// <summary>A <see cref="ProofStep"/> for one layer type, with typed hooks.</summary>
public abstract class ProofStep<TLayer> : ProofStep where TLayer : Layer
{
    public override IReadOnlyList<Type> LayerTypes => [typeof(TLayer)];

    public sealed override string? Unsupported(InferencePlan plan, Layer layer) => Unsupported(plan, (TLayer)layer);
    public sealed override IntRange ProvenRange(InferencePlan plan, Layer layer, Func<string, IntRange> proven) => ProvenRange(plan, (TLayer)layer, proven);
    public sealed override void DeclareBits(InferencePlan plan, Layer layer) => DeclareBits(plan, (TLayer)layer);
    public sealed override void ReceiveColumns(VerifierContext ctx, Layer layer, int phase) => ReceiveColumns(ctx, (TLayer)layer, phase);
    public sealed override void Verify(VerifierContext ctx, Layer layer, EvalClaim claim) => Verify(ctx, (TLayer)layer, claim);

    protected virtual string? Unsupported(InferencePlan plan, TLayer layer) => null;
    protected abstract IntRange ProvenRange(InferencePlan plan, TLayer layer, Func<string, IntRange> proven);
    protected virtual void DeclareBits(InferencePlan plan, TLayer layer) { }
    protected virtual void ReceiveColumns(VerifierContext ctx, TLayer layer, int phase) { }
    protected abstract void Verify(VerifierContext ctx, TLayer layer, EvalClaim claim);
}

/// <summary>The proof step of every layer type, found once by reflection over this assembly.</summary>
public static class ProofSteps
{
    private static readonly Dictionary<Type, ProofStep> ByLayer = Discover();

    /// <summary>The step proving <paramref name="layer"/>, or null when no step proves its type.</summary>
    public static ProofStep? For(Layer layer) => ByLayer.GetValueOrDefault(layer.GetType());

    /// <summary>Every layer type some step proves.</summary>
    public static IEnumerable<Type> LayerTypes => ByLayer.Keys;

    private static Dictionary<Type, ProofStep> Discover()
    {
        var map = new Dictionary<Type, ProofStep>();
        foreach (var t in typeof(ProofStep).Assembly.GetTypes())
        {
            if (t.IsAbstract || !t.IsSubclassOf(typeof(ProofStep))) continue;
            var step = (ProofStep)Activator.CreateInstance(t, nonPublic: true)!;
            foreach (var layerType in step.LayerTypes)
                if (!map.TryAdd(layerType, step))
                    throw new InvalidOperationException($"internal error: two proof steps for {layerType.Name} ({map[layerType].GetType().Name}, {t.Name})");
        }
        return map;
    }
}
