using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkmlProver.Circuit;
using ZkmlProver.Proving;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>Mutated proof files of <see cref="TinyModel"/>: raw byte edits of the file, edits of the
/// proof body re-framed into a well-formed file (so that they reach the verifier's reads instead of
/// the outer length checks), and statement edits re-encoded through <see cref="InferenceProof.ToBytes"/>
/// (changed input/output values, transplanted bodies and outputs, toggled input mode, batch 2,
/// another commitment digest). Every case goes through <see cref="InferenceProof.TryDecode"/> (never
/// throws, a reason on failure, and what decodes re-encodes to the same bytes); the first <see cref="VerifiedCases"/> also through the full
/// <see cref="InferenceVerifier.Verify"/>: never accepted unless the bytes are an honest proof's,
/// never throws, always a reason, never a system exception caught by the verifier's safety net.</summary>
public sealed class DecoderFuzzProofTests(ITestOutputHelper output)
{
    /// <summary>All 10,000 cases are decoded; the first 3,000 also fully verified (≈ 7.5 ms each on the
    /// shared 2-core machine with the well-formedness-checked commitment protocol: 5,000 took 38 s,
    /// over the file's budget), the other 7,000 go through the decoder only.</summary>
    public const int Seed = 9001, Cases = 10_000, VerifiedCases = 3_000;

    [Fact]
    public void MutatedProofsAreNeverAcceptedAndNeverThrow()
    {
        var m = TinyModel.Instance;
        Assert.True(InferenceVerifier.Verify(m.Circuit, m.Commitment, m.PublicBytes).Accepted);
        Assert.True(InferenceVerifier.Verify(m.Circuit, m.Commitment, m.PrivateBytes).Accepted);
        var log = new FuzzLog("proof", Seed);
        var sw = Stopwatch.StartNew();
        TimeSpan verifyTime = default;
        int decoded = 0;
        for (int i = 0; i < Cases; i++)
        {
            var bytes = MakeProof(m, Mutations.CaseRng(Seed, i), out string what);
            log.Cases++;
            if (bytes.AsSpan().SequenceEqual(m.PublicBytes) || bytes.AsSpan().SequenceEqual(m.PrivateBytes)) { log.Unchanged++; continue; }
            try
            {
                bool ok = InferenceProof.TryDecode(bytes, m.Circuit, out var p, out var error);
                if (ok) decoded++;
                if (ok && !p!.ToBytes().AsSpan().SequenceEqual(bytes)) log.Fail(i, what, "decoded a non-canonical encoding (re-encodes to other bytes)");
                if (!ok && (p is not null || string.IsNullOrWhiteSpace(error))) log.Fail(i, what, "TryDecode failed without a reason");
            }
            catch (Exception e) { log.Fail(i, what, "TryDecode threw " + FuzzLog.Describe(e)); }
            if (i >= VerifiedCases) continue;
            var t0 = sw.Elapsed;
            try
            {
                var r = InferenceVerifier.Verify(m.Circuit, m.Commitment, bytes);
                if (r.Accepted) { log.Accepted++; log.Fail(i, what, "mutated proof ACCEPTED"); }
                else if (string.IsNullOrWhiteSpace(r.Verdict.Reason)) log.Fail(i, what, "rejected without a reason");
                // the verifier's safety net turns a few system exceptions (IndexOutOfRange, Overflow...) into
                // "malformed proof: …"; hitting it means a read trusts the bytes, so it fails the test too
                else if (r.Verdict.Reason!.StartsWith("malformed proof:", StringComparison.Ordinal)) log.Fail(i, what, "the verifier caught a system exception: " + r.Verdict.Reason);
                else log.Reject(r.Verdict.Reason);
            }
            catch (Exception e) { log.Fail(i, what, "Verify threw " + FuzzLog.Describe(e)); }
            verifyTime += sw.Elapsed - t0;
        }
        output.WriteLine($"{Cases} mutated proofs through TryDecode ({decoded} decode to a statement, the rest fail with a reason); " +
            $"the first {Math.Min(Cases, VerifiedCases)} through Verify in {verifyTime.TotalSeconds:F1} s (whole run {sw.Elapsed.TotalSeconds:F1} s); counts below are of Verify");
        log.AssertClean(output);
    }

