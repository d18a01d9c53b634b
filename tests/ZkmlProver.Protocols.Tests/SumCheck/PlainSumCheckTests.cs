using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;
using static ZkmlProver.Protocols.Tests.SumCheck.SumCheckTestUtil;

namespace ZkmlProver.Protocols.Tests.SumCheck;

using Transcript = ZkmlProver.Transcript.Transcript;

public class PlainSumCheckTests
{
    private static Transcript T() => new Transcript("sumcheck-tests").EnableLog();

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void CompletenessAndSubClaimIsGAtThePoint(int degree, bool withEq)
    {
        var rng = new Random(100 + degree);
        foreach (var l in new[] { 0, 1, 3, 6 })
        {
            var (terms, tables) = RandomProduct(rng, l, degree, withEq);
            var original = Copy(tables);
            var claim = NaiveSum(terms, tables);
            var pt = T();
            var output = PlainSumCheck.Prove(pt, claim, terms, tables);
            var vt = T();
            var v = PlainSumCheck.Verify(vt, claim, l, degree, output.Proof, out var sub);
            Assert.True(v.Accepted, v.Reason);
            Assert.Equal(pt.Log, vt.Log);
            Assert.Equal(output.Point, sub!.Point);
            Assert.Equal(output.Value, sub.Value);
            // The sub-claim is true: g(r) from the MLEs of the original tables.
            Assert.Equal(NaiveG(terms, original, sub.Point), sub.Value);
            for (int f = 0; f < original.Length; f++) Assert.Equal(Mle.Evaluate(original[f], sub.Point), output.FactorValues[f]);
        }
    }

    [Fact]
    public void RoundPolynomialMatchesNaiveDefinition()
    {
        // s₁(X) = Σ_{x₂..ℓ} g(X, x₂, …): check at X = 0..5 against direct MLE evaluation.
        var rng = new Random(110);
        const int l = 4;
        var (terms, tables) = RandomProduct(rng, l, 3, false);
        var original = Copy(tables);
        var state = new SumCheckProverState(terms, tables);
        var s = new Fr[4];
        state.RoundPolynomial(s, NaiveSum(terms, original));
        for (int X = 0; X <= 5; X++)
        {
            Fr expected = Fr.Zero;
            for (int rest = 0; rest < 1 << (l - 1); rest++)
            {
                var pt = new Fr[l];
                pt[0] = Fr.FromInt64(X);
                for (int b = 1; b < l; b++) pt[b] = ((rest >> (l - 1 - b)) & 1) != 0 ? Fr.One : Fr.Zero;
                expected += NaiveG(terms, original, pt);
            }
            Assert.Equal(expected, Univariate.Evaluate(s, X));
        }
    }

    [Fact]
    public void TermListsExpressZeroChecksAndBooleanity()
    {
        var rng = new Random(120);
        const int l = 5;
        // eq(τ,·)·(a·b − c) with c = a·b: sum 0.
        var a = RandomTable(rng, l); var b = RandomTable(rng, l);
        var c = a.Zip(b, (x, y) => x * y).ToArray();
        var eq = Mle.EqTable(RandomPoint(rng, l));
        var zeroCheck = new SumCheckTerms(4, [new ProductTerm(0, 1, 2), new ProductTerm(-Fr.One, [0, 3])]);
        Assert.Equal(3, zeroCheck.Degree);
        var tables = new[] { eq, a, b, c };
        var original = Copy(tables);
        var output = PlainSumCheck.Prove(T(), Fr.Zero, zeroCheck, tables);
        Assert.True(PlainSumCheck.Verify(T(), Fr.Zero, l, 3, output.Proof, out var sub).Accepted);
        Assert.Equal(NaiveG(zeroCheck, original, sub!.Point), sub.Value);

        // Booleanity eq·B·(B − 1) = eq·B·B − eq·B with a repeated factor index.
        var bits = Enumerable.Range(0, 1 << l).Select(i => (i * 7 % 3 == 0) ? Fr.One : Fr.Zero).ToArray();
        var boolean = new SumCheckTerms(2, [new ProductTerm(0, 1, 1), new ProductTerm(-Fr.One, [0, 1])]);
        var eq2 = Mle.EqTable(RandomPoint(rng, l));
        var bo = PlainSumCheck.Prove(T(), Fr.Zero, boolean, [eq2, bits]);
        Assert.True(PlainSumCheck.Verify(T(), Fr.Zero, l, 3, bo.Proof, out _).Accepted);

        // A non-Boolean entry makes the sum non-zero (for this τ), and the prover refuses the claim 0.
        var bad = (Fr[])bits.Clone(); bad[5] = Fr.FromInt64(2);
        var eq3 = Mle.EqTable(RandomPoint(rng, l));
        Assert.Throws<InvalidOperationException>(() => PlainSumCheck.Prove(T(), Fr.Zero, boolean, [eq3, bad]));
    }

    [Fact]
    public void WrongClaimIsRejected()
    {
        var rng = new Random(130);
        var (terms, tables) = RandomProduct(rng, 4, 3, false);
        var claim = NaiveSum(terms, tables);
        Assert.Throws<InvalidOperationException>(() => PlainSumCheck.Prove(T(), claim + Fr.One, terms, Copy(tables)));
        var output = PlainSumCheck.Prove(T(), claim, terms, tables);
        Assert.False(PlainSumCheck.Verify(T(), claim + Fr.One, 4, 3, output.Proof, out var sub).Accepted);
        Assert.Null(sub);
    }

