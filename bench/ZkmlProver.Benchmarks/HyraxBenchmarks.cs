using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ZkmlProver.Commitments;
using ZkmlProver.Commitments.Hyrax;
using ZkmlProver.Field;
using ZkmlProver.Transcript;
using FsTranscript = ZkmlProver.Transcript.Transcript;

namespace ZkmlProver.Benchmarks;

/// <summary>Hyrax on a vector of 2^ℓ 16-bit signed integers: commitment (rows in parallel, small-scalar
/// MSM), zero-knowledge evaluation proof at a random point (row combination + log-size dot-product
/// argument) and its verification (one MSM over rows, generators and the argument's points).
/// Generator derivation happens in the setup, not in the measurements.</summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/ZkmlProver.Benchmarks -- --filter '*Hyrax*'</c>.</remarks>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class HyraxBenchmarks
{
    [Params(16, 20)]
    public int NumVars;

    private HyraxShape _shape;
    private long[] _values = [];
    private HyraxCommitment _commitment = null!;
    private HyraxOpening _opening = null!;
    private Fr[] _point = [];
    private Fr _y;
    private HyraxEvaluationProof _proof = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(NumVars);
        _shape = new HyraxShape(NumVars);
        _values = new long[_shape.Length];
        for (int i = 0; i < _values.Length; i++) _values[i] = rng.Next(-32768, 32768);
        var key = PedersenKey.Get(_shape.Cols);
        _ = key.G; _ = key.H;
        _commitment = HyraxCommitment.Commit(_values, _shape, out _opening, rng);
        _point = new Fr[NumVars];
        for (int i = 0; i < NumVars; i++) _point[i] = Fr.Random(rng);
        _y = HyraxEvaluationProof.Evaluate(_values, _shape, _point);
        _proof = Prove();
        if (!Verify().Accepted) throw new InvalidOperationException("benchmark proof does not verify");
    }

    [Benchmark]
    public HyraxCommitment Commit() => HyraxCommitment.Commit(_values, _shape, out _);

    [Benchmark]
    public HyraxEvaluationProof Prove()
        => HyraxEvaluationProof.ProvePublic(new FsTranscript("bench"), _commitment, _opening, _values, _point, _y);

    [Benchmark]
    public Verdict Verify()
        => HyraxEvaluationProof.VerifyPublic(new FsTranscript("bench"), _commitment, _point, _y, _proof);
}
