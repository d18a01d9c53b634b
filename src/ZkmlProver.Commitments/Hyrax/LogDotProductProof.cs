using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;
using FsTranscript = ZkmlProver.Transcript.Transcript;

namespace ZkmlProver.Commitments.Hyrax;

/// <summary>
/// Zero-knowledge dot-product argument of logarithmic size (PROTOCOL.md, Σ-protocol 5: the
/// Bulletproofs reduction followed by a final Σ-step). Statement: C_x = ⟨x, G⟩ + r_x·H over the
/// key's vector generators G_0..G_{N−1} (N a power of two), C_y = y·G + r_y·H, a public vector
/// a; claim ⟨a, x⟩ = y.
/// </summary>
/// <remarks>
/// <para><b>Rounds.</b> Γ = C_x + C_y. Round j (j = 1 … log N) halves x, a and the generators on
/// the j-th most significant index bit (low half = bit 0):
/// L = ⟨x_lo, G_hi⟩ + ⟨x_lo, a_hi⟩·G + l·H, R = ⟨x_hi, G_lo⟩ + ⟨x_hi, a_lo⟩·G + r·H; u = challenge;
/// x ← u·x_lo + u⁻¹·x_hi, a ← u⁻¹·a_lo + u·a_hi, G ← u⁻¹·G_lo + u·G_hi, Γ ← u²·L + Γ + u⁻²·R.
/// Final step: δ = d·ĝ + r_δ·H, β = d·G + r_β·H; c = challenge; z₁ = d + c·x̂·â,
/// z₂ = â·(c·r̂ + r_β) + r_δ. The verifier checks â·(c·Γ̂ + β) + δ = z₁·(ĝ + â·G) + z₂·H with
/// ĝ = Σ s_i·G_i, â = Σ s_i·a_i, s_i = Π_j u_j^{±1} (+1 where bit j of i is 1), refusing u_j = 0
/// and â = 0.</para>
/// <para><b>Prover scaling trick.</b> With π = Π u_j over the rounds so far, the prover keeps
/// x̃, ã, G̃ with x = π·x̃, a = π⁻¹·ã, G = π⁻¹·G̃ (so every round folds with one multiplication per
/// entry and one scalar multiplication per generator pair: x̃ ← x̃_lo + u⁻²·x̃_hi,
/// ã ← ã_lo + u²·ã_hi, G̃ ← G̃_lo + u²·G̃_hi); L and R are unchanged by the scaling, so the
/// messages are exactly those above.</para>
/// <para><b>Verifier.</b> s is built in O(N) by doubling (one multiplication per entry per level);
/// the whole check — Γ̂ = Γ + Σ(u_j²·L_j + u_j⁻²·R_j), ĝ = Σ s_i·G_i and the final equation — is
/// one multi-scalar multiplication over (G_0..G_{N−1}, Γ's points, L, R, β, δ, G, H) that must
/// equal the identity (for wall time it is cut into one slice per core and the slices summed).</para>
/// <para><b>Prover cost.</b> log N rounds of two MSMs of the current half length (run in
/// parallel) plus N − 1 scalar multiplications to fold the generators. The alternative that never
/// folds (two MSMs of N/2 over the original generators every round, scalars x̃·w̃) sends the same
/// messages but measured slower (2^10: ≈ 1.5× the CPU time), because its MSM work is N/2 per round
/// instead of shrinking; it is kept (internal) for the comparison test.</para>
/// <para><b>Transcript.</b> <see cref="Prove"/>/<see cref="Verify"/> absorb N, C_x, C_y and a
/// before u₁, then L_j, R_j before u_j, then δ, β before c. Callers that derive C_x from data
/// they have already absorbed (Hyrax) use the internal core, which absorbs only the messages.</para>
/// <para><b>Encoding.</b> count k, L_1..L_k; count k, R_1..R_k; δ; β; z₁; z₂ (points 33 bytes,
/// scalars 32 bytes big-endian, counts 4 bytes big-endian; the identity is refused).</para>
/// </remarks>
public sealed class LogDotProductProof
{
    private const string Lbl = "dot-log/";
    private readonly Point[] _l, _r;

