using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Commitments.Tests.Hyrax;

/// <summary>Naive oracles (independent of the code under test) and random data.</summary>
internal static class HyraxTestUtil
{
    /// <summary>eq(r, x) computed directly from the bits of x, MSB-first (x₁ = top bit).</summary>
    public static Fr NaiveEq(ReadOnlySpan<Fr> r, int x)
    {
        var acc = Fr.One;
        int l = r.Length;
        for (int i = 0; i < l; i++)
        {
            int bit = (x >> (l - 1 - i)) & 1;
            acc *= bit == 1 ? r[i] : Fr.One - r[i];
        }
        return acc;
    }

    /// <summary>ṽ(r) = Σ_x eq(r, x)·v[x], v zero-padded to 2^|r|.</summary>
    public static Fr NaiveMle(ReadOnlySpan<Fr> v, ReadOnlySpan<Fr> r)
    {
        var acc = Fr.Zero;
        for (int x = 0; x < v.Length; x++) acc += NaiveEq(r, x) * v[x];
        return acc;
    }

    public static Fr[] RandomVector(Random rng, int n)
    {
        var v = new Fr[n];
        for (int i = 0; i < n; i++) v[i] = Fr.Random(rng);
        return v;
    }

    public static long[] RandomSmall(Random rng, int n, int bound = 1 << 15)
    {
        var v = new long[n];
        for (int i = 0; i < n; i++) v[i] = rng.Next(-bound, bound);
        return v;
    }

    public static Fr[] ToFr(long[] v) => Array.ConvertAll(v, x => Fr.FromInt64(x));

    /// <summary>A point that is certainly different from <paramref name="p"/>.</summary>
    public static Point Perturb(Point p) => p + PedersenKey.Get(1).G;
}