    /// <summary>Case generator (see the class summary); half of the cases start from the private-input proof.</summary>
    static byte[] MakeProof(TinyModel m, Random rng, out string what)
    {
        bool priv = rng.Next(2) == 0;
        var p = priv ? m.PrivateProof : m.PublicProof;
        string from = priv ? "private" : "public";
        int kind = rng.Next(10);
        if (kind < 5)
        {
            var b = Mutations.Bytes(priv ? m.PrivateBytes : m.PublicBytes, rng, out var w, bigEndian: true, m.Tokens);
            what = $"{from} file: {w}";
            return b;
        }
        if (kind < 8)
        {
            var body = Mutations.Bytes(p.Body, rng, out var w, bigEndian: true, maxOps: 2);
            what = $"{from} body: {w}";
            return With(p, body: body).ToBytes();
        }
        switch (rng.Next(7))
        {
            case 0 when !priv:
            {
                var input = (long[])p.PublicInput!.Clone();
                int j = rng.Next(input.Length);
                long d = new long[] { 1, -1, 2, 100, 1 << 9, -(1 << 9) }[rng.Next(6)];
                input[j] += d;
                what = $"{from}: input[{j}] += {d}";
                return With(p, input: input).ToBytes();
            }
            case 1 or 0:
            {
                var (name, values) = p.Outputs[0];
                var v = (long[])values.Clone();
                int j = rng.Next(v.Length);
                long d = new long[] { 1, -1, 64, 1L << 15, long.MinValue }[rng.Next(5)];
                v[j] = unchecked(v[j] + d);
                what = $"{from}: output[{j}] += {d}";
                return With(p, outputs: [(name, v)]).ToBytes();
            }
            case 2:
                what = $"{from} statement with the body of {(priv ? "the public proof" : "another input's proof")}";
                return With(p, body: priv ? m.PublicProof.Body : m.OtherProof.Body).ToBytes();
            case 3:
                what = $"{from} statement with its input mode toggled";
                return priv ? With(p, privateInput: false, input: (long[])m.PublicProof.PublicInput!.Clone()).ToBytes()
                            : With(p, privateInput: true, input: null).ToBytes();
            case 4:
                what = $"{from} statement as batch 2 (rows duplicated)";
                return With(p, batch: 2, input: p.PublicInput is null ? null : [.. p.PublicInput, .. p.PublicInput],
                    outputs: [(p.Outputs[0].Name, [.. p.Outputs[0].Values, .. p.Outputs[0].Values])]).ToBytes();
            case 5:
            {
                var cd = (byte[])p.CommitmentDigest.Clone();
                cd[rng.Next(cd.Length)] ^= (byte)rng.Next(1, 256);
                what = $"{from}: commitment digest changed";
                return With(p, commitmentDigest: cd).ToBytes();
            }
            default:
                what = $"{from} statement with the outputs of another input's proof";
                return With(p, outputs: m.OtherProof.Outputs).ToBytes();
        }
    }

    static InferenceProof With(InferenceProof p, byte[]? body = null, int? batch = null, bool? privateInput = null, long[]? input = null,
        IReadOnlyList<(string, long[])>? outputs = null, byte[]? commitmentDigest = null)
    {
        bool priv = privateInput ?? p.PrivateInput;
        return new InferenceProof
        {
            CircuitDigest = p.CircuitDigest, CommitmentDigest = commitmentDigest ?? p.CommitmentDigest, Batch = batch ?? p.Batch,
            PrivateInput = priv, PublicInput = priv ? null : input ?? p.PublicInput, Outputs = outputs ?? p.Outputs, Body = body ?? p.Body,
        };
    }
}

/// <summary>10,000 mutated inputs each for the model.commitment, model.key, weights.bin and
/// circuit.json decoders of <see cref="TinyModel"/>. The contract of each: it succeeds, or it fails
/// with its documented typed failure (TryDecode: false and a reason; weights: <see cref="CircuitFormatException"/>
/// or <see cref="CircuitRangeException"/>; circuit: <see cref="CircuitFormatException"/>); any other
/// exception fails the test. What a decoder accepts is checked too (see each test).</summary>
public sealed class DecoderFuzzFileTests(ITestOutputHelper output)
{
    public const int Cases = 10_000;

    /// <summary>Of the mutated commitments that still decode, the first this many (in case order) are
    /// checked further through the well-formedness proof verifier (≈ 12 ms each); the others only by
    /// the decode checks.</summary>
    public const int WellFormedChecks = 600;