    /// <summary>Builds a proof from its parts (used by decoding, tests and simulators).</summary>
    public LogDotProductProof(Point[] l, Point[] r, Point delta, Point beta, Fr z1, Fr z2)
    {
        ArgumentNullException.ThrowIfNull(l);
        ArgumentNullException.ThrowIfNull(r);
        if (l.Length != r.Length) throw new ArgumentException($"L has {l.Length} points, R has {r.Length}");
        _l = l; _r = r; Delta = delta; Beta = beta; Z1 = z1; Z2 = z2;
    }

    /// <summary>L_1..L_k (k = log₂ N).</summary>
    public ReadOnlySpan<Point> L => _l;
    /// <summary>R_1..R_k.</summary>
    public ReadOnlySpan<Point> R => _r;
    /// <summary>δ = d·ĝ + r_δ·H.</summary>
    public Point Delta { get; }
    /// <summary>β = d·G + r_β·H.</summary>
    public Point Beta { get; }
    /// <summary>z₁ = d + c·x̂·â.</summary>
    public Fr Z1 { get; }
    /// <summary>z₂ = â·(c·r̂ + r_β) + r_δ.</summary>
    public Fr Z2 { get; }
    /// <summary>Number of halving rounds, log₂ N.</summary>
    public int Rounds => _l.Length;

    /// <summary>Serialized size for vectors of length <paramref name="length"/>.</summary>
    public static int EncodedLength(int length) => 8 + (2 * RoundsFor(length) + 2) * Point.EncodedLength + 2 * Fr.ByteLength;

    /// <summary>log₂ of <paramref name="length"/>; throws unless it is a power of two ≥ 1.</summary>
    public static int RoundsFor(int length)
    {
        int k = HyraxMath.Log2Exact(length);
        if (k < 0) throw new ArgumentException($"vector length {length} is not a power of two");
        return k;
    }

    /// <summary>Writes the proof (layout in the remarks).</summary>
    public void Write(ProofWriter writer)
    {
        writer.WritePoints(_l);
        writer.WritePoints(_r);
        writer.WritePoint(Delta);
        writer.WritePoint(Beta);
        writer.WriteScalar(Z1);
        writer.WriteScalar(Z2);
    }

    /// <summary>Decodes a proof for vectors of length <paramref name="length"/> (a power of two: the
    /// caller's expectation, not read from the bytes). Never throws on the bytes; on failure
    /// <see cref="ProofReader.Error"/> says why.</summary>
    public static bool TryRead(ProofReader reader, int length, [NotNullWhen(true)] out LogDotProductProof? proof)
    {
        proof = null;
        int k = RoundsFor(length);
        if (!reader.ReadPoints("dot-log L", out var l, k, allowIdentity: false)) return false;
        if (!reader.ReadPoints("dot-log R", out var r, k, allowIdentity: false)) return false;
        if (!reader.ReadPoint("dot-log delta", out var delta, allowIdentity: false)) return false;
        if (!reader.ReadPoint("dot-log beta", out var beta, allowIdentity: false)) return false;
        if (!reader.ReadScalar("dot-log z1", out var z1)) return false;
        if (!reader.ReadScalar("dot-log z2", out var z2)) return false;
        proof = new LogDotProductProof(l, r, delta, beta, z1, z2);
        return true;
    }

    // ───────────────────────────── standalone statement ─────────────────────────────

