using ZkmlProver.Proving;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>A wider sweep than <see cref="ProofRobustnessTests"/>: on every repository model (batch 2,
/// public and private inputs), seeded single-byte mutations, multi-byte bursts and random
/// truncations of the proof; every one rejected with a reason, no exception escaping Verify.</summary>
[Trait("Category", "Slow")]
public sealed class MutationSweepTests
{
    public static TheoryData<string, bool> Cases()
    {
        var d = new TheoryData<string, bool>();
        foreach (var n in Models.All) { d.Add(n, false); d.Add(n, true); }
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryMutationIsRejectedWithAReason(string name, bool privateInput)
    {
        var m = Models.Get(name);
        var rows = m.Inputs.Slice(0, 2);
        var proof = InferenceProver.Prove(m.Model.Circuit, m.Model.Weights, m.Commitment, m.Key, m.Model.QuantizeInputs(rows), 2, privateInput, new Random(1)).ToBytes();
        Assert.True(InferenceVerifier.Verify(m.Model.Circuit, m.Commitment, proof).Accepted);
        var rng = new Random(name.Length * 31 + (privateInput ? 1 : 0));
        var failures = new List<string>();
        for (int i = 0; i < 200; i++)
        {
            var bad = (byte[])proof.Clone();
            string what;
            switch (i % 4)
            {
                case 3:
                    int start = rng.Next(bad.Length), len = Math.Min(rng.Next(2, 40), bad.Length - start);
                    for (int j = 0; j < len; j++) bad[start + j] = (byte)rng.Next(256);
                    what = $"burst of {len} at {start}";
                    if (bad.AsSpan().SequenceEqual(proof)) continue;
                    break;
                case 2:
                    int cut = rng.Next(bad.Length);
                    bad = bad[..cut];
                    what = $"truncated to {cut}";
                    break;
                default:
                    int pos = rng.Next(bad.Length);
                    bad[pos] ^= (byte)rng.Next(1, 256);
                    what = $"byte {pos}";
                    break;
            }
            try
            {
                var r = InferenceVerifier.Verify(m.Model.Circuit, m.Commitment, bad);
                if (r.Accepted) failures.Add($"{what}: accepted");
                else if (string.IsNullOrWhiteSpace(r.Verdict.Reason)) failures.Add($"{what}: no reason");
            }
            catch (Exception e) { failures.Add($"{what}: {e.GetType().Name}: {e.Message}"); }
        }
        Assert.True(failures.Count == 0, $"{name} ({proof.Length} bytes):\n" + string.Join("\n", failures.Take(30)));
    }
}
