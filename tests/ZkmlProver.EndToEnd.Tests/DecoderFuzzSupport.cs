using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using ZkmlProver.Circuit;
using ZkmlProver.Proving;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>
/// Seeded mutations of decoder inputs. Case <c>i</c> of a run with seed <c>s</c> draws from
/// <see cref="CaseRng"/>(s, i) only, so a failing case is reproduced from its seed and index alone
/// (no need to replay the cases before it).
/// </summary>
public static class Mutations
{
    /// <summary>The RNG of case <paramref name="index"/> of the run with <paramref name="seed"/>.</summary>
    public static Random CaseRng(int seed, int index) => new(unchecked(seed * 1_000_003 + index * 7919 + 17));

    static readonly uint[] Lengths = [0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 64, 0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];
    static readonly byte[] Interesting = [0, 1, 0x7F, 0x80, 0xFE, 0xFF];

    /// <summary>One to <paramref name="maxOps"/> stacked byte-level edits of <paramref name="src"/>:
    /// byte XOR, bit flip, interesting byte, random burst, truncation, insertion, deletion, chunk
    /// splice (overwrite and insert), length-field corruption (4-byte windows, or 8-byte ones when
    /// <paramref name="wide"/>, in the format's byte order; half of the time at an offset whose current
    /// value looks like a length), dictionary token replacement, appended garbage.
    /// <paramref name="what"/> describes the edits.</summary>
    public static byte[] Bytes(byte[] src, Random rng, out string what, bool bigEndian, IReadOnlyList<byte[]>? tokens = null, int maxOps = 3, bool wide = false)
    {
        var b = (byte[])src.Clone();
        var log = new List<string>();
        int ops = rng.Next(1, maxOps + 1);
        for (int k = 0; k < ops; k++)
        {
            int op = rng.Next(13);
            if (b.Length == 0 && op is not (5 or 12)) op = 5;
            int n = b.Length, pos = n == 0 ? 0 : rng.Next(n);
            switch (op)
            {
                case 0: { byte m = (byte)rng.Next(1, 256); b[pos] ^= m; log.Add($"xor[{pos}]^{m:x2}"); break; }
                case 1: { int bit = rng.Next(8); b[pos] ^= (byte)(1 << bit); log.Add($"bit[{pos}].{bit}"); break; }
                case 2: { byte v = Interesting[rng.Next(Interesting.Length)]; b[pos] = v; log.Add($"set[{pos}]={v:x2}"); break; }
                case 3:
                {
                    int len = Math.Min(rng.Next(2, 33), n - pos);
                    for (int j = 0; j < len; j++) b[pos + j] = (byte)rng.Next(256);
                    log.Add($"burst[{pos}+{len}]"); break;
                }
                case 4: { int cut = rng.Next(n); b = b[..cut]; log.Add($"truncate to {cut}"); break; }
                case 5:
                {
                    int len = rng.Next(1, 17);
                    var ins = new byte[len];
                    if (n > 0 && rng.Next(2) == 0) { byte r = b[rng.Next(n)]; Array.Fill(ins, r); } else rng.NextBytes(ins);
                    b = [.. b.AsSpan(0, pos), .. ins, .. b.AsSpan(pos)];
                    log.Add($"insert {len} at {pos}"); break;
                }
                case 6: { int len = Math.Min(rng.Next(1, 33), n - pos); b = [.. b.AsSpan(0, pos), .. b.AsSpan(pos + len)]; log.Add($"delete [{pos}+{len}]"); break; }
                case 7:
                {
                    int from = rng.Next(n), len = Math.Min(rng.Next(1, 65), Math.Min(n - from, n - pos));
                    b.AsSpan(from, len).ToArray().CopyTo(b, pos);
                    log.Add($"splice [{from}+{len}] over {pos}"); break;
                }
                case 8:
                {
                    int from = rng.Next(n), len = Math.Min(rng.Next(1, 65), n - from);
                    b = [.. b.AsSpan(0, pos), .. b.AsSpan(from, len), .. b.AsSpan(pos)];
                    log.Add($"splice-insert [{from}+{len}] at {pos}"); break;
                }
                case 9 or 10:
                {
                    int width = wide && rng.Next(2) == 0 ? 8 : 4;
                    if (n < width) { log.Add("length (too short)"); break; }
                    int off = rng.Next(2) == 0 ? LengthLike(b, rng, width, bigEndian) : rng.Next(n - width + 1);
                    ulong cur = Read(b, off, width, bigEndian);
                    ulong v = rng.Next(4) switch
                    {
                        0 => cur + 1, 1 => cur - 1, 2 => (ulong)(n - off - width) + (ulong)rng.Next(-2, 3),
                        _ => width == 8 && rng.Next(3) == 0 ? ulong.MaxValue - (ulong)rng.Next(9) : Lengths[rng.Next(Lengths.Length)],
                    };
                    Write(b, off, width, bigEndian, v);
                    log.Add($"len{width * 8}[{off}] {cur}->{v}"); break;
                }
                case 11:
                {
                    if (tokens is null || tokens.Count < 2) goto case 0;
                    var from = tokens[rng.Next(tokens.Count)];
                    var to = tokens[rng.Next(tokens.Count)];
                    int at = b.AsSpan().IndexOf(from);
                    if (at < 0) goto case 0;
                    // a later occurrence half of the time
                    if (rng.Next(2) == 0) { int next = b.AsSpan(at + 1).IndexOf(from); if (next >= 0) at += 1 + next; }
                    b = [.. b.AsSpan(0, at), .. to, .. b.AsSpan(at + from.Length)];
                    log.Add($"token '{Printable(from)}'->'{Printable(to)}' at {at}"); break;
                }
                default: { var tail = new byte[rng.Next(1, 40)]; rng.NextBytes(tail); b = [.. b, .. tail]; log.Add($"append {tail.Length}"); break; }
            }
        }
        what = string.Join("; ", log);
        return b;
    }

