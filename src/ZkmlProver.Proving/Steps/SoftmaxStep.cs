using ZkmlProver.Circuit;
using ZkmlProver.Commitments.Sigma;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Polynomials;
using ZkmlProver.Protocols.SumCheck;

namespace ZkmlProver.Proving.Steps;

/// <summary>
/// Integer softmax along a per-sample axis (docs/CIRCUIT.md): M = max_axis X, D = X − M (≤ 0),
/// E = T[D] with T[q] = exp_table[max(q, ExpMin)], S = Σ_axis E, Y = floor((E·2^o + ⌊S/2⌋) / S).
/// </summary>
/// <remarks>
/// Per row (all indices but the axis; layout R, the axis extent set to 1) and per entry (layout of Y):
/// <list type="bullet">
/// <item>M by a <see cref="MaxChain"/> over the axis slots of X (bits "d1".."d{n−1}").</item>
/// <item>(D, E) by a logUp lookup (<see cref="LookupStep"/>) whose table covers D's whole range
///   [X.min − X.max, 0] with the clamp at ExpMin folded in; E is committed. The claim on D̃(r₁)
///   splits into X̃(r₁) and f·M̃(p₁) (broadcast factor f).</item>
/// <item>S = 2H + P by bits of S ("s": one low bit P, high bits H = ⌊S/2⌋); a claim on S̃ is a
///   claim on the public sum view of E, reduced to a point claim on E by a degree-2 sum-check.</item>
/// <item>Division: Rem = 2^o·E + H_b − Y·S_b with committed bits of Rem ("rem") and of
///   S_b − valid − Rem ("rem2"), both proven non-negative (their sign-bit MLE is 0 at a random point);
///   so 0 ≤ Rem &lt; S_b, i.e. Y is the rounded quotient. The identity is one ZK zero-check of
///   degree 3: Σ_x eq(τ, x)·(2^o·E + H_b − Y·S_b − Rem) = 0.</item>
/// </list>
/// Y is public (an output) or committed; E, and Y when committed, are opened at the end.
/// </remarks>
public static class SoftmaxStep
{
    public sealed record Geometry(TensorLayout Y, TensorLayout R, int AxisDim, int N, GatherMap[] Slots, GatherMap Sum, int SBits, int[] RowOf);

    public static Geometry Shapes(InferencePlan plan, SoftmaxLayer sm) => plan.Memo($"softmax:{sm.Output}", () => BuildShapes(plan, sm));

    private static Geometry BuildShapes(InferencePlan plan, SoftmaxLayer sm)
    {
        var shape = plan.Circuit.Tensor(sm.Input).Shape;
        int axis = sm.Axis < 0 ? sm.Axis + shape.Length : sm.Axis;
        int n = shape[axis];
        var y = plan.Layout(sm.Input);
        var rShape = (int[])shape.Clone();
        rShape[axis] = 1;
        var r = new TensorLayout([plan.Batch, .. rShape]);
        var xs = new TensorLayout(shape);
        var rs = new TensorLayout(rShape);
        var strides = ShapeUtil.Strides(shape);
        var slots = new GatherMap[n];
        for (int k = 0; k < n; k++)
        {
            int kk = k;
            slots[k] = GatherMap.FromLogical(rs, xs, o => RowToEntry(o, rShape, axis, strides, kk));
        }
        var outs = slots.SelectMany(m => m.OutIndex).ToArray();
        var ins = slots.SelectMany(m => m.InIndex).ToArray();
        var sum = new GatherMap(rs, xs, outs, ins);
        long maxS = (long)n << sm.ExpOutScale;
        int sBits = 1;
        while ((1L << sBits) <= maxS) sBits++;
        // Padded index in Y → padded index of its row in R (−1 for padding).
        var rowOf = Enumerable.Repeat(-1, y.PaddedSize).ToArray();
        long per = ShapeUtil.Size(shape);
        for (long o = 0; o < y.Count; o++)
        {
            long b = o / per, i = o % per;
            long row = EntryToRow(i, shape, axis);
            rowOf[y.PaddedIndex(o)] = r.PaddedIndex(b * ShapeUtil.Size(rShape) + row);
        }
        return new Geometry(y, r, axis + 1, n, slots, sum, sBits, rowOf);
    }

    private static long RowToEntry(long row, int[] rShape, int axis, int[] strides, int k)
    {
        long src = 0;
        for (int d = rShape.Length - 1; d >= 0; d--)
        {
            long idx = row % rShape[d];
            row /= rShape[d];
            src += (d == axis ? k : idx) * strides[d];
        }
        return src;
    }

