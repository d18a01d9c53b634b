using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Circuit;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Proving.Steps;

namespace ZkmlProver.Proving;

/// <summary>
/// Proves that the committed model, run on a batch of inputs, produced the outputs (docs/PROVING.md).
/// One proof covers the whole batch.
/// </summary>
public static class InferenceProver
{
    public const string TranscriptName = InferenceProof.TranscriptName;

    /// <param name="input">B × input size values, batch-major, at the input's scale.</param>
    /// <param name="rng">null for real proofs (CSPRNG); a seeded source for reproducible tests.</param>
    /// <exception cref="CircuitRangeException">A value leaves its declared range (names layer and remedy).</exception>
    /// <exception cref="ProvingException">The circuit uses a layer the prover does not support, or a value leaves its range.</exception>
    public static InferenceProof Prove(Circuit.Circuit circuit, WeightSet weights, ModelCommitment commitment, ModelKey key,
        long[] input, int batch, bool privateInput = false, Random? rng = null, Action<string>? progress = null)
    {
        key.CheckBelongsTo(commitment, weights, circuit.Digest is null ? circuit.WithDigest() : circuit);
        return Prove(circuit, weights, commitment, key, input, batch, privateInput, rng, progress, tamperBits: null, tamperWitness: null);
    }

    /// <summary><see cref="Prove(Circuit.Circuit, WeightSet, ModelCommitment, ModelKey, long[], int, bool, Random?, Action{string}?)"/>,
    /// then the verifier on the result: the prover never hands out a proof its own verifier rejects
    /// (a prover bug, or a commitment that is not well formed, becomes an error naming the reason
    /// instead of a file an auditor would reject). Costs one verification (≈ 10 % of proving).</summary>
    public static InferenceProof ProveVerified(Circuit.Circuit circuit, WeightSet weights, ModelCommitment commitment, ModelKey key,
        long[] input, int batch, bool privateInput = false, Random? rng = null, Action<string>? progress = null)
    {
        if (circuit.Digest is null) circuit = circuit.WithDigest();
        var proof = Prove(circuit, weights, commitment, key, input, batch, privateInput, rng, progress);
        progress?.Invoke("self-check: verifying the proof");
        var result = InferenceVerifier.Verify(circuit, commitment, proof.ToBytes());
        if (!result.Accepted)
            throw new ProvingException($"the proof does not pass verification ({result.Verdict.Reason}); it was not written");
        return proof;
    }

