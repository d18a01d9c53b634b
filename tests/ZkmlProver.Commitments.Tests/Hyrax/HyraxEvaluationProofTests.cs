using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;
using static ZkmlProver.Commitments.Tests.Hyrax.HyraxTestUtil;
using FsTranscript = ZkmlProver.Transcript.Transcript;

namespace ZkmlProver.Commitments.Tests.Hyrax;

public class HyraxEvaluationProofTests
{
    private static FsTranscript T() => new("hyrax-test");

    private sealed record Setup(HyraxShape Shape, Fr[] Values, HyraxCommitment Com, HyraxOpening Opening, Fr[] Point, Fr Y, Fr Blind, Point Cy);

    private static Setup MakeSetup(int l, int length, int seed, bool small)
    {
        var rng = new Random(seed);
        var shape = new HyraxShape(l);
        HyraxCommitment com;
        HyraxOpening opening;
        Fr[] values;
        if (small)
        {
            var v = RandomSmall(rng, length);
            values = ToFr(v);
            com = HyraxCommitment.Commit(v, shape, out opening, rng);
        }
        else
        {
            values = RandomVector(rng, length);
            com = HyraxCommitment.Commit(values, shape, out opening, rng);
        }
        var point = RandomVector(rng, l);
        var y = NaiveMle(values, point);
        var blind = Fr.Random(rng);
        return new Setup(shape, values, com, opening, point, y, blind, com.Key.Commit(y, blind));
    }

    private static HyraxEvaluationProof ProveCommitted(Setup s, int seed, FsTranscript? t = null)
        => HyraxEvaluationProof.Prove(t ?? T(), s.Com, s.Opening, s.Values, s.Point, s.Cy, s.Y, s.Blind, new Random(seed));

    public static TheoryData<int, int, bool> CompletenessCases()
    {
        var d = new TheoryData<int, int, bool>();
        for (int l = 0; l <= 12; l++) d.Add(l, 1 << l, l % 2 == 0);
        d.Add(3, 5, true);      // shorter than 2^ℓ, zero-padded, last row partial
        d.Add(7, 100, false);   // shorter, whole rows missing
        d.Add(6, 59, true);     // 59 features
        d.Add(4, 0, true);      // empty vector: every row is a pure blind
        return d;
    }

