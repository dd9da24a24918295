using System;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TokUsage.Storage
{
    /// <summary>
    /// One prepared statement bound through SQLite's own API, for the store's hot insert. Microsoft.Data.Sqlite's
    /// parameters cost more than the insert itself at a million rows of 17 values each (docs/performance.md: 33 s
    /// through parameters); binding directly keeps the cost in SQLite. Runs inside the connection's transaction. Not
    /// thread-safe; owned by its <see cref="StoreWriter"/>.
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
