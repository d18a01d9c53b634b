using System.Diagnostics;
using System.Globalization;
using ZkmlProver.Circuit;
using ZkmlProver.Proving;
using ZkmlProver.Quantize;

namespace ZkmlProver.Workflows;

/// <summary>Settings of a <see cref="BatchProver.Run"/>.</summary>
/// <param name="BatchSize">Rows per proof (the last batch may be shorter).</param>
/// <param name="ShardIndex">This shard (0-based), see <see cref="BatchProver.ShardOf"/>.</param>
/// <param name="ShardCount">Number of shards (1: everything).</param>
/// <param name="Parallelism">Batches proven at once (≤ 0: one per core).</param>
/// <param name="PrivateInput">Commit to the inputs instead of putting them in the proofs.</param>
/// <param name="Force">Replace proofs/manifests that do not belong to this run instead of refusing.</param>
public sealed record BatchProveOptions(int BatchSize, int ShardIndex = 0, int ShardCount = 1, int Parallelism = 0, bool PrivateInput = false, bool Force = false);

/// <summary>Progress after each finished batch.</summary>
/// <param name="Done">Batches of this shard finished so far (including skipped ones).</param>
/// <param name="Total">Batches in this shard.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Eta">Estimated time left (from this run's throughput), null before the first proof.</param>
/// <param name="Last">The batch just finished, null for the initial report.</param>
public sealed record BatchProgress(int Done, int Total, TimeSpan Elapsed, TimeSpan? Eta, BatchEntry? Last);

/// <summary>What a run did.</summary>
/// <param name="Planned">Batches in this shard.</param>
/// <param name="Proven">Batches proven by this run.</param>
/// <param name="Skipped">Batches already done (proof file and manifest entry agree).</param>
/// <param name="Adopted">Proof files found without a manifest entry (a run killed between writing the
/// proof and the manifest) that verify and carry exactly this batch's inputs: recorded, not re-proven.</param>
/// <param name="ProvenEntries">Entries of the batches proven by this run.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="ManifestPath">The manifest written.</param>
/// <param name="Cancelled">True when the run stopped early on cancellation (finished batches are kept).</param>
public sealed record BatchRunResult(int Planned, int Proven, int Skipped, int Adopted, IReadOnlyList<BatchEntry> ProvenEntries,
    TimeSpan Elapsed, string ManifestPath, bool Cancelled);

/// <summary>
/// Offline batch proving (<c>zkml prove-batch</c>): splits the input rows into batches of
/// <see cref="BatchProveOptions.BatchSize"/>, proves them in parallel, writes each proof atomically
/// as <c>batch-&lt;start&gt;-&lt;end&gt;.zkp</c> and rewrites the manifest atomically after every batch.
/// A rerun skips batches whose proof file matches the manifest, so an interrupted run (killed or
/// cancelled) resumes without redoing or losing finished work.
/// </summary>
public static class BatchProver
{
    /// <summary>[start, end) ranges of <paramref name="batchSize"/> rows covering <paramref name="rows"/> rows.</summary>
    public static IReadOnlyList<(int Start, int End)> PlanBatches(int rows, int batchSize)
    {
        if (batchSize <= 0) throw new WorkflowException($"batch size must be positive, got {batchSize}");
        var list = new List<(int, int)>();
        for (int s = 0; s < rows; s += batchSize) list.Add((s, Math.Min(rows, s + batchSize)));
        return list;
    }

    /// <summary>
    /// The batches of shard <paramref name="index"/> of <paramref name="count"/>: the contiguous
    /// block of batch numbers [⌊index·n/count⌋, ⌊(index+1)·n/count⌋). Deterministic, disjoint,
    /// and together the shards cover every batch exactly once.
    /// </summary>
    public static IReadOnlyList<(int Start, int End)> ShardOf(IReadOnlyList<(int Start, int End)> batches, int index, int count)
    {
        if (count <= 0 || index < 0 || index >= count) throw new WorkflowException($"shard {index}/{count}: need 0 ≤ i < N");
        int n = batches.Count;
        int from = (int)((long)index * n / count), to = (int)((long)(index + 1) * n / count);
        return batches.Skip(from).Take(to - from).ToList();
    }

