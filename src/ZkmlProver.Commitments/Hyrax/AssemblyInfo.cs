using System.Runtime.CompilerServices;

// Tests pin the internal kernels (eq table, s-vector) against naive oracles; the benchmark
// measures the prover phases separately.
[assembly: InternalsVisibleTo("ZkmlProver.Commitments.Tests")]
[assembly: InternalsVisibleTo("ZkmlProver.Benchmarks")]
