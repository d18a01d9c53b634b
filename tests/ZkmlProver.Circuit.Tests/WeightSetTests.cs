using ZkmlProver.Circuit;

namespace ZkmlProver.Circuit.Tests;

public class WeightSetTests
{
    [Fact]
    public void RoundTrip_File()
    {
        var (c, ws) = TC.AllLayers();
        var dir = Directory.CreateTempSubdirectory("zkml-w-");
        try
        {
            var path = Path.Combine(dir.FullName, "weights.bin");
            ws.Write(path, c);
            var back = WeightSet.Read(path, c);
            foreach (var t in c.WeightTensors) Assert.Equal(ws[t.Name], back[t.Name]);
            Assert.Single(Directory.GetFiles(dir.FullName));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Layout_IsPinned()
    {
        var c = TC.Make([TC.In("x", [1]), TC.W("w", [1, 1], 0, 8), TC.A("y", [1])], [new DenseLayer { Name = "d", Input = "x", Weight = "w", Output = "y" }]);
        var bytes = new WeightSet(new Dictionary<string, long[]> { ["w"] = [-2] }).ToBytes(c);
        Assert.Equal("ZKMLW1\0\0"u8.ToArray(), bytes[..8]);
        Assert.Equal(Convert.FromHexString(c.Digest!), bytes[8..40]);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 1, 0, 0, 0, (byte)'w', 1, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, bytes[40..^32]);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes[..^32]), bytes[^32..]);
    }

    [Fact]
    public void EveryFlippedByte_AndEveryTruncation_IsDetected()
    {
        var (c, ws) = TC.AllLayers();
        var bytes = ws.ToBytes(c);
        for (int i = 0; i < bytes.Length; i++)
        {
            var bad = (byte[])bytes.Clone();
            bad[i] ^= 0x10;
            Assert.Throws<CircuitFormatException>(() => WeightSet.FromBytes(bad, c));
        }
        for (int n = 0; n < bytes.Length; n += 7)
            Assert.Throws<CircuitFormatException>(() => WeightSet.FromBytes(bytes.AsSpan(0, n), c));
    }

    [Fact]
    public void WrongCircuit_MissingTensor_AndOutOfRange_AreRejected()
    {
        var (c, ws) = TC.AllLayers();
        var bytes = ws.ToBytes(c);
        var other = c with { Name = "other", Digest = null };
        Assert.Contains("digest", Assert.Throws<CircuitFormatException>(() => WeightSet.FromBytes(bytes, other.WithDigest())).Message);
        var missing = new WeightSet(ws.Names.Where(n => n != "cb").Select(n => new KeyValuePair<string, long[]>(n, ws[n])));
        Assert.Contains("cb", Assert.Throws<CircuitFormatException>(() => missing.Validate(c)).Message);
        var wide = new WeightSet(ws.Names.Select(n => new KeyValuePair<string, long[]>(n, n == "cw" ? [.. ws[n].Select((v, i) => i == 3 ? 128L : v)] : ws[n])));
        var e = Assert.Throws<CircuitRangeException>(() => wide.ToBytes(c));
        Assert.Equal("cw", e.Tensor); Assert.Equal(3, e.Index);
    }
}
