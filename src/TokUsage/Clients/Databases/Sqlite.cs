using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Clients.Databases
{
    /// <summary>Reads one open database of a client into a result; see <see cref="DatabaseClient"/>.</summary>
    internal delegate void DatabaseReader(SqliteConnection database, ParsedFile result, ReadOptions options, CancellationToken cancel);

    /// <summary>A database none of whose known tables are there (a newer or foreign schema): reported, never guessed at.</summary>
    internal sealed class UnsupportedSchemaException : NotSupportedException
    {
        public UnsupportedSchemaException(string message)
            : base(message)
        {
        }
    }

    /// <summary>
    /// A client whose history is a SQLite database (plus, for OpenCode, legacy JSON files). Each database is opened
    /// read-only by <see cref="Sqlite.OpenReadOnly"/> (or, when SQLite will not open it in place, from a private copy)
    /// and read on one worker thread; a reader that closes sessions (<see cref="ParsedFile.Close"/>) has them handed on
    /// while it reads when the pipeline asks (<see cref="IReleasesSessions"/>). Any SQLite failure (locked past the busy
    /// timeout, not a database, damaged) makes it a non-terminating error naming the file and it counts nothing more,
    /// while every other source still counts. Immutable and thread-safe.
    /// </summary>
    internal sealed class DatabaseClient : IClientSource, IReleasesSessions
    {
        private readonly Func<ClientEnvironment, IEnumerable<ScanRoot>> _roots;
        private readonly Func<string, bool> _isDatabase;
        private readonly DatabaseReader _readDatabase;
        private readonly Func<string, bool>? _isOtherFile;
        private readonly FileReader? _readOther;

        public DatabaseClient(string id, Func<ClientEnvironment, IEnumerable<ScanRoot>> roots, Func<string, bool> isDatabase, DatabaseReader readDatabase,
            string[] markers, Func<string, bool>? isOtherFile = null, FileReader? readOther = null)
        {
            Id = id;
            Markers = markers;
            _roots = roots;
            _isDatabase = isDatabase;
            _readDatabase = readDatabase;
            _isOtherFile = isOtherFile;
            _readOther = readOther;
        }

        public string Id { get; }

        public IReadOnlyList<string> Markers { get; }

        public bool CopiesAreRestamped => false;

        public IReadOnlyList<ScanRoot> DefaultRoots(ClientEnvironment environment) => PathFacts.DistinctByDirectory(_roots(environment), r => r.Directory);

        public bool IsUsageFile(string path) => _isDatabase(path) || (_isOtherFile?.Invoke(path) ?? false);

        public ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel) => Read(file, options, null, cancel);

        public ParsedFile Read(SourceFile file, ReadOptions options, Action<ParsedFile>? release, CancellationToken cancel)
        {
            if (!_isDatabase(file.Path) && _readOther != null)
            {
                return _readOther(file, options, cancel);
            }

            var result = ReadAt(file, file.Path, options, release, cancel, out var refused);
            return refused is null ? result : ReadPrivateCopy(file, options, release, cancel, refused);
        }

        /// <summary>
        /// Reads the database at <paramref name="path"/> (the file itself, or a private copy of it) as
        /// <paramref name="file"/>. When SQLite refuses to open it in place (read-only or cannot-open: a WAL database
        /// whose folder the user cannot write, for SQLite must create its <c>-shm</c> index beside it), returns no
        /// error but sets <paramref name="refused"/>, so the caller may read a copy.
        /// </summary>
        private ParsedFile ReadAt(SourceFile file, string path, ReadOptions options, Action<ParsedFile>? release, CancellationToken cancel, out SqliteException? refused)
        {
            refused = null;
            var result = new ParsedFile(file, string.Empty, string.Empty);
            if (release != null)
            {
                result.ReleaseTo(release, options.ReleaseSessionsAt);
            }

            try
            {
                using (var database = Sqlite.OpenReadOnly(path, options.DatabaseBusyTimeout))
                using (Sqlite.InterruptOn(database, cancel))
                {
                    _readDatabase(database, result, options, cancel);
                }
            }
            catch (SqliteException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel); // interrupted by Ctrl+C mid-statement
            }
            catch (SqliteException e) when (Sqlite.IsRefusedInPlace(e) && path == file.Path && result.ReleasedParts == 0)
            {
                result.Rows.Clear();
                refused = e;
            }
            catch (SqliteException e)
            {
                Fail(result, new IOException(Sqlite.Describe(e, options.DatabaseBusyTimeout), e));
            }
            catch (Exception e) when (e is DllNotFoundException || e is UnsupportedSchemaException || LogFiles.IsReadFailure(e))
            {
                Fail(result, e);
            }
            catch (InvalidOperationException e)
            {
                // A JSON string that is not valid UTF-8 where a reader has no row to blame it on (readers skip damaged rows).
                Fail(result, new IOException(Parsing.JsonLines.BadString, e));
            }

            return result;
        }

        /// <summary>
        /// A read that failed counts nothing more; sessions already handed on were counted, and the error says how many,
        /// so the user knows the report holds part of the database.
        /// </summary>
        private static void Fail(ParsedFile result, Exception error)
        {
            result.Rows.Clear();
            result.Error = result.ReleasedParts == 0 ? error
                : new IOException($"{error.Message} The {result.ReleasedParts} session(s) read before the failure are reported; the rest of the database is not.", error);
        }

        /// <summary>
        /// Reads a database SQLite would not open in place from a copy in a private temporary folder (the database and
        /// its <c>-wal</c> file, so commits not yet checkpointed count; never the stale <c>-shm</c>). The copy is the
        /// user's data: the folder is the user's only and is deleted afterwards. When copying fails too, the error says
        /// why the database could not be read where it is.
        /// </summary>
        private ParsedFile ReadPrivateCopy(SourceFile file, ReadOptions options, Action<ParsedFile>? release, CancellationToken cancel, SqliteException refused)
        {
            var folder = Path.Combine(Path.GetTempPath(), "tokusage-" + Guid.NewGuid().ToString("N"));
            try
            {
                PrivateFiles.EnsureFolder(folder);
                var copy = Path.Combine(folder, Path.GetFileName(file.Path));
                // The log before the database: a checkpoint between the two copies then leaves pages the log repeats,
                // never a log whose frames the copied database lacks.
                CopyPrivately(file.Path + "-wal", copy + "-wal", mustExist: false);
                CopyPrivately(file.Path, copy, mustExist: true);
                return ReadAt(file, copy, options, release, cancel, out _);
            }
            catch (Exception e) when (LogFiles.IsReadFailure(e))
            {
                return new ParsedFile(file, string.Empty, string.Empty)
                {
                    Error = new IOException(Sqlite.DescribeRefusedInPlace(file.Path, refused) + " Reading a private copy failed too: " + e.Message, refused),
                };
            }
            finally
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception e) when (LogFiles.IsReadFailure(e))
                {
                    // never created, or already gone: nothing of the user's is left behind
                }
            }
        }

        private static void CopyPrivately(string from, string to, bool mustExist)
        {
            if (!mustExist && !File.Exists(from))
            {
                return;
            }

            File.Copy(from, to);
            PrivateFiles.RestrictFile(to);
        }
    }

    /// <summary>Opening and inspecting databases the agents own. Stateless: the busy timeout comes with each read's options.</summary>
    internal static class Sqlite
    {
        /// <summary>
        /// Opens a database for reading only, never for writing: read-only mode (SQLite refuses any write, and does not
        /// checkpoint or delete the agent's WAL file), <c>query_only</c>, no pooling (the file is closed when the
        /// connection is), and a busy timeout, so a read that meets a writer's lock waits for it instead of failing at
        /// once. In WAL mode the agent may keep writing: the read sees the last committed state.
        /// </summary>
        /// <summary>
        /// Starts a read transaction on a connection of <see cref="OpenReadOnly"/>: the statements after it see one snapshot
        /// of a database its agent may be writing to. Raw SQL, so commands need no transaction object; it ends when the
        /// connection (never pooled) closes.
        /// </summary>
        public static void BeginSnapshot(SqliteConnection database)
        {
            using var begin = database.CreateCommand();
            begin.CommandText = "BEGIN";
            begin.ExecuteNonQuery();
        }

        /// <param name="busyTimeout">How long a read waits for a writer's lock before the database is reported as locked.</param>
        public static SqliteConnection OpenReadOnly(string path, TimeSpan busyTimeout)
        {
            var busyMilliseconds = (int)Math.Max(1, Math.Min(int.MaxValue, busyTimeout.TotalMilliseconds));
            NativeSqlite.EnsureLoaded();
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Cache = SqliteCacheMode.Private,
                Pooling = false,
                DefaultTimeout = Math.Max(1, busyMilliseconds / 1000),
            };
            var connection = new SqliteConnection(builder.ToString());
            try
            {
                connection.Open();
                using (var pragma = connection.CreateCommand())
                {
                    pragma.CommandText = "PRAGMA busy_timeout = " + busyMilliseconds.ToString(CultureInfo.InvariantCulture) + "; PRAGMA query_only = 1;";
                    pragma.ExecuteNonQuery();
                }

                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Ends the statement running on <paramref name="database"/> when <paramref name="cancel"/> fires (it then fails
        /// with SQLITE_INTERRUPT): Ctrl+C stops a read inside one long step too, not only between rows.
        /// </summary>
        public static CancellationTokenRegistration InterruptOn(SqliteConnection database, CancellationToken cancel) =>
            cancel.Register(() => SQLitePCL.raw.sqlite3_interrupt(database.Handle));

        /// <summary>
        /// Names of the tables in the database (reading the schema is the first read, so a lock or damage shows here).
        /// Real tables only: a view an agent never makes could compute rows without end (a recursive view hung reads).
        /// </summary>
        public static HashSet<string> Tables(SqliteConnection database)
        {
            var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using (var command = database.CreateCommand())
            {
                command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        tables.Add(reader.GetString(0));
                    }
                }
            }

            return tables;
        }

        /// <summary>
        /// The database's tables (<see cref="Tables"/>), which must include <paramref name="table"/>, the one the agent's
        /// usage is in: without it the file is not a database of this agent's schema (UnsupportedSchemaException, which
        /// names the file and the table).
        /// </summary>
        public static HashSet<string> TablesWith(SqliteConnection database, string table, string agent, string path)
        {
            var tables = Tables(database);
            if (!tables.Contains(table))
            {
                throw new UnsupportedSchemaException($"'{path}' has no {agent} '{table}' table; its schema is not one TokUsage knows.");
            }

            return tables;
        }

        /// <summary>Column names of a table (empty when there is no such table).</summary>
        public static HashSet<string> Columns(SqliteConnection database, string table)
        {
            var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            using (var command = database.CreateCommand())
            {
                command.CommandText = "SELECT name FROM pragma_table_info($table)";
                command.Parameters.AddWithValue("$table", table);
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        columns.Add(reader.GetString(0));
                    }
                }
            }

            return columns;
        }

        /// <summary><c>alias."column"</c> when the table has the column, else <c>NULL</c>: queries adapt to older schemas.</summary>
        public static string Column(HashSet<string> columns, string alias, string name) =>
            columns.Contains(name) ? alias + ".\"" + name + "\"" : "NULL";

        /// <summary>
        /// The JSON document a row keeps in a column (the caller disposes it); null when the value is not JSON — then the
        /// row is skipped and counted as <paramref name="what"/> (a damaged row never ends the database's read).
        /// </summary>
        public static System.Text.Json.JsonDocument? Json(SqliteDataReader row, int ordinal, ParsedFile result, long rowNumber, string what, ReadOptions options, SessionPart? part)
        {
            try
            {
                return System.Text.Json.JsonDocument.Parse(row.GetFieldValue<byte[]>(ordinal));
            }
            catch (System.Text.Json.JsonException e)
            {
                result.Skip(rowNumber, $"{what} is not JSON ({e.Message})", options.MaxSkippedSamples, part);
                return null;
            }
        }

        /// <summary>A column value as text (numbers are formatted invariantly); null for SQL NULL or empty text.</summary>
        public static string? Text(SqliteDataReader row, int ordinal)
        {
            if (row.IsDBNull(ordinal))
            {
                return null;
            }

            var value = row.GetValue(ordinal);
            var text = value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToString(value, CultureInfo.InvariantCulture);
            return string.IsNullOrWhiteSpace(text) ? null : text!.Trim();
        }

        /// <summary>A column value as a non-negative count (integer, real or numeric text; anything else is 0).</summary>
        public static long Count(SqliteDataReader row, int ordinal)
        {
            var number = Number(row, ordinal);
            return number is null || !(number > 0) ? 0 : number >= long.MaxValue ? long.MaxValue : (long)Math.Round(number.Value);
        }

        /// <summary>A column value as a number; null for NULL or non-numeric text.</summary>
        public static double? Number(SqliteDataReader row, int ordinal)
        {
            if (row.IsDBNull(ordinal))
            {
                return null;
            }

            switch (row.GetValue(ordinal))
            {
                case long l: return l;
                case double d: return double.IsNaN(d) || double.IsInfinity(d) ? (double?)null : d;
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed): return parsed;
                default: return null;
            }
        }

        /// <summary>A column value as a decimal amount of USD; null for NULL, non-numeric or negative values.</summary>
        public static decimal? Amount(SqliteDataReader row, int ordinal)
        {
            var number = Number(row, ordinal);
            return number is null || number < 0 ? (decimal?)null : Plausible.Amount(number.Value);
        }

        /// <summary>
        /// A column value as an instant: epoch seconds or milliseconds (numbers or numeric text), or date-time text
        /// (SQLite's <c>CURRENT_TIMESTAMP</c> form and RFC 3339; text without an offset is UTC).
        /// </summary>
        public static DateTimeOffset? Instant(SqliteDataReader row, int ordinal)
        {
            var number = Number(row, ordinal);
            if (number.HasValue)
            {
                return JsonValues.TryEpoch(number.Value, out var fromEpoch) ? fromEpoch : (DateTimeOffset?)null;
            }

            var text = Text(row, ordinal);
            return text != null && JsonValues.TryParseText(text, out var parsed) ? parsed : (DateTimeOffset?)null;
        }

        /// <summary>The user-facing reason a database could not be read.</summary>
        public static string Describe(SqliteException e, TimeSpan busyTimeout)
        {
            switch (e.SqliteErrorCode)
            {
                case 5: // SQLITE_BUSY
                case 6: // SQLITE_LOCKED
                    return $"the database is locked by another process (waited {(long)busyTimeout.TotalMilliseconds} ms); nothing was read from it — run again when the agent is idle. SQLite: {e.Message}";
                case 8: // SQLITE_READONLY
                case 14: // SQLITE_CANTOPEN
                    return DescribeRefusedInPlace(null, e);
                case 11: // SQLITE_CORRUPT
                case 26: // SQLITE_NOTADB
                    return $"the file is not a readable SQLite database (damaged or half-written); nothing was read from it. SQLite: {e.Message}";
                default:
                    return $"SQLite error {e.SqliteErrorCode}: {e.Message}";
            }
        }

        /// <summary>
        /// Whether SQLite refused to open a database where it is, read-only: SQLITE_READONLY or SQLITE_CANTOPEN, which a
        /// WAL database gives when the folder is not writable (its <c>-shm</c> index cannot be created), as do a file that
        /// vanished or cannot be read.
        /// </summary>
        public static bool IsRefusedInPlace(SqliteException e) => e.SqliteErrorCode == 8 || e.SqliteErrorCode == 14;

        /// <summary>What a database SQLite refused to open in place needs, for the user: SQLite's own text only names the symptom.</summary>
        public static string DescribeRefusedInPlace(string? path, SqliteException e)
        {
            var name = path is null ? "the database" : Path.GetFileName(path);
            var folder = path is null ? "its folder" : "its folder '" + Path.GetDirectoryName(path) + "'";
            return $"SQLite could not open '{name}' for reading where it is. A database in WAL mode (as the agents keep theirs) " +
                $"needs its index file '{name}-shm' created beside it, so {folder} must be writable by you, and the database must be " +
                $"readable. Make the folder writable, or copy the database with its '-wal' file to a folder you can write and " +
                $"pass that with -Path. SQLite error {e.SqliteErrorCode}: {e.Message}";
        }

        /// <summary>Throws when Ctrl+C was pressed; called every few hundred rows by the readers.</summary>
        public static void Poll(CancellationToken cancel, ref int rows)
        {
            if ((++rows & 255) == 0)
            {
                cancel.ThrowIfCancellationRequested();
            }
        }
    }
}
