using System.Runtime.CompilerServices;

// The tests call the AVX-512 kernel (FrAvx512) directly, independent of FieldVectors.UseAvx512.
[assembly: InternalsVisibleTo("ZkmlProver.Field.Tests")]
