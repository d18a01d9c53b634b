using ZkmlProver.Circuit;

namespace ZkmlProver.Proving;

/// <summary>A committed bits tensor of the plan, with what the prover decomposes into it.</summary>
/// <param name="Layer">The layer that owns it (named in range errors).</param>
/// <param name="Remedy">What to change when a value does not fit.</param>
/// <param name="Owner">The layer whose value it decomposes (null: the private input's range bits).</param>
/// <param name="Part">Which of the owner's bits tensors ("" for its only one, "sign", "z", "d3", "s", …);
/// the prover computes the decomposed table from owner and part (BitsValues in ZkmlProver.Prover).</param>
public sealed record BitsSpec(string Layer, string Remedy, Layer? Owner, string Part);

/// <summary>A committed witness tensor tied to a bits tensor of the same layout: at a point drawn
/// after both are committed, the prover commits T̃(r) and opens it against T and against the bits'
/// recomposition, so T equals the recomposition on the whole hypercube (Schwartz–Zippel, error
/// ≤ ℓ/n): T is an integer in the bits' signed range and 0 on padding (docs/SOUNDNESS.md, Ties).</summary>
/// <param name="Tensor">The tied tensor: the circuit input (private input) or a softmax output.</param>
/// <param name="BitsKey">Key of its bits tensor in <see cref="InferencePlan.Bits"/>.</param>
public sealed record RangeTie(string Tensor, string BitsKey);

/// <summary>
/// What prover and verifier derive identically from the circuit and the batch size: the layout of
/// every activation, the bits tensors, and the checks that the prover supports every layer.
/// </summary>
/// <remarks>Fixed once built (only its geometry memo fills in, the same for every proof): what one
/// proof commits — bits, lookup columns, softmax outputs — lives in that proof's
/// <see cref="ContextBase"/>, so one plan serves any number of proofs, in parallel too.</remarks>
public sealed class InferencePlan
{
    private readonly Dictionary<string, Layer> _producer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _source = new(StringComparer.Ordinal);
    private readonly HashSet<string> _absorbed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dead = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _memo = new(StringComparer.Ordinal);

    /// <param name="privateInput">The input is committed instead of public: it then gets a bits
    /// tensor tied to its commitment (its range and zero padding are proven, not assumed).</param>
    public InferencePlan(Circuit.Circuit circuit, int batch, bool privateInput = false)
    {
        if (batch < 1) throw new ArgumentException($"batch size {batch} must be at least 1");
        Circuit = circuit;
        Batch = batch;
        PrivateInput = privateInput;
        WeightLayouts = Proving.WeightLayouts.For(circuit);
        foreach (var l in circuit.Layers)
        {
            _producer[l.Output] = l;
            foreach (var i in l.Inputs) _consumers[i] = _consumers.GetValueOrDefault(i) + 1;
            if (Proving.WeightLayouts.IsAbsorbed(circuit, l)) _absorbed.Add(l.Output);
        }
        // Dead layers (output read by no live layer and not a circuit output) cannot affect the
        // outputs: they are skipped (no claim ever reaches them).
        var live = new HashSet<string>(circuit.Outputs, StringComparer.Ordinal);
        for (int i = circuit.Layers.Length - 1; i >= 0; i--)
        {
            var l = circuit.Layers[i];
            if (live.Contains(l.Output)) foreach (var x in l.Inputs) live.Add(x);
            else _dead.Add(l.Output);
        }
        foreach (var t in circuit.Tensors) _source[t.Name] = Proving.WeightLayouts.ReshapeSource(circuit, t.Name);
        foreach (var l in circuit.Layers)
            if (l is LookupLayer lk && !_dead.Contains(lk.Output))
            {
                var clip = _producer.GetValueOrDefault(lk.Input) as ClipLayer;
                if (clip is not null && (_consumers.GetValueOrDefault(clip.Output) != 1 || circuit.Outputs.Contains(clip.Output))) clip = null;
                Lookups[lk.Output] = new LookupPlan(circuit, lk, clip);
                if (clip is not null) FusedClips.Add(clip.Output);
            }
        foreach (var l in circuit.Layers)
            if (l is SoftmaxLayer sm && !_dead.Contains(sm.Output))
            {
                Softmaxes.Add(sm);
                SoftmaxLookups[sm.Output] = Steps.SoftmaxStep.Lookup(circuit, sm);
            }
        Ranges = ProvenRanges.Compute(this);
        foreach (var l in circuit.Layers) if (!_dead.Contains(l.Output)) CheckSupported(l);
        if (privateInput)
        {
            var input = circuit.InputTensor;
            string key = $"{input.Name}#range";
            Bits[key] = new BitsTensor($"bits:{key}", Layout(input.Name), 0, input.Bits, 0);
            BitsSpecs[key] = new BitsSpec("input", $"the private input leaves its declared {input.Bits}-bit range", null, "range");
            Ties.Add(new RangeTie(input.Name, key));
        }
        foreach (var l in circuit.Layers) if (!_dead.Contains(l.Output)) Steps.ProofSteps.For(l)!.DeclareBits(this, l);
    }

