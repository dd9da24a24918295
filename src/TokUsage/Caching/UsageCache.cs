using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients;
using TokUsage.Discovery;
using TokUsage.Parsing;
using TokUsage.Primitives;

namespace TokUsage.Caching
{
    /// <summary>
    /// The persistent per-file cache: one SQLite database (<see cref="FileName"/> in the cache folder) with a row per
    /// log file of a caching client — path, client, scan root, size, last write time and identity
    /// (<see cref="FileIdentity"/>: inode and change time on Linux) when read, a fingerprint of the bytes before its
    /// resume offset, and the file's <see cref="FileSnapshot"/> (checksummed by
    /// <see cref="SnapshotCodec"/>). An unchanged file is not opened; a file that only grew is read from its last complete
    /// line; anything else is read whole. Rows are written in transactions (atomic), in WAL mode with a busy timeout (two
    /// runs at once wait for each other, and a run that cannot write within the timeout just does not cache). A database
    /// that is damaged, foreign, of another schema or written by another build of the module is rebuilt, never trusted.
    /// <para>Threads: <see cref="Read"/> runs on worker threads, each borrowing its own connection; writes happen on one
    /// writer thread owned by this object; <see cref="Complete"/> and <see cref="Dispose"/> belong to the scan's
    /// pipeline thread. Memory: rows are looked up one file at a time, never loaded together.</para>
    /// </summary>
    internal sealed class UsageCache : IDisposable
    {
        public const string FileName = "usage-cache.db";

        /// <summary>'TokU': marks the database as this module's cache.</summary>
        private const int ApplicationId = 0x546F6B55;
        private const int SchemaVersion = 4; // 3: fingerprints hash the whole resumable prefix; 4: Claude response identity
        private const int BatchRows = 256;

        private readonly string _connectionString;
        private readonly ConcurrentBag<Lookup> _lookups = new ConcurrentBag<Lookup>();
        private readonly BlockingCollection<Row> _pending = new BlockingCollection<Row>(BatchRows * 2);
        private readonly Thread _writer;
        private readonly CancellationTokenSource _abandon = new CancellationTokenSource();
        private int _damaged;
        private bool _wasEmpty;
        private long _unchanged;
        private long _resumed;
        private long _readWhole;
        private long _bytesRead;
        private long _written;
        private string? _writeProblem;

        private UsageCache(string path)
        {
            Path = path;
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString();
            _writer = new Thread(WriteLoop) { IsBackground = true, Name = "TokUsage cache writer" };
        }

        /// <summary>The cache database file.</summary>
        public string Path { get; }

        /// <summary>The cache folder when none is given: the module's user cache folder (see <see cref="Pricing.UserFolders"/>).</summary>
        public static string DefaultDirectory(ClientEnvironment environment) => Pricing.UserFolders.Cache(environment);

        /// <summary>
        /// Opens (creating, upgrading or rebuilding as needed) the cache in <paramref name="directory"/>. Null, with the
        /// reason in <paramref name="problem"/>, when no cache can be used here (the run then reads every file).
        /// </summary>
        public static UsageCache? TryOpen(string directory, out string? problem)
        {
            problem = null;
            try
            {
                NativeSqlite.EnsureLoaded();
                PrivateFiles.EnsureFolder(directory);
                var cache = new UsageCache(System.IO.Path.Combine(directory, FileName));
                if (!cache.Prepare(out problem))
                {
                    return null;
                }

                // SQLite gives its -wal and -shm files the database's mode; an older cache made 0644 is tightened too.
                foreach (var file in new[] { cache.Path, cache.Path + "-wal", cache.Path + "-shm" })
                {
                    PrivateFiles.RestrictFile(file);
                }

                cache._writer.Start();
                return cache;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is SqliteException || e is DllNotFoundException || e is InvalidOperationException)
            {
                problem = e.Message;
                return null;
            }
        }

        /// <summary>Deletes the cache database of <paramref name="directory"/> (and its journal files); false when there is none.</summary>
        public static bool Delete(string directory)
        {
            var path = System.IO.Path.Combine(directory, FileName);
            var existed = File.Exists(path);
            foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            {
                if (File.Exists(file))
                {
                    File.Delete(file);
                }
            }

            return existed;
        }