    [Theory]
    [MemberData(nameof(CompletenessCases))]
    public void CommittedEvaluationVerifies(int l, int length, bool small)
    {
        var s = MakeSetup(l, length, 100 + l + length, small);
        Assert.Equal(s.Y, HyraxEvaluationProof.Evaluate(s.Values, s.Shape, s.Point));
        var proof = ProveCommitted(s, 1);
        var v = HyraxEvaluationProof.Verify(T(), s.Com, s.Point, s.Cy, proof);
        Assert.True(v.Accepted, v.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(8)]
    public void PublicEvaluationVerifiesAndWrongValueIsRejected(int l)
    {
        var s = MakeSetup(l, 1 << l, 200 + l, small: true);
        var proof = HyraxEvaluationProof.ProvePublic(T(), s.Com, s.Opening, s.Values, s.Point, s.Y, new Random(2));
        Assert.True(HyraxEvaluationProof.VerifyPublic(T(), s.Com, s.Point, s.Y, proof).Accepted);
        Assert.False(HyraxEvaluationProof.VerifyPublic(T(), s.Com, s.Point, s.Y + Fr.One, proof).Accepted);
    }

    [Fact]
    public void SmallAndFieldValuesGiveTheSameProof()
    {
        var rng = new Random(3);
        var v = RandomSmall(rng, 40);
        var shape = HyraxShape.ForLength(40);
        var com = HyraxCommitment.Commit(v, shape, out var opening, new Random(4));
        var point = RandomVector(rng, shape.NumVars);
        var y = NaiveMle(ToFr(v), point);
        var p1 = HyraxEvaluationProof.ProvePublic(T(), com, opening, v, point, y, new Random(5));
        var p2 = HyraxEvaluationProof.ProvePublic(T(), com, opening, ToFr(v), point, y, new Random(5));
        Assert.Equal(Bytes(p1), Bytes(p2));
    }

    /// <summary>The small-integer row combination (exact 384-bit accumulation) against the field path,
    /// at the extremes of long and with sparse rows.</summary>
    [Fact]
    public void SmallRowCombinationMatchesFieldArithmetic()
    {
        var rng = new Random(31);
        var shape = new HyraxShape(9); // 16 rows × 32 columns
        var v = new long[shape.Length - 7];
        for (int i = 0; i < v.Length; i++)
            v[i] = (i % 5) switch { 0 => long.MinValue, 1 => long.MaxValue, 2 => 0, 3 => -1, _ => rng.NextInt64(long.MinValue, long.MaxValue) };
        var rowW = RandomVector(rng, shape.Rows);
        rowW[3] = Fr.Zero;
        rowW[4] = -Fr.One; // canonical value n − 1: the largest 256-bit multiplicand
        var u1 = new Fr[shape.Cols];
        var u2 = new Fr[shape.Cols];
        HyraxEvaluationProof.RowCombination(v, shape, rowW, u1);
        HyraxEvaluationProof.RowCombination(ToFr(v), shape, rowW, u2);
        Assert.Equal(u2, u1);
        // And against the definition.
        for (int j = 0; j < shape.Cols; j++)
        {
            var acc = Fr.Zero;
            for (int i = 0; i < shape.Rows; i++)
                if (i * shape.Cols + j < v.Length) acc += rowW[i] * Fr.FromInt64(v[i * shape.Cols + j]);
            Assert.Equal(acc, u1[j]);
        }
    }

    [Fact]
    public void ProverRefusesAFalseClaim()
    {
        var s = MakeSetup(4, 16, 6, small: true);
        Assert.Throws<InvalidOperationException>(() =>
            HyraxEvaluationProof.ProvePublic(T(), s.Com, s.Opening, s.Values, s.Point, s.Y + Fr.One));
        var t = T().EnableLog();
        Assert.Throws<InvalidOperationException>(() =>
            HyraxEvaluationProof.Prove(t, s.Com, s.Opening, s.Values, s.Point, s.Cy, s.Y, s.Blind + Fr.One));
        Assert.Empty(t.Log); // refused before touching the caller's transcript
    }

    [Fact]
    public void WrongStatementsAreRejected()
    {
        var s = MakeSetup(6, 64, 7, small: false);
        var proof = ProveCommitted(s, 1);
        Assert.True(HyraxEvaluationProof.Verify(T(), s.Com, s.Point, s.Cy, proof).Accepted);

        // Wrong value: C_y for y + 1 (same blind), and a commitment with another blind.
        Assert.False(HyraxEvaluationProof.Verify(T(), s.Com, s.Point, s.Com.Key.Commit(s.Y + Fr.One, s.Blind), proof).Accepted);
        Assert.False(HyraxEvaluationProof.Verify(T(), s.Com, s.Point, s.Com.Key.Commit(s.Y, s.Blind + Fr.One), proof).Accepted);
        // Wrong point: each coordinate in turn (row and column variables).
        for (int i = 0; i < s.Point.Length; i++)
        {
            var p2 = (Fr[])s.Point.Clone(); p2[i] += Fr.One;
            Assert.False(HyraxEvaluationProof.Verify(T(), s.Com, p2, s.Cy, proof).Accepted, $"point coordinate {i}");
        }
        // Wrong commitment: each row in turn.
        for (int i = 0; i < s.Shape.Rows; i++)
        {
            var rows = s.Com.Rows.ToArray(); rows[i] = Perturb(rows[i]);
            var com2 = new HyraxCommitment(s.Shape, rows);
            Assert.False(HyraxEvaluationProof.Verify(T(), com2, s.Point, s.Cy, proof).Accepted, $"row {i}");
        }
        // A different transcript context.
        var t = T(); t.AppendUInt64("context", 1);
        Assert.False(HyraxEvaluationProof.Verify(t, s.Com, s.Point, s.Cy, proof).Accepted);
    }

    [Fact]
    public void TamperedProofElementsAreRejected()
    {
        var s = MakeSetup(5, 32, 8, small: true);
        var p = ProveCommitted(s, 1).Inner;
        Verdict V(LogDotProductProof q) => HyraxEvaluationProof.Verify(T(), s.Com, s.Point, s.Cy, new HyraxEvaluationProof(q));
        Assert.True(V(p).Accepted);
        for (int j = 0; j < p.Rounds; j++)
        {
            var l = p.L.ToArray(); l[j] = Perturb(l[j]);
            Assert.False(V(new LogDotProductProof(l, p.R.ToArray(), p.Delta, p.Beta, p.Z1, p.Z2)).Accepted);
            var r = p.R.ToArray(); r[j] = Perturb(r[j]);
            Assert.False(V(new LogDotProductProof(p.L.ToArray(), r, p.Delta, p.Beta, p.Z1, p.Z2)).Accepted);
        }
        Assert.False(V(new LogDotProductProof(p.L.ToArray(), p.R.ToArray(), Perturb(p.Delta), p.Beta, p.Z1, p.Z2)).Accepted);
        Assert.False(V(new LogDotProductProof(p.L.ToArray(), p.R.ToArray(), p.Delta, Perturb(p.Beta), p.Z1, p.Z2)).Accepted);
        Assert.False(V(new LogDotProductProof(p.L.ToArray(), p.R.ToArray(), p.Delta, p.Beta, p.Z1 + Fr.One, p.Z2)).Accepted);
        Assert.False(V(new LogDotProductProof(p.L.ToArray(), p.R.ToArray(), p.Delta, p.Beta, p.Z1, p.Z2 + Fr.One)).Accepted);
    }

    [Fact]
    public void EverySingleBitFlipOfASerializedProofIsRejected()
    {
        var s = MakeSetup(3, 8, 9, small: true); // 2 rows × 4 columns: 2 rounds
        var bytes = Bytes(ProveCommitted(s, 1));
        Assert.True(Decode(bytes, s.Shape, out var ok) && HyraxEvaluationProof.Verify(T(), s.Com, s.Point, s.Cy, ok).Accepted);
        int decodeFailures = 0, rejections = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            var m = (byte[])bytes.Clone();
            m[i] ^= (byte)(1 << (i % 8));
            if (!Decode(m, s.Shape, out var p)) { decodeFailures++; continue; }
            var v = HyraxEvaluationProof.Verify(T(), s.Com, s.Point, s.Cy, p);
            Assert.False(v.Accepted, $"bit flip at byte {i} accepted");
            Assert.False(string.IsNullOrEmpty(v.Reason));
            rejections++;
        }
        Assert.Equal(bytes.Length, decodeFailures + rejections);
        Assert.True(decodeFailures > 0 && rejections > 0);
    }

