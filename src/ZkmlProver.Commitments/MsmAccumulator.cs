using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Commitments;

/// <summary>
/// Batch verification of linear group equations. Each equation Σ sᵢ·Pᵢ = O is opened with
/// <see cref="BeginEquation"/>, which draws a fresh verifier-local random weight ρ (CSPRNG,
/// <see cref="Fr.RandomSecure"/>); every term added to it is scaled by ρ. <see cref="Check"/> then
/// evaluates Σ_eq ρ_eq·Σ sᵢ·Pᵢ with one multi-scalar multiplication and accepts iff it is the identity.
/// If any single equation is false, the combination is the identity with probability at most 1/|Fr|
/// per check (the weights are unknown to the prover: they are not derived from the transcript).
/// </summary>
/// <remarks>
/// Terms on the shared Pedersen generators (vector generator G_i by index, value generator G,
/// blinding generator H of <see cref="PedersenKey"/>) are merged into dense coefficient arrays, so the
/// final MSM has one entry per distinct generator plus one per proof-specific point. Not thread-safe.
/// </remarks>
public sealed class MsmAccumulator
{
    private Point[] _points = new Point[64];
    private Fr[] _scalars = new Fr[64];
    private int _count;
    private Fr[] _vector = new Fr[16];
    private int _vectorLength;
    private Fr _g, _h;
    private Fr _weight;
    private readonly System.Random? _rng;

    /// <summary>An accumulator drawing its weights from the CSPRNG.</summary>
    public MsmAccumulator() { }

    /// <summary>Test hook: weights from a seeded source (never use for real verification).</summary>
    internal MsmAccumulator(System.Random rng) { _rng = rng; }

    /// <summary>Number of equations begun so far.</summary>
    public int Equations { get; private set; }

    /// <summary>Number of proof-specific points collected so far (shared generators excluded).</summary>
    public int PointCount => _count;

    /// <summary>Starts a new equation Σ sᵢ·Pᵢ = O: draws its random weight; subsequent Add* calls scale by it.</summary>
    public void BeginEquation()
    {
        Fr w;
        do { w = _rng is null ? Fr.RandomSecure() : Fr.Random(_rng); } while (w.IsZero);
        _weight = w;
        Equations++;
    }

    /// <summary>Adds s·P to the current equation.</summary>
    public void Add(in Fr s, Point p)
    {
        if (_count == _points.Length)
        {
            Array.Resize(ref _points, _count * 2);
            Array.Resize(ref _scalars, _count * 2);
        }
        _points[_count] = p;
        _scalars[_count] = _weight * s;
        _count++;
    }

    /// <summary>Adds −s·P to the current equation.</summary>
    public void Subtract(in Fr s, Point p) => Add(-s, p);

    /// <summary>Adds P (coefficient one) to the current equation.</summary>
    public void Add(Point p) => Add(Fr.One, p);

    /// <summary>Adds s·G_index (the <paramref name="index"/>-th Pedersen vector generator).</summary>
    public void AddVectorGenerator(int index, in Fr s)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index));
        if (index >= _vector.Length) Array.Resize(ref _vector, Math.Max(index + 1, _vector.Length * 2));
        if (index >= _vectorLength) _vectorLength = index + 1;
        _vector[index] += _weight * s;
    }

    /// <summary>Adds −⟨s, (G_offset, G_offset+1, …)⟩ to the current equation.</summary>
    public void SubtractVectorGenerators(ReadOnlySpan<Fr> s, int offset = 0)
    {
        int end = offset + s.Length;
        if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset));
        if (end > _vector.Length) Array.Resize(ref _vector, Math.Max(end, _vector.Length * 2));
        if (end > _vectorLength) _vectorLength = end;
        for (int i = 0; i < s.Length; i++) _vector[offset + i] -= _weight * s[i];
    }

    /// <summary>Adds s·G (the Pedersen value generator).</summary>
    public void AddValueGenerator(in Fr s) => _g += _weight * s;

    /// <summary>Adds s·H (the Pedersen blinding generator).</summary>
    public void AddBlindGenerator(in Fr s) => _h += _weight * s;

    /// <summary>True iff the random combination of all equations added is the identity, i.e. (with
    /// overwhelming probability) every equation holds. An empty accumulator accepts.</summary>
    public bool Check()
    {
        int n = _count + _vectorLength + 2;
        var points = new Point[n];
        var scalars = new Fr[n];
        Array.Copy(_points, points, _count);
        Array.Copy(_scalars, scalars, _count);
        int k = _count;
        if (_vectorLength > 0)
        {
            var gs = PedersenKey.Get(_vectorLength).Gs;
            for (int i = 0; i < _vectorLength; i++) { points[k] = gs[i]; scalars[k] = _vector[i]; k++; }
        }
        var key = PedersenKey.Get(1);
        points[k] = key.G; scalars[k] = _g; k++;
        points[k] = key.H; scalars[k] = _h;
        return Msm.Compute(points, scalars).IsIdentity;
    }

    /// <summary>Forgets every equation (the buffers are kept).</summary>
    public void Clear()
    {
        _count = 0;
        Array.Clear(_vector, 0, _vectorLength);
        _vectorLength = 0;
        _g = default; _h = default; _weight = default;
        Equations = 0;
    }
}
