using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkmlProver.Proving.Tests")]