    /// <summary>70 % byte edits of the file, 30 % edits of the well-formedness proof re-framed into a
    /// well-formed file. On success: exactly the circuit's weight tensors with their variable counts, the file is
    /// the canonical encoding of what was decoded; for the first <see cref="WellFormedChecks"/> decoded
    /// ones, the well-formedness proof is rejected with a reason (never throws) and the honest proof is
    /// rejected against the altered commitment, for the first 40 also when re-bound to its digest.</summary>
    [Fact]
    public void MutatedCommitmentsDecodeOrFailWithAReason()
    {
        const int seed = 101;
        var m = TinyModel.Instance;
        var layouts = WeightLayouts.For(m.Circuit);
        Assert.True(m.Commitment.VerifyWellFormed(m.Circuit).Accepted);
        var log = new FuzzLog("model.commitment", seed);
        var wfReasons = new FuzzLog("model.commitment well-formedness", seed);
        int deepChecks = 0;
        for (int i = 0; i < Cases; i++)
        {
            var rng = Mutations.CaseRng(seed, i);
            byte[] b;
            string what;
            if (rng.Next(10) < 3)
            {
                // edits of the well-formedness proof re-framed into a well-formed file, so that they reach its verifier's reads
                var proof = Mutations.Bytes(m.Commitment.WellFormednessProof!, rng, out what, bigEndian: true, maxOps: 2);
                b = new ModelCommitment(m.Commitment.CircuitDigest, m.Commitment.Tensors, proof).Bytes;
                what = "well-formedness proof: " + what;
            }
            else b = Mutations.Bytes(m.Commitment.Bytes, rng, out what, bigEndian: true, m.Tokens);
            log.Cases++;
            if (b.AsSpan().SequenceEqual(m.Commitment.Bytes)) { log.Unchanged++; continue; }
            try
            {
                if (!ModelCommitment.TryDecode(b, m.Circuit, out var c, out var error))
                {
                    log.Reject(error);
                    if (c is not null || string.IsNullOrWhiteSpace(error)) log.Fail(i, what, "failed without a reason");
                    continue;
                }
                log.Accepted++;
                if (!c!.Tensors.Keys.Order(StringComparer.Ordinal).SequenceEqual(layouts.Keys.Order(StringComparer.Ordinal)))
                    log.Fail(i, what, $"decoded tensors [{string.Join(",", c.Tensors.Keys)}], the circuit's are [{string.Join(",", layouts.Keys)}]");
                else if (c.Tensors.Any(kv => kv.Value.Shape.NumVars != layouts[kv.Key].NumVars))
                    log.Fail(i, what, "decoded a tensor with the wrong number of variables");
                if (!c.Bytes.AsSpan().SequenceEqual(b)) log.Fail(i, what, "decoded a non-canonical encoding (re-encodes to other bytes)");
                if (deepChecks >= WellFormedChecks) continue;
                deepChecks++;
                var wf = c.VerifyWellFormed(m.Circuit);
                if (wf.Accepted) log.Fail(i, what, "the altered commitment's well-formedness proof is ACCEPTED");
                else if (string.IsNullOrWhiteSpace(wf.Reason)) log.Fail(i, what, "well-formedness rejected without a reason");
                else wfReasons.Reject(wf.Reason);
                if (InferenceVerifier.Verify(m.Circuit, c, m.PublicBytes).Accepted) log.Fail(i, what, "the honest proof is accepted against the altered commitment");
                if (deepChecks <= 40)
                {
                    var p = m.PublicProof;
                    var bound = new InferenceProof
                    {
                        CircuitDigest = p.CircuitDigest, CommitmentDigest = c.Digest, Batch = p.Batch, PrivateInput = false,
                        PublicInput = p.PublicInput, Outputs = p.Outputs, Body = p.Body,
                    };
                    if (InferenceVerifier.Verify(m.Circuit, c, bound.ToBytes()).Accepted)
                        log.Fail(i, what, "the honest proof re-bound to the altered commitment is ACCEPTED");
                }
            }
            catch (Exception e) { log.Fail(i, what, "threw " + FuzzLog.Describe(e)); }
        }
        output.WriteLine($"{deepChecks} decoded mutated commitments through the well-formedness verifier, all rejected:");
        wfReasons.Cases = deepChecks;
        wfReasons.AssertClean(output);
        log.AssertClean(output);
    }