    /// <summary>Proves ⟨a, x⟩ = y for C_x = Com(x; r_x), C_y = Com(y; r_y) with y = ⟨a, x⟩.</summary>
    /// <param name="transcript">The caller's transcript (the statement's context already absorbed).</param>
    /// <param name="key">Key with at least N vector generators.</param>
    /// <param name="cx">C_x as the verifier will see it (absorbed, not recomputed).</param>
    /// <param name="cy">C_y as the verifier will see it.</param>
    /// <param name="rng">Seeded randomness for reproducible tests; null: the system CSPRNG.</param>
    public static LogDotProductProof Prove(FsTranscript transcript, PedersenKey key, Point cx, Point cy,
        ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> x, in Fr rx, in Fr ry, Random? rng = null)
    {
        int n = x.Length;
        RoundsFor(n);
        if (a.Length != n) throw new ArgumentException($"a has {a.Length} entries, x has {n}");
        if (key.Size < n) throw new ArgumentException($"key has {key.Size} generators, need {n}");
        AbsorbStatement(transcript, cx, cy, a);
        var xs = ArrayPool<Fr>.Shared.Rent(n);
        var al = ArrayPool<Fr>.Shared.Rent(n);
        try
        {
            x.CopyTo(xs); a.CopyTo(al);
            return ProveCore(transcript, key, xs, al, n, rx + ry, rng);
        }
        finally
        {
            ArrayPool<Fr>.Shared.Return(xs, clearArray: true);
            ArrayPool<Fr>.Shared.Return(al);
        }
    }

    /// <summary>Verifies a proof of ⟨a, x⟩ = y against C_x and C_y (absorbing the statement as
    /// <see cref="Prove"/> does). Never throws on proof data.</summary>
    public static Verdict Verify(FsTranscript transcript, PedersenKey key, Point cx, Point cy, ReadOnlySpan<Fr> a, LogDotProductProof proof)
    {
        int k = HyraxMath.Log2Exact(a.Length);
        if (k < 0) throw new ArgumentException($"vector length {a.Length} is not a power of two");
        if (key.Size < a.Length) throw new ArgumentException($"key has {key.Size} generators, need {a.Length}");
        AbsorbStatement(transcript, cx, cy, a);
        return VerifyCore(transcript, key, [cx, cy], [Fr.One, Fr.One], a, proof);
    }

    private static void AbsorbStatement(FsTranscript t, Point cx, Point cy, ReadOnlySpan<Fr> a)
    {
        t.AppendUInt64(Lbl + "n", (ulong)a.Length);
        t.AppendPoint(Lbl + "Cx", cx);
        t.AppendPoint(Lbl + "Cy", cy);
        t.AppendScalars(Lbl + "a", a);
    }

    // ───────────────────────────── prover core ─────────────────────────────

    /// <summary>How the prover obtains ⟨x̃_lo, G̃_hi⟩ and ⟨x̃_hi, G̃_lo⟩ each round (same messages).</summary>
    internal enum GeneratorStrategy
    {
        /// <summary>Fold the generators each round (G̃ ← G̃_lo + u²·G̃_hi: one scalar multiplication per
        /// pair, N − 1 in all) and run two MSMs of the current half length.</summary>
        Fold,
        /// <summary>Never fold: each round is two MSMs of N/2 over the original generators with scalars
        /// w̃_h·x̃[m] (w̃ the products of the u_j² over the bits already folded), plus one final MSM of N.</summary>
        Original,
    }

