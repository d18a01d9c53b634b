using ZkmlProver.Circuit;
using ZkmlProver.Field;

namespace ZkmlProver.Proving;

/// <summary>
/// The public data of one lookup (logUp) argument: input tensor X, output Y, and the table of
/// (input, output) pairs, padded to 2^TVars by repeating the last entry (padding rows carry
/// multiplicity 0 and cannot admit a new pair).
/// </summary>
/// <remarks>
/// A Clip read only by the Lookup is fused into it: the table then covers X's declared range,
/// T′[q] = T[clamp(q, clip.Min, clip.Max)], which is exactly Lookup(Clip(X)) (the clip's own bounds,
/// not the table's domain); logUp itself proves that every valid X lies in the table's input column,
/// so no separate clip proof and no assumption about X's range is needed.
/// </remarks>
public sealed class LookupPlan
{
    public const int MaxTableVars = 20;

    public LookupPlan(Circuit.Circuit circuit, LookupLayer layer, ClipLayer? fusedClip)
    {
        Layer = layer;
        Name = layer.Name;
        FusedClip = fusedClip;
        X = fusedClip?.Input ?? layer.Input;
        var xt = circuit.Tensor(X);
        long lo = layer.Min, hi = layer.Max;
        Func<long, long> clip = q => q;
        if (fusedClip is not null)
        {
            // Exactly Lookup(Clip(X)): q ↦ T[clamp(q, clip.Min, clip.Max)] over the q whose clipped
            // value lies in the table's domain (the reference evaluator refuses the others, so the
            // table has no row for them). clamp is monotone, so those q form one interval.
            long cmin = fusedClip.Min, cmax = fusedClip.Max;
            if (cmin > cmax || cmin > layer.Max || cmax < layer.Min)
                throw new ProvingException($"layer '{layer.Name}': the clip [{cmin}, {cmax}] before it never reaches the table domain [{layer.Min}, {layer.Max}]");
            lo = cmin >= layer.Min ? xt.MinValue : Math.Max(xt.MinValue, layer.Min);
            hi = cmax <= layer.Max ? xt.MaxValue : Math.Min(xt.MaxValue, layer.Max);
            if (lo > hi)
                throw new ProvingException($"layer '{layer.Name}': no value of '{X}' reaches the table domain [{layer.Min}, {layer.Max}] through the clip [{cmin}, {cmax}]");
            clip = q => Math.Clamp(q, cmin, cmax);
        }
        var baseTable = LookupTables.Build(layer.Function, layer.InScale, layer.OutScale, layer.Min, layer.Max);
        if (LookupTables.Digest(baseTable) != layer.TableDigest)
            throw new ProvingException($"layer '{layer.Name}': the {layer.Function} table computed on this machine differs from the circuit's (digest mismatch)");
        (TVars, TableIn, TableOut) = Build(layer.Name, X, lo, hi, q => baseTable[clip(q) - layer.Min]);
        Lo = lo;
        YPublic = circuit.Outputs.Contains(layer.Output);
    }

    /// <summary>A lookup owned by another layer (Softmax's exp): input domain [lo, hi], T[q] = f(q).</summary>
    public LookupPlan(string name, long lo, long hi, Func<long, long> f)
    {
        Name = name;
        X = name;
        (TVars, TableIn, TableOut) = Build(name, name, lo, hi, f);
        Lo = lo;
    }

    private static (int TVars, long[] In, long[] Out) Build(string name, string x, long lo, long hi, Func<long, long> f)
    {
        long domain = hi - lo + 1;
        int tv = 0;
        while ((1L << tv) < domain) tv++;
        if (tv > MaxTableVars)
            throw new ProvingException($"layer '{name}': lookup over {domain} input values needs a table of 2^{tv} entries (limit 2^{MaxTableVars}); lower the bits of '{x}'");
        int size = 1 << tv;
        var tin = new long[size];
        var tout = new long[size];
        for (int j = 0; j < size; j++)
        {
            long q = lo + Math.Min(j, domain - 1);
            tin[j] = q;
            tout[j] = f(q);
        }
        return (tv, tin, tout);
    }