    /// <summary>On success: one opening per weight tensor of the circuit, none twice, each with the
    /// tensor's shape, and the file is the canonical encoding of what was decoded.</summary>
    [Fact]
    public void MutatedKeysDecodeOrFailWithAReason()
    {
        const int seed = 202;
        var m = TinyModel.Instance;
        var layouts = WeightLayouts.For(m.Circuit);
        var original = m.Key.ToBytes();
        var log = new FuzzLog("model.key", seed);
        for (int i = 0; i < Cases; i++)
        {
            var b = Mutations.Bytes(original, Mutations.CaseRng(seed, i), out var what, bigEndian: true, m.Tokens);
            log.Cases++;
            if (b.AsSpan().SequenceEqual(original)) { log.Unchanged++; continue; }
            try
            {
                if (!ModelKey.TryDecode(b, m.Circuit, out var k, out var error))
                {
                    log.Reject(error);
                    if (k is not null || string.IsNullOrWhiteSpace(error)) log.Fail(i, what, "failed without a reason");
                    continue;
                }
                log.Accepted++;
                if (!k!.Openings.Keys.Order(StringComparer.Ordinal).SequenceEqual(layouts.Keys.Order(StringComparer.Ordinal)))
                    log.Fail(i, what, $"decoded openings [{string.Join(",", k.Openings.Keys)}], the circuit's weights are [{string.Join(",", layouts.Keys)}]");
                else if (k.Openings.Any(kv => kv.Value.Shape.NumVars != layouts[kv.Key].NumVars))
                    log.Fail(i, what, "decoded an opening with the wrong number of variables");
                if (!k.ToBytes().AsSpan().SequenceEqual(b)) log.Fail(i, what, "decoded a non-canonical encoding (re-encodes to other bytes)");
            }
            catch (Exception e) { log.Fail(i, what, "threw " + FuzzLog.Describe(e)); }
        }
        log.AssertClean(output);
    }

    /// <summary>Weights files; 60 % of the cases get their SHA-256 trailer recomputed after the edit so
    /// that they reach the header, name, count and value checks. On success: a case whose trailer was
    /// not recomputed must not decode, and the file is the canonical encoding of what was decoded.</summary>
    [Fact]
    public void MutatedWeightsFilesDecodeOrThrowTheFormatException()
    {
        const int seed = 303;
        var m = TinyModel.Instance;
        var log = new FuzzLog("weights.bin", seed);
        for (int i = 0; i < Cases; i++)
        {
            var rng = Mutations.CaseRng(seed, i);
            var b = Mutations.Bytes(m.WeightsBytes, rng, out var what, bigEndian: false, m.Tokens, wide: true);
            bool sealedAgain = b.Length >= 32 && rng.Next(10) < 6;
            if (sealedAgain) { SHA256.HashData(b.AsSpan(0, b.Length - 32), b.AsSpan(b.Length - 32)); what += "; trailer recomputed"; }
            log.Cases++;
            if (b.AsSpan().SequenceEqual(m.WeightsBytes)) { log.Unchanged++; continue; }
            try
            {
                var w = WeightSet.FromBytes(b, m.Circuit, "weights.bin");
                log.Accepted++;
                if (!sealedAgain) log.Fail(i, what, "decoded although the checksum trailer no longer matches");
                if (!w.ToBytes(m.Circuit).AsSpan().SequenceEqual(b)) log.Fail(i, what, "decoded a non-canonical encoding (re-encodes to other bytes)");
            }
            catch (Exception e) when (e is CircuitFormatException or CircuitRangeException)
            {
                log.Reject(e.Message);
                if (!e.Message.StartsWith("weights.bin", StringComparison.Ordinal) && e is CircuitFormatException) log.Fail(i, what, "message does not name the file: " + e.Message);
            }
            catch (Exception e) { log.Fail(i, what, "threw " + FuzzLog.Describe(e)); }
        }
        log.AssertClean(output);
    }