    /// <summary>The reduction and final step; absorbs only the proof's messages. The first
    /// <paramref name="n"/> entries of <paramref name="x"/> and <paramref name="a"/> are scratch
    /// (overwritten). <paramref name="blind"/> is the blind of Γ = ⟨x, G⟩ + ⟨a, x⟩·G + blind·H.</summary>
    internal static LogDotProductProof ProveCore(FsTranscript t, PedersenKey key, Fr[] x, Fr[] a, int n, Fr blind, Random? rng,
        GeneratorStrategy strategy = GeneratorStrategy.Fold)
    {
        int k = RoundsFor(n);
        int full = n;
        if (key.Size < n) throw new ArgumentException($"key has {key.Size} generators, need {n}");
        var ls = new Point[k];
        var rs = new Point[k];
        bool fold = strategy == GeneratorStrategy.Fold;
        // Fold: G̃ folded in place in `gens` (a copy of the key's generators).
        // Original: `gens` = the key's generators, `w` = w̃ over the folded prefix bits, gathered
        // points/scalars for each round's two MSMs in `bufP`/`bufS` (halves for L and R).
        var gens = ArrayPool<Point>.Shared.Rent(n);
        key.Gs[..n].CopyTo(gens);
        var w = fold ? null : ArrayPool<Fr>.Shared.Rent(n);
        var bufP = fold ? null : ArrayPool<Point>.Shared.Rent(n);
        var bufS = fold ? null : ArrayPool<Fr>.Shared.Rent(n);
        if (w is not null) w[0] = Fr.One;
        int prefixes = 1; // 2^j: number of folded-bit prefixes h
        Fr pi = Fr.One; // Π u_j: x = π·x̃, a = π⁻¹·ã, G = π⁻¹·G̃
        try
        {
            for (int j = 0; j < k; j++)
            {
                int half = n >> 1;
                // ⟨x_lo, a_hi⟩ = ⟨π·x̃_lo, π⁻¹·ã_hi⟩ = ⟨x̃_lo, ã_hi⟩, and likewise for L, R: no rescaling.
                var cL = FieldVectors.InnerProduct(x.AsSpan(0, half), a.AsSpan(half, half));
                var cR = FieldVectors.InnerProduct(x.AsSpan(half, half), a.AsSpan(0, half));
                var lBlind = HyraxMath.NextRandom(rng);
                var rBlind = HyraxMath.NextRandom(rng);
                Point lMsm = default, rMsm = default;
                if (fold)
                {
                    Parallel.Invoke(
                        () => lMsm = Msm.Compute(gens.AsSpan(half, half), x.AsSpan(0, half)),
                        () => rMsm = Msm.Compute(gens.AsSpan(0, half), x.AsSpan(half, half)));
                }
                else
                {
                    int m = full / 2; // terms per MSM
                    for (int h = 0; h < prefixes; h++)
                    {
                        int baseIdx = h * n, o = h * half;
                        Array.Copy(gens, baseIdx + half, bufP!, o, half);      // L: bit = 1 half
                        Array.Copy(gens, baseIdx, bufP!, m + o, half);         // R: bit = 0 half
                        var wh = w![h];
                        for (int i = 0; i < half; i++)
                        {
                            Fr.Mul(in wh, in x[i], out bufS![o + i]);
                            Fr.Mul(in wh, in x[half + i], out bufS[m + o + i]);
                        }
                    }
                    Parallel.Invoke(
                        () => lMsm = Msm.Compute(bufP.AsSpan(0, m), bufS.AsSpan(0, m)),
                        () => rMsm = Msm.Compute(bufP.AsSpan(m, m), bufS.AsSpan(m, m)));
                }
                var lPt = (lMsm + cL * key.G + lBlind * key.H).Normalize();
                var rPt = (rMsm + cR * key.G + rBlind * key.H).Normalize();
                ls[j] = lPt; rs[j] = rPt;
                t.AppendPoint(Lbl + "L", lPt);
                t.AppendPoint(Lbl + "R", rPt);
                var u = t.ChallengeScalar(Lbl + "u");
                if (u.IsZero) throw new InvalidOperationException("dot-log: zero challenge (probability 2^-256)");
                var uInv = u.Inverse();
                var u2 = u * u;
                var u2Inv = uInv * uInv;
                // x̃ ← x̃_lo + u⁻²·x̃_hi ; ã ← ã_lo + u²·ã_hi ; G̃ ← G̃_lo + u²·G̃_hi.
                for (int i = 0; i < half; i++)
                {
                    Fr.Mul(in x[half + i], in u2Inv, out var tx);
                    Fr.Add(in x[i], in tx, out x[i]);
                    Fr.Mul(in a[half + i], in u2, out var ta);
                    Fr.Add(in a[i], in ta, out a[i]);
                }
                if (fold) FoldGenerators(gens, half, u2);
                else
                {
                    // w̃ gains the next bit (MSB-first): w̃'[2h] = w̃_h, w̃'[2h + 1] = w̃_h·u².
                    for (int h = prefixes - 1; h >= 0; h--) { var wh = w![h]; w[2 * h] = wh; Fr.Mul(in wh, in u2, out w[2 * h + 1]); }
                    prefixes *= 2;
                }
                blind = blind + u2 * lBlind + u2Inv * rBlind;
                pi *= u;
                n = half;
            }
            var piInv = pi.Inverse();
            var xHat = x[0] * pi;       // x̂ = π·x̃₀
            var aHat = a[0] * piInv;    // â = π⁻¹·ã₀
            // ĝ = π⁻¹·G̃₀, so δ = d·ĝ + r_δ·H = (d·π⁻¹)·G̃₀ + r_δ·H.
            var d = HyraxMath.NextRandom(rng);
            var rDelta = HyraxMath.NextRandom(rng);
            var rBeta = HyraxMath.NextRandom(rng);
            var dScaled = d * piInv;
            Point gTilde0;
            if (fold || k == 0) gTilde0 = dScaled * gens[0];
            else
            {
                // G̃₀ = Σ_h w̃_h·G_h over all N original generators.
                FieldVectors.Scale(w.AsSpan(0, full), dScaled);
                gTilde0 = Msm.Compute(gens.AsSpan(0, full), w.AsSpan(0, full));
            }
            var delta = (gTilde0 + rDelta * key.H).Normalize();
            var beta = (d * key.G + rBeta * key.H).Normalize();
            t.AppendPoint(Lbl + "delta", delta);
            t.AppendPoint(Lbl + "beta", beta);
            var c = t.ChallengeScalar(Lbl + "c");
            var z1 = d + c * xHat * aHat;
            var z2 = aHat * (c * blind + rBeta) + rDelta;
            return new LogDotProductProof(ls, rs, delta, beta, z1, z2);
        }
        finally
        {
            ArrayPool<Point>.Shared.Return(gens, clearArray: true);
            if (w is not null) ArrayPool<Fr>.Shared.Return(w);
            if (bufP is not null) ArrayPool<Point>.Shared.Return(bufP, clearArray: true);
            if (bufS is not null) ArrayPool<Fr>.Shared.Return(bufS);
        }
    }