    /// <summary>The prover without the key/weights/commitment consistency check and with hooks that
    /// let soundness tests play a cheating prover (other weights than committed; any bits table
    /// rewritten after it is computed and before it is committed; any witness tensor rewritten after
    /// evaluation). With a hook the prover also skips its self-checks, so false claims reach the
    /// verifier. Never used by the product.</summary>
    /// <param name="cheatingWitness">Soundness tests: the witness to prove instead of the evaluated one
    /// (e.g. from <see cref="ReferenceEvaluator.Evaluate(Circuit.Circuit, WeightSet, long[], int, bool, Action{string, long[]}?)"/>
    /// without range checks, with chosen values recomputed downstream).</param>
    /// <param name="paddedTables">Soundness tests: padded tables (padding included) that replace
    /// those of the named tensors everywhere the prover reads or commits them.</param>
    internal static InferenceProof Prove(Circuit.Circuit circuit, WeightSet weights, ModelCommitment commitment, ModelKey key,
        long[] input, int batch, bool privateInput, Random? rng, Action<string>? progress, Action<string, long[]>? tamperBits,
        Action<Witness>? tamperWitness = null, Witness? cheatingWitness = null, IReadOnlyDictionary<string, long[]>? paddedTables = null,
        IReadOnlyDictionary<string, Fr[]>? fieldTables = null, Action<ProverContext>? prepare = null)
    {
        if (circuit.Digest is null) circuit = circuit.WithDigest();
        if (commitment.CircuitDigest != circuit.Digest || key.CircuitDigest != circuit.Digest)
            throw new ProvingException("the model commitment or model.key belongs to a different circuit");
        var plan = new InferencePlan(circuit, batch, privateInput);
        progress?.Invoke("evaluating the circuit");
        var witness = cheatingWitness ?? ReferenceEvaluator.Evaluate(circuit, weights, input, batch);
        tamperWitness?.Invoke(witness);
        var statement = new InferenceProof
        {
            CircuitDigest = circuit.Digest!, CommitmentDigest = commitment.Digest, Batch = batch, PrivateInput = privateInput,
            PublicInput = privateInput ? null : input,
            Outputs = circuit.Outputs.Select(o => (o, witness[o])).ToList(), Body = [],
        };
        var transcript = new ZkmlProver.Transcript.Transcript(TranscriptName);
        statement.BindStatement(transcript);
        var s = new ProverSession(transcript, rng)
        {
            Cheating = tamperBits is not null || tamperWitness is not null || cheatingWitness is not null || paddedTables is not null
                || fieldTables is not null || prepare is not null,
        };
        var ctx = new ProverContext(plan, privateInput, s, witness, weights) { PaddedOverrides = paddedTables, FieldOverrides = fieldTables };
        prepare?.Invoke(ctx);

        foreach (var (name, layout) in plan.WeightLayouts)
            ctx.WeightCommitments[name] = new CommittedTensor(name, commitment.Tensors[name], key.Openings[name], layout.ToLongTable(weights[name]));

        if (privateInput)
            ctx.Input = ctx.CommitColumn("input", ctx.LongTable(circuit.Input), plan.Layout(circuit.Input).NumVars);

        progress?.Invoke("committing the witness");
        var bitsTables = new Dictionary<BitsTensor, long[]>();
        foreach (var (bitsKey, bits) in plan.Bits)
        {
            var spec = plan.BitsSpecs[bitsKey];
            // What the bits decompose: the private input, or what the owner layer's step says.
            var values = spec.Owner is null ? ctx.LongTable(circuit.Input) : StepProvers.For(spec.Owner)!.BitsValues(ctx, spec.Owner, spec.Part);
            var table = bits.BuildTable(values, bits.Layout.ValidMask(), spec.Layer, spec.Remedy, cheating: s.Cheating);
            tamperBits?.Invoke(bitsKey, table);
            ctx.Commit(bits, ctx.CommitColumn(bits.Name, table, bits.NumVars));
            bitsTables[bits] = table;
        }

        for (int phase = 0; phase < ProofStep.ColumnPhases; phase++)
            foreach (var layer in circuit.Layers)
                if (plan.IsLive(layer)) StepProvers.For(layer)!.CommitColumns(ctx, layer, phase);

        foreach (var tie in plan.Ties)
        {
            var bits = plan.Bits[tie.BitsKey];
            var r = s.Challenges($"tie/{tie.BitsKey}", bits.Layout.NumVars);
            var target = ctx.TieTarget(tie);
            var values = target.Values;
            var c = s.CommitValue($"tie/{tie.BitsKey}", r, values.IsSmall ? Mle.Evaluate(values.Small.Span, r) : Mle.Evaluate(values.Field.Span, r));
            target.AddPointClaim(c);
            ctx.Committed(bits).AddWeightedClaim(bits.XPoint(r), bits.FullWeights(), c);
        }

        foreach (var (name, values) in statement.Outputs)
        {
            var layout = plan.Layout(name);
            var r = s.Challenges($"output/{name}", layout.NumVars);
            ctx.Claim(name, EvalClaim.Public(r, Mle.Evaluate(layout.ToTable(values), r)));
        }

        progress?.Invoke("proving the layers");
        for (int i = circuit.Layers.Length - 1; i >= 0; i--)
        {
            var layer = circuit.Layers[i];
            if (plan.IsPassive(layer)) continue;
            var claim = ctx.TakeClaim(layer);
            var prover = StepProvers.For(layer) ?? throw new ProvingException($"layer '{layer.Name}' ({layer.Op}) is not supported by the prover");
            prover.Prove(ctx, layer, claim);
        }
        ctx.SettleInput();
        if (ctx.PendingCount != 0) throw new InvalidOperationException("internal error: claims left after the last layer");

        progress?.Invoke("range checks");
        foreach (var bits in plan.Bits.Values) bits.ProveBooleanity(s, bitsTables[bits], ctx.Committed(bits));

        progress?.Invoke("opening commitments");
        foreach (var name in plan.WeightLayouts.Keys.Order(StringComparer.Ordinal)) ctx.WeightCommitments[name].ProveOpenings(s);
        foreach (var bits in plan.Bits.Values) ctx.Committed(bits).ProveOpenings(s);
        foreach (var column in ctx.WitnessColumns) column.ProveOpenings(s);
        foreach (var extra in ctx.Extra) extra.ProveOpenings(s);
        foreach (var output in ctx.SoftmaxOutputs.Values) output.ProveOpenings(s);
        ctx.Input?.ProveOpenings(s);

        return new InferenceProof
        {
            CircuitDigest = statement.CircuitDigest, CommitmentDigest = statement.CommitmentDigest, Batch = batch,
            PrivateInput = privateInput, PublicInput = statement.PublicInput, Outputs = statement.Outputs, Body = s.Writer.ToArray(),
        };
    }
}
