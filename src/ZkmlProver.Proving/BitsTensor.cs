using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving;

/// <summary>
/// The committed two's-complement bits of Z = X + offset·valid for an implied tensor X, split as
/// Z = 2^k·Q + R with R ∈ [0, 2^k) (the low k bits) and Q ∈ [−2^(b−1), 2^(b−1)) (the high b bits,
/// the top one the sign). Rescale uses k = shift, offset = 2^(k−1); ReLU reads the sign of Q.
/// </summary>
/// <remarks>
/// Layout: B[x, j] with x over the tensor's n variables, zero-extended with high variables to
/// n′ = max(n, w) so that the Hyrax rows never contain bit variables (then every weighted claim
/// ⟨B, eq(x) ⊗ c⟩ is a Hyrax claim L ⊗ R′), and j over w = ⌈log₂(k + b)⌉ low variables.
/// Soundness: booleanity of every entry is proven by <see cref="ProveBooleanity"/>; with it, Q and R
/// lie in their ranges by construction.
/// </remarks>
public sealed class BitsTensor
{
    public BitsTensor(string name, TensorLayout layout, int lowBits, int highBits, long offset)
    {
        Name = name; Layout = layout; LowBits = lowBits; HighBits = highBits; Offset = offset;
        Width = lowBits + highBits;
        if (Width > 62) throw new ArgumentException($"{name}: {Width} bits is too wide");
        BitVars = Mle.NumVars(Width);
        XVars = Math.Max(layout.NumVars, BitVars);
    }

    public string Name { get; }
    /// <summary>Layout of the decomposed tensor X (and of Q, R).</summary>
    public TensorLayout Layout { get; }
    public int LowBits { get; }
    public int HighBits { get; }
    public long Offset { get; }
    public int Width { get; }
    public int BitVars { get; }
    public int XVars { get; }
    public int NumVars => XVars + BitVars;
    public CommittedTensor? Committed { get; set; }

    /// <summary>Point of the x part of the bits tensor for a point of X's layout (zero-extended).</summary>
    public Fr[] XPoint(Fr[] point) => [.. new Fr[XVars - point.Length], .. point];

    /// <summary>Weights c with Σ_j c_j·B_j = Z (two's complement over Width bits).</summary>
    public Fr[] FullWeights() => Weights(0, Width, signed: true);
    /// <summary>Weights with Σ_j c_j·B_j = Q.</summary>
    public Fr[] QWeights() => Weights(LowBits, Width, signed: true);
    /// <summary>Weights selecting the sign bit of Q.</summary>
    public Fr[] SignWeights()
    {
        var c = new Fr[1 << BitVars];
        c[Width - 1] = Fr.One;
        return c;
    }

    private Fr[] Weights(int from, int to, bool signed)
    {
        var c = new Fr[1 << BitVars];
        for (int j = from; j < to; j++)
        {
            var p = Fr.Pow(Fr.FromInt64(2), (ulong)(j - from));
            c[j] = signed && j == to - 1 ? -p : p;
        }
        return c;
    }

    /// <summary>Builds the bits table from the padded table of X (valid entries get the offset).
    /// Throws <see cref="InvalidOperationException"/> naming the layer when Q leaves its range.</summary>
    public long[] BuildTable(long[] paddedX, bool[] valid, string layerName, string remedy)
    {
        int width = 1 << BitVars;
        var table = new long[(1L << XVars) * width];
        long lo = -(1L << (Width - 1)), hi = (1L << (Width - 1)) - 1;
        for (int i = 0; i < paddedX.Length; i++)
        {
            long z = paddedX[i] + (valid[i] ? Offset : 0);
            if (z < lo || z > hi)
                throw new ProvingException($"layer '{layerName}': value {paddedX[i]} at index {i} does not fit {HighBits} signed bits after dividing by 2^{LowBits}; {remedy}");
            ulong u = (ulong)z;
            for (int j = 0; j < Width; j++) table[(long)i * width + j] = (long)((u >> j) & 1);
        }
        return table;
    }

    /// <summary>Booleanity: ZK sum-check of Σ_z eq(τ, z)·(B(z)² − B(z)) = 0, then the claim on B̃(r*).</summary>
    /// <param name="cheating">Soundness tests only: prove even when the table is not boolean.</param>
    public void ProveBooleanity(ProverSession s, long[] table, bool cheating = false)
    {
        var tau = s.Challenges($"{Name}/bool/tau", NumVars);
        var eq = Mle.EqTable(tau);
        var b = new Fr[table.Length];
        for (int i = 0; i < b.Length; i++) if (table[i] != 0) b[i] = table[i] == 1 ? Fr.One : Fr.FromInt64(table[i]);
        var zero = Point0;
        var output = ZkSumCheck.Prove(s.Transcript, zero, Fr.Zero, Fr.Zero, BooleanityTerms, [eq, b], s.Rng, requireTrueClaim: !cheating && !s.Cheating);
        output.Proof.Write(s.Writer);
        var point = output.Point;
        var bv = s.CommitValue($"{Name}/bool/b", point, output.FactorValues[1]);
        var bb = s.CommitValue($"{Name}/bool/bb", point, bv.Value * bv.Value);
        ProductProof.Prove(s.Transcript, s.Key, bv.Commitment, bv.Commitment, bb.Commitment, bv.Value, bv.Blind, bv.Value, bv.Blind, bb.Blind, s.Rng).Write(s.Writer);
        Fr e = Mle.Eq(tau, point);
        EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, e * (bb.Commitment - bv.Commitment), output.Blind, e * (bb.Blind - bv.Blind), s.Rng).Write(s.Writer);
        Committed!.AddPointClaim(bv);
    }

    public void VerifyBooleanity(VerifierSession v)
    {
        var tau = v.Challenges($"{Name}/bool/tau", NumVars);
        var proof = v.Read<ZkSumCheckProof>("booleanity sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, NumVars, 3, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, Point0, NumVars, 3, proof, out var sub, v.Acc), $"{Name} booleanity");
        var point = sub!.Point;
        var bv = v.ReceiveValue($"{Name}/bool/b", point);
        var bb = v.ReceiveValue($"{Name}/bool/bb", point);
        var prod = v.Read<ProductProof>("booleanity product", ProductProof.TryRead);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, bv.Commitment, bv.Commitment, bb.Commitment, prod, v.Acc), $"{Name} booleanity product");
        Fr e = Mle.Eq(tau, point);
        var eqp = v.Read<EqualityProof>("booleanity equality", EqualityProof.TryRead);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, e * (bb.Commitment - bv.Commitment), eqp, v.Acc), $"{Name} booleanity final check");
        Committed!.AddPointClaim(bv);
    }

    private static readonly SumCheckTerms BooleanityTerms = new(2, [new ProductTerm(Fr.One, [0, 1, 1]), new ProductTerm(-Fr.One, [0, 1])]);
    private static Curve.Point Point0 => Curve.Point.Identity;
}
