using System.Reflection;

namespace ZkmlProver.Proving.Tests;

/// <summary>
/// The plan is what prover and verifier derive from the circuit: fixed once built, so one plan can
/// serve many proofs. What a proof commits (bits, lookup columns, softmax outputs) lives in that
/// proof's context, never on plan objects that both sides would mutate.
/// </summary>
public class PlanImmutabilityTests
{
    [Theory]
    [InlineData(typeof(InferencePlan))]
    [InlineData(typeof(LookupPlan))]
    [InlineData(typeof(BitsTensor))]
    [InlineData(typeof(TensorLayout))]
    [InlineData(typeof(GatherMap))]
    public void Plan_types_have_no_settable_state(Type type)
    {
        var setters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && !p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit"))
            .Select(p => p.Name);
        Assert.Empty(setters);
        var fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance).Where(f => !f.IsInitOnly).Select(f => f.Name);
        Assert.Empty(fields);
    }
}

/// <summary>One place per op: every concrete circuit layer type has exactly one proof step (plan and
/// verifier) and one step prover, found by reflection — the top-level loops switch on nothing.</summary>
public class StepRegistryTests
{
    private static IEnumerable<Type> LayerTypes() => typeof(Circuit.Layer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(Circuit.Layer)));

    [Fact]
    public void Every_layer_type_has_a_proof_step_and_a_step_prover()
    {
        var layers = LayerTypes().ToHashSet();
        Assert.NotEmpty(layers);
        Assert.Equal(layers.OrderBy(t => t.Name), Steps.ProofSteps.LayerTypes.OrderBy(t => t.Name));
        Assert.Equal(layers.OrderBy(t => t.Name), Steps.StepProvers.LayerTypes.OrderBy(t => t.Name));
    }
}