    /// <summary>In place: g[i] ← g[i] + s·g[half + i] for i &lt; half (iterations are independent).</summary>
    private static void FoldGenerators(Point[] g, int half, Fr s)
    {
        const int Chunk = 16;
        if (half < 2 * Chunk)
        {
            for (int i = 0; i < half; i++) g[i] = g[i] + s * g[half + i];
            return;
        }
        Parallel.For(0, (half + Chunk - 1) / Chunk, ch =>
        {
            int end = Math.Min(half, (ch + 1) * Chunk);
            for (int i = ch * Chunk; i < end; i++) g[i] = g[i] + s * g[half + i];
        });
    }

    // ───────────────────────────── verifier core ─────────────────────────────

    /// <summary>Runs the verifier's transcript (L_j, R_j → u_j; δ, β → c) and checks the proof
    /// against Γ = Σ γ_i·P_i (given as points and scalars, so that it joins the one MSM).</summary>
    internal static Verdict VerifyCore(FsTranscript t, PedersenKey key, ReadOnlySpan<Point> gammaPoints, ReadOnlySpan<Fr> gammaScalars,
        ReadOnlySpan<Fr> a, LogDotProductProof proof, MsmAccumulator? acc = null)
    {
        int k = HyraxMath.Log2Exact(a.Length);
        if (k < 0) return Verdict.Reject($"dot-log: vector length {a.Length} is not a power of two");
        if (proof.Rounds != k) return Verdict.Reject($"dot-log: proof has {proof.Rounds} rounds, expected {k}");
        Span<Fr> u = stackalloc Fr[k];
        for (int j = 0; j < k; j++)
        {
            t.AppendPoint(Lbl + "L", proof._l[j]);
            t.AppendPoint(Lbl + "R", proof._r[j]);
            u[j] = t.ChallengeScalar(Lbl + "u");
            if (u[j].IsZero) return Verdict.Reject($"dot-log: challenge u_{j + 1} is zero");
        }
        t.AppendPoint(Lbl + "delta", proof.Delta);
        t.AppendPoint(Lbl + "beta", proof.Beta);
        var c = t.ChallengeScalar(Lbl + "c");
        if (Sigma.SigmaObserver.Active)
            Sigma.SigmaObserver.Report(new Sigma.InnerProductInstance(key, Msm.Compute(gammaPoints, gammaScalars), a.ToArray(), u.ToArray(), c, proof));
        return acc is null ? Check(key, gammaPoints, gammaScalars, a, proof, u, c) : Accumulate(acc, key, gammaPoints, gammaScalars, a, proof, u, c);
    }

