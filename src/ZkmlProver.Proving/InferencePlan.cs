using ZkmlProver.Circuit;

namespace ZkmlProver.Proving;

/// <summary>
/// What prover and verifier derive identically from the circuit and the batch size: the layout of
/// every activation, the bits tensors, and the checks that the prover supports every layer.
/// </summary>
public sealed class InferencePlan
{
    private readonly Dictionary<string, Layer> _producer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consumers = new(StringComparer.Ordinal);

    public InferencePlan(Circuit.Circuit circuit, int batch)
    {
        if (batch < 1) throw new ArgumentException($"batch size {batch} must be at least 1");
        Circuit = circuit;
        Batch = batch;
        WeightLayouts = Proving.WeightLayouts.For(circuit);
        foreach (var l in circuit.Layers)
        {
            _producer[l.Output] = l;
            foreach (var i in l.Inputs) _consumers[i] = _consumers.GetValueOrDefault(i) + 1;
        }
        foreach (var l in circuit.Layers)
            if (l is LookupLayer lk)
            {
                var clip = _producer.GetValueOrDefault(lk.Input) as ClipLayer;
                if (clip is not null && _consumers.GetValueOrDefault(clip.Output) != 1) clip = null;
                Lookups[lk.Name] = new LookupPlan(circuit, lk, clip);
                if (clip is not null) FusedClips.Add(clip.Name);
            }
        foreach (var l in circuit.Layers) CheckSupported(l);
        foreach (var l in circuit.Layers)
        {
            if (l is RescaleLayer r)
                Bits[r.Name] = new BitsTensor($"bits:{r.Name}", Layout(r.Input), r.Shift, circuit.Tensor(r.Output).Bits, 1L << (r.Shift - 1));
            if (l is MaxPool2dLayer mp)
                for (int k = 1; k < mp.Kernel[0] * mp.Kernel[1]; k++)
                {
                    var key = Steps.MaxPoolStep.BitsKey(mp, k);
                    Bits[key] = new BitsTensor($"bits:{key}", Layout(mp.Output), 0, circuit.Tensor(mp.Input).Bits + 1, 0);
                    MaxPoolDiffs[key] = (mp, k);
                }
        }
    }

    public Circuit.Circuit Circuit { get; }
    public int Batch { get; }
    public IReadOnlyDictionary<string, TensorLayout> WeightLayouts { get; }
    /// <summary>Bits tensors by the name of the Rescale layer that owns them, in layer order.</summary>
    public Dictionary<string, BitsTensor> Bits { get; } = new(StringComparer.Ordinal);
    /// <summary>Bits tensors of MaxPool chain differences d_k, by bits key.</summary>
    public Dictionary<string, (MaxPool2dLayer Layer, int K)> MaxPoolDiffs { get; } = new(StringComparer.Ordinal);
    /// <summary>Lookup arguments by layer name, in layer order.</summary>
    public Dictionary<string, LookupPlan> Lookups { get; } = new(StringComparer.Ordinal);
    /// <summary>Clip layers fused into the Lookup that reads them (skipped in the layer pass).</summary>
    public HashSet<string> FusedClips { get; } = new(StringComparer.Ordinal);

    /// <summary>Layers with no step of their own: reshapes (aliases) and fused clips.</summary>
    public bool IsPassive(Layer l) => l is FlattenLayer or ReshapeLayer || FusedClips.Contains(l.Name);

    public Layer? Producer(string tensor) => _producer.GetValueOrDefault(tensor);

    /// <summary>Follows Flatten/Reshape to the tensor whose table a reshape shares.</summary>
    public string Source(string tensor) => Proving.WeightLayouts.ReshapeSource(Circuit, tensor);

    /// <summary>Layout [B, per-sample dims] of an input/activation tensor (its reshape source's).</summary>
    public TensorLayout Layout(string tensor)
    {
        var t = Circuit.Tensor(Source(tensor));
        return new TensorLayout([Batch, .. t.Shape]);
    }

    private void CheckSupported(Layer l)
    {
        string? why = l switch
        {
            DenseLayer d => Circuit.Tensor(d.Input).Shape.Length == 1 ? null : "inputs with leading per-sample dimensions",
            RescaleLayer => null,
            ReluLayer r => _producer.GetValueOrDefault(r.Input) is RescaleLayer ? null : "a Relu whose input is not a Rescale output",
            FlattenLayer or ReshapeLayer => OnlyIntoDense(l.Output) ? null : "a reshape that feeds anything but a Dense layer",
            LookupLayer => null,
            Conv2dLayer => null,
            MaxPool2dLayer mp => Steps.MaxPoolStep.WindowsInside(Circuit, mp) ? null : "max pooling with windows that reach into padding",
            ClipLayer c => FusedClips.Contains(c.Name) ? null : "a Clip that does not feed a Lookup",
            _ => $"the {l.Op} layer",
        };
        if (why is not null)
            throw new ProvingException($"layer '{l.Name}' ({l.Op}): the prover does not support {why} yet");
    }

    private bool OnlyIntoDense(string tensor)
        => Circuit.Layers.Where(x => x.Inputs.Contains(tensor)).All(x => x is DenseLayer || (x is FlattenLayer or ReshapeLayer && OnlyIntoDense(x.Output)));
}