    [Fact]
    public void TruncatedAndExtendedProofsAreRejectedWithAReason()
    {
        var s = MakeSetup(4, 16, 10, small: true);
        var bytes = Bytes(ProveCommitted(s, 1));
        foreach (int len in new[] { 0, 1, 3, 4, 40, bytes.Length / 2, bytes.Length - 33, bytes.Length - 1 })
        {
            var r = new ProofReader(bytes.AsMemory(0, len));
            Assert.False(HyraxEvaluationProof.TryRead(r, s.Shape, out _), $"length {len}");
            Assert.Matches("truncated|exceeds", r.Error); // a count larger than the bytes left, or a short item
        }
        var extended = new byte[bytes.Length + 1];
        bytes.CopyTo(extended, 0);
        var re = new ProofReader(extended);
        Assert.True(HyraxEvaluationProof.TryRead(re, s.Shape, out _));
        Assert.False(re.ExpectEnd());
        Assert.Contains("trailing", re.Error);
    }

    [Fact]
    public void TwoProofsOfTheSameStatementDiffer()
    {
        var s = MakeSetup(6, 64, 11, small: true);
        var p1 = HyraxEvaluationProof.Prove(T(), s.Com, s.Opening, s.Values, s.Point, s.Cy, s.Y, s.Blind);
        var p2 = HyraxEvaluationProof.Prove(T(), s.Com, s.Opening, s.Values, s.Point, s.Cy, s.Y, s.Blind);
        Assert.True(HyraxEvaluationProof.Verify(T(), s.Com, s.Point, s.Cy, p1).Accepted);
        Assert.True(HyraxEvaluationProof.Verify(T(), s.Com, s.Point, s.Cy, p2).Accepted);
        Assert.NotEqual(Bytes(p1), Bytes(p2));
    }

    [Fact]
    public void ProverAndVerifierTranscriptsMatch()
    {
        var s = MakeSetup(5, 32, 12, small: true);
        var tp = T().EnableLog();
        var tv = T().EnableLog();
        var proof = ProveCommitted(s, 1, tp);
        Assert.True(HyraxEvaluationProof.Verify(tv, s.Com, s.Point, s.Cy, proof).Accepted);
        Assert.Equal(tp.Log, tv.Log);
    }

