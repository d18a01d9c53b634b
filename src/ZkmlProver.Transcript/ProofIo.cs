using System.Buffers.Binary;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Transcript;

/// <summary>Append-only binary writer for proofs: points are 33 bytes, scalars 32 bytes big-endian,
/// counts are 4-byte big-endian and always written before the items they count.</summary>
public sealed class ProofWriter
{
    private readonly MemoryStream _stream = new();

    public void WriteUInt32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); _stream.Write(b); }
    public void WriteCount(int n) => WriteUInt32(checked((uint)n));
    public void WriteBytes(ReadOnlySpan<byte> b) { WriteCount(b.Length); _stream.Write(b); }
    public void WriteScalar(in Fr v) { Span<byte> b = stackalloc byte[Fr.ByteLength]; v.WriteBytes(b); _stream.Write(b); }
    public void WritePoint(Point p) { Span<byte> b = stackalloc byte[Point.EncodedLength]; p.WriteTo(b); _stream.Write(b); }
    public void WriteScalars(ReadOnlySpan<Fr> v) { WriteCount(v.Length); foreach (var x in v) WriteScalar(x); }
    public void WritePoints(ReadOnlySpan<Point> v) { WriteCount(v.Length); foreach (var x in v) WritePoint(x); }

    public byte[] ToArray() => _stream.ToArray();
    public int Length => (int)_stream.Length;
}

/// <summary>Reader for <see cref="ProofWriter"/> output over untrusted bytes. Every method returns
/// false (with <see cref="Error"/> set, naming the offset) instead of throwing; once an error
/// occurs every later read fails too. Counts are bounded by the bytes that remain, so a hostile
/// length cannot cause a huge allocation.</summary>
public sealed class ProofReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private int _pos;

    public ProofReader(ReadOnlyMemory<byte> data) { _data = data; }

    public string? Error { get; private set; }
    public int Position => _pos;
    public int Remaining => _data.Length - _pos;
    public bool AtEnd => _pos == _data.Length;

    private bool Fail(string what) { Error ??= $"{what} at byte {_pos}"; return false; }

    private bool Take(int n, string what, out ReadOnlySpan<byte> span)
    {
        span = default;
        if (Error is not null) return false;
        if (n < 0 || n > Remaining) return Fail($"truncated proof: {what} needs {n} bytes, {Remaining} left");
        span = _data.Span.Slice(_pos, n);
        _pos += n;
        return true;
    }

    public bool ReadUInt32(string what, out uint v)
    {
        v = 0;
        if (!Take(4, what, out var s)) return false;
        v = BinaryPrimitives.ReadUInt32BigEndian(s);
        return true;
    }

    /// <summary>A count of items each at least <paramref name="minItemBytes"/> long, checked against
    /// the bytes left and against an optional exact expectation.</summary>
    public bool ReadCount(string what, int minItemBytes, out int n, int? expected = null)
    {
        n = 0;
        if (!ReadUInt32(what, out var u)) return false;
        if (u > int.MaxValue || (long)u * Math.Max(1, minItemBytes) > Remaining) return Fail($"{what}: count {u} exceeds the proof's remaining {Remaining} bytes");
        if (expected is int e && u != e) return Fail($"{what}: count {u}, expected {e}");
        n = (int)u;
        return true;
    }

    public bool ReadBytes(string what, out byte[] bytes)
    {
        bytes = [];
        if (!ReadCount(what, 1, out var n)) return false;
        if (!Take(n, what, out var s)) return false;
        bytes = s.ToArray();
        return true;
    }

    public bool ReadScalar(string what, out Fr v)
    {
        v = default;
        if (!Take(Fr.ByteLength, what, out var s)) return false;
        if (!Fr.TryFromBytes(s, out v)) { _pos -= Fr.ByteLength; return Fail($"{what}: non-canonical scalar"); }
        return true;
    }

    public bool ReadPoint(string what, out Point p, bool allowIdentity = true)
    {
        p = default;
        if (!Take(Point.EncodedLength, what, out var s)) return false;
        if (!Point.TryDecode(s, allowIdentity, out p, out var err)) { _pos -= Point.EncodedLength; return Fail($"{what}: {err}"); }
        return true;
    }

    public bool ReadScalars(string what, out Fr[] v, int? expected = null)
    {
        v = [];
        if (!ReadCount(what, Fr.ByteLength, out var n, expected)) return false;
        v = new Fr[n];
        for (int i = 0; i < n; i++) if (!ReadScalar($"{what}[{i}]", out v[i])) return false;
        return true;
    }

    public bool ReadPoints(string what, out Point[] v, int? expected = null, bool allowIdentity = true)
    {
        v = [];
        if (!ReadCount(what, Point.EncodedLength, out var n, expected)) return false;
        v = new Point[n];
        for (int i = 0; i < n; i++) if (!ReadPoint($"{what}[{i}]", out v[i], allowIdentity)) return false;
        return true;
    }

    /// <summary>Fails unless every byte was consumed (trailing garbage is a rejection).</summary>
    public bool ExpectEnd() => AtEnd || Fail($"{Remaining} trailing bytes");
}
