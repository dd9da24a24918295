using System;
using System.Collections.Generic;
using System.Globalization;
using TokUsage.Model;
using Microsoft.Data.Sqlite;
using TokUsage.Primitives;

namespace TokUsage.Storage
{
    /// <summary>
    /// Saves usage objects into a <see cref="UsageStore"/> as they stream in: messages are inserted with prepared
    /// statements in transactions of <see cref="BatchSize"/> messages (IMMEDIATE, so two saves at once take turns per
    /// batch instead of failing), and a message the store holds already is ignored — saving twice adds nothing, and a
    /// save cut short (crash, Ctrl+C) is completed by the next. Memory: one batch's statements, never the history.
    /// The caller's thread only.
    /// </summary>
    internal sealed class StoreWriter : IDisposable
    {
        /// <summary>Messages per transaction: large enough that commits do not dominate, small enough that a crash loses little.</summary>
        public const int DefaultBatchSize = 10_000;

        private readonly UsageStore _store;
        private readonly Func<string, bool> _keepsLatest;
        private readonly Dictionary<(string Client, string Path), long> _sources = new Dictionary<(string, string), long>();
        private readonly byte[] _key = new byte[Primitives.MessageKey.Size];
        private SqliteTransaction? _batch;
        private RawStatement? _insert;
        private int _inBatch;

        /// <param name="keepsLatest">True for a client whose records are running totals kept latest-wins across files.</param>
        public StoreWriter(UsageStore store, Func<string, bool> keepsLatest, int batchSize = DefaultBatchSize)
        {
            _store = store;
            _keepsLatest = keepsLatest;
            BatchSize = Math.Max(1, batchSize);
            UsageStore.Execute(store.Connection, "PRAGMA synchronous = NORMAL;"); // WAL: a commit survives a crash of the process
        }

        public int BatchSize { get; }

        /// <summary>Usage objects saved (archived ones, which came from the store, are not saved again).</summary>
        public long Files { get; private set; }

        /// <summary>Messages the store did not hold and now does, or whose counts their own log has changed since.</summary>
        public long Added { get; private set; }

        /// <summary>Messages the store held already (saved before, or from another file of the same session).</summary>
        public long AlreadyStored { get; private set; }

        /// <summary>Transactions committed.</summary>
        public long Batches { get; private set; }

        /// <summary>
        /// Saves the messages of one usage object under its log's path and the log's length now (how a later run tells that
        /// the log still holds them). Entries without a dedup identity are refused by the caller before this.
        /// </summary>
        public void Save(UsageFile file, long logLength)
        {
            Files++;
            var latest = _keepsLatest(file.Client);
            var sourceId = -1L;
            var rows = file.Rows;
            for (var i = 0; i < rows.Count; i++)
            {
                ref var row = ref rows[i];
                var kind = rows.KindOf(row);
                Begin();
                if (sourceId < 0)
                {
                    sourceId = Source(file.Client, file.Path);
                }

                var insert = _insert!;
                insert.Reset();
                row.Key.CopyTo(_key);
                insert.Text(1, file.Client);
                insert.Blob(2, _key);
                insert.Integer(3, sourceId);
                insert.Integer(4, row.Ticks);
                insert.Text(5, file.SessionId);
                insert.Text(6, file.Project);
                insert.Text(7, kind.Model);
                insert.Integer(8, row.Tokens.Input);
                insert.Integer(9, row.Tokens.Output);
                insert.Integer(10, row.Tokens.CacheRead);
                insert.Integer(11, row.Tokens.CacheWrite);
                insert.Integer(12, row.Tokens.CacheWrite1h);
                insert.Integer(13, row.Tokens.Reasoning);
                insert.Text(14, rows.ReportedCostOf(row)?.ToString(CultureInfo.InvariantCulture));
                insert.Integer(15, kind.Fast ? 1 : 0);
                insert.Text(16, kind.Markup.ToString(CultureInfo.InvariantCulture));
                insert.Integer(17, latest ? 1 : 0);
                if (insert.Execute() == 1)
                {
                    Added++;
                }
                else
                {
                    AlreadyStored++;
                }

                if (++_inBatch >= BatchSize)
                {
                    Commit();
                }
            }

            if (sourceId >= 0)
            {
                Begin();
                using var length = _store.Connection.CreateCommand();
                length.Transaction = _batch;
                length.CommandText = "UPDATE source SET length = MAX(length, $length) WHERE id = $id"; // a log rewritten shorter keeps the longest: its rows are then checked one by one
                length.Parameters.AddWithValue("$length", logLength);
                length.Parameters.AddWithValue("$id", sourceId);
                length.ExecuteNonQuery();
            }
        }