    [Fact]
    public void TamperedProofsAndWrongShapesAreRejected()
    {
        var rng = new Random(140);
        const int l = 3, d = 2;
        var (terms, tables) = RandomProduct(rng, l, d, false);
        var claim = NaiveSum(terms, tables);
        var proof = PlainSumCheck.Prove(T(), claim, terms, tables).Proof;
        for (int j = 0; j < l; j++)
            for (int k = 0; k <= d; k++)
            {
                var rounds = proof.RoundPolynomials.Select(s => (Fr[])s.Clone()).ToArray();
                rounds[j][k] += Fr.One;
                var v = PlainSumCheck.Verify(T(), claim, l, d, new SumCheckProof(rounds), out _);
                // +1 on one coefficient changes s(0) + s(1) by 1 or 2: the round identity fails.
                Assert.False(v.Accepted);
                Assert.Contains("round", v.Reason);
            }
        Assert.False(PlainSumCheck.Verify(T(), claim, l + 1, d, proof, out _).Accepted);
        Assert.False(PlainSumCheck.Verify(T(), claim, l, d + 1, proof, out _).Accepted);
        Assert.False(PlainSumCheck.Verify(T(), claim, l, d, null, out _).Accepted);
        Assert.False(PlainSumCheck.Verify(T(), claim, l, d, new SumCheckProof([.. proof.RoundPolynomials[..2], null!]), out _).Accepted);
        Assert.False(PlainSumCheck.Verify(T(), claim, l, 0, proof, out _).Accepted);
    }

    [Fact]
    public void ATamperedLastRoundChangesTheSubClaim()
    {
        // Shifting s_ℓ's constant by +1 and its linear coefficient by −2 keeps s(0)+s(1): the
        // verifier accepts the rounds but the sub-claim is then false, which the caller catches.
        var rng = new Random(150);
        const int l = 3;
        var (terms, tables) = RandomProduct(rng, l, 2, false);
        var original = Copy(tables);
        var claim = NaiveSum(terms, tables);
        var proof = PlainSumCheck.Prove(T(), claim, terms, tables).Proof;
        var rounds = proof.RoundPolynomials.Select(s => (Fr[])s.Clone()).ToArray();
        rounds[l - 1][0] += Fr.One;
        rounds[l - 1][1] -= Fr.FromInt64(2);
        Assert.True(PlainSumCheck.Verify(T(), claim, l, 2, new SumCheckProof(rounds), out var sub).Accepted);
        Assert.NotEqual(NaiveG(terms, original, sub!.Point), sub.Value);
    }

    [Fact]
    public void SerializationRoundTripsAndEveryTruncationIsRejected()
    {
        var rng = new Random(160);
        const int l = 3, d = 3;
        var (terms, tables) = RandomProduct(rng, l, d, true);
        var claim = NaiveSum(terms, tables);
        var proof = PlainSumCheck.Prove(T(), claim, terms, tables).Proof;
        var bytes = proof.ToBytes();
        Assert.Equal(4 + l * (4 + (d + 1) * 32), bytes.Length);
        Assert.True(SumCheckProof.TryFromBytes(bytes, l, d, out var q, out var err), err);
        Assert.True(PlainSumCheck.Verify(T(), claim, l, d, q, out _).Accepted);
        for (int len = 0; len < bytes.Length; len++)
        {
            Assert.False(SumCheckProof.TryFromBytes(bytes.AsMemory(0, len), l, d, out var p, out var e));
            Assert.Null(p);
            Assert.False(string.IsNullOrEmpty(e));
        }
        Assert.False(SumCheckProof.TryFromBytes(bytes, l + 1, d, out _, out _));
        Assert.False(SumCheckProof.TryFromBytes(bytes, l, d - 1, out _, out _));
        Assert.False(SumCheckProof.TryFromBytes(bytes.Append((byte)0).ToArray(), l, d, out _, out var trailing));
        Assert.Contains("trailing", trailing);
    }

    [Fact]
    public void ParallelPathOnLargerTablesIsCorrect()
    {
        // 2^14 entries: rounds with ≥ 4096 pairs run in parallel chunks.
        var rng = new Random(170);
        const int l = 14;
        var (terms, tables) = RandomProduct(rng, l, 3, true);
        var original = Copy(tables);
        var claim = NaiveSum(terms, tables);
        var output = PlainSumCheck.Prove(T(), claim, terms, tables);
        Assert.True(PlainSumCheck.Verify(T(), claim, l, 3, output.Proof, out var sub).Accepted);
        for (int f = 0; f < original.Length; f++) Assert.Equal(Mle.Evaluate(original[f], sub!.Point), output.FactorValues[f]);
    }

    [Fact]
    public void KernelRejectsMisuse()
    {
        var terms = SumCheckTerms.Product(2);
        var t = new Fr[4];
        Assert.Throws<ArgumentException>(() => new SumCheckProverState(terms, [t, t]));
        Assert.Throws<ArgumentException>(() => new SumCheckProverState(terms, [new Fr[4], new Fr[8]]));
        Assert.Throws<ArgumentException>(() => new SumCheckProverState(terms, [new Fr[3], new Fr[3]]));
        Assert.Throws<ArgumentException>(() => new SumCheckProverState(terms, [new Fr[4]]));
        Assert.Throws<ArgumentException>(() => new SumCheckTerms(2, [new ProductTerm(0, 2)]));
        Assert.Throws<ArgumentException>(() => new SumCheckTerms(2, []));
    }
}
