using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;

namespace ZkmlProver.Proving;

/// <summary>
/// A Hyrax-committed vector (a weight tensor of the model commitment, a bits tensor, a private
/// input) and the claims made on it during the proof, discharged at the end by one batched Hyrax
/// evaluation proof per distinct row point.
/// </summary>
/// <remarks>
/// A claim is ⟨v, eq(rowPoint, ·) ⊗ R′⟩ = y with the row point over the commitment's row variables
/// and R′ of length Cols. Claims are grouped by row point in the order of first appearance, which
/// prover and verifier reproduce identically.
/// </remarks>
public sealed class CommittedTensor
{
    private readonly List<(Fr[] Row, HyraxProverClaim Claim)> _claims = [];

    public CommittedTensor(string name, HyraxCommitment commitment, HyraxOpening? opening = null, HyraxValues values = default)
    {
        Name = name; Commitment = commitment; Opening = opening; Values = values;
    }

    public string Name { get; }
    public HyraxCommitment Commitment { get; }
    public HyraxOpening? Opening { get; }
    public HyraxValues Values { get; }
    public HyraxShape Shape => Commitment.Shape;
    public int ClaimCount => _claims.Count;

    /// <summary>A claim at a full point of the committed vector (ℓ coordinates).</summary>
    public void AddPointClaim(EvalClaim claim)
    {
        var point = claim.Point;
        if (point.Length != Shape.NumVars) throw new InvalidOperationException($"claim on '{Name}' has {point.Length} coordinates, tensor has {Shape.NumVars} variables");
        Add(point[..Shape.RowVars], Mle.EqTable(point[Shape.RowVars..]), claim);
    }

    /// <summary>A weighted claim ⟨v, eq(xPoint, ·) ⊗ w⟩ where the low variables index a weight vector
    /// w of length 2^k (e.g. bit weights) and xPoint covers the remaining high variables.</summary>
    public void AddWeightedClaim(Fr[] xPoint, Fr[] lowWeights, EvalClaim claim)
    {
        int rowVars = Shape.RowVars;
        if (xPoint.Length + Mle.NumVars(lowWeights.Length) != Shape.NumVars || xPoint.Length < rowVars)
            throw new InvalidOperationException($"weighted claim on '{Name}' does not fit its {Shape.NumVars} variables");
        var colEq = Mle.EqTable(xPoint[rowVars..]);
        var cols = new Fr[colEq.Length * lowWeights.Length];
        for (int i = 0; i < colEq.Length; i++)
            for (int j = 0; j < lowWeights.Length; j++)
                cols[i * lowWeights.Length + j] = colEq[i] * lowWeights[j];
        Add(xPoint[..rowVars], cols, claim);
    }

    private void Add(Fr[] row, Fr[] cols, EvalClaim claim)
    {
        _claims.Add((row, HyraxProverClaim.Committed(cols, claim.Commitment, claim.Value, claim.Blind)));
    }

    private List<(Fr[] Row, List<HyraxProverClaim> Claims)> Groups()
    {
        var groups = new List<(Fr[] Row, List<HyraxProverClaim> Claims)>();
        foreach (var (row, claim) in _claims)
        {
            var g = groups.FindIndex(x => x.Row.AsSpan().SequenceEqual(row));
            if (g < 0) groups.Add((row, [claim])); else groups[g].Claims.Add(claim);
        }
        return groups;
    }

    public void ProveOpenings(ProverSession s)
    {
        if (Opening is null) throw new InvalidOperationException($"no opening for '{Name}'");
        foreach (var (row, claims) in Groups())
        {
            var proof = HyraxEvaluationProof.ProveBatch(s.Transcript, Commitment, Opening, Values, Mle.EqTable(row), claims, s.Rng, requireTrueClaims: !s.Cheating);
            proof.Write(s.Writer);
        }
    }

    public void VerifyOpenings(VerifierSession v)
    {
        foreach (var (row, claims) in Groups())
        {
            var proof = v.Read<HyraxEvaluationProof>($"opening of '{Name}'", (ZkmlProver.Transcript.ProofReader r, out HyraxEvaluationProof? p) => HyraxEvaluationProof.TryRead(r, Shape, out p));
            VerifierSession.Check(HyraxEvaluationProof.VerifyBatch(v.Transcript, Commitment, Mle.EqTable(row), claims.Select(c => c.Claim).ToArray(), proof, v.Acc),
                $"opening of '{Name}'");
        }
    }
}