        /// <summary>Commits the last batch. Without it (an exception, Ctrl+C) the batch in flight is rolled back on dispose.</summary>
        public void Complete() => Commit();

        public void Dispose()
        {
            _insert?.Dispose();
            _batch?.Dispose(); // rolls back an unfinished batch
        }

        private void Begin()
        {
            if (_batch != null)
            {
                return;
            }

            _batch = _store.Connection.BeginTransaction(deferred: false);
            // A message stored already is left as it is — a copy in another file, or the same save again — unless its
            // own log now says otherwise (a record the agent rewrites in place: a cumulative session file) or its client
            // keeps only the latest record per key (?17: Trae's dumps): then the stored row takes the new counts.
            _insert ??= new RawStatement(_store.Connection,
                "INSERT INTO message (client, key, source, time, session, project, model, input, output, cache_read, cache_write, " +
                "cache_write_1h, reasoning, reported_cost, fast, markup) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) " +
                "ON CONFLICT (client, key) DO UPDATE SET source = excluded.source, time = excluded.time, session = excluded.session, project = excluded.project, " +
                "model = excluded.model, input = excluded.input, output = excluded.output, cache_read = excluded.cache_read, cache_write = excluded.cache_write, " +
                "cache_write_1h = excluded.cache_write_1h, reasoning = excluded.reasoning, reported_cost = excluded.reported_cost, fast = excluded.fast, " +
                "markup = excluded.markup " +
                "WHERE (message.source = excluded.source OR ?17 = 1) AND (message.time, message.model, message.input, message.output, message.cache_read, " +
                "message.cache_write, message.cache_write_1h, message.reasoning, message.reported_cost) IS NOT (excluded.time, excluded.model, excluded.input, " +
                "excluded.output, excluded.cache_read, excluded.cache_write, excluded.cache_write_1h, excluded.reasoning, excluded.reported_cost)");
        }

        private void Commit()
        {
            if (_batch is null)
            {
                return;
            }

            _batch.Commit();
            _batch.Dispose();
            _batch = null;
            _inBatch = 0;
            Batches++;
        }

        /// <summary>The source row of a log, created on first save (within the current batch).</summary>
        private long Source(string client, string path)
        {
            if (_sources.TryGetValue((client, path), out var id))
            {
                return id;
            }

            using (var insert = _store.Connection.CreateCommand())
            {
                insert.Transaction = _batch;
                insert.CommandText = "INSERT INTO source (client, path, length) VALUES ($client, $path, 0) ON CONFLICT (client, path) DO NOTHING";
                insert.Parameters.AddWithValue("$client", client);
                insert.Parameters.AddWithValue("$path", path);
                insert.ExecuteNonQuery();
            }

            using (var select = _store.Connection.CreateCommand())
            {
                select.Transaction = _batch;
                select.CommandText = "SELECT id FROM source WHERE client = $client AND path = $path";
                select.Parameters.AddWithValue("$client", client);
                select.Parameters.AddWithValue("$path", path);
                id = Convert.ToInt64(select.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            _sources.Add((client, path), id);
            return id;
        }
    }
}
