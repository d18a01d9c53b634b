using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;
using static ZkmlProver.Commitments.Tests.Hyrax.HyraxTestUtil;

namespace ZkmlProver.Commitments.Tests.Hyrax;

public class HyraxCommitmentTests
{
    /// <summary>Pins the layout: ℓ = 3 → 2 rows × 4 columns, row i = v[4i .. 4i+3] on G_0..G_3,
    /// the missing tail (length 6 &lt; 8) is zero.</summary>
    [Fact]
    public void RowLayoutIsRowMajorWithHighVariablesAsRows()
    {
        long[] v = [1, 2, 3, 4, 5, 6];
        var shape = new HyraxShape(3);
        var com = HyraxCommitment.Commit(v, shape, out var opening, new Random(1));
        var key = PedersenKey.Get(4);
        Assert.Equal(2, com.Rows.Length);
        var gs = key.Gs;
        var expect0 = 1L * gs[0] + 2L * gs[1] + 3L * gs[2] + 4L * gs[3];
        var expect1 = 5L * gs[0] + 6L * gs[1];
        Assert.Equal(expect0 + opening.Blinds[0] * key.H, com.Rows[0]);
        Assert.Equal(expect1 + opening.Blinds[1] * key.H, com.Rows[1]);
    }

    [Fact]
    public void SmallAndFieldCommitmentsAgree()
    {
        var rng = new Random(2);
        var v = RandomSmall(rng, 27);
        var shape = HyraxShape.ForLength(v.Length);
        var c1 = HyraxCommitment.Commit(v, shape, out var o1, new Random(5));
        var c2 = HyraxCommitment.Commit(ToFr(v), shape, out var o2, new Random(5));
        Assert.Equal(o1.Blinds.ToArray(), o2.Blinds.ToArray());
        Assert.Equal(c1.Rows.ToArray(), c2.Rows.ToArray());

        // Extremes of long (the small-scalar path must not overflow) and bits.
        long[] e = [long.MinValue, long.MaxValue, -1, 0, 1, long.MinValue + 1, 1L << 62, -(1L << 40), 0, 1, 1, 0, 1, 0, 0, 1];
        var s2 = HyraxShape.ForLength(e.Length);
        var e1 = HyraxCommitment.Commit(e, s2, out _, new Random(6));
        var e2 = HyraxCommitment.Commit(ToFr(e), s2, out _, new Random(6));
        Assert.Equal(e2.Rows.ToArray(), e1.Rows.ToArray());
    }

    [Fact]
    public void FreshBlindsHideEqualVectors()
    {
        long[] v = [0, 0, 0, 0];
        var shape = new HyraxShape(2);
        var c1 = HyraxCommitment.Commit(v, shape, out _);
        var c2 = HyraxCommitment.Commit(v, shape, out _);
        Assert.NotEqual(c1.Rows[0], c2.Rows[0]);
        Assert.NotEqual(c1.Rows[1], c2.Rows[1]);
    }

    [Fact]
    public void TooLongVectorIsRefused()
    {
        Assert.Throws<ArgumentException>(() => HyraxCommitment.Commit(new long[5], new HyraxShape(2), out _));
    }

    [Fact]
    public void OpeningRoundTrips()
    {
        var shape = new HyraxShape(6);
        HyraxCommitment.Commit(new long[50], shape, out var opening, new Random(6));
        var w = new ProofWriter();
        opening.Write(w);
        var r = new ProofReader(w.ToArray());
        Assert.True(HyraxOpening.TryRead(r, shape, out var back), r.Error);
        Assert.True(r.ExpectEnd());
        Assert.Equal(opening.Blinds.ToArray(), back.Blinds.ToArray());
        Assert.False(HyraxOpening.TryRead(new ProofReader(w.ToArray()), new HyraxShape(8), out _));
    }

    [Fact]
    public void SerializationRoundTripsAndChecksTheRowCount()
    {
        var shape = new HyraxShape(5); // 4 rows × 8 columns
        var com = HyraxCommitment.Commit(RandomSmall(new Random(3), 32), shape, out _, new Random(4));
        var w = new ProofWriter();
        com.Write(w);
        var bytes = w.ToArray();
        Assert.Equal(4 + 4 * Point.EncodedLength, bytes.Length);

        var r = new ProofReader(bytes);
        Assert.True(HyraxCommitment.TryRead(r, shape, out var back), r.Error);
        Assert.True(r.ExpectEnd());
        Assert.Equal(com.Rows.ToArray(), back.Rows.ToArray());

        var wrong = new ProofReader(bytes);
        Assert.False(HyraxCommitment.TryRead(wrong, new HyraxShape(7), out _));
        Assert.Contains("expected 8", wrong.Error);

        var truncated = new ProofReader(bytes.AsMemory(0, bytes.Length - 1));
        Assert.False(HyraxCommitment.TryRead(truncated, shape, out _));
        Assert.Matches("truncated|exceeds", truncated.Error);

        var corrupt = (byte[])bytes.Clone();
        corrupt[4] = 0x05; // bad prefix of row 0
        var cr = new ProofReader(corrupt);
        Assert.False(HyraxCommitment.TryRead(cr, shape, out _));
        Assert.NotNull(cr.Error);
    }
}