    /// <summary>The Lookup layer (null for a lookup owned by another layer).</summary>
    public LookupLayer? Layer { get; }
    /// <summary>Label of the argument in the transcript and in messages (the owning layer's name).</summary>
    public string Name { get; }
    public ClipLayer? FusedClip { get; }
    /// <summary>The lookup's input tensor (the Clip's input when fused).</summary>
    public string X { get; }
    public long Lo { get; }
    public int TVars { get; }
    public long[] TableIn { get; }
    public long[] TableOut { get; }
    /// <summary>True when Y is a public output (then it is not committed).</summary>
    public bool YPublic { get; }

    /// <summary>t_j = tin_j + β·tout_j.</summary>
    /// <summary>The multilinear extension of <see cref="CombinedTable"/> at <paramref name="point"/>:
    /// T̃_in(r) + β·T̃_out(r), computed from the tables' structure (runs of constant outputs, the
    /// input column increasing by one) instead of folding all 2^TVars entries. Same value as
    /// <c>Mle.Evaluate(CombinedTable(beta), point)</c>.</summary>
    public Fr EvaluateCombined(in Fr beta, ReadOnlySpan<Fr> point)
        => EvaluateStructured(TableIn, point) + beta * EvaluateStructured(TableOut, point);

    /// <summary>ṽ(point) for a table of exactly 2^ℓ small integers (ℓ = point.Length, variables MSB-first
    /// as in <c>Mle.Evaluate</c>). Splits on the most significant variable; an aligned block that is
    /// constant c contributes c, and one that increases by one per entry from t₀ contributes
    /// t₀ + Σ_i 2^(k−1−i)·r_i over its k variables. Cost: O(2^ℓ·ℓ) integer comparisons plus field work
    /// proportional to the number of blocks that are neither.</summary>
    internal static Fr EvaluateStructured(ReadOnlySpan<long> table, ReadOnlySpan<Fr> point)
    {
        int l = point.Length;
        if (l > 30 || table.Length != 1 << l) throw new ArgumentException($"table of length {table.Length} for {l} variables");
        // lin[k] = Σ_{i<k} 2^(k−1−i)·point[l−k+i]: the MLE of j ↦ j over the last k variables.
        var lin = new Fr[l + 1];
        Fr pow = Fr.One, two = Fr.FromInt64(2);
        for (int k = 1; k <= l; k++) { lin[k] = pow * point[l - k] + lin[k - 1]; pow *= two; }
        return Block(table, point, lin, 0, l);
    }

    private static Fr Block(ReadOnlySpan<long> table, ReadOnlySpan<Fr> point, Fr[] lin, int offset, int k)
    {
        int size = 1 << k;
        long t0 = table[offset];
        bool constant = true, linear = true;
        for (int j = 1; j < size && (constant || linear); j++)
        {
            long t = table[offset + j];
            if (t != t0) constant = false;
            if (t != t0 + j) linear = false;
        }
        if (constant) return Fr.FromInt64(t0);
        if (linear) return Fr.FromInt64(t0) + lin[k];
        var r = point[point.Length - k];
        var lo = Block(table, point, lin, offset, k - 1);
        var hi = Block(table, point, lin, offset + size / 2, k - 1);
        return lo + r * (hi - lo);
    }

    public Fr[] CombinedTable(in Fr beta)
    {
        var t = new Fr[TableIn.Length];
        for (int j = 0; j < t.Length; j++) t[j] = Fr.FromInt64(TableIn[j]) + beta * Fr.FromInt64(TableOut[j]);
        return t;
    }

    /// <summary>Multiplicity of every table row among the valid entries of X (prover side).
    /// Throws when an input has no row (outside the table's domain).</summary>
    /// <param name="cheating">Soundness tests only: inputs outside the domain are left uncounted
    /// (the sums then cannot balance and the verifier must reject).</param>
    public long[] CountMultiplicities(long[] xValues, bool cheating = false)
    {
        var m = new long[TableIn.Length];
        long domain = TableIn[^1] - Lo + 1;
        foreach (var x in xValues)
        {
            long j = x - Lo;
            if ((j < 0 || j >= domain) && cheating) continue;
            if (j < 0 || j >= domain)
                throw new ProvingException($"layer '{Name}': input {x} is outside the lookup table's domain [{Lo}, {Lo + domain - 1}]; widen the table (lookup bits) or lower the input scale");
            m[j]++;
        }
        return m;
    }
}