    /// <summary>An offset whose <paramref name="width"/>-byte value is at most the bytes after it (a
    /// plausible length or count), or a random offset when there is none nearby.</summary>
    static int LengthLike(byte[] b, Random rng, int width, bool bigEndian)
    {
        int start = rng.Next(b.Length - width + 1);
        for (int o = start; o <= b.Length - width && o < start + 512; o++)
        {
            ulong v = Read(b, o, width, bigEndian);
            if (v > 0 && v <= (ulong)(b.Length - o - width)) return o;
        }
        return start;
    }

    static ulong Read(byte[] b, int off, int width, bool be) => width == 8
        ? (be ? BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(off)) : BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(off)))
        : (be ? BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(off)) : BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(off)));

    static void Write(byte[] b, int off, int width, bool be, ulong v)
    {
        if (width == 8) { if (be) BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(off), v); else BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(off), v); }
        else if (be) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(off), (uint)v);
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(off), (uint)v);
    }

    static string Printable(byte[] t) => new(Encoding.UTF8.GetString(t).Select(c => char.IsControl(c) ? '.' : c).ToArray());
}

/// <summary>Structural mutations of a JSON document: numbers changed (±1, 0, extremes, fractions,
/// out-of-range and malformed number tokens), keys dropped, keys duplicated, unknown keys, values of
/// the wrong type, "NaN"/"Infinity" strings, deeply nested arrays, strings replaced by other strings
/// of the document (cross-wired names and op tags), array elements dropped, duplicated, swapped or
/// cleared, and subtrees copied from elsewhere.</summary>
public static class JsonMutations
{
    static readonly string[] RawNumbers =
    [
        "0", "-1", "1", "2147483647", "-2147483648", "2147483648", "4294967296", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "18446744073709551615", "99999999999999999999999999", "1e308", "1e400", "-1e400", "0.5", "-0.0", "1E2",
        "NaN", "Infinity", "-Infinity", "01", "1.", "-", "0x10", "\"NaN\"", "\"Infinity\"", "\"12\"",
    ];
    static readonly long[] Extremes = [long.MinValue, long.MaxValue, long.MinValue + 1, int.MinValue, int.MaxValue, int.MinValue - 1L, int.MaxValue + 1L, 1L << 62, -(1L << 62)];
    static readonly string[] RawValues = ["null", "true", "false", "\"\"", "\"x\"", "[]", "{}", "[1,2]", "{\"a\":1}", "3", "[null]", "\"\\u0000\"", "\"\\ud800\""];

