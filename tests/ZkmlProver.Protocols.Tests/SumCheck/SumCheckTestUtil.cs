using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Protocols.Tests.SumCheck;

internal static class SumCheckTestUtil
{
    public static Fr[] RandomTable(Random rng, int numVars)
    {
        var t = new Fr[1 << numVars];
        for (int i = 0; i < t.Length; i++) t[i] = Fr.Random(rng);
        return t;
    }

    public static Fr[] RandomPoint(Random rng, int numVars) => Enumerable.Range(0, numVars).Select(_ => Fr.Random(rng)).ToArray();

    public static Fr[][] Copy(Fr[][] tables) => tables.Select(t => (Fr[])t.Clone()).ToArray();

    /// <summary>Σ_x g(x) computed directly from the tables.</summary>
    public static Fr NaiveSum(SumCheckTerms terms, Fr[][] tables)
    {
        Fr acc = Fr.Zero;
        var vals = new Fr[tables.Length];
        for (int i = 0; i < tables[0].Length; i++)
        {
            for (int f = 0; f < tables.Length; f++) vals[f] = tables[f][i];
            acc += terms.Evaluate(vals);
        }
        return acc;
    }

    /// <summary>g(r) from the multilinear extensions of the original tables.</summary>
    public static Fr NaiveG(SumCheckTerms terms, Fr[][] tables, Fr[] point)
        => terms.Evaluate(tables.Select(t => Mle.Evaluate(t, point)).ToArray());

    /// <summary>A random product of <paramref name="degree"/> factors, optionally times an eq(τ, ·) factor.</summary>
    public static (SumCheckTerms Terms, Fr[][] Tables) RandomProduct(Random rng, int numVars, int degree, bool withEq)
    {
        var tables = new List<Fr[]>();
        if (withEq) tables.Add(Mle.EqTable(RandomPoint(rng, numVars)));
        int k = withEq ? degree - 1 : degree;
        for (int i = 0; i < k; i++) tables.Add(RandomTable(rng, numVars));
        return (SumCheckTerms.Product(tables.Count), tables.ToArray());
    }
}
