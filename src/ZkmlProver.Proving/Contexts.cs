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

    // What this proof commits for the plan's bits tensors, lookups and softmax outputs (the plan
    // itself stays immutable and shareable between proofs).
    private readonly Dictionary<BitsTensor, CommittedTensor> _bits = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<LookupPlan, LookupColumns> _lookups = new(ReferenceEqualityComparer.Instance);

    /// <summary>The commitment of a bits tensor of the plan (committed before the layer pass).</summary>
    public CommittedTensor Committed(BitsTensor bits)
        => _bits.TryGetValue(bits, out var c) ? c : throw new InvalidOperationException($"internal error: '{bits.Name}' is not committed yet");

    public void Commit(BitsTensor bits, CommittedTensor committed) => _bits.Add(bits, committed);

    /// <summary>The committed columns of a lookup argument of the plan.</summary>
    public LookupColumns Columns(LookupPlan lookup)
    {
        if (!_lookups.TryGetValue(lookup, out var c)) _lookups[lookup] = c = new LookupColumns();
        return c;
    }

    /// <summary>Witness columns the steps commit before the layer pass (lookup multiplicities and
    /// outputs), in commitment order: opened after the bits tensors.</summary>
    public List<CommittedTensor> WitnessColumns { get; } = [];

    /// <summary>The commitments of the softmax outputs that are not public outputs, by output tensor.</summary>
    public Dictionary<string, CommittedTensor> SoftmaxOutputs { get; } = new(StringComparer.Ordinal);

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

    /// <summary>Settles a claim on a linear view of a weight at once (<see cref="Steps.GatherStep"/>'s
    /// weight reduction, prover or verifier side).</summary>
    public abstract void ClaimWeightView(string weight, GatherMap map, EvalClaim claim);

    /// <summary>The committed tensor of a <see cref="RangeTie"/> (both sides).</summary>
    public CommittedTensor TieTarget(RangeTie tie)
        => tie.Tensor == Plan.Circuit.Input ? Input! : SoftmaxOutputs[tie.Tensor];

    public int PendingCount => _pending.Count;
}

/// <summary>The verifier's context: also holds the public input table.</summary>
public sealed class VerifierContext(InferencePlan plan, bool privateInput, VerifierSession session, long[]? publicInput)
    : ContextBase(plan, privateInput)
{
    private Fr[]? _inputTable;

    public VerifierSession Session { get; } = session;

    /// <summary>Reads a committed column of 2^<paramref name="vars"/> entries and absorbs it.</summary>
    public CommittedTensor ReceiveColumn(string label, int vars)
    {
        var shape = new HyraxShape(vars);
        var c = Session.Read<HyraxCommitment>($"commitment '{label}'", (r, out hc) => HyraxCommitment.TryRead(r, shape, out hc));
        c.AppendTo(Session.Transcript, label);
        return new CommittedTensor(label, c);
    }

    protected override EvalClaim? Reduce(string tensor, List<Steps.GatherClaim> claims) => Steps.GatherStep.Verify(this, tensor, claims);

    public override void ClaimWeightView(string weight, GatherMap map, EvalClaim claim) => Steps.GatherStep.VerifyWeight(this, weight, map, claim);

    public IReadOnlyDictionary<string, long[]> PublicOutputs { get; init; } = new Dictionary<string, long[]>();

    public long[] PublicOutput(string name) => PublicOutputs[name];

    public Fr[] PublicInputTable()
        => _inputTable ??= Plan.Layout(Plan.Circuit.Input).ToTable(publicInput ?? throw new InvalidOperationException("no public input"));
}

/// <summary>One proof's committed columns of a lookup argument: the multiplicities, and the output
/// column Y unless it is public.</summary>
public sealed class LookupColumns
{
    public CommittedTensor? Multiplicities { get; set; }
    public CommittedTensor? Y { get; set; }
}
