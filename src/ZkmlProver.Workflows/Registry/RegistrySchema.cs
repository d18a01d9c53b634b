using Microsoft.Data.Sqlite;

namespace ZkmlProver.Workflows.Registry;

/// <summary>
/// The registry's schema as ordered migration steps. Step <c>i</c> (1-based) takes a database at
/// version <c>i − 1</c> to version <c>i</c>; the version is the highest row of the
/// <c>schema_version</c> table (0 for a new file). Steps are never edited once released: a change is
/// a new step appended to <see cref="Steps"/>. Each step runs in its own IMMEDIATE transaction
/// together with the row recording it, so a crash leaves the database at the old or the new version.
/// </summary>
public static class RegistrySchema
{
    /// <summary>The migration steps, oldest first; <see cref="Steps"/>[i] yields version i + 1.</summary>
    public static IReadOnlyList<string> Steps { get; } =
    [
        // v1: proofs indexed by circuit/commitment digest, rows with outputs, verification history,
        // public artifacts (circuit JSON and model commitment bytes) to verify with later.
        """
        CREATE TABLE artifacts(
            digest TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('circuit', 'commitment')),
            circuit_digest TEXT NOT NULL,
            bytes BLOB NOT NULL,
            source_path TEXT,
            added_utc TEXT NOT NULL);
        CREATE TABLE proofs(
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            circuit_digest TEXT NOT NULL,
            commitment_digest TEXT NOT NULL,
            batch_size INTEGER NOT NULL,
            row_start INTEGER NOT NULL,
            row_end INTEGER NOT NULL,
            input_hash TEXT NOT NULL,
            source TEXT NOT NULL,
            created_utc TEXT NOT NULL,
            added_utc TEXT NOT NULL);
        CREATE TABLE proof_rows(
            proof_id INTEGER NOT NULL REFERENCES proofs(id),
            row_index INTEGER NOT NULL,
            outputs_json TEXT NOT NULL,
            PRIMARY KEY (proof_id, row_index));
        CREATE TABLE verifications(
            id INTEGER PRIMARY KEY,
            proof_id INTEGER NOT NULL REFERENCES proofs(id),
            verified_utc TEXT NOT NULL,
            verdict TEXT NOT NULL,
            reason TEXT,
            milliseconds INTEGER NOT NULL);
        CREATE INDEX ix_proof_rows_row ON proof_rows(row_index);
        CREATE INDEX ix_verifications_proof ON verifications(proof_id, verified_utc);
        """,
        // v2: decisions and row ids, optional proof bytes in the database, lookups by input hash,
        // creation time and circuit; an entry replaced by a new proof at the same path.
        """
        ALTER TABLE proofs ADD COLUMN decision_rule TEXT;
        ALTER TABLE proofs ADD COLUMN replaced_by INTEGER REFERENCES proofs(id);
        ALTER TABLE proof_rows ADD COLUMN row_id TEXT;
        ALTER TABLE proof_rows ADD COLUMN decision TEXT;
        CREATE TABLE proof_blobs(
            sha256 TEXT PRIMARY KEY,
            bytes BLOB NOT NULL);
        CREATE INDEX ix_proofs_input_hash ON proofs(input_hash);
        CREATE INDEX ix_proofs_created ON proofs(created_utc);
        CREATE INDEX ix_proofs_circuit ON proofs(circuit_digest);
        CREATE INDEX ix_proofs_path ON proofs(path);
        CREATE INDEX ix_proof_rows_row_id ON proof_rows(row_id);
        """,
    ];

    /// <summary>The version this build writes and reads (<see cref="Steps"/>.Count).</summary>
    public static int CurrentVersion => Steps.Count;

    /// <summary>The database's schema version (0 when it has no <c>schema_version</c> table).</summary>
    public static int VersionOf(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
        if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0) return 0;
        cmd.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies the missing steps up to <paramref name="target"/> (default: <see cref="CurrentVersion"/>).
    /// Safe against concurrent openers: each step re-reads the version inside its write lock.
    /// Returns the versions applied. Refuses a database newer than this build.
    /// </summary>
    public static IReadOnlyList<int> Migrate(SqliteConnection connection, int? target = null)
    {
        int to = target ?? CurrentVersion;
        if (to < 0 || to > CurrentVersion) throw new ArgumentOutOfRangeException(nameof(target), $"schema version {to} is not in 0..{CurrentVersion}");
        var applied = new List<int>();
        while (true)
        {
            bool done = SqliteRetry.Run(() =>
            {
                using var tx = connection.BeginTransaction(deferred: false);
                using (var create = connection.CreateCommand())
                {
                    create.Transaction = tx;
                    create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL PRIMARY KEY, applied_utc TEXT NOT NULL)";
                    create.ExecuteNonQuery();
                }
                int v = VersionOf(connection, tx);
                if (v > CurrentVersion)
                    throw new WorkflowException($"{connection.DataSource}: registry schema version {v} is newer than this zkml ({CurrentVersion}); use a newer zkml");
                if (v >= to) { tx.Commit(); return true; }
                using (var step = connection.CreateCommand())
                {
                    step.Transaction = tx;
                    step.CommandText = Steps[v] + $"\nINSERT INTO schema_version(version, applied_utc) VALUES ({v + 1}, $now);";
                    step.Parameters.AddWithValue("$now", RegistryTime.Now());
                    step.ExecuteNonQuery();
                }
                tx.Commit();
                applied.Add(v + 1);
                return false;
            });
            if (done) return applied;
        }
    }
}

/// <summary>Retries an operation while SQLite reports the database busy or locked (another process
/// or connection holds the write lock): exponential back-off with jitter, up to about two minutes.</summary>
public static class SqliteRetry
{
    const int SqliteBusy = 5, SqliteLocked = 6;

    /// <summary>True for SQLITE_BUSY and SQLITE_LOCKED (including extended codes).</summary>
    public static bool IsBusy(SqliteException e) => (e.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked;

    /// <summary>Runs <paramref name="body"/>, retrying it on busy/locked errors.</summary>
    public static T Run<T>(Func<T> body)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int delay = 5;
        while (true)
        {
            try { return body(); }
            catch (SqliteException e) when (IsBusy(e) && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(delay + Random.Shared.Next(delay));
                delay = Math.Min(delay * 2, 250);
            }
        }
    }

    /// <summary>Runs <paramref name="body"/>, retrying it on busy/locked errors.</summary>
    public static void Run(Action body) => Run(() => { body(); return 0; });
}

/// <summary>Times in the registry: ISO 8601 UTC with 7 fractional digits ("O" format), so text order is time order.</summary>
public static class RegistryTime
{
    /// <summary>Now, in registry format.</summary>
    public static string Now() => Format(DateTime.UtcNow);

    /// <summary>A UTC time in registry format.</summary>
    public static string Format(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses a date or date-time (a bare date or a time without offset is taken as UTC) into registry format.</summary>
    public static string Parse(string text)
    {
        if (!DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var t))
            throw new WorkflowException($"'{text}' is not a date (expected e.g. 2026-11-01 or 2026-11-01T12:00:00Z)");
        return Format(DateTime.SpecifyKind(t, DateTimeKind.Utc));
    }
}
