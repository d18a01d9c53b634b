using System.Text.Json.Nodes;
using ZkmlProver.Circuit;
using static ZkmlProver.Circuit.Tests.TC;

namespace ZkmlProver.Circuit.Tests;

public class SerializationTests
{
    [Fact]
    public void Json_RoundTrip_AllLayers()
    {
        var (c, ws) = AllLayers();
        string json = c.ToJson();
        var back = Circuit.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(c.Digest, back.Digest);
        Assert.Equal(c.Layers.Select(l => l.GetType()), back.Layers.Select(l => l.GetType()));
        var x = Enumerable.Range(0, 16).Select(i => (long)(i * 7 % 31 - 15)).ToArray();
        Assert.Equal(ReferenceEvaluator.Evaluate(c, ws, x)["sm"], ReferenceEvaluator.Evaluate(back, ws, x)["sm"]);
        Assert.Contains("\"op\": \"Conv2d\"", json);
    }

    [Fact]
    public void CanonicalJson_IsPinned()
    {
        var c = Make([In("x", [2], 3, 16), W("w", [1, 2], 4, 8), A("y", [1], 7, 20)],
            [new DenseLayer { Name = "fc", Input = "x", Weight = "w", Output = "y" }]);
        Assert.Equal(
            """{"format":"zkml-circuit/1","name":"test","input":"x","outputs":["y"],"tensors":[{"name":"x","kind":"Input","shape":[2],"scale":3,"bits":16},{"name":"w","kind":"Weight","shape":[1,2],"scale":4,"bits":8},{"name":"y","kind":"Activation","shape":[1],"scale":7,"bits":20}],"layers":[{"op":"Dense","name":"fc","input":"x","weight":"w","output":"y"}]}""",
            c.CanonicalJson());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(c.CanonicalJson()))), c.Digest);
    }

    [Fact]
    public void Digest_ChangesWhenAnyFieldChanges()
    {
        var (c, _) = AllLayers();
        var root = JsonNode.Parse(c.ToJson())!.AsObject();
        root.Remove("digest");
        int changed = 0;
        foreach (var path in Leaves(root, ""))
        {
            if (path.EndsWith("/op") || path.EndsWith("/kind") || path == "/format") continue;
            var copy = JsonNode.Parse(root.ToJsonString())!;
            Mutate(copy, path);
            var mutated = System.Text.Json.JsonSerializer.Deserialize<Circuit>(copy.ToJsonString(), CircuitJson.Compact)!;
            Assert.NotEqual(c.Digest, mutated.ComputeDigest());
            changed++;
        }
        Assert.True(changed > 150, $"only {changed} leaves visited");
        // enum-valued kind and the op tag change it too
        Assert.NotEqual(c.Digest, (c with { Tensors = [.. c.Tensors.Select(t => t.Name == "cw" ? t with { Kind = TensorKind.Activation } : t)] }).ComputeDigest());
        Assert.NotEqual(c.Digest, (c with { Layers = [.. c.Layers.Select(l => l is FlattenLayer f ? (Layer)new ReshapeLayer { Name = f.Name, Input = f.Input, Output = f.Output } : l)] }).ComputeDigest());
    }

    static IEnumerable<string> Leaves(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject o: foreach (var kv in o) foreach (var p in Leaves(kv.Value!, path + "/" + kv.Key)) yield return p; break;
            case JsonArray a: for (int i = 0; i < a.Count; i++) foreach (var p in Leaves(a[i]!, path + "/" + i)) yield return p; break;
            default: yield return path; break;
        }
    }

    static void Mutate(JsonNode root, string path)
    {
        var parts = path.Trim('/').Split('/');
        JsonNode parent = root;
        foreach (var p in parts[..^1]) parent = parent is JsonArray arr ? arr[int.Parse(p)]! : parent[p]!;
        string last = parts[^1];
        JsonNode leaf = parent is JsonArray pa ? pa[int.Parse(last)]! : parent[last]!;
        var v = leaf.AsValue();
        JsonNode nv = v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => JsonValue.Create(v.GetValue<long>() == long.MaxValue ? long.MaxValue - 1 : v.GetValue<long>() + 1),
            System.Text.Json.JsonValueKind.String => JsonValue.Create(v.GetValue<string>() + "x"),
            System.Text.Json.JsonValueKind.True => JsonValue.Create(false),
            System.Text.Json.JsonValueKind.False => JsonValue.Create(true),
            _ => throw new InvalidOperationException(path),
        };
        if (parent is JsonArray a2) a2[int.Parse(last)] = nv; else parent[last] = nv;
    }

    [Fact]
    public void FromJson_RejectsTamperingAndBadInput()
    {
        var (c, _) = AllLayers();
        string json = c.ToJson();
        Assert.Contains("digest mismatch", Assert.Throws<CircuitFormatException>(() => Circuit.FromJson(json.Replace("\"shift\": 4", "\"shift\": 3"))).Message);
        Assert.Throws<CircuitFormatException>(() => Circuit.FromJson(json.Replace("\"op\": \"Relu\"", "\"op\": \"Gelu\"")));
        Assert.Throws<CircuitFormatException>(() => Circuit.FromJson(json[..(json.Length / 2)]));
        Assert.Throws<CircuitFormatException>(() => Circuit.FromJson("{}"));
        Assert.Contains("format", Assert.Throws<CircuitFormatException>(() => Circuit.FromJson(json.Replace("zkml-circuit/1", "zkml-circuit/9"))).Message);
    }

    [Fact]
    public void Validator_CatchesShapeAndScaleMistakes()
    {
        var badScale = Make([In("x", [2], 3), W("w", [1, 2], 4), A("y", [1], 6)], [new DenseLayer { Name = "fc", Input = "x", Weight = "w", Output = "y" }]);
        Assert.Contains("scale", Assert.Throws<CircuitFormatException>(() => CircuitValidator.Validate(badScale)).Message);
        var badShape = Make([In("x", [3], 3), W("w", [1, 2], 4), A("y", [1], 7)], [new DenseLayer { Name = "fc", Input = "x", Weight = "w", Output = "y" }]);
        Assert.Contains("fc", Assert.Throws<CircuitFormatException>(() => CircuitValidator.Validate(badShape)).Message);
        var order = Make([In("x", [2]), A("a", [2]), A("b", [2])],
            [new ReluLayer { Name = "r2", Input = "a", Output = "b" }, new ReluLayer { Name = "r1", Input = "x", Output = "a" }]);
        Assert.Contains("before it is computed", Assert.Throws<CircuitFormatException>(() => CircuitValidator.Validate(order)).Message);
    }

    [Fact]
    public void SaveLoad_File_IsAtomicAndValidated()
    {
        var (c, _) = AllLayers();
        var dir = Directory.CreateTempSubdirectory("zkml-circ-");
        try
        {
            var path = Path.Combine(dir.FullName, "circuit.json");
            c.Save(path);
            Assert.Equal(c.Digest, Circuit.Load(path).Digest);
            Assert.Single(Directory.GetFiles(dir.FullName));
        }
        finally { dir.Delete(true); }
    }
}