    /// <summary>Applies 1–3 structural edits to <paramref name="root"/> (a clone is edited) and returns
    /// the JSON text. Placeholders let raw tokens and duplicate keys survive serialization. With
    /// <paramref name="typePreserving"/> only edits that keep the document deserializable as a rule
    /// (integers changed, strings swapped, array elements dropped/duplicated/swapped, booleans toggled),
    /// so that the result reaches the semantic checks behind the JSON reader.</summary>
    public static string Mutate(JsonNode root, Random rng, out string what, bool typePreserving = false)
    {
        var doc = root.DeepClone();
        var raw = new List<(string Placeholder, string Text)>();
        var log = new List<string>();
        int ops = rng.Next(1, 4);
        for (int k = 0; k < ops; k++)
        {
            var nodes = new List<(JsonNode? Node, JsonNode Parent, string? Key, int Index, string Path)>();
            Collect(doc, "$", nodes);
            if (nodes.Count == 0) break;
            int op = typePreserving ? new[] { 0, 0, 6, 6, 8, 11 }[rng.Next(6)] : rng.Next(11);
            // type-preserving edits pick a node they apply to: an integer, a string, an array, a boolean
            Func<JsonNode?, bool> fits = op switch
            {
                0 when typePreserving => n => n is JsonValue v && v.TryGetValue<long>(out _),
                8 when typePreserving => n => n is JsonArray { Count: > 0 },
                11 => n => n is JsonValue v && v.TryGetValue<bool>(out _),
                _ => _ => true,
            };
            var candidates = nodes.Where(e => fits(e.Node)).ToList();
            // half of the integer edits go to layer parameters (there are many more shape entries)
            if (op == 0 && typePreserving && rng.Next(2) == 0)
            {
                var layerInts = candidates.Where(e => e.Path.StartsWith("$.layers", StringComparison.Ordinal)).ToList();
                if (layerInts.Count > 0) candidates = layerInts;
            }
            if (candidates.Count == 0) { candidates = nodes; op = 6; }
            var (node, parent, key, index, path) = candidates[rng.Next(candidates.Count)];
            void Set(JsonNode? v) { if (key is not null) parent[key] = v; else parent.AsArray()[index] = v; }
            string Raw(string text) { string p = $"@@RAW{raw.Count}@@"; raw.Add(("\"" + p + "\"", text)); return p; }
            switch (op)
            {
                case 0 when node is JsonValue v && v.TryGetValue<long>(out long x):
                {
                    long[] deltas = [1, -1, 2, -x, -2 * x, 1L << 31, -(1L << 31)];
                    long y = rng.Next(3) switch
                    {
                        0 => unchecked(x + deltas[rng.Next(deltas.Length)]),
                        1 => Extremes[rng.Next(Extremes.Length)],
                        _ => rng.Next(-3, 70),
                    };
                    Set(JsonValue.Create(y)); log.Add($"{path}: {x}->{y}"); break;
                }
                case 0 or 1:
                {
                    string t = RawNumbers[rng.Next(RawNumbers.Length)];
                    Set(JsonValue.Create(Raw(t))); log.Add($"{path} = {t}"); break;
                }
                case 2 when key is not null:
                    parent.AsObject().Remove(key); log.Add($"drop {path}"); break;
                case 3 when key is not null:
                {
                    // a second "key" in the same object, with another value (first or second wins?)
                    string p = $"@@DUP{raw.Count}@@";
                    raw.Add(("\"" + p + "\"", "\"" + key + "\""));
                    parent.AsObject()[p] = rng.Next(2) == 0 ? node?.DeepClone() : JsonValue.Create(rng.Next(-2, 9));
                    log.Add($"duplicate key {path}"); break;
                }
                case 4:
                {
                    string t = RawValues[rng.Next(RawValues.Length)];
                    Set(JsonValue.Create(Raw(t))); log.Add($"{path} = {t}"); break;
                }
                case 5:
                {
                    int depth = new[] { 8, 63, 64, 65, 300, 5000 }[rng.Next(6)];
                    Set(JsonValue.Create(Raw(new string('[', depth) + "1" + new string(']', depth))));
                    log.Add($"{path} = nested array depth {depth}"); break;
                }
                case 6 or 7:
                {
                    var strings = nodes.Where(e => e.Node is JsonValue sv && sv.TryGetValue<string>(out _)).ToList();
                    if (strings.Count == 0) goto case 4;
                    var target = strings[rng.Next(strings.Count)];
                    string s = (string)strings[rng.Next(strings.Count)].Node!;
                    if (target.Key is not null) target.Parent[target.Key] = s; else target.Parent.AsArray()[target.Index] = s;
                    log.Add($"{target.Path} = '{s}'"); break;
                }
                case 8 when node is JsonArray a && a.Count > 0:
                {
                    int i = rng.Next(a.Count);
                    switch (rng.Next(4))
                    {
                        case 0: a.RemoveAt(i); log.Add($"{path}: remove [{i}]"); break;
                        case 1: a.Insert(i, a[i]?.DeepClone()); log.Add($"{path}: duplicate [{i}]"); break;
                        case 2: { int j = rng.Next(a.Count); var t = a[i]?.DeepClone(); a[i] = a[j]?.DeepClone(); a[j] = t; log.Add($"{path}: swap [{i}] [{j}]"); break; }
                        default: a.Clear(); log.Add($"{path}: clear"); break;
                    }
                    break;
                }
                case 9:
                {
                    var src = nodes[rng.Next(nodes.Count)];
                    Set(src.Node?.DeepClone()); log.Add($"{path} = copy of {src.Path}"); break;
                }
                case 11 when node is JsonValue bv && bv.TryGetValue<bool>(out bool flag):
                    Set(JsonValue.Create(!flag)); log.Add($"{path}: {flag}->{!flag}"); break;
                default:
                {
                    if (node is JsonObject o) { o["extra" + rng.Next(3)] = 1; log.Add($"{path}: unknown key"); }
                    else { Set(JsonValue.Create(Raw(rng.Next(2) == 0 ? "1e400" : "-9223372036854775809"))); log.Add($"{path} = out-of-range number"); }
                    break;
                }
            }
        }
        string text = doc.ToJsonString();
        foreach (var (p, t) in raw) text = text.Replace(p, t, StringComparison.Ordinal);
        what = string.Join("; ", log);
        return text;
    }

