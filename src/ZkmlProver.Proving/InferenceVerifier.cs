using ZkmlProver.Commitments;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Circuit;
using ZkmlProver.Polynomials;
using ZkmlProver.Proving.Steps;
using ZkmlProver.Transcript;

namespace ZkmlProver.Proving;

/// <summary>The verifier's answer: the verdict and, when accepted, the proven statement.</summary>
public sealed record VerificationResult(Verdict Verdict, InferenceProof? Proof)
{
    public bool Accepted => Verdict.Accepted;
}

/// <summary>
/// Verifies a proof of inference with the circuit and the model commitment only — this project
/// cannot reach a weights file or the quantizer (project references). Never throws on proof bytes.
/// </summary>
public static class InferenceVerifier
{
    public static VerificationResult Verify(Circuit.Circuit circuit, ModelCommitment commitment, byte[] proofBytes)
    {
        InferenceProof? proof = null;
        try
        {
            if (circuit.Digest is null) return Reject("the circuit has no digest");
            if (commitment.CircuitDigest != circuit.Digest) return Reject($"the model commitment is for circuit {commitment.CircuitDigest}, not {circuit.Digest}");
            // A commitment is only as good as its well-formedness proof (weights in range, padding 0):
            // every step below relies on it (docs/SOUNDNESS.md). Checked once per commitment.
            var wellFormed = commitment.VerifyWellFormed(circuit);
            if (!wellFormed.Accepted) return Reject(wellFormed.Reason!);
            if (!InferenceProof.TryDecode(proofBytes, circuit, out proof, out var error)) return Reject(error!);
            if (!proof!.CommitmentDigest.AsSpan().SequenceEqual(commitment.Digest))
                return Reject("the proof is bound to a different model commitment");
            // Batch verification: every group equation of the proof goes into one accumulator (random
            // verifier-local weights) checked with one MSM. If that fails, verify again equation by
            // equation (no accumulator) to report which check fails.
            var acc = new MsmAccumulator();
            Run(circuit, commitment, proof, acc);
            if (acc.Check()) return new VerificationResult(Verdict.Accept, proof);
            Run(circuit, commitment, proof, null);
            return Reject("batched group check failed");
        }
        catch (ProofRejectedException e) { return Reject(e.Message); }
        catch (ProvingException e) { return Reject(e.Message); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            return Reject($"malformed proof: {e.Message}");
        }

        VerificationResult Reject(string reason) => new(Verdict.Reject(reason), null);
    }

