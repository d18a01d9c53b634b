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
