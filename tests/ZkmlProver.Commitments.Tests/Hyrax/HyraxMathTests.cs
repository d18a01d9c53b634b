using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Field;
using static ZkmlProver.Commitments.Tests.Hyrax.HyraxTestUtil;

namespace ZkmlProver.Commitments.Tests.Hyrax;

public class HyraxMathTests
{
    /// <summary>Pins the variable order: evaluations [1, 2, 1, 4] at r = (4, 3) give 28 with x₁ the
    /// most significant bit (low-bit-first would give 29). Hand computation:
    /// (1−4)(1−3)·1 + (1−4)·3·2 + 4·(1−3)·1 + 4·3·4 = 6 − 18 − 8 + 48 = 28.</summary>
    [Fact]
    public void MsbFirstConventionIsPinned()
    {
        Fr[] v = [1, 2, 1, 4];
        Fr[] r = [4, 3];
        Assert.Equal(Fr.FromInt64(28), NaiveMle(v, r));
        // The Hyrax split of the same point: ℓ = 2, one row variable (r₁ = 4), one column variable (r₂ = 3).
        var shape = new HyraxShape(2);
        var rowW = shape.RowWeights(r);
        var colW = shape.ColumnWeights(r);
        Assert.Equal(new[] { Fr.FromInt64(-3), Fr.FromInt64(4) }, rowW);
        Assert.Equal(new[] { Fr.FromInt64(-2), Fr.FromInt64(3) }, colW);
        // L·M·R with M = [[1, 2], [1, 4]].
        var y = rowW[0] * (colW[0] * 1 + colW[1] * 2) + rowW[1] * (colW[0] * 1 + colW[1] * 4);
        Assert.Equal(Fr.FromInt64(28), y);
    }

    [Fact]
    public void EqTableMatchesNaive()
    {
        var rng = new Random(1);
        for (int l = 0; l <= 6; l++)
        {
            var r = RandomVector(rng, l);
            var t = HyraxMath.EqTable(r);
            for (int x = 0; x < t.Length; x++) Assert.Equal(NaiveEq(r, x), t[x]);
        }
    }

    [Fact]
    public void SVectorMatchesDefinition()
    {
        var rng = new Random(2);
        for (int k = 0; k <= 5; k++)
        {
            var u = RandomVector(rng, k);
            var uInv = Array.ConvertAll(u, x => x.Inverse());
            var scale = Fr.Random(rng);
            var s = new Fr[1 << k];
            HyraxMath.SVector(u, uInv, scale, s);
            for (int i = 0; i < s.Length; i++)
            {
                var expect = scale;
                for (int j = 0; j < k; j++) expect *= ((i >> (k - 1 - j)) & 1) == 1 ? u[j] : uInv[j];
                Assert.Equal(expect, s[i]);
            }
        }
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 1, 2)]
    [InlineData(2, 2, 2)]
    [InlineData(3, 2, 4)]
    [InlineData(12, 64, 64)]
    [InlineData(20, 1024, 1024)]
    public void ShapeSplitsRowsOnHighVariables(int l, int rows, int cols)
    {
        var s = new HyraxShape(l);
        Assert.Equal(rows, s.Rows);
        Assert.Equal(cols, s.Cols);
        Assert.Equal(l / 2, s.RowVars);
    }

    [Fact]
    public void ShapeForLength()
    {
        Assert.Equal(0, HyraxShape.ForLength(0).NumVars);
        Assert.Equal(0, HyraxShape.ForLength(1).NumVars);
        Assert.Equal(1, HyraxShape.ForLength(2).NumVars);
        Assert.Equal(6, HyraxShape.ForLength(59).NumVars);
        Assert.Equal(6, HyraxShape.ForLength(64).NumVars);
        Assert.Equal(7, HyraxShape.ForLength(65).NumVars);
    }
}