    /// <summary>circuit.json of the every-layer circuit: half type-preserving JSON edits, a quarter any
    /// structural JSON edits, a quarter byte edits of the text; 85 % get their digest recomputed after the edit (when the text still deserializes) so
    /// that they reach the structural validator. On success: the circuit round-trips through
    /// <see cref="Circuit.Circuit.ToJson"/> to the same digest, and the proving plan for it (batch 1
    /// public, batch 2 private input) is built or refused with a typed exception.</summary>
    [Fact]
    public void MutatedCircuitJsonLoadsOrThrowsTheFormatException()
    {
        const int seed = 404;
        const string placeholder = "@@DIGEST@@";
        var m = TinyModel.Instance;
        var root = JsonNode.Parse(m.RichCircuit.ToJson())!;
        root["digest"] = placeholder;
        string template = root.ToJsonString();
        string honest = template.Replace(placeholder, m.RichCircuit.Digest, StringComparison.Ordinal);
        Assert.Equal(m.RichCircuit.Digest, Circuit.Circuit.FromJson(honest).Digest);
        var log = new FuzzLog("circuit.json", seed);
        int resealed = 0;
        for (int i = 0; i < Cases; i++)
        {
            var rng = Mutations.CaseRng(seed, i);
            string what, text;
            int mode = rng.Next(4);
            if (mode < 3) text = JsonMutations.Mutate(root, rng, out what, typePreserving: mode < 2);
            else
            {
                var b = Mutations.Bytes(Encoding.UTF8.GetBytes(template), rng, out what, bigEndian: true, maxOps: 2);
                text = Encoding.UTF8.GetString(b);
                what = "bytes: " + what;
            }
            if (rng.Next(100) < 85 && Reseal(ref text, placeholder)) { resealed++; what += "; digest recomputed"; }
            else text = text.Replace(placeholder, m.RichCircuit.Digest, StringComparison.Ordinal);
            log.Cases++;
            if (text == honest) { log.Unchanged++; continue; }
            try
            {
                var c = Circuit.Circuit.FromJson(text, "circuit.json");
                log.Accepted++;
                var again = Circuit.Circuit.FromJson(c.ToJson(), "circuit.json");
                if (again.Digest != c.Digest) log.Fail(i, what, "round trip changed the digest");
                try { _ = new InferencePlan(c, 1, false); _ = new InferencePlan(c, 2, true); }
                catch (Exception e) when (e is ProvingException or CircuitFormatException) { }
                catch (Exception e) { log.Fail(i, what, "loaded, then the proving plan threw " + FuzzLog.Describe(e)); }
            }
            catch (CircuitFormatException e)
            {
                log.Reject(e.Message);
                if (string.IsNullOrWhiteSpace(e.Message)) log.Fail(i, what, "empty message");
            }
            catch (Exception e) { log.Fail(i, what, "threw " + FuzzLog.Describe(e)); }
        }
        output.WriteLine($"{resealed} of {Cases} cases had their digest recomputed");
        log.AssertClean(output);
    }

    /// <summary>Recomputes the digest of a mutated circuit text in place of the placeholder; false when
    /// the text does not deserialize (the decoder then sees the original digest).</summary>
    static bool Reseal(ref string text, string placeholder)
    {
        if (!text.Contains(placeholder, StringComparison.Ordinal)) return false;
        try
        {
            var c = System.Text.Json.JsonSerializer.Deserialize<Circuit.Circuit>(text, CircuitJson.Indented);
            if (c is null) return false;
            text = text.Replace(placeholder, c.ComputeDigest(), StringComparison.Ordinal);
            return true;
        }
        catch (Exception) { return false; } // the decoder meets the same exception and must type it
    }

    /// <summary>The file loaders (<see cref="ModelFiles"/>, <see cref="WeightSet.Read"/>) on 300 mutated
    /// files each: <see cref="ProvingException"/> or <see cref="CircuitFormatException"/>/<see cref="CircuitRangeException"/>
    /// naming the path, nothing else.</summary>
    [Fact]
    public void MutatedModelFilesLoadOrThrowATypedErrorNamingThePath()
    {
        const int seed = 505, n = 300;
        var m = TinyModel.Instance;
        string dir = Directory.CreateTempSubdirectory("zkml-fuzz-").FullName;
        var log = new FuzzLog("model files", seed);
        try
        {
            var files = new (string Name, byte[] Bytes, bool BigEndian, Action<string> Load)[]
            {
                ("circuit.json", Encoding.UTF8.GetBytes(m.Circuit.ToJson()), true, p => ModelFiles.LoadCircuit(p)),
                ("model.commitment", m.Commitment.Bytes, true, p => ModelFiles.LoadCommitment(p, m.Circuit)),
                ("model.key", m.Key.ToBytes(), true, p => ModelFiles.LoadKey(p, m.Circuit)),
                ("weights.bin", m.WeightsBytes, false, p => WeightSet.Read(p, m.Circuit)),
            };
            foreach (var (name, bytes, be, load) in files)
            {
                string path = Path.Combine(dir, name);
                for (int i = 0; i < n; i++)
                {
                    var b = Mutations.Bytes(bytes, Mutations.CaseRng(seed + name.Length, i), out var what, be, m.Tokens);
                    log.Cases++;
                    if (b.AsSpan().SequenceEqual(bytes)) { log.Unchanged++; continue; }
                    File.WriteAllBytes(path, b);
                    try { load(path); log.Accepted++; }
                    catch (Exception e) when (e is ProvingException or CircuitFormatException or CircuitRangeException)
                    {
                        log.Reject(e.Message.Replace(path, "<path>"));
                        if (e is not CircuitRangeException && !e.Message.Contains(path, StringComparison.Ordinal)) log.Fail(i, $"{name}: {what}", "message does not name the path: " + e.Message);
                    }
                    catch (Exception e) { log.Fail(i, $"{name}: {what}", "threw " + FuzzLog.Describe(e)); }
                }
            }
            // a missing file
            Assert.Throws<ProvingException>(() => ModelFiles.LoadCommitment(Path.Combine(dir, "absent"), m.Circuit));
        }
        finally { Directory.Delete(dir, recursive: true); }
        log.AssertClean(output);
    }
}