    private static void Run(Circuit.Circuit circuit, ModelCommitment commitment, InferenceProof proof, MsmAccumulator? acc)
    {
        var plan = new InferencePlan(circuit, proof.Batch, proof.PrivateInput);
        var transcript = new ZkmlProver.Transcript.Transcript(InferenceProof.TranscriptName);
        proof.BindStatement(transcript);
        var v = new VerifierSession(transcript, new ProofReader(proof.Body)) { Acc = acc };
        var ctx = new VerifierContext(plan, proof.PrivateInput, v, proof.PublicInput)
        {
            PublicOutputs = proof.Outputs.ToDictionary(o => o.Name, o => o.Values, StringComparer.Ordinal),
        };

        foreach (var name in plan.WeightLayouts.Keys)
            ctx.WeightCommitments[name] = new CommittedTensor(name, commitment.Tensors[name]);

        if (proof.PrivateInput)
            ctx.Input = new CommittedTensor("input", Receive(v, new HyraxShape(plan.Layout(circuit.Input).NumVars), "input"));
        foreach (var bits in plan.Bits.Values)
            ctx.Commit(bits, new CommittedTensor(bits.Name, Receive(v, new HyraxShape(bits.NumVars), bits.Name)));

        foreach (var lk in plan.Lookups.Values)
        {
            ctx.Columns(lk).Multiplicities = new CommittedTensor($"{lk.Name}/m", Receive(v, new HyraxShape(lk.TVars), $"{lk.Name}/m"));
            if (!lk.YPublic)
            {
                var nv = plan.Layout(lk.Layer!.Output).NumVars;
                ctx.Columns(lk).Y = new CommittedTensor($"{lk.Name}/y", Receive(v, new HyraxShape(nv), $"{lk.Name}/y"));
            }
        }

        foreach (var sm in plan.Softmaxes)
        {
            var lk = plan.SoftmaxLookups[sm.Output];
            var nv = plan.Layout(sm.Output).NumVars;
            ctx.Columns(lk).Multiplicities = new CommittedTensor($"{lk.Name}/m", Receive(v, new HyraxShape(lk.TVars), $"{lk.Name}/m"));
            ctx.Columns(lk).Y = new CommittedTensor($"{lk.Name}/y", Receive(v, new HyraxShape(nv), $"{lk.Name}/y"));
            if (!circuit.Outputs.Contains(sm.Output))
                ctx.SoftmaxOutputs[sm.Output] = new CommittedTensor($"{sm.Name}/out", Receive(v, new HyraxShape(nv), $"{sm.Name}/out"));
        }

        foreach (var tie in plan.Ties)
        {
            var bits = plan.Bits[tie.BitsKey];
            var r = v.Challenges($"tie/{tie.BitsKey}", bits.Layout.NumVars);
            var c = v.ReceiveValue($"tie/{tie.BitsKey}", r);
            ctx.TieTarget(tie).AddPointClaim(c);
            ctx.Committed(bits).AddWeightedClaim(bits.XPoint(r), bits.FullWeights(), c);
        }

        foreach (var (name, values) in proof.Outputs)
        {
            var layout = plan.Layout(name);
            var r = v.Challenges($"output/{name}", layout.NumVars);
            ctx.Claim(name, EvalClaim.Public(r, Mle.Evaluate(layout.ToTable(values), r)));
        }

        for (int i = circuit.Layers.Length - 1; i >= 0; i--)
        {
            var layer = circuit.Layers[i];
            if (plan.IsPassive(layer)) continue;
            var claim = ctx.TakeClaim(layer);
            switch (layer)
            {
                case Conv2dLayer cv: ConvStep.Verify(ctx, cv, claim); break;
                case MaxPool2dLayer mp: MaxPoolStep.Verify(ctx, mp, claim); break;
                case AvgPool2dLayer ap: AvgPoolStep.Verify(ctx, ap, claim); break;
                case LookupLayer lk: LookupStep.Verify(ctx, plan.Lookups[lk.Output], claim); break;
                case DenseLayer d: DenseStep.Verify(ctx, d, claim); break;
                case RescaleLayer r: RescaleStep.Verify(ctx, r, claim); break;
                case ReluLayer r: ReluStep.Verify(ctx, r, claim); break;
                case LeakyReluLayer lr: LeakyReluStep.Verify(ctx, lr, claim); break;
                case ClipLayer cl: ClipStep.Verify(ctx, cl, claim); break;
                case AddLayer a: AddStep.Verify(ctx, a, a.A, a.B, subtract: false, claim); break;
                case SubLayer sb: AddStep.Verify(ctx, sb, sb.A, sb.B, subtract: true, claim); break;
                case MulLayer m: MulStep.Verify(ctx, m, claim); break;
                case SoftmaxLayer sm: SoftmaxStep.Verify(ctx, sm, claim); break;
                case MatMulLayer mm: MatMulStep.Verify(ctx, mm, claim); break;
                case MulConstLayer mc: MulConstStep.Verify(ctx, mc, claim); break;
                case ChannelAffineLayer ca: ChannelAffineStep.Verify(ctx, ca, claim); break;
                case TransposeLayer or FlattenLayer or ReshapeLayer or SelectLayer: ViewSteps.VerifyMove(ctx, layer, claim); break;
                case ConcatLayer cc: ViewSteps.VerifyConcat(ctx, cc, claim); break;
                default: VerifierSession.Fail($"layer '{layer.Name}' ({layer.Op}) is not supported"); break;
            }
        }
        ctx.SettleInput();
        if (ctx.PendingCount != 0) VerifierSession.Fail("claims left after the last layer");

        foreach (var bits in plan.Bits.Values) bits.VerifyBooleanity(v, ctx.Committed(bits));

        foreach (var name in plan.WeightLayouts.Keys.Order(StringComparer.Ordinal)) ctx.WeightCommitments[name].VerifyOpenings(v);
        foreach (var bits in plan.Bits.Values) ctx.Committed(bits).VerifyOpenings(v);
        foreach (var lk in plan.AllLookups) { ctx.Columns(lk).Multiplicities!.VerifyOpenings(v); ctx.Columns(lk).Y?.VerifyOpenings(v); }
        foreach (var extra in ctx.Extra) extra.VerifyOpenings(v);
        foreach (var output in ctx.SoftmaxOutputs.Values) output.VerifyOpenings(v);
        ctx.Input?.VerifyOpenings(v);
        if (!v.Reader.ExpectEnd()) VerifierSession.Fail(v.Reader.Error!);
    }

    private static HyraxCommitment Receive(VerifierSession v, HyraxShape shape, string label)
    {
        var c = v.Read<HyraxCommitment>($"commitment '{label}'", (r, out hc) => HyraxCommitment.TryRead(r, shape, out hc));
        c.AppendTo(v.Transcript, label);
        return c;
    }
}