    /// <summary>Several claims at one row point: ṽ(r), a bit-recomposition-style weighting
    /// eq(r_R′, ·) ⊗ w, and an arbitrary public column vector; committed and public mixed.</summary>
    [Fact]
    public void BatchedClaimsVerifyAndAnyWrongOneIsRejected()
    {
        var rng = new Random(13);
        var shape = new HyraxShape(7); // 8 rows × 16 columns
        var v = RandomSmall(rng, 120);
        var vf = ToFr(v);
        var com = HyraxCommitment.Commit(v, shape, out var opening, rng);
        var point = RandomVector(rng, 7);
        var rowW = shape.RowWeights(point);

        // Column weights: eq(r_R, ·); eq(r′, ·) ⊗ (1, 2, 4, −8) over the 2 low column variables; random.
        var w1 = shape.ColumnWeights(point);
        var eqHi = HyraxShapeTestEq(RandomVector(rng, 2));
        Fr[] bits = [1, 2, 4, -8];
        var w2 = new Fr[16];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) w2[4 * i + j] = eqHi[i] * bits[j];
        var w3 = RandomVector(rng, 16);

        Fr Claim(Fr[] w)
        {
            var acc = Fr.Zero;
            for (int i = 0; i < shape.Rows; i++)
                for (int j = 0; j < shape.Cols; j++)
                {
                    int idx = i * shape.Cols + j;
                    if (idx < vf.Length) acc += rowW[i] * w[j] * vf[idx];
                }
            return acc;
        }
        var y1 = Claim(w1);
        Assert.Equal(NaiveMle(vf, point), y1);
        var (y2, y3) = (Claim(w2), Claim(w3));
        var (b1, b3) = (Fr.Random(rng), Fr.Random(rng));
        var key = com.Key;
        var claims = new[]
        {
            HyraxProverClaim.Committed(w1, key.Commit(y1, b1), y1, b1),
            HyraxProverClaim.Public(w2, y2),
            HyraxProverClaim.Committed(w3, key.Commit(y3, b3), y3, b3),
        };
        var proof = HyraxEvaluationProof.ProveBatch(T(), com, opening, v, rowW, claims, new Random(1));
        var pub = claims.Select(c => c.Claim).ToArray();
        Assert.True(HyraxEvaluationProof.VerifyBatch(T(), com, rowW, pub, proof).Accepted);

        // Each claim wrong in turn.
        var bad0 = (HyraxClaim[])pub.Clone(); bad0[0] = HyraxClaim.Committed(w1, key.Commit(y1 + Fr.One, b1));
        var bad1 = (HyraxClaim[])pub.Clone(); bad1[1] = HyraxClaim.Public(w2, y2 + Fr.One);
        var bad2 = (HyraxClaim[])pub.Clone(); bad2[2] = HyraxClaim.Committed(w3, Perturb(pub[2].ValueCommitment));
        var swapped = new[] { pub[0], pub[2], pub[1] };
        foreach (var bad in new[] { bad0, bad1, bad2, swapped })
            Assert.False(HyraxEvaluationProof.VerifyBatch(T(), com, rowW, bad, proof).Accepted);
        // Dropping a claim or changing the row weights.
        Assert.False(HyraxEvaluationProof.VerifyBatch(T(), com, rowW, pub[..2], proof).Accepted);
        var rowW2 = (Fr[])rowW.Clone(); rowW2[0] += Fr.One;
        Assert.False(HyraxEvaluationProof.VerifyBatch(T(), com, rowW2, pub, proof).Accepted);
    }

    private static Fr[] HyraxShapeTestEq(Fr[] r)
    {
        var t = new Fr[1 << r.Length];
        for (int x = 0; x < t.Length; x++) t[x] = NaiveEq(r, x);
        return t;
    }

    private static byte[] Bytes(HyraxEvaluationProof p)
    {
        var w = new ProofWriter();
        p.Write(w);
        return w.ToArray();
    }

    private static bool Decode(byte[] bytes, HyraxShape shape, out HyraxEvaluationProof proof)
    {
        var r = new ProofReader(bytes);
        if (HyraxEvaluationProof.TryRead(r, shape, out var p) && r.ExpectEnd()) { proof = p; return true; }
        Assert.NotNull(r.Error);
        proof = null!;
        return false;
    }
}
