using System.Text.Json;
using Google.Protobuf;
using ZkmlProver.Onnx.Protos;

namespace ZkmlProver.EndToEnd.Tests;

/// <summary>credit_logreg compiled and committed by the CLI once for the CLI tests, with one
/// 2-row proof made by <c>zkml prove</c>.</summary>
public sealed class CliModelFixture : IDisposable
{
    public TempDir Dir { get; } = new();
    public string ModelDir => Dir["model"];
    public string Circuit => Path.Combine(ModelDir, "circuit.json");
    public string Commitment => Path.Combine(ModelDir, "model.commitment");
    public string Proof => Dir["two.zkp"];
    public string Onnx => Path.Combine(Models.Dir("credit_logreg"), "network.onnx");
    public string InputJson => Path.Combine(Models.Dir("credit_logreg"), "input.json");
    /// <summary>Header and the first rows of credit_logreg's test.csv (id, 60 features, label).</summary>
    public string[] CsvLines { get; } = File.ReadLines(Path.Combine(Models.Dir("credit_logreg"), "test.csv")).Take(5).ToArray();

    public CliModelFixture()
    {
        Check(Zkml.Run("compile", Onnx, "-c", InputJson, "-o", ModelDir, "--json"));
        Check(Zkml.Run("commit", ModelDir));
        File.WriteAllLines(Dir["two.csv"], CsvLines.Take(3));
        Check(Zkml.Run("prove", ModelDir, "-i", Dir["two.csv"], "-o", Proof));
    }

    static void Check(CliResult r) { if (r.ExitCode != 0) throw new InvalidOperationException("fixture step failed: " + r); }

    public void Dispose() => Dir.Dispose();
}

/// <summary>The four commands as a user runs them (in process, <see cref="Cli.Program.Main"/>): exit
/// codes, one-line errors, no partial files, refusal to overwrite, machine-readable output.</summary>
[Collection(CliCollection.Name)]
public sealed class CliTests(CliModelFixture fx) : IClassFixture<CliModelFixture>
{
    static void AssertOneErrorLine(CliResult r, int exitCode, params string[] mustContain)
    {
        Assert.True(r.ExitCode == exitCode, $"expected exit {exitCode}\n{r}");
        // progress lines of prove ("prove: …") may precede the error on a redirected stderr
        var line = Assert.Single(r.ErrLines, l => !l.StartsWith("prove: ", StringComparison.Ordinal));
        Assert.StartsWith("zkml: ", line);
        foreach (var s in mustContain) Assert.Contains(s, line);
        Assert.DoesNotContain("   at ", r.Err);   // no stack trace
    }

