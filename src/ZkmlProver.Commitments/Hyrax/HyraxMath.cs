using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Commitments.Hyrax;

/// <summary>Small shared kernels for the Hyrax folder: eq tables, the Bulletproofs s-vector,
/// logarithms, a core-split MSM and prover randomness.</summary>
/// <remarks>
/// <b>Variable order.</b> x₁ is the most significant bit of the index (PROTOCOL.md, Notation):
/// for r = (r₁ … r_k), <c>EqTable(r)[i]</c> = Π_j (r_j·b_j + (1 − r_j)(1 − b_j)) with b₁ the top bit
/// of i; the s-vector uses the same order (round j ↔ bit j from the top).
/// </remarks>
internal static class HyraxMath
{
    /// <summary>eq(r, ·) over {0,1}^k, MSB-first (the project's <see cref="Mle.EqTable(ReadOnlySpan{Fr})"/>).</summary>
    public static Fr[] EqTable(ReadOnlySpan<Fr> r) => Mle.EqTable(r);

    /// <summary>The Bulletproofs weight vector for challenges u₁..u_k (round j halves on the j-th most
    /// significant index bit): s_i = Π_j u_j^{+1 if bit j of i is 1, −1 otherwise}, times
    /// <paramref name="scale"/>. O(2^k) multiplications by doubling.</summary>
    public static void SVector(ReadOnlySpan<Fr> u, ReadOnlySpan<Fr> uInv, in Fr scale, Span<Fr> s)
    {
        if (s.Length != 1 << u.Length) throw new ArgumentException($"s vector needs {1 << u.Length} entries, got {s.Length}");
        s[0] = scale;
        int size = 1;
        for (int j = 0; j < u.Length; j++)
        {
            var uj = u[j];
            var ujInv = uInv[j];
            for (int m = size - 1; m >= 0; m--)
            {
                var t = s[m];
                Fr.Mul(in t, in uj, out s[2 * m + 1]);
                Fr.Mul(in t, in ujInv, out s[2 * m]);
            }
            size *= 2;
        }
    }

    /// <summary>log₂ of a power of two ≥ 1; −1 otherwise.</summary>
    public static int Log2Exact(int n)
        => n >= 1 && (n & (n - 1)) == 0 ? System.Numerics.BitOperations.Log2((uint)n) : -1;

    /// <summary>Σ sᵢ·Pᵢ with the inputs split into one slice per core (each slice one MSM on one
    /// thread) when they are long enough that the split pays for the lost Pippenger sharing
    /// (the curve's MSM only parallelises much longer inputs itself).</summary>
    public static Point ParallelMsm(Point[] points, Fr[] scalars, int length)
    {
        int parts = Math.Min(Environment.ProcessorCount, length / 512);
        if (parts <= 1) return Msm.Compute(points.AsSpan(0, length), scalars.AsSpan(0, length));
        var partial = new Point[parts];
        Parallel.For(0, parts, p =>
        {
            int lo = (int)((long)length * p / parts), hi = (int)((long)length * (p + 1) / parts);
            partial[p] = Msm.Compute(points.AsSpan(lo, hi - lo), scalars.AsSpan(lo, hi - lo), 1);
        });
        return Point.Sum(partial);
    }

    /// <summary>Fresh prover randomness: the seeded source in tests, the system CSPRNG otherwise.</summary>
    public static Fr NextRandom(Random? rng) => rng is null ? Fr.RandomSecure() : Fr.Random(rng);
}
