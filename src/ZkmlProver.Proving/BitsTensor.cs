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
/// Soundness (docs/SOUNDNESS.md, Bits): <see cref="ProveBooleanity"/> proves in one zero-check that
/// every entry is 0 or 1 and that every entry outside the valid entries of X's layout (the layout's
/// padding and the zero-extension rows) is 0. With it, Q and R lie in their ranges by construction,
/// and every tensor recomposed from the bits is an integer of Width signed bits that is 0 on padding.
/// </remarks>
public sealed class BitsTensor
{
    /// <param name="minXVars">At least this many x variables: the extra (high) ones are zero-extension
    /// rows, proven 0 like padding (a chunk of a larger tensor whose slot is taller than its rows).</param>
    public BitsTensor(string name, TensorLayout layout, int lowBits, int highBits, long offset, int minXVars = 0)
    {
        Name = name; Layout = layout; LowBits = lowBits; HighBits = highBits; Offset = offset;
        Width = lowBits + highBits;
        if (Width > 62) throw new ArgumentException($"{name}: {Width} bits is too wide");
        BitVars = Mle.NumVars(Width);
        XVars = Math.Max(Math.Max(layout.NumVars, BitVars), minXVars);
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
    /// Throws <see cref="ProvingException"/> naming the layer when Q leaves its range, and an internal
    /// error when a padded entry of X is not 0 (every step keeps padding at 0, docs/SOUNDNESS.md).</summary>
    /// <param name="cheating">Soundness tests only: a value that does not fit is written with its low
    /// Width − 1 bits and an integer "top bit" that makes the recomposition exact (so only booleanity
    /// can catch it), and padded values are decomposed like valid ones.</param>
    public long[] BuildTable(long[] paddedX, bool[] valid, string layerName, string remedy, bool cheating = false)
    {
        int width = 1 << BitVars;
        var table = new long[(1L << XVars) * width];
        long lo = -(1L << (Width - 1)), hi = (1L << (Width - 1)) - 1;
        for (int i = 0; i < paddedX.Length; i++)
        {
            if (!valid[i] && paddedX[i] != 0 && !cheating)
                throw new InvalidOperationException($"internal error: layer '{layerName}': padded entry {i} of the decomposed tensor is {paddedX[i]}, not 0");
            long z = paddedX[i] + (valid[i] ? Offset : 0);
            if (z < lo || z > hi)
            {
                if (!cheating)
                    throw new ProvingException($"layer '{layerName}': value {paddedX[i]} at index {i} does not fit {HighBits} signed bits after dividing by 2^{LowBits}; {remedy}");
                long low = z & ((1L << (Width - 1)) - 1);
                for (int j = 0; j < Width - 1; j++) table[(long)i * width + j] = (low >> j) & 1;
                table[(long)i * width + Width - 1] = -((z - low) >> (Width - 1));
                continue;
            }
            ulong u = (ulong)z;
            for (int j = 0; j < Width; j++) table[(long)i * width + j] = (long)((u >> j) & 1);
        }
        return table;
    }

    /// <summary>eq(τ, z)·V(z) with V = 1 exactly on the entries (x, j) whose x holds a valid entry of
    /// the layout (prover side: the eq table with the padded rows zeroed).</summary>
    private Fr[] ValidEqTable(Fr[] eq)
    {
        int width = 1 << BitVars;
        var t = (Fr[])eq.Clone();
        var valid = Layout.ValidMask();
        for (long x = 0; x < (1L << XVars); x++)
            if (x >= valid.Length || !valid[x])
                t.AsSpan((int)(x * width), width).Clear();
        return t;
    }

    /// <summary>The MLE of z ↦ eq(τ, z)·V(z) at <paramref name="point"/> in O(NumVars): the
    /// zero-extension variables must be 0, each layout dimension d below its extent
    /// (<see cref="Mle.IndicatorEqMle"/>), the bit variables free.</summary>
    private Fr ValidEq(ReadOnlySpan<Fr> tau, ReadOnlySpan<Fr> point)
    {
        int ext = XVars - Layout.NumVars;
        Fr acc = Fr.One;
        for (int i = 0; i < ext; i++) acc *= (Fr.One - tau[i]) * (Fr.One - point[i]);
        int off = ext;
        for (int d = 0; d < Layout.Dims.Length; d++)
        {
            int v = Layout.Vars[d];
            acc *= Mle.IndicatorEqMle(Layout.Dims[d], tau.Slice(off, v), point.Slice(off, v));
            off += v;
        }
        return acc * Mle.Eq(tau[XVars..], point[XVars..]);
    }

    /// <summary>Booleanity and zero padding in one zero-check: with τ drawn after the bits are
    /// committed, Σ_z eq(τ, z)·B(z)·(B(z) − V(z)) = 0, V = 1 on the valid entries of the layout and 0
    /// on its padding and the zero-extension rows. Then B(z)·(B(z) − V(z)) = 0 for every z except
    /// with probability ≤ 3·NumVars/n: on a valid entry B² = B (a bit), on a padded one B² = 0 (B = 0).
    /// Factors (eq, B, eq·V); the verifier evaluates the MLE of eq·V in O(NumVars).</summary>
    /// <param name="cheating">Soundness tests only: prove even when the table is not boolean.</param>
    public void ProveBooleanity(ProverSession s, long[] table, CommittedTensor committed, bool cheating = false)
    {
        var tau = s.Challenges($"{Name}/bool/tau", NumVars);
        var eq = Mle.EqTable(tau);
        var b = new Fr[table.Length];
        for (int i = 0; i < b.Length; i++) if (table[i] != 0) b[i] = table[i] == 1 ? Fr.One : Fr.FromInt64(table[i]);
        var eqV = ValidEqTable(eq);
        var output = ZkSumCheck.Prove(s.Transcript, Point0, Fr.Zero, Fr.Zero, BooleanityTerms, [eq, b, eqV], s.Rng, requireTrueClaim: !cheating && !s.Cheating);
        output.Proof.Write(s.Writer);
        var point = output.Point;
        var bv = s.CommitValue($"{Name}/bool/b", point, output.FactorValues[1]);
        var bb = s.CommitValue($"{Name}/bool/bb", point, bv.Value * bv.Value);
        ProductProof.Prove(s.Transcript, s.Key, bv.Commitment, bv.Commitment, bb.Commitment, bv.Value, bv.Blind, bv.Value, bv.Blind, bb.Blind, s.Rng).Write(s.Writer);
        Fr e = Mle.Eq(tau, point), ev = ValidEq(tau, point);
        EqualityProof.Prove(s.Transcript, s.Key, output.Commitment, e * bb.Commitment - ev * bv.Commitment, output.Blind, e * bb.Blind - ev * bv.Blind, s.Rng).Write(s.Writer);
        committed.AddPointClaim(bv);
    }

    public void VerifyBooleanity(VerifierSession v, CommittedTensor committed)
    {
        var tau = v.Challenges($"{Name}/bool/tau", NumVars);
        var proof = v.Read<ZkSumCheckProof>("booleanity sum-check", (r, out p) => ZkSumCheckProof.TryRead(r, NumVars, 3, out p));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, Point0, NumVars, 3, proof, out var sub, v.Acc), $"{Name} booleanity");
        var point = sub!.Point;
        var bv = v.ReceiveValue($"{Name}/bool/b", point);
        var bb = v.ReceiveValue($"{Name}/bool/bb", point);
        var prod = v.Read<ProductProof>("booleanity product", ProductProof.TryRead);
        VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, bv.Commitment, bv.Commitment, bb.Commitment, prod, v.Acc), $"{Name} booleanity product");
        Fr e = Mle.Eq(tau, point), ev = ValidEq(tau, point);
        var eqp = v.Read<EqualityProof>("booleanity equality", EqualityProof.TryRead);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, e * bb.Commitment - ev * bv.Commitment, eqp, v.Acc), $"{Name} booleanity and zero padding final check");
        committed.AddPointClaim(bv);
    }

    // Factors (eq, B, eq·V): eq·B·B − (eq·V)·B.
    private static readonly SumCheckTerms BooleanityTerms = new(3, [new ProductTerm(Fr.One, [0, 1, 1]), new ProductTerm(-Fr.One, [2, 1])]);

    private static Curve.Point Point0 => Curve.Point.Identity;
}