    static void Collect(JsonNode? n, string path, List<(JsonNode?, JsonNode, string?, int, string)> acc)
    {
        if (n is JsonObject o)
            foreach (var (k, v) in o.ToList()) { acc.Add((v, o, k, -1, $"{path}.{k}")); Collect(v, $"{path}.{k}", acc); }
        else if (n is JsonArray a)
            for (int i = 0; i < a.Count; i++) { acc.Add((a[i], a, null, i, $"{path}[{i}]")); Collect(a[i], $"{path}[{i}]", acc); }
    }
}

/// <summary>The smallest model that exercises every decoder: x[3] → Dense(2, bias) → Rescale → Relu →
/// Dense(2, bias) → Rescale → out (four weight tensors with equal-length names, so that a name can be
/// swapped for another), committed, with one public-input and one private-input proof of batch 1; and
/// a circuit with every layer type for the circuit.json decoder. All built in-process through the
/// public APIs, so the inputs follow the current formats.</summary>
public sealed class TinyModel
{
    public static TinyModel Instance => Lazy.Value;
    static readonly Lazy<TinyModel> Lazy = new(() => new TinyModel());

    public Circuit.Circuit Circuit { get; }
    public WeightSet Weights { get; }
    public byte[] WeightsBytes { get; }
    public ModelCommitment Commitment { get; }
    public ModelKey Key { get; }
    public InferenceProof PublicProof { get; }
    public InferenceProof PrivateProof { get; }
    /// <summary>A second public-input proof of another input (its body, spliced into the first statement, must fail).</summary>
    public InferenceProof OtherProof { get; }
    public byte[] PublicBytes { get; }
    public byte[] PrivateBytes { get; }
    public Circuit.Circuit RichCircuit { get; }
    /// <summary>Name tokens for dictionary mutations of the binary files.</summary>
    public IReadOnlyList<byte[]> Tokens { get; }