    private static long EntryToRow(long entry, int[] shape, int axis)
    {
        long row = 0, mul = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            long idx = entry % shape[d];
            entry /= shape[d];
            if (d == axis) continue;
            row += idx * mul;
            mul *= shape[d];
        }
        return row;
    }

    /// <summary>The exp lookup of a softmax: input D ∈ [X.min − X.max, 0].</summary>
    public static LookupPlan Lookup(Circuit.Circuit circuit, SoftmaxLayer sm)
    {
        var x = circuit.Tensor(sm.Input);
        var exp = LookupTables.Build("exp", sm.ExpInScale, sm.ExpOutScale, sm.ExpMin, 0);
        if (LookupTables.Digest(exp) != sm.TableDigest)
            throw new ProvingException($"layer '{sm.Name}': the exp table computed on this machine differs from the circuit's (digest mismatch)");
        return new LookupPlan($"{sm.Name}/exp", x.MinValue - x.MaxValue, 0, q => exp[Math.Max(q, sm.ExpMin) - sm.ExpMin]);
    }

    /// <summary>An R-layout tensor broadcast along the axis: the R point and factor Ĩ_n(r_axis).</summary>
    public static (Fr[] Point, Fr Factor) Project(Geometry g, Fr[] r)
    {
        int from = g.Y.Vars[..g.AxisDim].Sum(), len = g.Y.Vars[g.AxisDim];
        return ([.. r[..from], .. r[(from + len)..]], Mle.IndicatorMle(g.N, r.AsSpan(from, len)));
    }

    /// <summary>Prover: the padded tables of the softmax's intermediate values.</summary>
    public sealed record Values(long[] D, long[] E, long[] S, long[] H, long[] Y, long[] Rem, long[] Rem2);

    // Division zero-check, factors (eq, E, H_b, Y, S_b, Rem): 2^o·eq·E + eq·H_b − eq·Y·S_b − eq·Rem.
    internal static SumCheckTerms DivisionTerms(int outScale) => new(6,
        [new ProductTerm(Fr.FromInt64(1L << outScale), [0, 1]), new ProductTerm(Fr.One, [0, 2]), new ProductTerm(-Fr.One, [0, 3, 4]), new ProductTerm(-Fr.One, [0, 5])]);

    public static void Verify(VerifierContext ctx, SoftmaxLayer sm, EvalClaim y)
    {
        var v = ctx.Session;
        var plan = ctx.Plan;
        var g = Shapes(plan, sm);
        var lk = plan.SoftmaxLookups[sm.Output];
        bool yPublic = plan.Circuit.Outputs.Contains(sm.Output);
        Fr[]? yTable = yPublic ? g.Y.ToTable(ctx.PublicOutput(sm.Output)) : null;
        if (yPublic)
            VerifierSession.Check(EqualityProof.VerifyPublic(v.Transcript, v.Key, y.Commitment, Mle.Evaluate(yTable!, y.Point),
                v.Read<EqualityProof>($"'{sm.Name}' output", EqualityProof.TryRead), v.Acc), $"layer '{sm.Name}' output claim");
        else ctx.SoftmaxOutputs[sm.Output].AddPointClaim(y);

        var tau = v.Challenges($"{sm.Name}/softmax/tau", g.Y.NumVars);
        int n = g.Y.NumVars;
        var proof = v.Read<ZkSumCheckProof>($"'{sm.Name}' division zero-check", (rd, out pr) => ZkSumCheckProof.TryRead(rd, n, 3, out pr));
        VerifierSession.Check(ZkSumCheck.Verify(v.Transcript, Point.Identity, n, 3, proof, out var sub, v.Acc), $"layer '{sm.Name}' division zero-check");
        var r = sub!.Point;
        var (p, f) = Project(g, r);
        var ce = v.ReceiveValue("softmax/e", r);
        var ch = v.ReceiveValue("softmax/h", p);
        var cs = v.ReceiveValue("softmax/s", p);
        var crem = v.ReceiveValue("softmax/rem", r);
        Point ys;
        if (yPublic) ys = Mle.Evaluate(yTable!, r) * cs.Commitment;
        else
        {
            var cy = v.ReceiveValue("softmax/y", r);
            var cys = v.ReceiveValue("softmax/ys", r);
            VerifierSession.Check(ProductProof.Verify(v.Transcript, v.Key, cy.Commitment, cs.Commitment, cys.Commitment, v.Read<ProductProof>($"'{sm.Name}' y·s", ProductProof.TryRead), v.Acc), $"layer '{sm.Name}' y·s");
            ctx.SoftmaxOutputs[sm.Output].AddPointClaim(cy);
            ys = cys.Commitment;
        }
        Fr e = Mle.Eq(tau, r), two = Fr.FromInt64(1L << sm.OutScale);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, sub.Commitment, e * (two * ce.Commitment + f * ch.Commitment - f * ys - crem.Commitment),
            v.Read<EqualityProof>($"'{sm.Name}' division final", EqualityProof.TryRead), v.Acc), $"layer '{sm.Name}' division final check");
        RecordDivision(ctx, sm, g, r, p, f, ce, ch, cs, crem);

        GatherStep.VerifyCommitted(ctx, ctx.Columns(lk).Y!, g.Sum, cs);

        var cd = LookupStep.Verify(ctx, lk, g.Y, null);
        var (p1, f1) = Project(g, cd.Point);
        var cx = v.ReceiveValue("softmax/x", cd.Point);
        var cm = v.ReceiveValue("softmax/m", p1);
        VerifierSession.Check(EqualityProof.Verify(v.Transcript, v.Key, cd.Commitment, cx.Commitment - f1 * cm.Commitment,
            v.Read<EqualityProof>($"'{sm.Name}' difference", EqualityProof.TryRead), v.Acc), $"layer '{sm.Name}' D = X − max");
        ctx.Claim(sm.Input, cx);
        MaxChain.Verify(ctx, sm, sm.Input, g.Slots, cm);
    }

    /// <summary>The claims of the division check on E, the bits of S, Rem and S_b − valid − Rem.</summary>
    internal static void RecordDivision(ContextBase ctx, SoftmaxLayer sm, Geometry g, Fr[] r, Fr[] p, Fr f,
        EvalClaim ce, EvalClaim ch, EvalClaim cs, EvalClaim crem)
    {
        var plan = ctx.Plan;
        ctx.Columns(plan.SoftmaxLookups[sm.Output]).Y!.AddPointClaim(ce);
        var sBits = plan.BitsOf(sm, "s");
        ctx.Committed(sBits).AddWeightedClaim(sBits.XPoint(p), sBits.QWeights(), ch);
        ctx.Committed(sBits).AddWeightedClaim(sBits.XPoint(p), sBits.FullWeights(), cs);
        var remBits = plan.BitsOf(sm, "rem");
        var rem2Bits = plan.BitsOf(sm, "rem2");
        Fr valid = g.Y.ValidIndicator(r);
        var g0 = EvalClaim.Key.G;
        var rem2 = new EvalClaim(r, f * cs.Commitment - valid * g0 - crem.Commitment, f * cs.Value - valid - crem.Value, f * cs.Blind - crem.Blind);
        foreach (var (bits, claim) in new[] { (remBits, crem), (rem2Bits, rem2) })
        {
            var xp = bits.XPoint(r);
            ctx.Committed(bits).AddWeightedClaim(xp, bits.FullWeights(), claim);
            ctx.Committed(bits).AddWeightedClaim(xp, bits.SignWeights(), EvalClaim.Public(r, Fr.Zero));
        }
    }
}

