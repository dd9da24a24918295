using System;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TokUsage.Primitives
{
    /// <summary>
    /// One prepared statement bound and read through SQLite's own API, for the two hot statements: the store's insert
    /// and the cache's lookup. Microsoft.Data.Sqlite's parameters cost more than the insert itself at a million rows of
    /// 17 values each (docs/performance.md: 33 s through parameters), and its reader copies every blob into a new array;
    /// here a blob is read in place. Not thread-safe; owned by one user at a time (a store writer, a cache lookup).
    /// </summary>
    internal sealed class RawStatement : IDisposable
    {
        private const int Done = 101; // SQLITE_DONE
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _statement;

        public RawStatement(SqliteConnection connection, string sql)
        {
            _connection = connection;
            Check(raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement));
        }

        /// <summary>Clears the previous execution's state (bindings are overwritten by the next ones).</summary>
        public void Reset() => raw.sqlite3_reset(_statement);

        public void Integer(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

        /// <summary>Binds text, or NULL for null.</summary>
        public void Text(int index, string? value) =>
            Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

        public void Blob(int index, byte[] value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

        /// <summary>Steps a query: true with the next row's columns readable, false when there are no more rows.</summary>
        public bool Step()
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }

            raw.sqlite3_reset(_statement);
            Check(rc);
            return false;
        }

        public bool IsBlob(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_BLOB;

        public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

        public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string() ?? string.Empty;

        /// <summary>The current row's blob, valid until the statement steps or resets (copy what is kept).</summary>
        public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_statement, column);

        /// <summary>Runs the statement; returns the rows it changed.</summary>
        public int Execute()
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != Done)
            {
                raw.sqlite3_reset(_statement);
                Check(rc);
            }

            return raw.sqlite3_changes(_connection.Handle);
        }

        public void Dispose() => _statement.Dispose();

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK && rc != Done && rc != raw.SQLITE_ROW)
            {
                throw new SqliteException(raw.sqlite3_errmsg(_connection.Handle).utf8_to_string(), rc);
            }
        }
    }
}
