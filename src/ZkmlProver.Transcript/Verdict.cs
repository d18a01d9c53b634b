namespace ZkmlProver.Transcript;

/// <summary>The outcome of a verifier: accepted, or rejected with a reason. Verifiers return this
/// and never throw on proof bytes.</summary>
public readonly record struct Verdict(bool Accepted, string? Reason)
{
    public static Verdict Accept => new(true, null);
    public static Verdict Reject(string reason) => new(false, reason);

    /// <summary>Prefixes a rejection reason with where it happened (e.g. "layer 3 / sum-check round 2").</summary>
    public Verdict In(string where) => Accepted ? this : new Verdict(false, $"{where}: {Reason}");

    public override string ToString() => Accepted ? "accepted" : $"rejected: {Reason}";
}
