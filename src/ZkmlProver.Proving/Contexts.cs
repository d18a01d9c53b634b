using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Circuit;
using ZkmlProver.Field;

namespace ZkmlProver.Proving;

/// <summary>State shared by the steps on one side of the protocol: the plan, the pending claims on
/// each implied tensor (claims flow backwards; a tensor read by several layers, or through linear
/// views such as transposes and window slots, collects several, reduced to one by
/// <see cref="Steps.GatherStep"/> when its producer is reached), and the committed tensors whose
/// claims are opened at the end.</summary>
public abstract class ContextBase(InferencePlan plan, bool privateInput)
{
    private readonly Dictionary<string, List<Steps.GatherClaim>> _pending = new(StringComparer.Ordinal);

    public InferencePlan Plan { get; } = plan;
    public bool PrivateInput { get; } = privateInput;
    /// <summary>The committed weight tensors (model commitment), by name.</summary>
    public Dictionary<string, CommittedTensor> WeightCommitments { get; } = new(StringComparer.Ordinal);
    public CommittedTensor? Input { get; set; }
    /// <summary>Tensors committed during the layer pass (lookup helper columns), in order.</summary>
    public List<CommittedTensor> Extra { get; } = [];

    public CommittedTensor Weight(string name) => WeightCommitments[name];

    public bool IsPublicInput(string tensor) => !PrivateInput && Plan.Source(tensor) == Plan.Circuit.Input;

    /// <summary>Records a claim on an implied tensor (through absorbed reshapes, on their source).</summary>
    public void Claim(string tensor, EvalClaim claim) => ClaimView(tensor, null, claim);

    /// <summary>Records a claim on the linear view <paramref name="map"/>·X of tensor X (null: X itself).</summary>
    public void ClaimView(string tensor, GatherMap? map, EvalClaim claim)
    {
        var source = Plan.Source(tensor);
        if (source == Plan.Circuit.Input && PrivateInput && map is null)
        {
            Input!.AddPointClaim(claim);
            return;
        }
        if (!_pending.TryGetValue(source, out var list)) _pending[source] = list = [];
        list.Add(new Steps.GatherClaim(map, claim));
    }

    /// <summary>Takes the claim on a layer's output (all claims on it reduced to one); every layer's
    /// output must be claimed by then.</summary>
    public EvalClaim TakeClaim(Layer layer)
    {
        var source = Plan.Source(layer.Output);
        if (!_pending.Remove(source, out var claims))
            throw new ProvingException($"layer '{layer.Name}': its output '{layer.Output}' is not used by any later layer or output");
        return Reduce(source, claims) ?? throw new InvalidOperationException($"internal error: claims on '{source}' settled without a claim");
    }

    /// <summary>After the layer pass: settles the claims left on the circuit input (public: checked
    /// against the public values; private: passed to its commitment).</summary>
    public void SettleInput()
    {
        var input = Plan.Circuit.Input;
        if (!_pending.Remove(input, out var claims)) return;
        var claim = Reduce(input, claims);
        if (claim is not null) Input!.AddPointClaim(claim);
    }

    /// <summary>Reduces the claims on one tensor to one claim (<see cref="Steps.GatherStep"/>).</summary>
    protected abstract EvalClaim? Reduce(string tensor, List<Steps.GatherClaim> claims);

    public int PendingCount => _pending.Count;
}

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

    protected override EvalClaim? Reduce(string tensor, List<Steps.GatherClaim> claims) => Steps.GatherStep.Prove(this, tensor, claims);

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

/// <summary>The verifier's context: also holds the public input table.</summary>
public sealed class VerifierContext(InferencePlan plan, bool privateInput, VerifierSession session, long[]? publicInput)
    : ContextBase(plan, privateInput)
{
    private Fr[]? _inputTable;

    public VerifierSession Session { get; } = session;

    protected override EvalClaim? Reduce(string tensor, List<Steps.GatherClaim> claims) => Steps.GatherStep.Verify(this, tensor, claims);

    public IReadOnlyDictionary<string, long[]> PublicOutputs { get; init; } = new Dictionary<string, long[]>();

    public long[] PublicOutput(string name) => PublicOutputs[name];

    public Fr[] PublicInputTable()
        => _inputTable ??= Plan.Layout(Plan.Circuit.Input).ToTable(publicInput ?? throw new InvalidOperationException("no public input"));
}