/// <summary>The inputs that made a decoder throw an untyped exception (or accept a broken file) before
/// it was fixed, found by the fuzz runs above and pinned here independently of their seeds.</summary>
public sealed class DecoderFuzzRegressionTests
{
    /// <summary>Was ArgumentOutOfRangeException: a name length ≥ 2^31 − 8 overflowed `nameLen + 8`.</summary>
    [Theory]
    [InlineData(0x7FFFFFF8u)]
    [InlineData(0xFFFFFFFFu)]
    public void AWeightsNameLengthNear2To31IsAFormatError(uint length)
    {
        var m = TinyModel.Instance;
        var b = (byte[])m.WeightsBytes.Clone();
        // the first tensor's name length (u32 little-endian) follows magic (8), circuit digest (32), tensor count (4)
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(44)));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(44), length);
        SHA256.HashData(b.AsSpan(0, b.Length - 32), b.AsSpan(b.Length - 32));
        var e = Assert.Throws<CircuitFormatException>(() => WeightSet.FromBytes(b, m.Circuit, "weights.bin"));
        Assert.Contains("truncated in the header of tensor 'w1'", e.Message);
    }

    /// <summary>Was accepted: the key then had no opening for b2 (KeyNotFound later, in the prover).</summary>
    [Fact]
    public void AKeyNamingATensorTwiceIsRefused()
    {
        var m = TinyModel.Instance;
        var b = m.Key.ToBytes();
        int at = b.AsSpan().IndexOf((ReadOnlySpan<byte>)[0, 0, 0, 2, (byte)'b', (byte)'2']);
        Assert.True(at > 0);
        "b1"u8.CopyTo(b.AsSpan(at + 4));
        Assert.False(ModelKey.TryDecode(b, m.Circuit, out var key, out var error));
        Assert.Null(key);
        Assert.Contains("'b1' appears twice", error);
    }

    /// <summary>Were NullReferenceException (null entries), OverflowException (table domain max − min + 1,
    /// Math.Abs(long.MinValue)): now <see cref="CircuitFormatException"/> naming the problem.</summary>
    [Theory]
    [InlineData("tensors", null, null, "null entry")]
    [InlineData("layers", null, null, "null entry")]
    [InlineData("outputs", null, null, "null entry")]
    [InlineData("concat", "inputs", null, "null entry")]
    [InlineData("sigmoid", "max", long.MaxValue, "lookup domain")]
    [InlineData("sigmoid", "min", long.MinValue + 1, "lookup domain")]
    [InlineData("softmax", "expMin", long.MinValue, "lookup domain")]
    [InlineData("leaky", "alphaNum", long.MinValue, "AlphaNum")]
    public void ACircuitThatCrashedTheValidatorIsAFormatError(string where, string? property, long? value, string expected)
    {
        var root = JsonNode.Parse(TinyModel.Instance.RichCircuit.ToJson())!;
        if (property is null) root[where]!.AsArray().Add(null);
        else
        {
            var layer = root["layers"]!.AsArray().Single(l => (string?)l!["name"] == where)!;
            if (value is long v) layer[property] = v; else layer[property]!.AsArray().Add(null);
        }
        var parsed = System.Text.Json.JsonSerializer.Deserialize<Circuit.Circuit>(root.ToJsonString(), CircuitJson.Indented)!;
        root["digest"] = parsed.ComputeDigest();
        var e = Assert.Throws<CircuitFormatException>(() => Circuit.Circuit.FromJson(root.ToJsonString()));
        Assert.Contains(expected, e.Message);
    }
}
