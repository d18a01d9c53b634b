using System.Globalization;
using Microsoft.Data.Sqlite;
using ZkmlProver.Proving;

namespace ZkmlProver.Workflows.Registry;

/// <summary>One proof to index: the statement's digests, its rows and where its bytes are.</summary>
/// <param name="Sha256">Lowercase hex SHA-256 of the proof file's bytes (the proof's identity).</param>
/// <param name="Path">Absolute path of the proof file when it was added.</param>
/// <param name="SizeBytes">Proof size.</param>
/// <param name="CircuitDigest">Circuit digest.</param>
/// <param name="CommitmentDigest">Lowercase hex model-commitment digest.</param>
/// <param name="BatchSize">Rows in this proof.</param>
/// <param name="RowStart">First data row (0-based) of the input file.</param>
/// <param name="RowEnd">One past the last row.</param>
/// <param name="InputHash">SHA-256 of the quantized input (<see cref="BatchHashing.InputHash"/>), or "private" when unknown.</param>
/// <param name="Source">Where the index came from: <c>manifest:&lt;path&gt;</c> or <c>file</c>.</param>
/// <param name="CreatedUtc">When the proof was made (registry time format).</param>
/// <param name="DecisionRule">The decision rule applied to the outputs (<see cref="Registry.DecisionRule.ToText"/>), or null.</param>
/// <param name="Rows">Each row's outputs and decision.</param>
public sealed record ProofRecord(string Sha256, string Path, long SizeBytes, string CircuitDigest, string CommitmentDigest, int BatchSize,
    int RowStart, int RowEnd, string InputHash, string Source, string CreatedUtc, string? DecisionRule, IReadOnlyList<RowRecord> Rows);

/// <summary>One row of a proof.</summary>
/// <param name="RowIndex">0-based data row of the input file.</param>
/// <param name="RowId">The row's id column when the input file was given, else null.</param>
/// <param name="OutputsJson">The proof's outputs for this row, dequantized: <c>{"tensor": [values]}</c>.</param>
/// <param name="Decision">The decision rule's result for this row, or null.</param>
public sealed record RowRecord(int RowIndex, string? RowId, string OutputsJson, string? Decision);

