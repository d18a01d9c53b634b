using ZkmlProver.Commitments;
using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;
using FsTranscript = ZkmlProver.Transcript.Transcript;

namespace ZkmlProver.Proving;

/// <summary>A claim "C commits to T̃(Point)" on some tensor T. The prover also knows the value and
/// the blind; the verifier leaves them zero. A public claim has blind 0 and C = value·G.</summary>
public sealed record EvalClaim(Fr[] Point, Point Commitment, Fr Value = default, Fr Blind = default)
{
    public static EvalClaim Public(Fr[] point, Fr value) => new(point, value * Key.G, value, Fr.Zero);
    internal static PedersenKey Key => PedersenKey.Get(1);
}

/// <summary>Thrown inside the verifier when the proof is rejected; caught at the public
/// boundary (<see cref="InferenceVerifier"/>) and turned into a <see cref="Verdict"/>.</summary>
public sealed class ProofRejectedException(string reason) : Exception(reason);

/// <summary>The prover's side of the proof stream: every message is written to the proof and
/// absorbed by the transcript, in one call, so the verifier can mirror the order exactly.</summary>
public sealed class ProverSession(FsTranscript transcript, Random? rng)
{
    public FsTranscript Transcript { get; } = transcript;
    public Random? Rng { get; } = rng;
    public ProofWriter Writer { get; } = new();
    public PedersenKey Key { get; } = PedersenKey.Get(1);

    /// <summary>Soundness tests only: a cheating prover skips its own checks that every claim holds,
    /// so that a false statement reaches the verifier (which must reject it).</summary>
    public bool Cheating { get; init; }

    public Fr NextBlind() => Rng is null ? Fr.RandomSecure() : Fr.Random(Rng);

    /// <summary>Commits a value with a fresh blind, sends and absorbs the commitment.</summary>
    public EvalClaim CommitValue(string label, Fr[] point, in Fr value)
    {
        var blind = NextBlind();
        var c = Key.Commit(value, blind);
        SendPoint(label, c);
        return new EvalClaim(point, c, value, blind);
    }

    public void SendPoint(string label, Point p) { Writer.WritePoint(p); Transcript.AppendPoint(label, p); }

    public Fr[] Challenges(string label, int count) => Transcript.ChallengeScalars(label, count);
}

/// <summary>The verifier's side of the proof stream. Read failures throw
/// <see cref="ProofRejectedException"/> with the reader's reason.</summary>
public sealed class VerifierSession(FsTranscript transcript, ProofReader reader)
{
    public FsTranscript Transcript { get; } = transcript;
    public ProofReader Reader { get; } = reader;
    public PedersenKey Key { get; } = PedersenKey.Get(1);

    /// <summary>When set, the Σ-protocol, sum-check and Hyrax group equations are deferred to this
    /// accumulator (batch verification); the owner checks it once at the end. Null: check each at once.</summary>
    public MsmAccumulator? Acc { get; init; }

    public EvalClaim ReceiveValue(string label, Fr[] point) => new(point, ReceivePoint(label));

    public Point ReceivePoint(string label)
    {
        if (!Reader.ReadPoint(label, out var p)) Fail(Reader.Error ?? label);
        Transcript.AppendPoint(label, p);
        return p;
    }

    public Fr[] Challenges(string label, int count) => Transcript.ChallengeScalars(label, count);

    /// <summary>Reads a sub-proof with its TryRead; rejects with the reader's reason on failure.</summary>
    public T Read<T>(string what, TryReadFn<T> tryRead) where T : class
    {
        if (!tryRead(Reader, out var v) || v is null) Fail($"{what}: {Reader.Error ?? "malformed"}");
        return v!;
    }

    public static void Check(Verdict v, string where)
    {
        if (!v.Accepted) Fail($"{where}: {v.Reason}");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Fail(string reason) => throw new ProofRejectedException(reason);
}

public delegate bool TryReadFn<T>(ProofReader reader, out T? value) where T : class;
