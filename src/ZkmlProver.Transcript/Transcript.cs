using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ZkmlProver.Curve;
using ZkmlProver.Field;

namespace ZkmlProver.Transcript;

/// <summary>
/// The Fiat–Shamir transcript: the one place where prover and verifier derive challenges.
/// </summary>
/// <remarks>
/// <para>State is a 32-byte SHA-256 chaining value, initialised from the protocol name. Every
/// operation absorbs <c>state ← SHA-256(state ‖ op ‖ len(label) ‖ label ‖ len(data) ‖ data)</c>
/// (op: one byte; lengths: 4-byte big-endian), so labels and values are unambiguous.</para>
/// <para>A challenge is 64 bytes, <c>SHA-256(state ‖ 'C' ‖ label ‖ 0) ‖ SHA-256(state ‖ 'C' ‖ label ‖ 1)</c>,
/// reduced mod n; the 64 bytes are absorbed back into the state so successive challenges differ.</para>
/// <para>With <see cref="EnableLog"/>, every operation is recorded (label and value hex) so that a
/// test can diff the prover's and the verifier's transcripts. Not thread-safe.</para>
/// </remarks>
public sealed class Transcript
{
    private byte[] _state;
    private List<string>? _log;

    public Transcript(string protocolName)
    {
        _state = SHA256.HashData(Encoding.UTF8.GetBytes("ZkmlProver/transcript/v1/" + protocolName));
    }

    /// <summary>Starts recording every append and challenge (for prover/verifier diffs in tests).</summary>
    public Transcript EnableLog() { _log ??= []; return this; }

    public IReadOnlyList<string> Log => _log ?? (IReadOnlyList<string>)Array.Empty<string>();

    private void Absorb(byte op, string label, ReadOnlySpan<byte> data)
    {
        var lab = Encoding.UTF8.GetBytes(label);
        var buf = new byte[32 + 1 + 4 + lab.Length + 4 + data.Length];
        _state.CopyTo(buf, 0);
        buf[32] = op;
        BinaryPrimitives.WriteInt32BigEndian(buf.AsSpan(33), lab.Length);
        lab.CopyTo(buf, 37);
        BinaryPrimitives.WriteInt32BigEndian(buf.AsSpan(37 + lab.Length), data.Length);
        data.CopyTo(buf.AsSpan(41 + lab.Length));
        _state = SHA256.HashData(buf);
        _log?.Add($"{(char)op} {label} {Convert.ToHexString(data)}");
    }

    public void AppendBytes(string label, ReadOnlySpan<byte> data) => Absorb((byte)'B', label, data);

    public void AppendUInt64(string label, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(b, value);
        Absorb((byte)'U', label, b);
    }

    public void AppendScalar(string label, in Fr value)
    {
        Span<byte> b = stackalloc byte[Fr.ByteLength];
        value.WriteBytes(b);
        Absorb((byte)'S', label, b);
    }

    public void AppendScalars(string label, ReadOnlySpan<Fr> values)
    {
        var b = new byte[values.Length * Fr.ByteLength];
        for (int i = 0; i < values.Length; i++) values[i].WriteBytes(b.AsSpan(i * Fr.ByteLength));
        Absorb((byte)'V', label, b);
    }

    public void AppendPoint(string label, Point value)
    {
        Span<byte> b = stackalloc byte[Point.EncodedLength];
        value.WriteTo(b);
        Absorb((byte)'P', label, b);
    }

    public void AppendPoints(string label, ReadOnlySpan<Point> values)
    {
        var b = new byte[values.Length * Point.EncodedLength];
        for (int i = 0; i < values.Length; i++) values[i].WriteTo(b.AsSpan(i * Point.EncodedLength));
        Absorb((byte)'Q', label, b);
    }

    /// <summary>A challenge: 64 hash bytes reduced mod n, absorbed back into the state.</summary>
    public Fr ChallengeScalar(string label)
    {
        var lab = Encoding.UTF8.GetBytes(label);
        var buf = new byte[32 + 1 + lab.Length + 1];
        _state.CopyTo(buf, 0);
        buf[32] = (byte)'C';
        lab.CopyTo(buf, 33);
        Span<byte> wide = stackalloc byte[64];
        buf[^1] = 0; SHA256.HashData(buf, wide[..32]);
        buf[^1] = 1; SHA256.HashData(buf, wide[32..]);
        var c = Fr.FromBytesWide(wide);
        Absorb((byte)'c', label, wide);
        return c;
    }

    public Fr[] ChallengeScalars(string label, int count)
    {
        var r = new Fr[count];
        for (int i = 0; i < count; i++) r[i] = ChallengeScalar(label);
        return r;
    }
}
