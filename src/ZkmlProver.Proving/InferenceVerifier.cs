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
            ctx.Input = ctx.ReceiveColumn("input", plan.Layout(circuit.Input).NumVars);
        foreach (var bits in plan.Bits.Values)
            ctx.Commit(bits, ctx.ReceiveColumn(bits.Name, bits.NumVars));

        for (int phase = 0; phase < ProofStep.ColumnPhases; phase++)
            foreach (var layer in circuit.Layers)
                if (plan.IsLive(layer)) ProofSteps.For(layer)!.ReceiveColumns(ctx, layer, phase);

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
            // The plan refused every layer without a step; a proof for another circuit fails its digest.
            ProofSteps.For(layer)!.Verify(ctx, layer, claim);
        }
        ctx.SettleInput();
        if (ctx.PendingCount != 0) VerifierSession.Fail("claims left after the last layer");

        foreach (var bits in plan.Bits.Values) bits.VerifyBooleanity(v, ctx.Committed(bits));

        foreach (var name in plan.WeightLayouts.Keys.Order(StringComparer.Ordinal)) ctx.WeightCommitments[name].VerifyOpenings(v);
        foreach (var bits in plan.Bits.Values) ctx.Committed(bits).VerifyOpenings(v);
        foreach (var column in ctx.WitnessColumns) column.VerifyOpenings(v);
        foreach (var extra in ctx.Extra) extra.VerifyOpenings(v);
        foreach (var output in ctx.SoftmaxOutputs.Values) output.VerifyOpenings(v);
        ctx.Input?.VerifyOpenings(v);
        if (!v.Reader.ExpectEnd()) VerifierSession.Fail(v.Reader.Error!);
    }
}