        /// <summary>
        /// The parsed file for <paramref name="file"/>: from its row when the file is unchanged, by reading only what was
        /// appended when it only grew, else by reading it whole; a fresh result is queued for writing. Worker threads.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public ParsedFile Read(SourceFile file, ISnapshotClient client, ReadOptions options, CancellationToken cancel)
        {
            var identity = file.Identity ?? FileIdentity.Of(file.Path);
            var cached = Volatile.Read(ref _damaged) == 0 && !_wasEmpty ? Find(file) : null;
            FileSnapshot? snapshot = null;
            if (cached != null)
            {
                try
                {
                    if (cached.Size == file.Length && cached.LastWriteTicks == file.LastWriteUtc.Ticks && cached.Identity == identity)
                    {
                        var parsed = SnapshotCodec.DecodeParsed(cached.Data, cached.Length, file, options);
                        parsed.FromCache = true;
                        Interlocked.Increment(ref _unchanged);
                        return parsed;
                    }

                    var previous = SnapshotCodec.Decode(cached.Data, cached.Length);
                    var offset = previous.ResumeOffset;
                    if (offset >= 0 && file.Length >= offset && PrefixHash(file.Path, offset, cancel) == cached.Fingerprint)
                    {
                        // The record keeps the prefix hash beside the codec's bytes; the resumed read chains on from it.
                        previous.PrefixHash = cached.Fingerprint;
                        snapshot = client.ReadSnapshot(file, previous, cancel);
                        Interlocked.Increment(ref _resumed);
                        Interlocked.Add(ref _bytesRead, Math.Max(0, file.Length - offset));
                    }
                }
                catch (InvalidDataException)
                {
                    // A damaged or foreign record: the file is read whole and the fresh row replaces it.
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(cached.Data);
                }
            }

            if (snapshot is null)
            {
                snapshot = client.ReadSnapshot(file, null, cancel);
                Interlocked.Increment(ref _readWhole);
                Interlocked.Add(ref _bytesRead, file.Length);
            }

            if (snapshot.Error is null && Volatile.Read(ref _damaged) == 0 && !_pending.IsAddingCompleted)
            {
                // The prefix hash is made by the reader from the very bytes it parsed (no second read, no race).
                var fingerprint = snapshot.ResumeOffset >= 0 ? snapshot.PrefixHash : 0;
                var row = new Row(file.Path, ((IClientSource)client).Id, file.ScanRoot, file.Length, file.LastWriteUtc.Ticks, identity, fingerprint, SnapshotCodec.Encode(snapshot));
                try
                {
                    _pending.Add(row, _abandon.Token);
                }
                catch (Exception e) when (e is OperationCanceledException || e is InvalidOperationException)
                {
                    // The writer stopped (damaged cache or the run is ending): this file is just not cached.
                }
            }

            return snapshot.Consume(file, options); // encoded above: its messages are this thread's spares from here
        }

        /// <summary>
        /// Ends the run: waits for queued rows to be written and, when <paramref name="prune"/> is given (a scan of the
        /// clients' default folders), drops rows of <paramref name="clients"/> whose file is gone. Pipeline thread.
        /// </summary>
        public CacheReport Complete(ICollection<string>? prune, ICollection<string> clients, IReadOnlyDictionary<string, int>? tableSizes = null)
        {
            _pending.CompleteAdding();
            _writer.Join();
            while (_lookups.TryTake(out var lookup))
            {
                lookup.Dispose(); // the run's reads are over: their read transactions end before the prune writes
            }

            var pruned = prune != null && Volatile.Read(ref _damaged) == 0 ? Prune(prune, clients) : 0;
            if (tableSizes != null && Volatile.Read(ref _damaged) == 0)
            {
                KeepTableSizes(tableSizes);
            }

            return new CacheReport(Path, _unchanged, _resumed, _readWhole, _bytesRead, _written, pruned, _writeProblem, Volatile.Read(ref _damaged) != 0);
        }

        /// <summary>
        /// The sizes the dedup gate's tables reached in the last whole-history run that used this cache, by table name
        /// (<see cref="Pipeline.DedupGate.TableSizes"/>; meta 'messages'), for making the next run's tables up front; empty
        /// when unknown. A hint only: nothing is counted from it.
        /// </summary>
        public IReadOnlyDictionary<string, int> LastRunTableSizes { get; private set; } = new Dictionary<string, int>();