    TinyModel()
    {
        static TensorInfo T(string n, TensorKind k, int[] shape, int scale, int bits) => new() { Name = n, Kind = k, Shape = shape, Scale = scale, Bits = bits };
        Circuit = new Circuit.Circuit
        {
            Name = "fuzz-mlp", Input = "x", Outputs = ["out"],
            Tensors =
            [
                T("x", TensorKind.Input, [3], 6, 10), T("w1", TensorKind.Weight, [2, 3], 6, 10), T("b1", TensorKind.Weight, [2], 12, 20),
                T("y1", TensorKind.Activation, [2], 12, 32), T("q1", TensorKind.Activation, [2], 6, 16), T("a1", TensorKind.Activation, [2], 6, 16),
                T("w2", TensorKind.Weight, [2, 2], 6, 10), T("b2", TensorKind.Weight, [2], 12, 20),
                T("y2", TensorKind.Activation, [2], 12, 32), T("out", TensorKind.Activation, [2], 6, 16),
            ],
            Layers =
            [
                new DenseLayer { Name = "fc1", Input = "x", Weight = "w1", Bias = "b1", Output = "y1" },
                new RescaleLayer { Name = "rs1", Input = "y1", Shift = 6, Output = "q1" },
                new ReluLayer { Name = "relu1", Input = "q1", Output = "a1" },
                new DenseLayer { Name = "fc2", Input = "a1", Weight = "w2", Bias = "b2", Output = "y2" },
                new RescaleLayer { Name = "rs2", Input = "y2", Shift = 6, Output = "out" },
            ],
        }.WithDigest();
        Weights = new WeightSet(new Dictionary<string, long[]>
        {
            ["w1"] = [40, -25, 13, -60, 7, 33], ["b1"] = [1200, -800], ["w2"] = [-17, 51, 29, -44], ["b2"] = [300, -2500],
        });
        WeightsBytes = Weights.ToBytes(Circuit);
        (Commitment, Key) = ModelCommitter.Commit(Circuit, Weights, new Random(1));
        PublicProof = InferenceProver.Prove(Circuit, Weights, Commitment, Key, [50, -20, 64], 1, false, new Random(2));
        PrivateProof = InferenceProver.Prove(Circuit, Weights, Commitment, Key, [50, -20, 64], 1, true, new Random(3));
        OtherProof = InferenceProver.Prove(Circuit, Weights, Commitment, Key, [-7, 33, 12], 1, false, new Random(4));
        PublicBytes = PublicProof.ToBytes();
        PrivateBytes = PrivateProof.ToBytes();
        Tokens = new[] { "w1", "b1", "w2", "b2", "x", "out", "y1" }.Select(Encoding.UTF8.GetBytes).ToList();
        RichCircuit = EveryLayer();
    }

    /// <summary>A small valid circuit using every layer type (Lookup and Softmax with their table digests).</summary>
    static Circuit.Circuit EveryLayer()
    {
        static TensorInfo In(string n, int[] s, int sc, int b) => new() { Name = n, Kind = TensorKind.Input, Shape = s, Scale = sc, Bits = b };
        static TensorInfo W(string n, int[] s, int sc, int b) => new() { Name = n, Kind = TensorKind.Weight, Shape = s, Scale = sc, Bits = b };
        static TensorInfo A(string n, int[] s, int sc, int b) => new() { Name = n, Kind = TensorKind.Activation, Shape = s, Scale = sc, Bits = b };
        return new Circuit.Circuit
        {
            Name = "fuzz-every-layer", Input = "x", Outputs = ["lk", "sm", "mm", "p2"],
            Tensors =
            [
                In("x", [1, 4, 4], 4, 16), W("cw", [2, 1, 3, 3], 4, 8), W("cb", [2], 8, 20),
                A("c1", [2, 4, 4], 8, 30), A("r1", [2, 4, 4], 4, 20), A("a1", [2, 4, 4], 4, 20), A("a2", [2, 4, 4], 4, 20), A("a3", [2, 4, 4], 4, 20),
                A("p1", [2, 2, 2], 4, 20), A("p2", [2, 1, 1], 4, 20), W("ga", [2], 4, 8), W("gb", [2], 8, 20), A("ca", [2, 2, 2], 8, 30), A("ca2", [2, 2, 2], 4, 20),
                A("ad", [2, 2, 2], 4, 20), A("sb", [2, 2, 2], 4, 20), A("mu", [2, 2, 2], 8, 40), A("mc", [2, 2, 2], 8, 40), A("mr", [2, 2, 2], 4, 30),
                A("f", [8], 4, 30), W("dw", [3, 8], 4, 8), W("db", [3], 8, 20), A("d", [3], 8, 40), A("dr", [3], 4, 30),
                A("rs", [3, 1], 4, 30), A("tr", [1, 3], 4, 30), A("cc", [2, 3], 4, 30), A("mm", [1, 1], 8, 50),
                A("cl", [3], 4, 30), A("lk", [3], 8, 12), A("sm", [2, 3], 8, 12), A("xs", [1, 4, 4], 4, 16),
            ],
            Layers =
            [
                new Conv2dLayer { Name = "conv", Input = "x", Weight = "cw", Bias = "cb", Pads = [1, 1, 1, 1], Strides = [1, 1], Dilations = [1, 1], Output = "c1" },
                new RescaleLayer { Name = "rescale", Input = "c1", Shift = 4, Output = "r1" },
                new ReluLayer { Name = "relu", Input = "r1", Output = "a1" },
                new LeakyReluLayer { Name = "leaky", Input = "r1", AlphaNum = 13, AlphaShift = 7, Output = "a2" },
                new ClipLayer { Name = "clip", Input = "a2", Min = -100, Max = 100, Output = "a3" },
                new MaxPool2dLayer { Name = "maxpool", Input = "a3", Kernel = [2, 2], Strides = [2, 2], Pads = [0, 0, 0, 0], Dilations = [1, 1], Output = "p1" },
                new AvgPool2dLayer { Name = "avgpool", Input = "p1", Kernel = [2, 2], Strides = [1, 1], Pads = [0, 0, 0, 0], Shift = 10, Output = "p2" },
                new ChannelAffineLayer { Name = "bn", Input = "p1", Weight = "ga", Bias = "gb", Output = "ca" },
                new RescaleLayer { Name = "bn_rescale", Input = "ca", Shift = 4, Output = "ca2" },
                new AddLayer { Name = "add", A = "ca2", B = "p1", Output = "ad" },
                new SubLayer { Name = "sub", A = "ad", B = "p1", Output = "sb" },
                new MulLayer { Name = "mul", A = "sb", B = "p1", Output = "mu" },
                new MulConstLayer { Name = "mulc", Input = "mu", Multiplier = 2, Output = "mc" },
                new RescaleLayer { Name = "mul_rescale", Input = "mc", Shift = 4, Output = "mr" },
                new FlattenLayer { Name = "flatten", Input = "mr", Output = "f" },
                new DenseLayer { Name = "dense", Input = "f", Weight = "dw", Bias = "db", Output = "d" },
                new RescaleLayer { Name = "dense_rescale", Input = "d", Shift = 4, Output = "dr" },
                new ReshapeLayer { Name = "reshape", Input = "dr", Output = "rs" },
                new TransposeLayer { Name = "transpose", Input = "rs", Perm = [1, 0], Output = "tr" },
                new ConcatLayer { Name = "concat", InputList = ["tr", "tr"], Axis = 0, Output = "cc" },
                new MatMulLayer { Name = "matmul", A = "tr", B = "rs", Output = "mm" },
                new ClipLayer { Name = "sig_clip", Input = "dr", Min = -64, Max = 64, Output = "cl" },
                new LookupLayer { Name = "sigmoid", Input = "cl", Function = "sigmoid", InScale = 4, OutScale = 8, Min = -64, Max = 64, TableDigest = LookupTables.Digest("sigmoid", 4, 8, -64, 64), Output = "lk" },
                new SoftmaxLayer { Name = "softmax", Input = "cc", Axis = 1, ExpInScale = 4, ExpOutScale = 8, ExpMin = -128, OutScale = 8, TableDigest = LookupTables.Digest("exp", 4, 8, -128, 0), Output = "sm" },
                new MulConstLayer { Name = "scale_delta", Input = "x", Multiplier = 1, ScaleDelta = 0, Output = "xs" },
            ],
        }.WithDigest();
    }
}

