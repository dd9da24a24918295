using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using TokUsage.Discovery;
using TokUsage.Pipeline;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Storage
{
    /// <summary>
    /// The durable record of usage (issue 16): every deduplicated message Save-TokenUsage was given, keyed by (client,
    /// dedup key) — the keys Get-TokenUsage deduplicates by — so history outlives the logs the agents delete. Unlike the
    /// cache nothing prunes it. One SQLite file in WAL mode: readers never wait for a save, concurrent saves serialize
    /// per batch (IMMEDIATE transactions) and a message already stored is ignored, so no run double counts. A crash
    /// loses at most the batch in flight. A file that is not this store (another application's database, a newer
    /// schema, damage) is refused with <see cref="StoreException"/> and never written. Private to its user (0600 in a
    /// 0700 folder). One instance per thread.
    /// </summary>
    internal sealed class UsageStore : IStoredHistory, IDisposable
    {
        /// <summary>'TKUS': marks the file as a TokUsage store (SQLite's application id).</summary>
        internal const int ApplicationId = 0x544B5553;

        /// <summary>Schema of this build; a store of a later schema is refused (never downgraded).</summary>
        internal const int SchemaVersion = 1;

        /// <summary>The file name in the default folder.</summary>
        public const string FileName = "usage.db";

        private readonly SqliteConnection _connection;

        private UsageStore(string path, SqliteConnection connection)
        {
            Path = path;
            _connection = connection;
        }

        public string Path { get; }

        internal SqliteConnection Connection => _connection;

        /// <summary>
        /// <c>$XDG_DATA_HOME/TokUsage/usage.db</c> (or <c>~/.local/share</c>); <c>~/Library/Application Support/TokUsage</c>
        /// on macOS; <c>%LOCALAPPDATA%\TokUsage</c> on Windows. A data folder, not the cache: nothing there is expendable.
        /// </summary>
        public static string DefaultPath(ClientEnvironment env)
        {
            string folder;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                folder = env.Get("LOCALAPPDATA") ?? System.IO.Path.Combine(env.Home, "AppData", "Local");
            }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                folder = System.IO.Path.Combine(env.Home, "Library", "Application Support");
            }
            else
            {
                folder = env.Get("XDG_DATA_HOME") ?? System.IO.Path.Combine(env.Home, ".local", "share");
            }

            return System.IO.Path.Combine(folder, "TokUsage", FileName);
        }

        /// <summary>Opens the store to read; null when there is none at <paramref name="path"/>.</summary>
        /// <exception cref="StoreException">The file is not a usable store.</exception>
        public static UsageStore? OpenExisting(string path)
        {
            var file = new FileInfo(path);
            if (!file.Exists || file.Length == 0)
            {
                return null; // none, or created by a first save that has not written yet
            }

            return Open(path, create: false);
        }

        /// <summary>Opens the store to save into, creating it (and its private folder) when there is none.</summary>
        /// <exception cref="StoreException">The file is not a usable store, or cannot be created.</exception>
        public static UsageStore OpenOrCreate(string path)
        {
            try
            {
                var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
                if (!string.IsNullOrEmpty(folder))
                {
                    PrivateFiles.EnsureFolder(folder);
                }

                if (!File.Exists(path))
                {
                    // Created empty and private before SQLite writes a byte (its -wal and -shm files take this mode).
                    using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
                    {
                    }

                    PrivateFiles.RestrictFile(path);
                }
            }
            catch (IOException) when (File.Exists(path))
            {
                // created by a concurrent first save: open it as it is
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new StoreException(StoreProblem.Unwritable, $"The usage store '{path}' cannot be created: {e.Message}", e);
            }

            var store = Open(path, create: true);
            // The store's own files (a store made 0644 by hand or by a copy is tightened; a foreign file was refused above).
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                PrivateFiles.RestrictFile(file);
            }

            return store;
        }

        private static UsageStore Open(string path, bool create)
        {
            NativeSqlite.EnsureLoaded();
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = create ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadOnly,
                Pooling = false,
                DefaultTimeout = 60,
            }.ToString());
            try
            {
                connection.Open();
                // A schedule and an interactive run may save at once: a writer waits for the other's batch, up to a minute.
                // Keys are hashes, so each save touches the key index at random: a 64 MB page cache keeps a million
                // messages' index in memory (docs/performance.md). Rows are appended in save order (one log after another).
                Execute(connection, "PRAGMA busy_timeout = 60000; PRAGMA cache_size = -65536;");
                Check(connection, path, create);
                return new UsageStore(path, connection);
            }
            catch (SqliteException e)
            {
                connection.Dispose();
                throw e.SqliteErrorCode == 26 || e.SqliteErrorCode == 11
                    ? new StoreException(StoreProblem.NotAStore, $"'{path}' is not a TokUsage usage store (SQLite: {e.Message.TrimEnd('.')}). It is left as it is; name another file with -StorePath, or move this one away.", e)
                    : new StoreException(StoreProblem.Unreadable, $"The usage store '{path}' cannot be used: {e.Message}", e);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Accepts this store (any schema up to this build's), initializes an empty file when opened to write, and refuses
        /// anything else without writing to it: a store is never overwritten.
        /// </summary>
        private static void Check(SqliteConnection connection, string path, bool create)
        {
            // One read transaction: a first save initializing the file at this moment is seen wholly before or after, never
            // half (tables created but the header not yet marked would read as another application's database).
            long application, version, tables;
            using (var snapshot = connection.BeginTransaction(deferred: true))
            {
                application = Scalar(connection, "PRAGMA application_id", snapshot);
                version = Scalar(connection, "PRAGMA user_version", snapshot);
                tables = Scalar(connection, "SELECT count(*) FROM sqlite_master", snapshot);
                snapshot.Commit();
            }

            if (application == 0 && version == 0 && tables == 0)
            {
                if (!create)
                {
                    throw new StoreException(StoreProblem.NotAStore, $"'{path}' is an empty database, not a TokUsage usage store; run Save-TokenUsage to start one in a new file.");
                }

                Initialize(connection);
                return;
            }

            if (application != ApplicationId)
            {
                throw new StoreException(StoreProblem.NotAStore,
                    $"'{path}' is another application's database (application id {application}), not a TokUsage usage store. It is left as it is; name another file with -StorePath.");
            }

            if (version > SchemaVersion)
            {
                throw new StoreException(StoreProblem.NewerSchema,
                    $"The usage store '{path}' was written by a newer TokUsage (schema {version}; this one knows {SchemaVersion}). Update the module to use it; it is left as it is.");
            }

            if (version < 1)
            {
                throw new StoreException(StoreProblem.NotAStore, $"The usage store '{path}' has no schema version; it may be damaged. It is left as it is.");
            }
        }

        private static void Initialize(SqliteConnection connection)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            // Re-checked inside the write lock: two first saves at once initialize once.
            if (Scalar(connection, "SELECT count(*) FROM sqlite_master", transaction) > 0)
            {
                transaction.Rollback();
                return;
            }

            Execute(connection, $@"
CREATE TABLE source (
    id INTEGER PRIMARY KEY,
    client TEXT NOT NULL,
    path TEXT NOT NULL,
    length INTEGER NOT NULL,
    UNIQUE (client, path));
CREATE TABLE message (
    id INTEGER PRIMARY KEY,
    client TEXT NOT NULL,
    key BLOB NOT NULL,
    source INTEGER NOT NULL REFERENCES source(id),
    time INTEGER NOT NULL,
    session TEXT NOT NULL,
    project TEXT NOT NULL,
    model TEXT NOT NULL,
    input INTEGER NOT NULL,
    output INTEGER NOT NULL,
    cache_read INTEGER NOT NULL,
    cache_write INTEGER NOT NULL,
    cache_write_1h INTEGER NOT NULL,
    reasoning INTEGER NOT NULL,
    reported_cost TEXT,
    fast INTEGER NOT NULL,
    markup TEXT NOT NULL);
CREATE UNIQUE INDEX message_by_key ON message (client, key);
CREATE INDEX message_by_source ON message (source, session, time);
PRAGMA application_id = {ApplicationId};
PRAGMA user_version = {SchemaVersion};", transaction);
            transaction.Commit();
            Execute(connection, "PRAGMA journal_mode = WAL;");
        }

        /// <summary>The sources of <paramref name="clients"/> the store holds messages of, with the log length at their last save.</summary>
        public List<StoredSource> Sources(ICollection<string> clients)
        {
            var sources = new List<StoredSource>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT id, client, path, length FROM source ORDER BY client, path";
            using var row = command.ExecuteReader();
            while (row.Read())
            {
                var client = row.GetString(1);
                if (clients.Contains(client))
                {
                    sources.Add(new StoredSource(row.GetInt64(0), client, row.GetString(2), row.GetInt64(3)));
                }
            }

            return sources;
        }

        /// <summary>The stored messages of one source, by session then time; streamed (one row at a time).</summary>
        public IEnumerable<StoredMessage> Messages(StoredSource source)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT key, time, session, project, model, input, output, cache_read, cache_write, cache_write_1h, reasoning, reported_cost, fast, markup " +
                "FROM message WHERE source = $source ORDER BY session, time";
            command.Parameters.AddWithValue("$source", source.Id);
            using var row = command.ExecuteReader();
            var key = new byte[MessageKey.Size];
            while (row.Read())
            {
                if (row.GetBytes(0, 0, key, 0, MessageKey.Size) != MessageKey.Size)
                {
                    continue; // not a key this store writes
                }

                var tokens = new TokenCounts
                {
                    Input = row.GetInt64(5),
                    Output = row.GetInt64(6),
                    CacheRead = row.GetInt64(7),
                    CacheWrite = row.GetInt64(8),
                    CacheWrite1h = row.GetInt64(9),
                    Reasoning = row.GetInt64(10),
                };
                yield return new StoredMessage(
                    MessageKey.FromBytes(key),
                    new DateTimeOffset(row.GetInt64(1), TimeSpan.Zero),
                    row.GetString(2),
                    row.GetString(3),
                    row.GetString(4),
                    tokens,
                    row.IsDBNull(11) ? (decimal?)null : decimal.Parse(row.GetString(11), NumberStyles.Number, CultureInfo.InvariantCulture),
                    row.GetInt64(12) != 0,
                    decimal.Parse(row.GetString(13), NumberStyles.Number, CultureInfo.InvariantCulture));
            }
        }

        /// <summary>Messages stored in all (for reports and tests).</summary>
        public long Count() => Scalar(_connection, "SELECT count(*) FROM message");

        public void Dispose() => _connection.Dispose();

        internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        internal static long Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Why a store cannot be used; each maps to a stable PowerShell ErrorId.</summary>
    internal enum StoreProblem
    {
        NotAStore,
        NewerSchema,
        Unreadable,
        Unwritable,
    }

    /// <summary>A store that cannot be used; never one this module wrote over.</summary>
    internal sealed class StoreException : Exception
    {
        public StoreException(StoreProblem problem, string message, Exception? inner = null)
            : base(message, inner)
        {
            Problem = problem;
        }

        public StoreProblem Problem { get; }

        /// <summary>The PowerShell ErrorId of the problem.</summary>
        public string ErrorId => Problem switch
        {
            StoreProblem.NotAStore => "StoreNotUsable",
            StoreProblem.NewerSchema => "StoreSchemaTooNew",
            StoreProblem.Unwritable => "StoreUnwritable",
            _ => "StoreUnreadable",
        };
    }
}
