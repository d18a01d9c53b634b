using ZkmlProver.Circuit;
using ZkmlProver.Proving;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>
/// A prover that cheats consistently (issue 9, docs/SOUNDNESS.md): it changes one value of a
/// computed tensor and lets every later layer recompute from it (range checks off), or rewrites a
/// bits table so that its recomposition is unchanged but a bit is not 0/1 (on a valid entry, or on
/// a padded one) — so only the relation under test can catch it. Every attempt must produce a
/// proof (a prover exception is a failure of the caller's test) that the verifier rejects.
/// </summary>
public static class ConsistentCheater
{
    public sealed record Attempt(string What, Func<InferenceProof> Prove);

    public static IEnumerable<Attempt> Attempts(Circuit.Circuit circuit, WeightSet weights, ModelCommitment commitment, ModelKey key,
        long[] input, int batch, bool privateInput)
    {
        var plan = new InferencePlan(circuit, batch, privateInput);
        foreach (var t in circuit.Tensors.Where(t => t.Kind == TensorKind.Activation))
        {
            // Tensors the proof never materialises (a Clip fused into a lookup, an absorbed reshape,
            // a dead layer) cannot change anything that is proven.
            bool used = circuit.Outputs.Contains(t.Name) || circuit.Layers.Any(l => l.Inputs.Contains(t.Name));
            if (!used || plan.IsPassive(plan.Producer(t.Name)!)) continue;
            string name = t.Name;
            yield return new($"'{name}'[0] + 1, downstream recomputed", () =>
            {
                var w = ReferenceEvaluator.Evaluate(circuit, weights, input, batch, checkRanges: false, afterLayer: (n, y) => { if (n == name) y[0] += 1; });
                return InferenceProver.Prove(circuit, weights, commitment, key, input, batch, privateInput, new Random(5), null, null, cheatingWitness: w);
            });
        }
        foreach (var (bitsKey, bits) in plan.Bits)
        {
            if (bits.Width < 2) continue;
            var valid = bits.Layout.ValidMask();
            int firstValid = Array.IndexOf(valid, true);
            int firstPadded = Array.IndexOf(valid, false);
            if (firstPadded < 0 && bits.XVars > bits.Layout.NumVars) firstPadded = valid.Length; // a zero-extension row
            foreach (var (where, entry) in new[] { ("a valid entry", firstValid), ("a padded entry", firstPadded) })
            {
                if (entry < 0) continue;
                string k = bitsKey;
                int x = entry;
                yield return new($"bits '{k}': non-boolean bits with an unchanged value at {where}", () =>
                    InferenceProver.Prove(circuit, weights, commitment, key, input, batch, privateInput, new Random(6), null, (kk, table) =>
                    {
                        if (kk != k) return;
                        // b0 += 2 and b1 −= 1 (b1 += 1 when b1 is the sign bit, of weight −2): the recomposition is unchanged.
                        int width = 1 << bits.BitVars;
                        table[(long)x * width] += 2;
                        table[(long)x * width + 1] += bits.Width == 2 ? 1 : -1;
                    }));
            }
        }
    }

    /// <summary>Runs every attempt; returns the number rejected, or throws naming an accepted one.</summary>
    public static int RejectAll(Circuit.Circuit circuit, ModelCommitment commitment, IEnumerable<Attempt> attempts)
    {
        int n = 0;
        foreach (var a in attempts)
        {
            InferenceProof proof;
            try { proof = a.Prove(); }
            catch (Exception e) { throw new InvalidOperationException($"cheating prover ({a.What}) threw instead of producing a proof: {e.GetType().Name}: {e.Message}", e); }
            var v = InferenceVerifier.Verify(circuit, commitment, proof.ToBytes());
            if (v.Accepted) throw new InvalidOperationException($"forged proof accepted: {a.What}");
            n++;
        }
        return n;
    }
}
