using System.Runtime.CompilerServices;

// The prover's halves of the steps use the geometry helpers the verifier's halves use.
[assembly: InternalsVisibleTo("ZkmlProver.Prover")]
[assembly: InternalsVisibleTo("ZkmlProver.Proving.Tests")]
[assembly: InternalsVisibleTo("ZkmlProver.EndToEnd.Tests")]
