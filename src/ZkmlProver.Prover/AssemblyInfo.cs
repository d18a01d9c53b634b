using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ZkmlProver.Proving.Tests")]
[assembly: InternalsVisibleTo("ZkmlProver.EndToEnd.Tests")]
