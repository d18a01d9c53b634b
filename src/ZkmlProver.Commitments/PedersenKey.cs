using System.Collections.Concurrent;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Commitments;

/// <summary>
/// Pedersen commitment key: vector generators G_0..G_{N−1}, a value generator G and a blinding
/// generator H, all from <see cref="Generators"/> with fixed labels (PROTOCOL.md notation).
/// Com(v; r) = v·G + r·H; Com(x; r) = ⟨x, G_vec⟩ + r·H. Hiding and binding under discrete log.
/// </summary>
/// <remarks>Keys are cached per size and shared; generators are derived lazily once per process.
/// Thread-safe.</remarks>
public sealed class PedersenKey
{
    public const string VectorLabel = "pedersen/vector", ValueLabel = "pedersen/value", BlindLabel = "pedersen/blind";

    private static readonly object Gate = new();
    private static Point[] _vector = [];
    private const int FixedBaseVectorPrefix = 8;
    // G and H get fixed-base tables (Curve.FixedBase): every Pedersen commitment, Σ-protocol
    // message and sum-check round multiplies them, half of a proof's scalar multiplications.
    private static readonly Lazy<Point> ValueG = new(() => FixedBase.Register(Generators.Derive(ValueLabel, 0)).Base);
    private static readonly Lazy<Point> BlindH = new(() => FixedBase.Register(Generators.Derive(BlindLabel, 0)).Base);
    private static readonly ConcurrentDictionary<int, PedersenKey> Cache = new();

    private readonly Point[] _gs;

    private PedersenKey(Point[] gs) { _gs = gs; }

    /// <summary>The key with <paramref name="size"/> vector generators (a prefix of one global sequence).</summary>
    public static PedersenKey Get(int size) => Cache.GetOrAdd(size, s => new PedersenKey(VectorPrefix(s)));

    private static Point[] VectorPrefix(int size)
    {
        lock (Gate)
        {
            if (_vector.Length < size)
            {
                var more = Generators.Derive(VectorLabel, _vector.Length, size - _vector.Length);
                // The first generators carry every short vector commitment (sum-check round
                // polynomials, Σ-protocol masks): fixed-base tables for them too.
                for (int i = 0; i < more.Length && _vector.Length + i < FixedBaseVectorPrefix; i++) more[i] = FixedBase.Register(more[i]).Base;
                _vector = [.. _vector, .. more];
            }
            return _vector[..size];
        }
    }

    public int Size => _gs.Length;
    public ReadOnlySpan<Point> Gs => _gs;
    public Point G => ValueG.Value;
    public Point H => BlindH.Value;

    public Point Commit(in Fr value, in Fr blind) => value * G + blind * H;

    public Point Commit(ReadOnlySpan<Fr> values, in Fr blind)
    {
        if (values.Length > _gs.Length) throw new ArgumentException($"vector of {values.Length} exceeds key size {_gs.Length}");
        return Msm.Compute(_gs.AsSpan(0, values.Length), values) + blind * H;
    }

    public Point CommitSmall(ReadOnlySpan<long> values, in Fr blind)
    {
        if (values.Length > _gs.Length) throw new ArgumentException($"vector of {values.Length} exceeds key size {_gs.Length}");
        return Msm.ComputeSmall(_gs.AsSpan(0, values.Length), values) + blind * H;
    }
}
