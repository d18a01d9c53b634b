using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Transcript;

namespace ZkmlProver.Commitments.Tests.Sigma;

using Transcript = ZkmlProver.Transcript.Transcript;

internal static class SigmaTestUtil
{
    public static Transcript NewTranscript() => new Transcript("sigma-tests").EnableLog();

    public static Fr R(Random rng) => Fr.Random(rng);

    public static void AssertRejected(Verdict v)
    {
        Assert.False(v.Accepted);
        Assert.False(string.IsNullOrEmpty(v.Reason));
    }

    /// <summary>Every strict prefix and a one-byte extension of an encoding fail to decode with a reason,
    /// and a few random byte strings of the same length are rejected without throwing.</summary>
    public static void AssertMalformedBytesRejected<T>(byte[] good, Func<ReadOnlyMemory<byte>, (bool Ok, T? Value, string? Error)> decode) where T : class
    {
        var ok = decode(good);
        Assert.True(ok.Ok, ok.Error);
        for (int len = 0; len < good.Length; len++)
        {
            var r = decode(good.AsMemory(0, len));
            Assert.False(r.Ok, $"prefix of length {len} decoded");
            Assert.Null(r.Value);
            Assert.False(string.IsNullOrEmpty(r.Error));
        }
        var longer = good.Concat(new byte[] { 0 }).ToArray();
        var t = decode(longer);
        Assert.False(t.Ok);
        Assert.Contains("trailing", t.Error);
        var rng = new Random(99);
        for (int i = 0; i < 20; i++)
        {
            var junk = new byte[good.Length];
            rng.NextBytes(junk);
            var g = decode(junk);
            if (!g.Ok) Assert.False(string.IsNullOrEmpty(g.Error));
        }
        // All 0xFF: every scalar is ≥ n and every point prefix is invalid.
        var ff = Enumerable.Repeat((byte)0xFF, good.Length).ToArray();
        Assert.False(decode(ff).Ok);
    }
}