    /// <summary>The interactive verifier's decision for given challenges u_1..u_k and c, with
    /// Γ = <paramref name="gamma"/> (= C_x + C_y). Used to check simulated transcripts.</summary>
    public static Verdict CheckWithChallenges(PedersenKey key, Point gamma, ReadOnlySpan<Fr> a, LogDotProductProof proof,
        ReadOnlySpan<Fr> u, in Fr c)
    {
        int k = HyraxMath.Log2Exact(a.Length);
        if (k < 0) return Verdict.Reject($"dot-log: vector length {a.Length} is not a power of two");
        if (proof.Rounds != k || u.Length != k) return Verdict.Reject($"dot-log: {proof.Rounds} rounds and {u.Length} challenges, expected {k}");
        foreach (var uj in u) if (uj.IsZero) return Verdict.Reject("dot-log: a challenge u_j is zero");
        return Check(key, [gamma], [Fr.One], a, proof, u, c);
    }

    /// <summary>Adds the final check's equation (see <see cref="Check"/>) to <paramref name="acc"/>
    /// instead of computing its MSM; â = 0 still rejects at once.</summary>
    private static Verdict Accumulate(MsmAccumulator acc, PedersenKey key, ReadOnlySpan<Point> gammaPoints, ReadOnlySpan<Fr> gammaScalars,
        ReadOnlySpan<Fr> a, LogDotProductProof proof, ReadOnlySpan<Fr> u, in Fr c)
    {
        int n = a.Length, k = u.Length, m = gammaPoints.Length;
        if (gammaScalars.Length != m) throw new ArgumentException("Γ points and scalars differ in length");
        if (key.Size < n) throw new ArgumentException($"key has {key.Size} generators, need {n}");
        Span<Fr> uInv = stackalloc Fr[k];
        u.CopyTo(uInv);
        FieldVectors.BatchInverse(uInv);
        var s = ArrayPool<Fr>.Shared.Rent(n);
        try
        {
            var sv = s.AsSpan(0, n);
            HyraxMath.SVector(u, uInv, Fr.One, sv);
            var aHat = FieldVectors.InnerProduct(sv, a);
            if (aHat.IsZero) return Verdict.Reject("dot-log: â = 0 (the final check would not bind Γ)");
            acc.BeginEquation();
            FieldVectors.Scale(sv, proof.Z1);
            acc.SubtractVectorGenerators(sv);
            var ac = aHat * c;
            for (int i = 0; i < m; i++) acc.Add(ac * gammaScalars[i], gammaPoints[i]);
            for (int j = 0; j < k; j++)
            {
                acc.Add(ac * (u[j] * u[j]), proof._l[j]);
                acc.Add(ac * (uInv[j] * uInv[j]), proof._r[j]);
            }
            acc.Add(aHat, proof.Beta);
            acc.Add(proof.Delta);
            acc.AddValueGenerator(-(proof.Z1 * aHat));
            acc.AddBlindGenerator(-proof.Z2);
            return Verdict.Accept;
        }
        finally { ArrayPool<Fr>.Shared.Return(s); }
    }

