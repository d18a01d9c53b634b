using ZkmlProver.Curve;
using ZkmlProver.Field;
using ZkmlProver.Transcript;

namespace ZkmlProver.Commitments.Sigma;

/// <summary>
/// One Σ-protocol instance met during a verification: the public statement, the Fiat–Shamir
/// challenge the verifier derived, and the proof. <see cref="Simulate"/> runs the protocol's
/// simulator on exactly that statement and challenge.
/// </summary>
public abstract record SigmaInstance(string Kind, Fr Challenge)
{
    /// <summary>A simulated proof for this statement and challenge (no witness), its verdict under the
    /// protocol's verification equations, and the encodings of the simulated and the real proof.</summary>
    public abstract (Verdict Verdict, byte[] Simulated, byte[] Real) Simulate(Random rng);
}

public sealed record EqualityInstance(PedersenKey Key, Point Difference, Fr C, EqualityProof Proof) : SigmaInstance("equality", C)
{
    public override (Verdict, byte[], byte[]) Simulate(Random rng)
    {
        var s = EqualityProof.Simulate(Key, Difference, C, rng);
        return (s.VerifyWithChallenge(Key, Difference, C), s.ToBytes(), Proof.ToBytes());
    }
}

public sealed record ProductInstance(PedersenKey Key, Point X, Point Y, Point Z, Fr C, ProductProof Proof) : SigmaInstance("product", C)
{
    public override (Verdict, byte[], byte[]) Simulate(Random rng)
    {
        var s = ProductProof.Simulate(Key, X, Y, Z, C, rng);
        return (s.VerifyWithChallenge(Key, X, Y, Z, C), s.ToBytes(), Proof.ToBytes());
    }
}

public sealed record DotProductInstance(PedersenKey Key, Point Cx, Point Cy, Fr[] A, Fr C, DotProductProof Proof) : SigmaInstance("dot-product", C)
{
    public override (Verdict, byte[], byte[]) Simulate(Random rng)
    {
        var s = DotProductProof.Simulate(Key, Cx, Cy, A, C, rng);
        return (s.VerifyWithChallenge(Key, Cx, Cy, A, C), s.ToBytes(), Proof.ToBytes());
    }
}

/// <summary>The log-size inner-product argument of a Hyrax evaluation proof: Γ = C_x + C_y, the
/// public vector a, the round challenges u and the final challenge c.</summary>
public sealed record InnerProductInstance(PedersenKey Key, Point Gamma, Fr[] A, Fr[] U, Fr C, Hyrax.LogDotProductProof Proof) : SigmaInstance("inner-product", C)
{
    public override (Verdict, byte[], byte[]) Simulate(Random rng)
    {
        var s = Hyrax.LogDotProductProof.Simulate(Key, Gamma, A, U, C, rng);
        return (Hyrax.LogDotProductProof.CheckWithChallenges(Key, Gamma, A, s, U, C), Encode(s), Encode(Proof));
    }

    private static byte[] Encode(Hyrax.LogDotProductProof p)
    {
        var w = new ProofWriter();
        p.Write(w);
        return w.ToArray();
    }
}

/// <summary>
/// Instrumentation for zero-knowledge tests: while an observer is installed on a thread, every
/// Σ-protocol verification on that thread (equality, product, the dot-product proofs of the ZK
/// sum-check rounds, the inner-product arguments of Hyrax openings) reports its instance, so tests can run the crypto core's simulators on the
/// statements and challenges of real circuit-level transcripts. Costs one null check otherwise.
/// </summary>
public static class SigmaObserver
{
    [ThreadStatic] private static Action<SigmaInstance>? t_observer;

    /// <summary>Installs <paramref name="observer"/> on this thread until the result is disposed.</summary>
    public static IDisposable Observe(Action<SigmaInstance> observer)
    {
        var previous = t_observer;
        t_observer = observer;
        return new Restore(previous);
    }

    public static bool Active => t_observer is not null;

    public static void Report(SigmaInstance instance) => t_observer?.Invoke(instance);

    private sealed class Restore(Action<SigmaInstance>? previous) : IDisposable
    {
        public void Dispose() => t_observer = previous;
    }
}