    public bool PrivateInput { get; }
    /// <summary>Committed witness tensors tied to bits tensors (<see cref="RangeTie"/>), in order.</summary>
    public List<RangeTie> Ties { get; } = [];
    /// <summary>The value range of every live tensor that the proof establishes (not the declared one).</summary>
    public ProvenRanges Ranges { get; }

    public Circuit.Circuit Circuit { get; }
    public int Batch { get; }
    public IReadOnlyDictionary<string, TensorLayout> WeightLayouts { get; }
    /// <summary>Bits tensors by key (<see cref="BitsKey"/>), in layer order.</summary>
    public Dictionary<string, BitsTensor> Bits { get; } = new(StringComparer.Ordinal);
    /// <summary>What each bits tensor decomposes, by the same keys as <see cref="Bits"/>.</summary>
    public Dictionary<string, BitsSpec> BitsSpecs { get; } = new(StringComparer.Ordinal);
    /// <summary>Lookup arguments by the lookup layer's output tensor, in layer order.</summary>
    public Dictionary<string, LookupPlan> Lookups { get; } = new(StringComparer.Ordinal);
    /// <summary>Softmax layers (live), in layer order, and their exp lookups by output tensor.</summary>
    public List<SoftmaxLayer> Softmaxes { get; } = [];
    public Dictionary<string, LookupPlan> SoftmaxLookups { get; } = new(StringComparer.Ordinal);
    /// <summary>Every lookup argument: the Lookup layers', then the softmax exp lookups.</summary>
    public IEnumerable<LookupPlan> AllLookups => Lookups.Values.Concat(SoftmaxLookups.Values);
    /// <summary>Output tensors of the Clip layers fused into the Lookup that reads them (skipped in the layer pass).</summary>
    public HashSet<string> FusedClips { get; } = new(StringComparer.Ordinal);

    /// <summary>Layers with no step of their own: absorbed reshapes (aliases) and fused clips.</summary>
    public bool IsPassive(Layer l) => _absorbed.Contains(l.Output) || FusedClips.Contains(l.Output) || _dead.Contains(l.Output);

    /// <summary>Key of a layer's bits tensor: its output tensor's name (unique; layer names need not
    /// be), with "#part" for layers that own several (e.g. "y#sign", "y#lo", "y#d3").</summary>
    public static string BitsKey(Layer layer, string part = "") => part.Length == 0 ? layer.Output : $"{layer.Output}#{part}";

    public BitsTensor BitsOf(Layer layer, string part = "") => Bits[BitsKey(layer, part)];

    public Layer? Producer(string tensor) => _producer.GetValueOrDefault(tensor);

    /// <summary>Geometry derived from the circuit (gather maps, softmax layouts), built once per plan
    /// however many times the steps of both sides ask for it.</summary>
    public T Memo<T>(string key, Func<T> build) where T : class
    {
        if (!_memo.TryGetValue(key, out var v)) _memo[key] = v = build();
        return (T)v;
    }