    /// <summary>Checks â·(c·Γ̂ + β) + δ − z₁·(ĝ + â·G) − z₂·H = O as one MSM over
    /// (G_0..G_{N−1}, Γ's points, L, R, β, δ, G, H).</summary>
    private static Verdict Check(PedersenKey key, ReadOnlySpan<Point> gammaPoints, ReadOnlySpan<Fr> gammaScalars,
        ReadOnlySpan<Fr> a, LogDotProductProof proof, ReadOnlySpan<Fr> u, in Fr c)
    {
        int n = a.Length, k = u.Length, m = gammaPoints.Length;
        if (gammaScalars.Length != m) throw new ArgumentException("Γ points and scalars differ in length");
        if (key.Size < n) throw new ArgumentException($"key has {key.Size} generators, need {n}");
        Span<Fr> uInv = stackalloc Fr[k];
        u.CopyTo(uInv);
        FieldVectors.BatchInverse(uInv);
        int total = n + m + 2 * k + 4;
        var pts = ArrayPool<Point>.Shared.Rent(total);
        var sc = ArrayPool<Fr>.Shared.Rent(total);
        try
        {
            var s = sc.AsSpan(0, n);
            HyraxMath.SVector(u, uInv, Fr.One, s);
            var aHat = FieldVectors.InnerProduct(s, a);
            if (aHat.IsZero) return Verdict.Reject("dot-log: â = 0 (the final check would not bind Γ)");
            var negZ1 = -proof.Z1;
            FieldVectors.Scale(s, negZ1);
            key.Gs[..n].CopyTo(pts);
            int o = n;
            var ac = aHat * c;
            for (int i = 0; i < m; i++) { pts[o] = gammaPoints[i]; sc[o] = ac * gammaScalars[i]; o++; }
            for (int j = 0; j < k; j++)
            {
                var uj2 = u[j] * u[j];
                var uj2Inv = uInv[j] * uInv[j];
                pts[o] = proof._l[j]; sc[o] = ac * uj2; o++;
                pts[o] = proof._r[j]; sc[o] = ac * uj2Inv; o++;
            }
            pts[o] = proof.Beta; sc[o] = aHat; o++;
            pts[o] = proof.Delta; sc[o] = Fr.One; o++;
            pts[o] = key.G; sc[o] = negZ1 * aHat; o++;
            pts[o] = key.H; sc[o] = -proof.Z2; o++;
            var res = HyraxMath.ParallelMsm(pts, sc, total);
            return res.IsIdentity ? Verdict.Accept : Verdict.Reject("dot-log: final check â·(c·Γ̂ + β) + δ = z₁·(ĝ + â·G) + z₂·H fails");
        }
        finally
        {
            ArrayPool<Point>.Shared.Return(pts, clearArray: true);
            ArrayPool<Fr>.Shared.Return(sc);
        }
    }

    // ───────────────────────────── simulator ─────────────────────────────

    /// <summary>Honest-verifier zero-knowledge simulator: given the statement's Γ = C_x + C_y, a and
    /// the challenges (u_1..u_k, c) — but no witness — outputs a proof distributed as an honest one
    /// for those challenges: L_j, R_j, β uniform, z₁, z₂ uniform, δ solved from the final check
    /// δ = z₁·(ĝ + â·G) + z₂·H − â·(c·Γ̂ + β).</summary>
    public static LogDotProductProof Simulate(PedersenKey key, Point gamma, ReadOnlySpan<Fr> a, ReadOnlySpan<Fr> u, in Fr c, Random rng)
    {
        int n = a.Length, k = RoundsFor(n);
        if (u.Length != k) throw new ArgumentException($"{u.Length} challenges, expected {k}");
        var ls = new Point[k];
        var rs = new Point[k];
        var gammaHat = gamma;
        for (int j = 0; j < k; j++)
        {
            ls[j] = Fr.Random(rng) * key.H + Fr.Random(rng) * key.G;
            rs[j] = Fr.Random(rng) * key.H + Fr.Random(rng) * key.G;
            var uInvJ = u[j].Inverse();
            gammaHat = gammaHat + (u[j] * u[j]) * ls[j] + (uInvJ * uInvJ) * rs[j];
        }
        var uInv = u.ToArray();
        FieldVectors.BatchInverse(uInv);
        var s = new Fr[n];
        HyraxMath.SVector(u, uInv, Fr.One, s);
        var aHat = FieldVectors.InnerProduct(s, a);
        var gHat = Msm.Compute(key.Gs[..n], s);
        var beta = Fr.Random(rng) * key.G + Fr.Random(rng) * key.H;
        var z1 = Fr.Random(rng);
        var z2 = Fr.Random(rng);
        var delta = z1 * (gHat + aHat * key.G) + z2 * key.H - aHat * (c * gammaHat + beta);
        return new LogDotProductProof(ls, rs, delta, beta, z1, z2);
    }
}