/// <summary>Softmax in the plan and the verifier: the max chain's bits, the sum/remainder bits, a
/// committed output tied to bits when it is not public, and (phase 1) the exp lookup's columns and
/// the output's commitment.</summary>
internal sealed class SoftmaxProofStep : ProofStep<SoftmaxLayer>
{
    protected override IntRange ProvenRange(InferencePlan plan, SoftmaxLayer sm, Func<string, IntRange> proven) => IntRange.Of(plan.Circuit.Tensor(sm.Output));

    protected override void DeclareBits(InferencePlan plan, SoftmaxLayer sm)
    {
        var c = plan.Circuit;
        var g = SoftmaxStep.Shapes(plan, sm);
        for (int k = 1; k < g.N; k++)
            plan.DeclareBits(sm, MaxPoolStep.BitsPart(k), 0, c.Tensor(sm.Input).Bits + 1, 0, g.R, $"widen the range (Bits) of '{sm.Input}'");
        plan.DeclareBits(sm, "s", 1, g.SBits + 1, 0, g.R, "lower the softmax's exp output scale");
        plan.DeclareBits(sm, "rem", 0, g.SBits + 1, 0, g.Y, "lower the softmax's exp output scale");
        plan.DeclareBits(sm, "rem2", 0, g.SBits + 1, 0, g.Y, "lower the softmax's exp output scale");
        if (!c.Outputs.Contains(sm.Output))
        {
            // A committed softmax output is tied to bits: an integer in its declared range, 0 on
            // padding (the division check alone admits non-integer Y).
            plan.DeclareBits(sm, "y", 0, c.Tensor(sm.Output).Bits, 0, g.Y, $"widen the range (Bits) of '{sm.Output}'");
            plan.DeclareTie(new RangeTie(sm.Output, InferencePlan.BitsKey(sm, "y")));
        }
    }

    protected override void ReceiveColumns(VerifierContext ctx, SoftmaxLayer sm, int phase)
    {
        if (phase != 1) return;
        var lk = ctx.Plan.SoftmaxLookups[sm.Output];
        int nv = ctx.Plan.Layout(sm.Output).NumVars;
        var columns = ctx.Columns(lk);
        ctx.WitnessColumns.Add(columns.Multiplicities = ctx.ReceiveColumn($"{lk.Name}/m", lk.TVars));
        ctx.WitnessColumns.Add(columns.Y = ctx.ReceiveColumn($"{lk.Name}/y", nv));
        if (!ctx.Plan.Circuit.Outputs.Contains(sm.Output))
            ctx.SoftmaxOutputs[sm.Output] = ctx.ReceiveColumn($"{sm.Name}/out", nv);
    }

    protected override void Verify(VerifierContext ctx, SoftmaxLayer layer, EvalClaim claim) => SoftmaxStep.Verify(ctx, layer, claim);
}