/// <summary>Failures and outcome counts of one fuzz run; a failure names the seed, the case index and
/// the mutation so that it can be replayed with <see cref="Mutations.CaseRng"/>.</summary>
public sealed class FuzzLog(string decoder, int seed)
{
    readonly List<string> _failures = [];
    readonly Dictionary<string, int> _reasons = [];
    public int Cases, Unchanged, Accepted, Rejected;

    /// <summary>Counts a typed rejection under its reason with numbers, quoted names and hex elided (coverage report).</summary>
    public void Reject(string? reason)
    {
        Rejected++;
        string key = System.Text.RegularExpressions.Regex.Replace(reason ?? "", @"'[^']*'|[0-9a-f]{16,}|-?\d+", "_");
        key = key.Length > 70 ? key[..70] : key;
        _reasons[key] = _reasons.GetValueOrDefault(key) + 1;
    }

    public void Fail(int index, string what, string problem) { lock (_failures) _failures.Add($"seed {seed} case {index} [{what}]: {problem}"); }

    public static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message} at {string.Join(" < ", (e.StackTrace ?? "").Split('\n').Take(3).Select(l => l.Trim()))}";

    public string Summary => $"{decoder}: {Cases} cases ({Unchanged} unchanged), {Accepted} accepted, {Rejected} rejected with the typed failure, {_failures.Count} failures";

    public void AssertClean(ITestOutputHelper output)
    {
        output.WriteLine(Summary);
        output.WriteLine($"  {_reasons.Count} distinct rejection reasons; most frequent:");
        foreach (var (reason, n) in _reasons.OrderByDescending(kv => kv.Value).Take(12)) output.WriteLine($"  {n,6} × {reason}");
        Assert.True(_failures.Count == 0, Summary + ":\n" + string.Join("\n", _failures.Take(25)));
    }
}