    /// <summary>Follows absorbed Flatten/Reshape layers to the tensor whose table a reshape shares.</summary>
    public string Source(string tensor) => _source.TryGetValue(tensor, out var s) ? s : tensor;

    /// <summary>Layout [B, per-sample dims] of an input/activation tensor (its reshape source's).</summary>
    public TensorLayout Layout(string tensor)
    {
        var t = Circuit.Tensor(Source(tensor));
        return new TensorLayout([Batch, .. t.Shape]);
    }

    /// <summary>The sign bits of X for a ReLU-like layer: the bits of the Rescale that produced X
    /// when there is one (its Q is X), else the layer's own bits of X ("layer#sign").</summary>
    public (BitsTensor Bits, bool Own) SignBits(Layer layer, string x)
        => SignBitsNeeded(x) ? (BitsOf(layer, "sign"), true) : (BitsOf(Producer(x)!), false);

    /// <summary>While the plan is built: a bits tensor of <paramref name="owner"/> ("part" as in
    /// <see cref="BitsKey"/>) decomposing a value of <paramref name="layout"/> into
    /// [<paramref name="lowBits"/> fractional, <paramref name="highBits"/> signed] bits after adding
    /// <paramref name="offset"/>; <paramref name="remedy"/> is what to change when a value does not fit.</summary>
    internal void DeclareBits(Layer owner, string part, int lowBits, int highBits, long offset, TensorLayout layout, string remedy)
    {
        string key = BitsKey(owner, part);
        Bits.Add(key, new BitsTensor($"bits:{key}", layout, lowBits, highBits, offset));
        BitsSpecs.Add(key, new BitsSpec(owner.Name, remedy, owner, part));
    }

    /// <summary>While the plan is built: the sign bits of X for a ReLU-like layer, unless X is a
    /// Rescale's output (whose bits already hold its sign; see <see cref="SignBits"/>).</summary>
    internal void DeclareSignBits(Layer owner, string x)
    {
        if (SignBitsNeeded(x))
            DeclareBits(owner, "sign", 0, Circuit.Tensor(x).Bits, 0, Layout(x), $"widen the range (Bits) of '{x}'");
    }

    /// <summary>While the plan is built: a committed tensor tied to a bits tensor (<see cref="RangeTie"/>).</summary>
    internal void DeclareTie(RangeTie tie) => Ties.Add(tie);

    /// <summary>False for a dead layer (its output reaches no circuit output; no claim reaches it).</summary>
    public bool IsLive(Layer l) => !_dead.Contains(l.Output);

    /// <summary>False when X is a Rescale's output: that Rescale's bits already hold X's sign.</summary>
    private bool SignBitsNeeded(string x) => Producer(x) is not RescaleLayer;

    private void CheckSupported(Layer l)
    {
        if (l.Inputs.Append(l.Output).FirstOrDefault(t => Circuit.Tensor(t).Size == 0) is { } empty)
            throw new ProvingException($"layer '{l.Name}' ({l.Op}): tensor '{empty}' has no elements; the prover needs non-empty tensors");
        string? why = Steps.ProofSteps.For(l) is { } step ? step.Unsupported(this, l) : $"the {l.Op} layer";
        if (why is not null)
            throw new ProvingException($"layer '{l.Name}' ({l.Op}): the prover does not support {why} yet");
    }

    /// <summary>Why the operands of an elementwise layer cannot be broadcast to its output (null: they can).</summary>
    internal string? Broadcasts(Layer l)
    {
        try
        {
            if (l is ChannelAffineLayer ca)
            {
                OperandView.PerChannel(this, ca.Weight, ca.Output);
                OperandView.PerChannel(this, ca.Bias, ca.Output);
            }
            else foreach (var i in l.Inputs) OperandView.Broadcast(this, i, l.Output);
            return null;
        }
        catch (ProvingException e) { return $"this broadcast ({e.Message})"; }
    }
}
