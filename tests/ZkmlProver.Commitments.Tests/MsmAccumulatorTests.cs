using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using static ZkmlProver.Commitments.Tests.Sigma.SigmaTestUtil;

namespace ZkmlProver.Commitments.Tests;

public class MsmAccumulatorTests
{
    private static readonly PedersenKey Key = PedersenKey.Get(8);

    /// <summary>Adds the equation Com(x; r) − C = O, with C = Com(x; r) + error·G.</summary>
    private static void AddCommitmentEquation(MsmAccumulator acc, Random rng, int n, int offset, bool wrong)
    {
        var x = new Fr[n];
        for (int i = 0; i < n; i++) x[i] = R(rng);
        Fr r = R(rng), v = R(rng), rv = R(rng);
        var gs = PedersenKey.Get(offset + n).Gs;
        var c = Msm.Compute(gs.Slice(offset, n), x) + r * Key.H;
        if (wrong) c += Key.G;
        acc.BeginEquation();
        acc.Add(c);
        acc.SubtractVectorGenerators(x, offset);
        acc.AddBlindGenerator(-r);
        // and a value commitment, written term by term: 3·(v·G + rv·H) − 3·Cv = O
        var cv = Key.Commit(v, rv);
        acc.BeginEquation();
        acc.Subtract(Fr.FromInt64(3), cv);
        acc.AddValueGenerator(Fr.FromInt64(3) * v);
        acc.AddBlindGenerator(Fr.FromInt64(3) * rv);
    }

    [Fact]
    public void EmptyAccumulatorAccepts() => Assert.True(new MsmAccumulator().Check());

    [Fact]
    public void AcceptsValidEquations()
    {
        var rng = new Random(1);
        var acc = new MsmAccumulator();
        for (int e = 0; e < 20; e++) AddCommitmentEquation(acc, rng, 1 + e % 6, e % 3, wrong: false);
        Assert.Equal(40, acc.Equations);
        Assert.True(acc.Check());
        acc.Clear();
        Assert.Equal(0, acc.Equations);
        Assert.True(acc.Check());
    }

    [Fact]
    public void RejectsWhenAnySingleEquationIsOff()
    {
        for (int bad = 0; bad < 12; bad++)
        {
            var rng = new Random(2);
            var acc = new MsmAccumulator();
            for (int e = 0; e < 12; e++) AddCommitmentEquation(acc, rng, 1 + e % 5, e % 2, wrong: e == bad);
            Assert.False(acc.Check(), $"equation {bad} off, batch accepted");
        }
    }

    [Fact]
    public void HandComputedEquation()
    {
        // 2·G_1 + 5·H − (2·G_1 + 5·H) = O ; and 7·G ≠ O alone.
        var acc = new MsmAccumulator();
        acc.BeginEquation();
        acc.AddVectorGenerator(1, Fr.FromInt64(2));
        acc.AddBlindGenerator(Fr.FromInt64(5));
        acc.Subtract(Fr.One, Fr.FromInt64(2) * PedersenKey.Get(2).Gs[1] + Fr.FromInt64(5) * Key.H);
        Assert.True(acc.Check());
        acc.BeginEquation();
        acc.AddValueGenerator(Fr.FromInt64(7));
        Assert.False(acc.Check());
    }

    [Fact]
    public void DeferredDotProductProofMatchesDirectVerification()
    {
        var rng = new Random(3);
        var proofs = new List<(Point Cx, Point Cy, Fr[] A, DotProductProof P)>();
        for (int k = 0; k < 5; k++)
        {
            int n = 1 + k;
            var x = new Fr[n]; var a = new Fr[n];
            for (int i = 0; i < n; i++) { x[i] = R(rng); a[i] = R(rng); }
            Fr rx = R(rng), ry = R(rng);
            var cx = Key.Commit(x, rx); var cy = Key.Commit(FieldVectors.InnerProduct(a, x), ry);
            proofs.Add((cx, cy, a, DotProductProof.Prove(NewTranscript(), Key, cx, cy, a, x, rx, ry, rng)));
        }
        var acc = new MsmAccumulator();
        foreach (var (cx, cy, a, p) in proofs)
            Assert.True(DotProductProof.Verify(NewTranscript(), Key, cx, cy, a, p, acc).Accepted);
        Assert.True(acc.Check());

        for (int bad = 0; bad < proofs.Count; bad++)
            foreach (var tamper in new Func<DotProductProof, DotProductProof>[]
                     {
                         p => p with { ZDelta = p.ZDelta + Fr.One },
                         p => p with { ZBeta = p.ZBeta + Fr.One },
                         p => p with { Beta = p.Beta + Key.G },
                         p => p with { Z = p.Z.Select((z, i) => i == 0 ? z + Fr.One : z).ToArray() },
                     })
            {
                acc.Clear();
                for (int k = 0; k < proofs.Count; k++)
                {
                    var (cx, cy, a, p) = proofs[k];
                    var v = DotProductProof.Verify(NewTranscript(), Key, cx, cy, a, k == bad ? tamper(p) : p, acc);
                    Assert.True(v.Accepted); // shape is fine: the group check decides
                }
                Assert.False(acc.Check());
            }
        // a wrong length is rejected at once, with a reason
        acc.Clear();
        var (cx0, cy0, a0, p0) = proofs[2];
        AssertRejected(DotProductProof.Verify(NewTranscript(), Key, cx0, cy0, a0, p0 with { Z = p0.Z[..1] }, acc));
    }
}
