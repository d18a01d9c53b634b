using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Field;
using ZkmlProver.Proving.Steps;

namespace ZkmlProver.Proving;

/// <summary>The prover's context: also holds the witness and the weights.</summary>
public sealed class ProverContext(InferencePlan plan, bool privateInput, ProverSession session, Witness witness, WeightSet weights)
    : ContextBase(plan, privateInput)
{
    private readonly Dictionary<string, Fr[]> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _longTables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _memo = new(StringComparer.Ordinal);

    /// <summary>Witness-derived values (max chains, softmax intermediates) computed once per proof:
    /// the bits tables, the witness commitments and the steps all read them.</summary>
    public T Memo<T>(string key, Func<T> compute) where T : class
    {
        if (!_memo.TryGetValue(key, out var v)) _memo[key] = v = compute();
        return (T)v;
    }

    public ProverSession Session { get; } = session;

    /// <summary>Commits a column of small integers (2^<paramref name="vars"/> entries), sends and absorbs it.</summary>
    public CommittedTensor CommitColumn(string label, long[] table, int vars)
    {
        var c = HyraxCommitment.Commit(table, new HyraxShape(vars), out var opening, Session.Rng);
        Send(c, label);
        return new CommittedTensor(label, c, opening, table);
    }

    /// <summary>Soundness tests only: commits a column of arbitrary field elements.</summary>
    internal CommittedTensor CommitColumn(string label, Fr[] table, int vars)
    {
        var c = HyraxCommitment.Commit(table, new HyraxShape(vars), out var opening, Session.Rng);
        Send(c, label);
        return new CommittedTensor(label, c, opening, table);
    }

    private void Send(HyraxCommitment c, string label)
    {
        c.Write(Session.Writer);
        c.AppendTo(Session.Transcript, label);
    }

    protected override EvalClaim? Reduce(string tensor, List<Steps.GatherClaim> claims) => Steps.GatherStep.Prove(this, tensor, claims);

    public override void ClaimWeightView(string weight, GatherMap map, EvalClaim claim) => Steps.GatherStep.ProveWeight(this, weight, map, claim);

    public Witness Witness { get; } = witness;
    /// <summary>The weights themselves (prover only).</summary>
    public WeightSet WeightValues { get; } = weights;

    /// <summary>Soundness tests only: padded tables (padding included) of a cheating prover.</summary>
    internal IReadOnlyDictionary<string, long[]>? PaddedOverrides { get; init; }

    /// <summary>The padded integer table of an input/activation (of its reshape source).</summary>
    public long[] LongTable(string tensor)
    {
        var source = Plan.Source(tensor);
        if (!_longTables.TryGetValue(source, out var t))
            _longTables[source] = t = PaddedOverrides?.GetValueOrDefault(source) ?? Plan.Layout(source).ToLongTable(Witness[source]);
        return t;
    }

    /// <summary>Soundness tests only: padded field tables (any field elements, not only integers)
    /// of a cheating prover, used wherever the prover reads the tensor as field elements.</summary>
    internal IReadOnlyDictionary<string, Fr[]>? FieldOverrides { get; init; }

    /// <summary>A fresh copy of the padded field table (sum-checks fold their tables in place).</summary>
    public Fr[] Table(string tensor)
    {
        var source = Plan.Source(tensor);
        if (FieldOverrides?.GetValueOrDefault(source) is { } f) return (Fr[])f.Clone();
        if (!_tables.TryGetValue(source, out var t))
        {
            var lt = LongTable(source);
            t = new Fr[lt.Length];
            for (int i = 0; i < lt.Length; i++) if (lt[i] != 0) t[i] = Fr.FromInt64(lt[i]);
            _tables[source] = t;
        }
        return (Fr[])t.Clone();
    }
}