        private const string TableSizesKey = "messages";

        private static Dictionary<string, int> ParseTableSizes(string? text)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var pair in (text ?? string.Empty).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=');
                if (equals > 0 && int.TryParse(pair.Substring(equals + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    counts[pair.Substring(0, equals)] = Math.Min(count, MaxTableSizeHint);
                }
            }

            return counts;
        }

        /// <summary>The largest hint taken (a forged or damaged meta row must not make a run allocate gigabytes).</summary>
        private const int MaxTableSizeHint = 16 * 1024 * 1024;

        private void KeepTableSizes(IReadOnlyDictionary<string, int> sizes)
        {
            var text = string.Join(" ", sizes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value.ToString(CultureInfo.InvariantCulture)));
            try
            {
                using var connection = Connect();
                Execute(connection, "INSERT OR REPLACE INTO meta(key, value) VALUES ($key, $value);", null, ("$key", TableSizesKey), ("$value", text));
            }
            catch (SqliteException)
            {
                // A hint: a busy or read-only cache just sizes the next run's tables by growth.
            }
        }

        /// <summary>Stops the writer (rows still queued are dropped when the run was stopped) and closes every connection.</summary>
        public void Dispose()
        {
            if (!_pending.IsAddingCompleted)
            {
                _abandon.Cancel();
                _pending.CompleteAdding();
            }

            if (_writer.IsAlive)
            {
                _writer.Join();
            }

            while (_lookups.TryTake(out var lookup))
            {
                lookup.Dispose();
            }

            if (Volatile.Read(ref _damaged) != 0)
            {
                try
                {
                    Delete(System.IO.Path.GetDirectoryName(Path)!);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // Another run still has it open; the next run that opens it rebuilds it.
                }
            }

            _pending.Dispose();
            _abandon.Dispose();
        }

        /// <summary>
        /// The <see cref="JsonlLineReader.PrefixHash"/> of the file's lines up to <paramref name="offset"/> as they are now,
        /// or null when <paramref name="offset"/> is no longer the end of a line (or the file cannot be read). A resumed read
        /// relies on every byte before the old end: only an unchanged prefix lets a run read just the appended bytes; an
        /// edit anywhere before it (Claude Code compacting a transcript, a tool rewriting it in place) makes the file be
        /// read whole. This costs a sequential read and hash of the prefix, far less than parsing it (docs/performance.md).
        /// </summary>
        internal static ulong? PrefixHash(string path, long offset, CancellationToken cancel)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                using var lines = new JsonlLineReader(stream, 0, cancel, prefixHash: JsonlLineReader.EmptyPrefixHash);
                while (lines.CompleteOffset < offset && lines.Read(out _) != LineRead.EndOfFile)
                {
                }

                return lines.CompleteOffset == offset ? lines.PrefixHash : (ulong?)null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>Checks the database is this schema of this build's cache; creates, clears or rebuilds it otherwise.</summary>
        private bool Prepare(out string? problem)
        {
            problem = null;
            for (var attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    using var connection = Connect();
                    // 16 KB pages (taking effect only before the first write of a new database): a file's record, a few
                    // KB, then rarely spills into overflow pages.
                    Execute(connection, "PRAGMA page_size = 16384; PRAGMA journal_mode=WAL;");
                    // Checked and created under the write lock (BEGIN IMMEDIATE): two runs that find a new database
                    // at once must not see it half made and take it for a foreign one.
                    using (var setup = connection.BeginTransaction(deferred: false))
                    {
                        var applicationId = Scalar(connection, "PRAGMA application_id;", setup);
                        var version = Scalar(connection, "PRAGMA user_version;", setup);
                        if (applicationId == 0 && version == 0 && Scalar(connection, "SELECT count(*) FROM sqlite_master;", setup) == 0)
                        {
                            Create(connection, setup);
                        }
                        else if (applicationId != ApplicationId || version != SchemaVersion)
                        {
                            throw new InvalidDataException("not a cache of this schema");
                        }

                        setup.Commit();
                    }

                    var build = Text(connection, "SELECT value FROM meta WHERE key = 'build';");
                    if (build != Build)
                    {
                        // Another build of the module may read logs differently: none of its rows is trusted.
                        using var transaction = connection.BeginTransaction();
                        Execute(connection, "DELETE FROM files; INSERT OR REPLACE INTO meta(key, value) VALUES ('build', $build);", transaction, ("$build", Build));
                        transaction.Commit();
                    }

                    // A cold cache has nothing to look up: the run only writes (a row another run adds meanwhile is
                    // simply written again).
                    _wasEmpty = Scalar(connection, "SELECT EXISTS (SELECT 1 FROM files);") == 0;
                    LastRunTableSizes = ParseTableSizes(Text(connection, $"SELECT value FROM meta WHERE key = '{TableSizesKey}';"));

                    return true;
                }
                catch (Exception e) when ((e is SqliteException s && IsDamage(s)) || e is InvalidDataException)
                {
                    if (attempt == 1)
                    {
                        problem = e.Message;
                        return false;
                    }

                    Delete(System.IO.Path.GetDirectoryName(Path)!);
                }
            }