/// <summary>A proof as stored, with its latest verification.</summary>
public sealed record RegisteredProof(long Id, string Sha256, string Path, long SizeBytes, string CircuitDigest, string CommitmentDigest,
    int BatchSize, int RowStart, int RowEnd, string InputHash, string Source, string CreatedUtc, string AddedUtc, string? DecisionRule,
    long? ReplacedBy, bool HasStoredBytes, string? LastVerdict, string? LastVerifiedUtc)
{
    /// <summary>"rows 11–20" (1-based, inclusive).</summary>
    public string RowLabel => BatchHashing.RowLabel(RowStart, RowEnd);
    /// <summary>The file name part of <see cref="Path"/>.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>A stored row.</summary>
public sealed record RegisteredRow(long ProofId, int RowIndex, string? RowId, string OutputsJson, string? Decision);

/// <summary>One verification result: <see cref="Verdict"/> is <c>accepted</c>, <c>rejected</c>,
/// <c>hash-mismatch</c> (the file's bytes are not the registered proof) or <c>missing</c> (file not found
/// and no stored bytes).</summary>
public sealed record VerificationRecord(long ProofId, string VerifiedUtc, string Verdict, string? Reason, long Milliseconds);

/// <summary>What <see cref="ProofRegistry.Find"/> selects; null fields do not filter. Filters combine with AND.</summary>
/// <param name="SinceUtc">Proofs created at or after this time (registry time format).</param>
/// <param name="CircuitDigest">Proofs of this circuit (a prefix is enough).</param>
/// <param name="Row">Proofs covering this 0-based data row.</param>
/// <param name="RowId">Proofs holding a row with this id.</param>
/// <param name="InputHash">Proofs with this input hash (a prefix is enough).</param>
/// <param name="IncludeReplaced">Also entries replaced by a newer proof at the same path.</param>
public sealed record ProofFilter(string? SinceUtc = null, string? CircuitDigest = null, int? Row = null, string? RowId = null,
    string? InputHash = null, bool IncludeReplaced = false);

/// <summary>How <see cref="ProofRegistry.AddProof"/> treated a record.</summary>
public enum AddOutcome
{
    /// <summary>A new proof.</summary>
    Added,
    /// <summary>Already registered at this path.</summary>
    Unchanged,
    /// <summary>Already registered (same bytes) at another path: the path was updated.</summary>
    PathUpdated,
}

/// <summary>
/// The proof registry: an embedded SQLite database (Microsoft.Data.Sqlite) indexing proofs by circuit
/// and commitment digest, rows, input hash and creation time, with each row's outputs and decision,
/// the proof file's SHA-256 (optionally its bytes) and every verification result. WAL journal, a busy
/// timeout and IMMEDIATE write transactions retried on SQLITE_BUSY, so several processes (e.g.
/// <c>prove-batch --shard</c> runs) can write one file at once without losing anything. One instance
/// holds one connection and may be used from several threads (calls are serialized).
/// </summary>
public sealed class ProofRegistry : IDisposable
{
    /// <summary>The default database file name.</summary>
    public const string DefaultFile = "zkml-registry.db";

    readonly SqliteConnection connection;
    readonly object gate = new();

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    ProofRegistry(string path, SqliteConnection c) { FilePath = path; connection = c; }

    /// <summary>Opens (creating if needed) a registry and migrates it to <paramref name="schemaVersion"/>
    /// (default: current). Only tests pass an older version.</summary>
    public static ProofRegistry Open(string path, int? schemaVersion = null)
    {
        path = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 60 };
        var c = new SqliteConnection(cs.ToString());
        try
        {
            c.Open();
            SqliteRetry.Run(() => Exec(c, "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"));
            RegistrySchema.Migrate(c, schemaVersion);
        }
        catch (SqliteException e)
        {
            c.Dispose();
            throw new WorkflowException($"{path}: cannot open registry: {e.Message}");
        }
        catch { c.Dispose(); throw; }
        return new ProofRegistry(path, c);
    }

    /// <summary>The connection (for tests and migrations); do not use it concurrently with this instance.</summary>
    public SqliteConnection Connection => connection;

    /// <summary>The database's schema version.</summary>
    public int SchemaVersion { get { lock (gate) return RegistrySchema.VersionOf(connection); } }

    /// <summary>The journal mode SQLite reports ("wal").</summary>
    public string JournalMode { get { lock (gate) return Scalar<string>("PRAGMA journal_mode") ?? ""; } }

    static void Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    T? Scalar<T>(string sql, SqliteTransaction? tx = null, params (string, object?)[] ps)
    {
        using var cmd = Command(sql, tx, ps);
        var v = cmd.ExecuteScalar();
        return v is null or DBNull ? default : (T)Convert.ChangeType(v, typeof(T), CultureInfo.InvariantCulture);
    }

    SqliteCommand Command(string sql, SqliteTransaction? tx, params (string Name, object? Value)[] ps)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (n, v) in ps) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        return cmd;
    }

    /// <summary>Runs <paramref name="body"/> in one IMMEDIATE transaction (the write lock is taken at
    /// BEGIN, so it cannot deadlock on upgrade), retried as a whole on busy/locked.</summary>
    T Write<T>(Func<SqliteTransaction, T> body)
    {
        lock (gate)
            return SqliteRetry.Run(() =>
            {
                using var tx = connection.BeginTransaction(deferred: false);
                var r = body(tx);
                tx.Commit();
                return r;
            });
    }

    /// <summary>Stores the public files a proof is verified with: the circuit JSON (its digest is
    /// checked on load) and the model commitment bytes. Idempotent.</summary>
    public void AddArtifacts(string circuitJson, string circuitDigest, byte[] commitmentBytes, string commitmentDigest, string? circuitPath, string? commitmentPath)
    {
        Write(tx =>
        {
            const string sql = "INSERT INTO artifacts(digest, kind, circuit_digest, bytes, source_path, added_utc) VALUES ($d, $k, $c, $b, $p, $t) ON CONFLICT(digest) DO NOTHING";
            using (var a = Command(sql, tx, ("$d", circuitDigest), ("$k", "circuit"), ("$c", circuitDigest), ("$b", System.Text.Encoding.UTF8.GetBytes(circuitJson)), ("$p", circuitPath), ("$t", RegistryTime.Now())))
                a.ExecuteNonQuery();
            using (var b = Command(sql, tx, ("$d", commitmentDigest), ("$k", "commitment"), ("$c", circuitDigest), ("$b", commitmentBytes), ("$p", commitmentPath), ("$t", RegistryTime.Now())))
                b.ExecuteNonQuery();
            return 0;
        });
    }

    /// <summary>Loads the stored circuit and commitment (validated: digests recomputed from the bytes).</summary>
    /// <exception cref="WorkflowException">Not in the registry, or the stored bytes no longer decode.</exception>
    public (Circuit.Circuit Circuit, ModelCommitment Commitment) LoadArtifacts(string circuitDigest, string commitmentDigest)
    {
        byte[]? cj, cb;
        lock (gate)
        {
            cj = Scalar<byte[]>("SELECT bytes FROM artifacts WHERE digest = $d AND kind = 'circuit'", null, ("$d", circuitDigest));
            cb = Scalar<byte[]>("SELECT bytes FROM artifacts WHERE digest = $d AND kind = 'commitment'", null, ("$d", commitmentDigest));
        }
        if (cj is null) throw new WorkflowException($"{FilePath}: circuit {circuitDigest} is not in the registry (add its proofs with --circuit)");
        if (cb is null) throw new WorkflowException($"{FilePath}: model commitment {commitmentDigest} is not in the registry (add its proofs with --commitment)");
        Circuit.Circuit circuit;
        try { circuit = Circuit.Circuit.FromJson(System.Text.Encoding.UTF8.GetString(cj), $"registry circuit {circuitDigest[..Math.Min(16, circuitDigest.Length)]}"); }
        catch (Circuit.CircuitFormatException e) { throw new WorkflowException(e.Message); }
        if (circuit.Digest != circuitDigest) throw new WorkflowException($"{FilePath}: stored circuit hashes to {circuit.Digest}, not {circuitDigest}");
        if (!ModelCommitment.TryDecode(cb, circuit, out var commitment, out var error))
            throw new WorkflowException($"{FilePath}: stored model commitment {commitmentDigest}: {error}");
        if (commitment!.DigestHex != commitmentDigest) throw new WorkflowException($"{FilePath}: stored model commitment hashes to {commitment.DigestHex}, not {commitmentDigest}");
        return (circuit, commitment);
    }

    /// <summary>
    /// Indexes one proof. The SHA-256 identifies it: re-adding the same bytes is a no-op, or updates
    /// the path when the file was moved. A new proof at a path held by another entry marks that
    /// entry replaced (it stays in the history). With <paramref name="bytes"/> the proof is also
    /// stored in the database, so it verifies even when the file is gone.
    /// </summary>
    public (long Id, AddOutcome Outcome) AddProof(ProofRecord r, byte[]? bytes = null) => Write(tx =>
    {
        if (bytes is not null && BatchHashing.Sha256(bytes) != r.Sha256) throw new ArgumentException("bytes do not hash to the record's SHA-256", nameof(bytes));
        long? existing;
        string? oldPath;
        using (var q = Command("SELECT id, path FROM proofs WHERE sha256 = $s", tx, ("$s", r.Sha256)))
        using (var rd = q.ExecuteReader())
            (existing, oldPath) = rd.Read() ? (rd.GetInt64(0), rd.GetString(1)) : ((long?)null, (string?)null);
        if (bytes is not null)
            using (var b = Command("INSERT INTO proof_blobs(sha256, bytes) VALUES ($s, $b) ON CONFLICT(sha256) DO NOTHING", tx, ("$s", r.Sha256), ("$b", bytes)))
                b.ExecuteNonQuery();
        if (existing is long id)
        {
            if (oldPath == r.Path) return (id, AddOutcome.Unchanged);
            using (var u = Command("UPDATE proofs SET path = $p WHERE id = $id", tx, ("$p", r.Path), ("$id", id))) u.ExecuteNonQuery();
            return (id, AddOutcome.PathUpdated);
        }
        using (var ins = Command("""
            INSERT INTO proofs(sha256, path, size_bytes, circuit_digest, commitment_digest, batch_size, row_start, row_end, input_hash, source, created_utc, added_utc, decision_rule)
            VALUES ($s, $p, $z, $c, $m, $b, $r0, $r1, $h, $src, $ct, $at, $rule)
            """, tx, ("$s", r.Sha256), ("$p", r.Path), ("$z", r.SizeBytes), ("$c", r.CircuitDigest), ("$m", r.CommitmentDigest), ("$b", r.BatchSize),
            ("$r0", r.RowStart), ("$r1", r.RowEnd), ("$h", r.InputHash), ("$src", r.Source), ("$ct", r.CreatedUtc), ("$at", RegistryTime.Now()), ("$rule", r.DecisionRule)))
            ins.ExecuteNonQuery();
        long newId = Scalar<long>("SELECT last_insert_rowid()", tx);
        using (var row = Command("INSERT INTO proof_rows(proof_id, row_index, row_id, outputs_json, decision) VALUES ($id, $i, $rid, $o, $d)", tx,
            ("$id", newId), ("$i", 0), ("$rid", null), ("$o", ""), ("$d", null)))
        {
            foreach (var x in r.Rows)
            {
                row.Parameters["$i"].Value = x.RowIndex;
                row.Parameters["$rid"].Value = (object?)x.RowId ?? DBNull.Value;
                row.Parameters["$o"].Value = x.OutputsJson;
                row.Parameters["$d"].Value = (object?)x.Decision ?? DBNull.Value;
                row.ExecuteNonQuery();
            }
        }
        using (var rep = Command("UPDATE proofs SET replaced_by = $id WHERE path = $p AND id <> $id AND replaced_by IS NULL", tx, ("$id", newId), ("$p", r.Path)))
            rep.ExecuteNonQuery();
        return (newId, AddOutcome.Added);
    });

    /// <summary>Records a verification result.</summary>
    public void RecordVerification(VerificationRecord v) => Write(tx =>
    {
        using var cmd = Command("INSERT INTO verifications(proof_id, verified_utc, verdict, reason, milliseconds) VALUES ($p, $t, $v, $r, $ms)", tx,
            ("$p", v.ProofId), ("$t", v.VerifiedUtc), ("$v", v.Verdict), ("$r", v.Reason), ("$ms", v.Milliseconds));
        return cmd.ExecuteNonQuery();
    });

    /// <summary>The stored bytes of a proof, or null when only its file holds them.</summary>
    public byte[]? StoredBytes(string sha256) { lock (gate) return Scalar<byte[]>("SELECT bytes FROM proof_blobs WHERE sha256 = $s", null, ("$s", sha256)); }

    /// <summary>Number of proofs (including replaced entries).</summary>
    public long CountProofs() { lock (gate) return Scalar<long>("SELECT count(*) FROM proofs"); }

    /// <summary>Number of stored rows.</summary>
    public long CountRows() { lock (gate) return Scalar<long>("SELECT count(*) FROM proof_rows"); }

    /// <summary>The verification history of a proof, oldest first.</summary>
    public IReadOnlyList<VerificationRecord> Verifications(long proofId)
    {
        lock (gate)
        {
            using var cmd = Command("SELECT proof_id, verified_utc, verdict, reason, milliseconds FROM verifications WHERE proof_id = $p ORDER BY verified_utc, id", null, ("$p", proofId));
            using var rd = cmd.ExecuteReader();
            var list = new List<VerificationRecord>();
            while (rd.Read()) list.Add(new VerificationRecord(rd.GetInt64(0), rd.GetString(1), rd.GetString(2), rd.IsDBNull(3) ? null : rd.GetString(3), rd.GetInt64(4)));
            return list;
        }
    }

    /// <summary>The proofs a filter selects, ordered by circuit, creation time and first row.</summary>
    public IReadOnlyList<RegisteredProof> Find(ProofFilter f)
    {
        var where = new List<string>();
        var ps = new List<(string, object?)>();
        if (!f.IncludeReplaced) where.Add("p.replaced_by IS NULL");
        if (f.SinceUtc is not null) { where.Add("p.created_utc >= $since"); ps.Add(("$since", f.SinceUtc)); }
        if (f.CircuitDigest is not null) { where.Add("p.circuit_digest LIKE $cd"); ps.Add(("$cd", f.CircuitDigest.ToLowerInvariant() + "%")); }
        if (f.InputHash is not null) { where.Add("p.input_hash LIKE $ih"); ps.Add(("$ih", f.InputHash.ToLowerInvariant() + "%")); }
        if (f.Row is int row) { where.Add("p.row_start <= $row AND $row < p.row_end"); ps.Add(("$row", row)); }
        if (f.RowId is not null) { where.Add("EXISTS (SELECT 1 FROM proof_rows r WHERE r.proof_id = p.id AND r.row_id = $rid)"); ps.Add(("$rid", f.RowId)); }
        string sql = $"""
            SELECT p.id, p.sha256, p.path, p.size_bytes, p.circuit_digest, p.commitment_digest, p.batch_size, p.row_start, p.row_end, p.input_hash,
                   p.source, p.created_utc, p.added_utc, p.decision_rule, p.replaced_by,
                   EXISTS (SELECT 1 FROM proof_blobs b WHERE b.sha256 = p.sha256),
                   (SELECT v.verdict FROM verifications v WHERE v.proof_id = p.id ORDER BY v.verified_utc DESC, v.id DESC LIMIT 1),
                   (SELECT max(v.verified_utc) FROM verifications v WHERE v.proof_id = p.id)
            FROM proofs p {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY p.circuit_digest, p.created_utc, p.row_start, p.id
            """;
        lock (gate)
        {
            using var cmd = Command(sql, null, ps.ToArray());
            using var rd = cmd.ExecuteReader();
            var list = new List<RegisteredProof>();
            while (rd.Read())
                list.Add(new RegisteredProof(rd.GetInt64(0), rd.GetString(1), rd.GetString(2), rd.GetInt64(3), rd.GetString(4), rd.GetString(5), rd.GetInt32(6),
                    rd.GetInt32(7), rd.GetInt32(8), rd.GetString(9), rd.GetString(10), rd.GetString(11), rd.GetString(12), rd.IsDBNull(13) ? null : rd.GetString(13),
                    rd.IsDBNull(14) ? null : rd.GetInt64(14), rd.GetInt64(15) != 0, rd.IsDBNull(16) ? null : rd.GetString(16), rd.IsDBNull(17) ? null : rd.GetString(17)));
            return list;
        }
    }

    /// <summary>The rows of a proof, in row order.</summary>
    public IReadOnlyList<RegisteredRow> RowsOf(long proofId)
    {
        lock (gate)
        {
            using var cmd = Command("SELECT proof_id, row_index, row_id, outputs_json, decision FROM proof_rows WHERE proof_id = $p ORDER BY row_index", null, ("$p", proofId));
            using var rd = cmd.ExecuteReader();
            var list = new List<RegisteredRow>();
            while (rd.Read()) list.Add(new RegisteredRow(rd.GetInt64(0), rd.GetInt32(1), rd.IsDBNull(2) ? null : rd.GetString(2), rd.GetString(3), rd.IsDBNull(4) ? null : rd.GetString(4)));
            return list;
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() { lock (gate) connection.Dispose(); }
}