    /// <summary>File names in a folder that look like leftovers of an atomic write.</summary>
    static string[] TempLeftovers(string dir) =>
        Directory.Exists(dir) ? Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).Where(n => n.Contains(".tmp-")).ToArray() : [];

    [Fact]
    public void CompileCommitProveVerifyOnCreditLogreg()
    {
        using var t = new TempDir();
        string dir = t["m"], proof = t["batch.zkp"];
        var compile = Zkml.Run("compile", fx.Onnx, "-c", fx.InputJson, "-o", dir, "--json");
        Assert.True(compile.ExitCode == 0, compile.ToString());
        using (var doc = JsonDocument.Parse(compile.Out))
        {
            Assert.Equal("credit_logreg", doc.RootElement.GetProperty("name").GetString());
            Assert.Equal(64, doc.RootElement.GetProperty("digest").GetString()!.Length);
        }
        Assert.Equal(["circuit.json", "weights.bin"], t.Files("m"));

        var commit = Zkml.Run("commit", dir, "--json");
        Assert.True(commit.ExitCode == 0, commit.ToString());
        using (var doc = JsonDocument.Parse(commit.Out))
            Assert.Equal(new FileInfo(Path.Combine(dir, "model.commitment")).Length, doc.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal(["circuit.json", "model.commitment", "model.key", "weights.bin"], t.Files("m"));

        var prove = Zkml.Run("prove", dir, "-i", fx.InputJson, "-o", proof, "--json");
        Assert.True(prove.ExitCode == 0, prove.ToString());
        double[][] proven;
        using (var doc = JsonDocument.Parse(prove.Out))
        {
            Assert.Equal(8, doc.RootElement.GetProperty("batch").GetInt32());
            Assert.Equal(new FileInfo(proof).Length, doc.RootElement.GetProperty("bytes").GetInt64());
            proven = Rows(doc.RootElement.GetProperty("outputs")[0].GetProperty("values"));
        }
        Assert.Equal(8, proven.Length);
        Assert.Empty(TempLeftovers(t.Path));

        var verify = Zkml.Run("verify", "--circuit", Path.Combine(dir, "circuit.json"), "--commitment", Path.Combine(dir, "model.commitment"), proof, "--json");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        using (var doc = JsonDocument.Parse(verify.Out))
        {
            Assert.True(doc.RootElement.GetProperty("accepted").GetBoolean());
            Assert.Equal(proven, Rows(doc.RootElement.GetProperty("outputs")[0].GetProperty("values")));
        }
        // Probabilities of a logistic regression, and the human-readable verify says ACCEPTED.
        Assert.All(proven, row => Assert.InRange(Assert.Single(row), 0.0, 1.0));
        var plain = Zkml.Run("verify", "--circuit", Path.Combine(dir, "circuit.json"), "--commitment", Path.Combine(dir, "model.commitment"), proof);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("ACCEPTED", plain.Out);
        Assert.Equal("", plain.Err);
    }

    static double[][] Rows(JsonElement e) => e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

    [Fact]
    public void TamperedProofIsRejectedWithExitOneAndOneLine()
    {
        using var t = new TempDir();
        var bytes = File.ReadAllBytes(fx.Proof);
        var rng = new Random(11);
        // a byte of the circuit digest, of the public inputs, and four of the proof body
        int[] positions = [40, 140, .. Enumerable.Range(0, 4).Select(_ => rng.Next(bytes.Length / 4, bytes.Length))];
        foreach (int pos in positions)
        {
            var m = (byte[])bytes.Clone();
            m[pos] ^= 0x10;
            File.WriteAllBytes(t["bad.zkp"], m);
            var r = Zkml.Run("verify", "--circuit", fx.Circuit, "--commitment", fx.Commitment, t["bad.zkp"]);
            Assert.True(r.ExitCode == 1, $"byte {pos}: {r}");
            var line = Assert.Single(r.OutLines);
            Assert.StartsWith("REJECTED: ", line);
            Assert.True(line.Length > "REJECTED: ".Length + 5, line);
            Assert.Equal("", r.Err);

            var json = Zkml.Run("verify", "--circuit", fx.Circuit, "--commitment", fx.Commitment, t["bad.zkp"], "--json");
            Assert.Equal(1, json.ExitCode);
            using var doc = JsonDocument.Parse(json.Out);
            Assert.False(doc.RootElement.GetProperty("accepted").GetBoolean());
            Assert.Equal(line["REJECTED: ".Length..], doc.RootElement.GetProperty("reason").GetString());
        }
        // the untouched proof still verifies
        Assert.Equal(0, Zkml.Run("verify", "--circuit", fx.Circuit, "--commitment", fx.Commitment, fx.Proof).ExitCode);
    }

    /// <summary>A valid proof of another model, checked against credit_logreg's circuit and commitment:
    /// a rejection (exit 1, one REJECTED line naming the circuit), not a file error.</summary>
    [Fact]
    public void VerifyOfAnotherModelsProofIsRejected()
    {
        using var t = new TempDir();
        var other = Models.Get("credit_mlp");
        var rows = other.Inputs.Slice(0, 1);
        var proof = Proving.InferenceProver.Prove(other.Model.Circuit, other.Model.Weights, other.Commitment, other.Key, other.Model.QuantizeInputs(rows), 1);
        File.WriteAllBytes(t["mlp.zkp"], proof.ToBytes());
        var r = Zkml.Run("verify", "--circuit", fx.Circuit, "--commitment", fx.Commitment, t["mlp.zkp"]);
        Assert.True(r.ExitCode == 1, r.ToString());
        var line = Assert.Single(r.OutLines);
        Assert.StartsWith("REJECTED: ", line);
        Assert.Contains("circuit", line);
    }

    public static TheoryData<string> BadPublicFiles => new()
    {
        "circuit missing", "circuit truncated", "circuit random bytes", "circuit empty object", "circuit edited (digest mismatch)",
        "commitment missing", "commitment truncated", "commitment empty", "commitment random bytes", "commitment of another circuit",
        "commitment is a folder", "proof missing",
    };

    [Theory]
    [MemberData(nameof(BadPublicFiles))]
    public void VerifyWithUnreadableCircuitCommitmentOrProofExitsTwoWithOneLine(string kind)
    {
        using var t = new TempDir();
        string circuit = fx.Circuit, commitment = fx.Commitment, proof = fx.Proof, named;
        var rng = new Random(5);
        switch (kind)
        {
            case "circuit missing": named = circuit = t["nope.json"]; break;
            case "circuit truncated": named = circuit = t["c.json"]; File.WriteAllText(circuit, File.ReadAllText(fx.Circuit)[..700]); break;
            case "circuit random bytes": named = circuit = t["c.json"]; File.WriteAllBytes(circuit, RandomBytes(rng, 3000)); break;
            case "circuit empty object": named = circuit = t["c.json"]; File.WriteAllText(circuit, "{}"); break;
            case "circuit edited (digest mismatch)":
                named = circuit = t["c.json"];
                File.WriteAllText(circuit, File.ReadAllText(fx.Circuit).Replace("\"credit_logreg\"", "\"credit_logreg2\""));
                break;
            case "commitment missing": named = commitment = t["nope.commitment"]; break;
            case "commitment truncated": named = commitment = t["m.commitment"]; File.WriteAllBytes(commitment, File.ReadAllBytes(fx.Commitment)[..100]); break;
            case "commitment empty": named = commitment = t["m.commitment"]; File.WriteAllBytes(commitment, []); break;
            case "commitment random bytes": named = commitment = t["m.commitment"]; File.WriteAllBytes(commitment, RandomBytes(rng, 400)); break;
            case "commitment of another circuit": named = commitment = t["m.commitment"]; File.WriteAllBytes(commitment, Models.Get("credit_mlp").Commitment.Bytes); break;
            case "commitment is a folder": named = commitment = t["folder"]; Directory.CreateDirectory(commitment); break;
            case "proof missing": named = proof = t["nope.zkp"]; break;
            default: throw new ArgumentException(kind);
        }
        var r = Zkml.Run("verify", "--circuit", circuit, "--commitment", commitment, proof);
        AssertOneErrorLine(r, 2, Path.GetFileName(named));
        Assert.Equal("", r.Out);
    }

    static byte[] RandomBytes(Random rng, int n) { var b = new byte[n]; rng.NextBytes(b); return b; }

    [Fact]
    public void ProveRefusesToOverwriteAProofWithoutForce()
    {
        using var t = new TempDir();
        byte[] precious = "an earlier proof"u8.ToArray();
        File.WriteAllBytes(t["p.zkp"], precious);
        File.WriteAllLines(t["one.csv"], fx.CsvLines.Take(2));
        var r = Zkml.Run("prove", fx.ModelDir, "-i", t["one.csv"], "-o", t["p.zkp"]);
        AssertOneErrorLine(r, 1, "p.zkp", "--force");
        Assert.Equal(precious, File.ReadAllBytes(t["p.zkp"]));

        var forced = Zkml.Run("prove", fx.ModelDir, "-i", t["one.csv"], "-o", t["p.zkp"], "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(0, Zkml.Run("verify", "--circuit", fx.Circuit, "--commitment", fx.Commitment, t["p.zkp"]).ExitCode);
        Assert.Equal(["one.csv", "p.zkp"], t.Files());
    }

    [Fact]
    public void CommitRefusesToOverwriteWithoutForceAndForceInvalidatesOldProofs()
    {
        using var t = new TempDir();
        string dir = t["m"];
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(fx.ModelDir)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        var before = Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        var r = Zkml.Run("commit", dir);
        AssertOneErrorLine(r, 1, "model.commitment", "--force");
        foreach (var (name, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, name)));

        var forced = Zkml.Run("commit", dir, "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.NotEqual(before["model.commitment"], File.ReadAllBytes(Path.Combine(dir, "model.commitment")));   // fresh blinds
        Assert.Empty(TempLeftovers(dir));
        // the old proof is bound to the old commitment
        var v = Zkml.Run("verify", "--circuit", Path.Combine(dir, "circuit.json"), "--commitment", Path.Combine(dir, "model.commitment"), fx.Proof);
        Assert.Equal(1, v.ExitCode);
        Assert.StartsWith("REJECTED: ", Assert.Single(v.OutLines));
    }

    /// <summary>A model.key that does not open model.commitment (here: the key of an earlier commit of
    /// the same circuit) stops prove with a one-line error naming model.key, before any proving.</summary>
    [Fact]
    public void ProveWithAKeyThatDoesNotOpenTheCommitmentFails()
    {
        using var t = new TempDir();
        string dir = t["m"];
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(fx.ModelDir)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        var oldKey = File.ReadAllBytes(Path.Combine(dir, "model.key"));
        Assert.Equal(0, Zkml.Run("commit", dir, "--force").ExitCode);
        File.WriteAllBytes(Path.Combine(dir, "model.key"), oldKey);
        File.WriteAllLines(t["one.csv"], fx.CsvLines.Take(2));
        var r = Zkml.Run("prove", dir, "-i", t["one.csv"], "-o", t["p.zkp"]);
        AssertOneErrorLine(r, 1, "model.key");
        Assert.False(File.Exists(t["p.zkp"]));
    }

    /// <summary>Edits one cell of the CSV (line index counts the header as 0, column index the id as 0).</summary>
    public static TheoryData<string, int, int, string, string[]> BadCsvCells => new()
    {
        { "NaN", 2, 3, "NaN", ["row 2", "InstallmentRatePercentage"] },
        { "Infinity", 1, 5, "Infinity", ["row 1", "Age"] },
        { "non-numeric", 3, 1, "abc", ["row 3", "Duration"] },
        { "empty cell", 2, 2, "", ["row 2", "Amount"] },
        { "out of range", 1, 2, "1e6", ["row 1", "2"] },
        { "missing column", 3, -1, "", ["row 3"] },
        { "extra column", 2, 99, "0.5", ["row 2"] },
    };

    [Theory]
    [MemberData(nameof(BadCsvCells))]
    public void ProveWithABadInputCellFailsNamingRowAndColumnAndWritesNoProof(string what, int line, int column, string value, string[] mustContain)
    {
        using var t = new TempDir();
        var rows = fx.CsvLines.Take(4).Select(l => l.Split(',').ToList()).ToArray();
        if (column == -1) rows[line].RemoveAt(rows[line].Count - 2);
        else if (column == 99) rows[line].Insert(3, value);
        else rows[line][column] = value;
        File.WriteAllLines(t["in.csv"], rows.Select(r => string.Join(",", r)));
        var r = Zkml.Run("prove", fx.ModelDir, "-i", t["in.csv"], "-o", t["p.zkp"]);
        AssertOneErrorLine(r, 1, ["in.csv", .. mustContain]);
        Assert.True(r.ErrLines[0].Length < 400, what);
        Assert.Equal(["in.csv"], t.Files());
    }

    [Fact]
    public void ProveWithTooFewFeaturesNamesTheRowAndTheExpectedCount()
    {
        using var t = new TempDir();
        // every row lacks the last feature: a consistent CSV that does not fit the model
        File.WriteAllLines(t["in.csv"], fx.CsvLines.Take(3).Select(l => { var c = l.Split(','); return string.Join(",", c.Take(c.Length - 2).Append(c[^1])); }));
        var r = Zkml.Run("prove", fx.ModelDir, "-i", t["in.csv"], "-o", t["p.zkp"]);
        AssertOneErrorLine(r, 1, "row 1", "58", "59");
        Assert.Equal(["in.csv"], t.Files());
    }

    public static TheoryData<string, string, string> BadInputJson => new()
    {
        { "wrong length", """{"input_data": [[1, 2, 3]]}""", "row 1" },
        { "malformed", """{"input_data": [[1, 2,""", "JSON" },
        { "no rows", """{"input_data": []}""", "no rows" },
        { "text value", """{"input_data": [["a"]]}""", "row 1" },
    };

    [Theory]
    [MemberData(nameof(BadInputJson))]
    public void ProveWithABadInputJsonFailsInOneLineAndWritesNoProof(string what, string json, string mustContain)
    {
        using var t = new TempDir();
        File.WriteAllText(t["in.json"], json);
        var r = Zkml.Run("prove", fx.ModelDir, "-i", t["in.json"], "-o", t["p.zkp"]);
        AssertOneErrorLine(r, 1, "in.json", mustContain);
        Assert.True(r.ErrLines[0].Length < 400, what);
        Assert.Equal(["in.json"], t.Files());
    }

    public static TheoryData<string> BadSecretFiles => new() { "weights.bin truncated", "weights.bin flipped", "model.key truncated", "model.key of another model", "model.key missing" };

    /// <summary>prove (and commit, for the weights) with a damaged secret file: one line naming the file, exit 1, no proof.</summary>
    [Theory]
    [MemberData(nameof(BadSecretFiles))]
    public void ProveWithADamagedWeightsOrKeyFileFailsNamingIt(string kind)
    {
        using var t = new TempDir();
        string dir = t["m"];
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(fx.ModelDir)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        string file = kind.Split(' ')[0], path = Path.Combine(dir, file);
        var bytes = File.ReadAllBytes(path);
        switch (kind)
        {
            case "weights.bin truncated": case "model.key truncated": File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]); break;
            case "weights.bin flipped": bytes[bytes.Length / 2] ^= 0x40; File.WriteAllBytes(path, bytes); break;
            case "model.key of another model": File.WriteAllBytes(path, Models.Get("credit_mlp").Key.ToBytes()); break;
            case "model.key missing": File.Delete(path); break;
        }
        File.WriteAllLines(t["one.csv"], fx.CsvLines.Take(2));
        var r = Zkml.Run("prove", dir, "-i", t["one.csv"], "-o", t["p.zkp"]);
        AssertOneErrorLine(r, 1, file);
        Assert.False(File.Exists(t["p.zkp"]));
        if (file == "weights.bin")
        {
            var c = Zkml.Run("commit", dir, "--force");
            AssertOneErrorLine(c, 1, file);
        }
    }

    /// <summary>Fails before proving (no progress printed), naming the missing folder.</summary>
    [Fact]
    public void ProveIntoAMissingFolderFailsBeforeProving()
    {
        using var t = new TempDir();
        File.WriteAllLines(t["one.csv"], fx.CsvLines.Take(2));
        var r = Zkml.Run("prove", fx.ModelDir, "-i", t["one.csv"], "-o", t["no/such/folder/p.zkp"]);
        AssertOneErrorLine(r, 1, "folder", Path.Combine("no", "such", "folder"));
        Assert.Equal(["one.csv"], t.Files());
    }

    /// <summary>--private-input through the CLI: verify accepts with the same outputs as a public-input
    /// proof, reports the inputs as committed, and the proof file carries no int64 copy of any input row.</summary>
    [Fact]
    public void PrivateInputProofVerifiesAndCarriesNoInputRow()
    {
        using var t = new TempDir();
        File.WriteAllLines(t["two.csv"], fx.CsvLines.Take(3));
        var p = Zkml.Run("prove", fx.ModelDir, "-i", t["two.csv"], "-o", t["p.zkp"], "--private-input", "--json");
        Assert.True(p.ExitCode == 0, p.ToString());
        var v = Zkml.Run("verify", "--circuit", fx.Circuit, "--commitment", fx.Commitment, t["p.zkp"], "--json");
        Assert.True(v.ExitCode == 0, v.ToString());
        var pub = Zkml.Run("verify", "--circuit", fx.Circuit, "--commitment", fx.Commitment, fx.Proof, "--json");
        using var doc = JsonDocument.Parse(v.Out);
        using var pubDoc = JsonDocument.Parse(pub.Out);
        Assert.True(doc.RootElement.GetProperty("privateInput").GetBoolean());
        Assert.False(pubDoc.RootElement.GetProperty("privateInput").GetBoolean());
        Assert.Equal(Rows(pubDoc.RootElement.GetProperty("outputs")[0].GetProperty("values")), Rows(doc.RootElement.GetProperty("outputs")[0].GetProperty("values")));

        var circuit = Circuit.Circuit.Load(fx.Circuit);
        var data = Quantize.InputData.Load(t["two.csv"]);
        var q = Cli.Commands.InputQuantizer.Quantize(circuit, data);
        int n = circuit.InputTensor.Size;
        var priv = File.ReadAllBytes(t["p.zkp"]);
        var pubBytes = File.ReadAllBytes(fx.Proof);
        for (int row = 0; row < data.Count; row++)
        {
            var rowBytes = new byte[n * 8];
            for (int i = 0; i < n; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(rowBytes.AsSpan(i * 8), q[row * n + i]);
            Assert.True(priv.AsSpan().IndexOf(rowBytes) < 0, $"row {row + 1} found in the private-input proof");
            Assert.True(pubBytes.AsSpan().IndexOf(rowBytes) >= 0, "the public-input proof of the same rows carries them");
        }
    }

    /// <summary>Every input inside its declared range, chosen with the signs of the weights so that the
    /// Gemm accumulator leaves its declared range: one line naming the layer, exit 1, no proof.</summary>
    [Fact]
    public void InputsThatOverflowALayerFailNamingTheLayerAndWriteNoProof()
    {
        using var t = new TempDir();
        var w = Models.Get("credit_logreg").Model.Weights["fc.weight"];
        var header = fx.CsvLines[0].Split(',');
        Assert.Equal(w.Length + 2, header.Length);   // id, features, label
        string row = string.Join(",", ["1", .. w.Select(v => v >= 0 ? "31" : "-31"), "0"]);
        File.WriteAllLines(t["extreme.csv"], [fx.CsvLines[0], row]);
        var r = Zkml.Run("prove", fx.ModelDir, "-i", t["extreme.csv"], "-o", t["p.zkp"]);
        AssertOneErrorLine(r, 1, "/fc/Gemm", "is outside");
        Assert.Equal(["extreme.csv"], t.Files());
    }

    public static TheoryData<string> BadOnnx => new() { "truncated", "random bytes", "empty" };

    [Theory]
    [MemberData(nameof(BadOnnx))]
    public void CompileOfACorruptOnnxFileFailsInOneLineAndLeavesNoOutput(string kind)
    {
        using var t = new TempDir();
        var good = File.ReadAllBytes(fx.Onnx);
        var bytes = kind switch
        {
            "truncated" => good[..(good.Length / 2)],
            "random bytes" => RandomBytes(new Random(3), 5000),
            _ => [],
        };
        File.WriteAllBytes(t["broken.onnx"], bytes);
        var r = Zkml.Run("compile", t["broken.onnx"], "-c", fx.InputJson, "-o", t["out"]);
        AssertOneErrorLine(r, 1, "broken.onnx");
        Assert.False(File.Exists(t["out/circuit.json"]));
        Assert.False(File.Exists(t["out/weights.bin"]));
        Assert.Empty(TempLeftovers(t["out"]));

        // a failed compile into a folder holding an earlier compile leaves those files as they were
        var r2 = Zkml.Run("compile", t["broken.onnx"], "-c", fx.InputJson, "-o", fx.ModelDir);
        Assert.Equal(1, r2.ExitCode);
        Assert.Equal(["circuit.json", "model.commitment", "model.key", "weights.bin"], Directory.GetFiles(fx.ModelDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(0, Zkml.Run("verify", "--circuit", fx.Circuit, "--commitment", fx.Commitment, fx.Proof).ExitCode);
    }

    [Fact]
    public void InspectReportsAnUnsupportedOpByNodeAndOp()
    {
        using var t = new TempDir();
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(fx.Onnx));
        var node = model.Graph.Node.First(n => n.OpType == "Sigmoid");
        node.OpType = "Hardmax";
        File.WriteAllBytes(t["hardmax.onnx"], model.ToByteArray());

        var text = Zkml.Run("inspect", t["hardmax.onnx"]);
        Assert.True(text.ExitCode == 1, text.ToString());
        Assert.Contains("Hardmax", text.Out);
        Assert.Contains(node.Name, text.Out);
        Assert.Contains("supported: no", text.Out);

        var json = Zkml.Run("inspect", t["hardmax.onnx"], "--json");
        Assert.Equal(1, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("supported").GetBoolean());
        var bad = doc.RootElement.GetProperty("nodes").EnumerateArray().Single(n => !n.GetProperty("supported").GetBoolean());
        Assert.Equal("Hardmax", bad.GetProperty("op").GetString());
        Assert.Contains(node.Name, bad.GetProperty("reason").GetString());

        // compile refuses it in one line naming the node and the op, and writes nothing
        var compile = Zkml.Run("compile", t["hardmax.onnx"], "-c", fx.InputJson, "-o", t["out"]);
        AssertOneErrorLine(compile, 1, "Hardmax");
        Assert.False(File.Exists(t["out/circuit.json"]));

        var ok = Zkml.Run("inspect", fx.Onnx, "--json");
        Assert.Equal(0, ok.ExitCode);
        using var okDoc = JsonDocument.Parse(ok.Out);
        Assert.True(okDoc.RootElement.GetProperty("supported").GetBoolean());
    }

    public static TheoryData<string[], string> UsageErrors => new()
    {
        { new[] { "prove", "m", "-i", "x.csv", "-o", "p.zkp", "--bogus" }, "--bogus" },
        { new[] { "verify", "p.zkp", "--circuit", "c.json", "--commitment", "m.commitment", "--no-such-option" }, "--no-such-option" },
        { new[] { "compile", "model.onnx", "-o", "out" }, "--calibration" },
        { new[] { "verify", "p.zkp" }, "--circuit" },
        { new[] { "frobnicate" }, "frobnicate" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void UsageErrorsExitTwoNamingTheProblem(string[] args, string named)
    {
        var r = Zkml.Run(args);
        Assert.True(r.ExitCode == 2, r.ToString());
        var lines = r.ErrLines;
        Assert.True(lines.Length >= 2, r.ToString());
        Assert.All(lines[..^1], l => Assert.StartsWith("zkml: ", l));
        Assert.Equal("Run 'zkml --help' for usage.", lines[^1]);
        Assert.Contains(named, r.Err);
        Assert.Equal("", r.Out);
    }
}