    /// <summary>Parses "i/N" (0 ≤ i &lt; N).</summary>
    public static (int Index, int Count) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 && i < n)
            return (i, n);
        throw new WorkflowException($"--shard '{text}': expected i/N with 0 ≤ i < N (e.g. 0/4)");
    }

    /// <summary>Proves the rows of <paramref name="data"/> with the model in <paramref name="modelDir"/>
    /// (circuit.json, weights.bin, model.commitment, model.key) into <paramref name="proofsDir"/>.</summary>
    /// <exception cref="WorkflowException">Refuses to replace foreign files without Force; bad shard or batch size.</exception>
    /// <exception cref="QuantizeException">An input row has the wrong length, a non-finite or out-of-range value (names the row).</exception>
    public static BatchRunResult Run(string modelDir, InputData data, string proofsDir, BatchProveOptions options,
        Action<BatchProgress>? progress = null, CancellationToken cancel = default)
    {
        var sw = Stopwatch.StartNew();
        var files = new ModelFiles(modelDir);
        var circuit = ModelFiles.LoadCircuit(files.CircuitPath);
        var weights = WeightSet.Read(files.WeightsPath, circuit);
        var commitment = ModelFiles.LoadCommitment(files.CommitmentPath, circuit);
        var key = ModelFiles.LoadKey(files.KeyPath, circuit);
        var input = QuantizedModel.QuantizeInputs(circuit, data);
        int size = circuit.InputTensor.Size;

        var all = PlanBatches(data.Count, options.BatchSize);
        var mine = ShardOf(all, options.ShardIndex, options.ShardCount);
        Directory.CreateDirectory(proofsDir);
        string manifestPath = Path.Combine(proofsDir, BatchManifest.FileName(options.ShardIndex, options.ShardCount));

        var header = new BatchManifest
        {
            CircuitDigest = circuit.Digest!, CommitmentDigest = commitment.DigestHex, InputSource = Path.GetFileName(data.Source),
            TotalRows = data.Count, BatchSize = options.BatchSize, ShardIndex = options.ShardIndex, ShardCount = options.ShardCount, Batches = [],
        };
        var entries = new SortedDictionary<int, BatchEntry>();
        if (File.Exists(manifestPath))
        {
            var old = BatchManifest.Load(manifestPath);
            string? why = old.CircuitDigest != header.CircuitDigest ? "another circuit"
                : old.CommitmentDigest != header.CommitmentDigest ? "another model commitment"
                : old.BatchSize != header.BatchSize ? $"batch size {old.BatchSize}"
                : old.TotalRows != header.TotalRows ? $"an input of {old.TotalRows} rows" : null;
            if (why is not null && !options.Force)
                throw new WorkflowException($"{manifestPath} was written for {why}; pass --force to start over (its proofs will be replaced) or use another output folder");
            if (why is null) foreach (var e in old.Batches) entries[e.Start] = e;
        }

        // Temporary files of a killed run (AtomicFile writes name.tmp-<pid>-<id>, then renames): only this
        // shard's names, so shards sharing the folder never delete each other's files in flight.
        var mineNames = new HashSet<string>(mine.Select(b => BatchHashing.ProofFileName(b.Start, b.End)).Append(Path.GetFileName(manifestPath)), StringComparer.Ordinal);
        foreach (var tmp in Directory.GetFiles(proofsDir, "*.tmp-*"))
        {
            string n = Path.GetFileName(tmp);
            if (mineNames.Contains(n[..n.IndexOf(".tmp-", StringComparison.Ordinal)])) File.Delete(tmp);
        }

        long[] Slice((int Start, int End) b) => input.AsSpan(b.Start * size, (b.End - b.Start) * size).ToArray();
        var todo = new List<(int Start, int End)>();
        int skipped = 0, adopted = 0;
        foreach (var b in mine)
        {
            string name = BatchHashing.ProofFileName(b.Start, b.End), path = Path.Combine(proofsDir, name);
            string inputHash = BatchHashing.InputHash(Slice(b));
            bool exists = File.Exists(path);
            if (entries.TryGetValue(b.Start, out var e) && e.End == b.End && e.ProofFile == name)
            {
                if (e.InputSha256 != inputHash && !options.Force)
                    throw new WorkflowException($"{manifestPath}: {e.RowLabel} were proven for other input values than {data.Source} holds now; pass --force to re-prove them");
                if (e.InputSha256 == inputHash && exists && BatchHashing.Sha256(File.ReadAllBytes(path)) == e.ProofSha256) { skipped++; continue; }
                if (exists && !options.Force)
                    throw new WorkflowException($"{path}: does not match its manifest entry (altered?); pass --force to re-prove it");
                entries.Remove(b.Start);
                todo.Add(b);
                continue;
            }
            if (exists)
            {
                var bytes = File.ReadAllBytes(path);
                var v = InferenceVerifier.Verify(circuit, commitment, bytes);
                bool fits = v.Accepted && v.Proof!.Batch == b.End - b.Start && v.Proof.PrivateInput == options.PrivateInput
                    && (v.Proof.PrivateInput || BatchHashing.InputHash(v.Proof.PublicInput!) == inputHash);
                if (fits)
                {
                    entries[b.Start] = new BatchEntry(b.Start, b.End, inputHash, circuit.Digest!, commitment.DigestHex, name,
                        BatchHashing.Sha256(bytes), bytes.Length, 0, options.PrivateInput, File.GetLastWriteTimeUtc(path).ToString("O", CultureInfo.InvariantCulture));
                    adopted++;
                    continue;
                }
                if (!options.Force)
                    throw new WorkflowException($"{path}: exists, is not in the manifest and is not a valid proof of {BatchHashing.RowLabel(b.Start, b.End)} ({v.Verdict.Reason ?? "other rows or input mode"}); pass --force to replace it");
            }
            todo.Add(b);
        }

        var gate = new object();
        void SaveManifest() => (header with { Batches = entries.Values.ToList() }).Save(manifestPath);
        SaveManifest();
        int total = mine.Count, done = skipped + adopted, provenNow = 0;
        var proven = new List<BatchEntry>();
        progress?.Invoke(new BatchProgress(done, total, sw.Elapsed, null, null));
        var runClock = Stopwatch.StartNew();
        bool cancelled = false;
        try
        {
            var po = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism > 0 ? options.Parallelism : Environment.ProcessorCount, CancellationToken = cancel };
            Parallel.ForEach(todo, po, b =>
            {
                var batchInput = Slice(b);
                var t = Stopwatch.StartNew();
                var proof = InferenceProver.ProveVerified(circuit, weights, commitment, key, batchInput, b.End - b.Start, options.PrivateInput);
                var bytes = proof.ToBytes();
                t.Stop();
                string name = BatchHashing.ProofFileName(b.Start, b.End);
                AtomicFile.WriteAllBytes(Path.Combine(proofsDir, name), bytes);
                var entry = new BatchEntry(b.Start, b.End, BatchHashing.InputHash(batchInput), circuit.Digest!, commitment.DigestHex, name,
                    BatchHashing.Sha256(bytes), bytes.Length, t.ElapsedMilliseconds, options.PrivateInput, DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                lock (gate)
                {
                    entries[b.Start] = entry;
                    SaveManifest();
                    proven.Add(entry);
                    done++; provenNow++;
                    var perBatch = runClock.Elapsed / provenNow;
                    progress?.Invoke(new BatchProgress(done, total, sw.Elapsed, perBatch * (total - done), entry));
                }
            });
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { cancelled = true; }
        catch (AggregateException ae) when (ae.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ae.InnerExceptions[0]).Throw();
        }
        return new BatchRunResult(total, proven.Count, skipped, adopted, proven.OrderBy(e => e.Start).ToList(), sw.Elapsed, manifestPath, cancelled);
    }
}