            return false;
        }

        private static void Create(SqliteConnection connection, SqliteTransaction transaction)
        {
            Execute(connection, $@"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT NOT NULL PRIMARY KEY,
    client TEXT NOT NULL,
    root TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    identity INTEGER NOT NULL,
    fingerprint INTEGER NOT NULL,
    data BLOB NOT NULL);
PRAGMA application_id = {ApplicationId};
PRAGMA user_version = {SchemaVersion};", transaction);
        }

        /// <summary>The build of the module (its assembly's MVID): rows written by another build are dropped.</summary>
        private static string Build { get; } = typeof(UsageCache).Assembly.ManifestModule.ModuleVersionId.ToString("N");

        private SqliteConnection Connect()
        {
            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            // No fsync: a cache need not survive a power cut, and a commit that waits for the disk stalls the writer and,
            // through its bounded queue, the parsers. A database damaged by a crash is detected and rebuilt; every record
            // carries its own checksum.
            Execute(connection, "PRAGMA busy_timeout = 5000; PRAGMA synchronous = OFF;");
            return connection;
        }

        [MethodImpl(Jit.Optimized)]
        private Cached? Find(SourceFile file)
        {
            if (!_lookups.TryTake(out var lookup))
            {
                try
                {
                    lookup = new Lookup(Connect());
                }
                catch (SqliteException)
                {
                    return null;
                }
            }

            try
            {
                return lookup.Find(file);
            }
            catch (SqliteException e)
            {
                if (IsDamage(e))
                {
                    Interlocked.Exchange(ref _damaged, 1);
                }

                return null;
            }
            finally
            {
                _lookups.Add(lookup);
            }
        }

        private void WriteLoop()
        {
            SqliteConnection? connection = null;
            try
            {
                connection = Connect();

                // Bound through SQLite's own API, as the store's insert and the lookups are: Microsoft.Data.Sqlite's
                // parameters (looked up by name for every row) were a tenth of this thread on a cold run (docs/performance.md).
                using var insert = new RawStatement(connection,
                    "INSERT OR REPLACE INTO files(path, client, root, size, mtime, identity, fingerprint, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);");

                var batch = new List<Row>(BatchRows);
                while (!_pending.IsCompleted)
                {
                    batch.Clear();
                    if (!_pending.TryTake(out var first, Timeout.Infinite))
                    {
                        break;
                    }

                    batch.Add(first);
                    while (batch.Count < BatchRows && _pending.TryTake(out var more))
                    {
                        batch.Add(more);
                    }

                    if (_abandon.IsCancellationRequested)
                    {
                        continue;
                    }

                    try
                    {
                        using var transaction = connection.BeginTransaction();
                        foreach (var row in batch)
                        {
                            insert.Reset();
                            insert.Text(1, row.Path);
                            insert.Text(2, row.Client);
                            insert.Text(3, row.Root);
                            insert.Integer(4, row.Size);
                            insert.Integer(5, row.LastWriteTicks);
                            insert.Integer(6, row.Identity);
                            insert.Integer(7, unchecked((long)row.Fingerprint));
                            insert.Blob(8, row.Data);
                            insert.Execute();
                        }

                        transaction.Commit();
                        _written += batch.Count;
                    }
                    catch (SqliteException e) when (!IsDamage(e))
                    {
                        _writeProblem = e.Message; // busy past the timeout, disk full, read-only: the next run reads these files again
                    }
                }
            }
            catch (SqliteException e)
            {
                _writeProblem = e.Message;
                if (IsDamage(e))
                {
                    Interlocked.Exchange(ref _damaged, 1);
                }

                DrainQuietly();
            }
            catch (InvalidOperationException)
            {
                // CompleteAdding raced with TryTake: nothing more to write.
            }
            finally
            {
                connection?.Dispose();
            }
        }

        private void DrainQuietly()
        {
            try
            {
                while (_pending.TryTake(out _, Timeout.Infinite))
                {
                }
            }
            catch (InvalidOperationException)
            {
            }
        }

        private int Prune(ICollection<string> seen, ICollection<string> clients)
        {
            try
            {
                using var connection = Connect();
                var gone = new List<string>();
                using (var select = connection.CreateCommand())
                {
                    select.CommandText = "SELECT path, client FROM files;";
                    using var reader = select.ExecuteReader();
                    while (reader.Read())
                    {
                        var path = reader.GetString(0);
                        if (clients.Contains(reader.GetString(1)) && !seen.Contains(path) && !File.Exists(path))
                        {
                            gone.Add(path);
                        }
                    }
                }

                if (gone.Count > 0)
                {
                    using var transaction = connection.BeginTransaction();
                    using var delete = connection.CreateCommand();
                    delete.Transaction = transaction;
                    delete.CommandText = "DELETE FROM files WHERE path = $path;";
                    var parameter = delete.Parameters.Add(new SqliteParameter { ParameterName = "$path" });
                    foreach (var path in gone)
                    {
                        parameter.Value = path;
                        delete.ExecuteNonQuery();
                    }

                    transaction.Commit();
                }

                return gone.Count;
            }
            catch (SqliteException e)
            {
                _writeProblem ??= e.Message;
                return 0;
            }
        }

        private static bool IsDamage(SqliteException e) => e.SqliteErrorCode == 11 || e.SqliteErrorCode == 26; // SQLITE_CORRUPT, SQLITE_NOTADB

        private static long Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }

        private static string? Text(SqliteConnection connection, string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar() as string;
        }

        private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            command.ExecuteNonQuery();
        }

        /// <summary>A row as read: what the file was when cached, and its encoded snapshot.</summary>
        private sealed class Cached
        {
            public Cached(long size, long lastWriteTicks, long identity, ulong fingerprint, byte[] data, int length)
            {
                Size = size;
                LastWriteTicks = lastWriteTicks;
                Identity = identity;
                Fingerprint = fingerprint;
                Data = data;
                Length = length;
            }

            public long Size { get; }

            public long LastWriteTicks { get; }

            public long Identity { get; }

            public ulong Fingerprint { get; }

            /// <summary>
            /// The encoded snapshot in its first <see cref="Length"/> bytes, checked when it is decoded: a buffer rented
            /// from the shared pool (a warm run reads tens of megabytes of records), owned by the reading worker, which
            /// returns it once the record is decoded.
            /// </summary>
            public byte[] Data { get; }

            public int Length { get; }
        }

        /// <summary>A row to write; built on a worker, written by the writer thread.</summary>
        private sealed class Row
        {
            public Row(string path, string client, string root, long size, long lastWriteTicks, long identity, ulong fingerprint, byte[] data)
            {
                Path = path;
                Client = client;
                Root = root;
                Size = size;
                LastWriteTicks = lastWriteTicks;
                Identity = identity;
                Fingerprint = fingerprint;
                Data = data;
            }

            public string Path { get; }

            public string Client { get; }

            public string Root { get; }

            public long Size { get; }

            public long LastWriteTicks { get; }

            public long Identity { get; }

            public ulong Fingerprint { get; }

            public byte[] Data { get; }
        }

        /// <summary>
        /// One worker's connection with its prepared lookup, used by one thread at a time (pooled). Its lookups share read
        /// transactions, up to <see cref="FindsPerSnapshot"/> each: a read transaction of its own per lookup took and
        /// released SQLite's shared locks every time (about five <c>fcntl</c> calls a file, 73,000 in a warm run of 16,000
        /// files). A lookup sees the cache as it was when its transaction began: rows written by this run are for files
        /// already read. Held briefly, so the writer's checkpoints are not held back for long.
        /// </summary>
        private sealed class Lookup : IDisposable
        {
            private const int FindsPerSnapshot = 64;

            private readonly SqliteConnection _connection;
            private readonly RawStatement _select;
            private readonly RawStatement _begin;
            private readonly RawStatement _end;
            private int _finds;

            public Lookup(SqliteConnection connection)
            {
                _connection = connection;
                _select = new RawStatement(connection, "SELECT client, root, size, mtime, identity, fingerprint, data FROM files WHERE path = ?1;");
                _begin = new RawStatement(connection, "BEGIN;");
                _end = new RawStatement(connection, "COMMIT;");
            }

            /// <summary>The usable row of <paramref name="file"/>: same client and scan root, and a blob that decodes.</summary>
            [MethodImpl(Jit.Optimized)]
            public Cached? Find(SourceFile file)
            {
                if (_finds == 0)
                {
                    Run(_begin);
                }

                _finds++;

                _select.Reset();
                _select.Text(1, file.Path);
                try
                {
                    if (!_select.Step() || _select.Text(0) != file.Client.Id || _select.Text(1) != file.ScanRoot)
                    {
                        return null;
                    }

                    if (!_select.IsBlob(6))
                    {
                        return null; // a foreign record: read the file, and the fresh row replaces this one
                    }

                    var blob = _select.Blob(6);
                    var data = ArrayPool<byte>.Shared.Rent(Math.Max(1, blob.Length));
                    blob.CopyTo(data);
                    return new Cached(_select.Int64(2), _select.Int64(3), _select.Int64(4), unchecked((ulong)_select.Int64(5)), data, blob.Length);
                }
                finally
                {
                    _select.Reset(); // ends the statement's read of the database
                    if (_finds == FindsPerSnapshot)
                    {
                        End();
                    }
                }
            }

            /// <summary>Ends the lookups' read transaction, if one is open.</summary>
            private void End()
            {
                if (_finds > 0)
                {
                    _finds = 0;
                    Run(_end);
                }
            }

            private static void Run(RawStatement statement)
            {
                statement.Reset();
                statement.Step();
                statement.Reset();
            }

            public void Dispose()
            {
                try
                {
                    End();
                }
                catch (SqliteException)
                {
                    // Closing the connection ends the transaction all the same.
                }

                _begin.Dispose();
                _end.Dispose();
                _select.Dispose();
                _connection.Dispose();
            }
        }
    }

    /// <summary>What the cache spared in one run (for -Verbose and tests). Immutable.</summary>
    internal sealed class CacheReport
    {
        public CacheReport(string path, long unchanged, long resumed, long readWhole, long bytesRead, long written, int pruned, string? writeProblem, bool damaged)
        {
            Path = path;
            Unchanged = unchanged;
            Resumed = resumed;
            ReadWhole = readWhole;
            BytesRead = bytesRead;
            Written = written;
            Pruned = pruned;
            WriteProblem = writeProblem;
            Damaged = damaged;
        }

        public string Path { get; }

        /// <summary>Files served from the cache without being opened.</summary>
        public long Unchanged { get; }

        /// <summary>Files read only from their last complete line on.</summary>
        public long Resumed { get; }

        public long ReadWhole { get; }

        /// <summary>Bytes of log files read (appended bytes for resumed files, whole sizes for the rest).</summary>
        public long BytesRead { get; }

        public long Written { get; }

        public int Pruned { get; }

        public string? WriteProblem { get; }

        /// <summary>True when the database was found damaged during the run (it is deleted at the end and rebuilt next run).</summary>
        public bool Damaged { get; }

        public override string ToString()
        {
            var text = $"Cache {Path}: {Unchanged} file(s) unchanged, {Resumed} read from where the last run stopped, "
                + $"{ReadWhole} read whole ({BytesRead / 1048576.0:N1} MB read); {Written} record(s) written, {Pruned} removed.";
            if (WriteProblem != null)
            {
                text += " Not all could be written: " + WriteProblem;
            }

            return Damaged ? text + " The cache was found damaged and will be rebuilt." : text;
        }
    }
}
