using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using TokUsage.Model;
using Npgsql;
using NpgsqlTypes;

namespace TokUsage.Team
{
    /// <summary>
    /// Ships messages to the team database in parallel, byte-bounded batches (issue 17). The producer (the pipeline
    /// thread: <see cref="Add"/>, <see cref="Complete"/>) fills a batch until it holds <see cref="BatchMessages"/> messages
    /// or <see cref="BatchBytes"/> bytes, hands it to a send task and goes on at once; up to <c>connections</c> batches
    /// are written at the same time, each on its own pooled connection, as one <c>INSERT … SELECT FROM unnest(…) ON
    /// CONFLICT DO NOTHING</c>. The producer waits only while the bytes of batches in flight exceed
    /// <see cref="MaxInFlightBytes"/>, so memory is bounded whatever the history and the link. A transient failure is
    /// retried with backoff; any other ends the run with how much was sent (a message already stored is ignored, so the
    /// next run sends the rest and nothing twice). Counters are read on the producer's thread after <see cref="Complete"/>.
    /// </summary>
    internal sealed class TeamSender : IDisposable
    {
        private const string Columns = "client, key, machine, user_name, time, session, project, model, input, output, cache_read, cache_write, cache_write_1h, reasoning, reported_cost, fast, markup, path";

        private const string Insert = "INSERT INTO tokusage_message (" + Columns + ") " +
            "SELECT * FROM unnest(@client, @key, @machine, @user_name, @time, @session, @project, @model, @input, @output, @cache_read, @cache_write, " +
            "@cache_write_1h, @reasoning, @reported_cost, @fast, @markup, @path) ON CONFLICT (client, key) DO NOTHING";

        private readonly TeamDatabase _database;
        private readonly string _machine;
        private readonly string _user;
        private readonly SemaphoreSlim _connections;
        private readonly object _gate = new object();
        private readonly List<Task> _sending = new List<Task>();
        private readonly CancellationTokenSource _abort;
        private readonly CancellationToken _cancel;
        private Batch _batch;
        private long _inFlightBytes;
        private long _sent;
        private long _added;
        private long _batches;
        private long _retries;
        private Exception? _failure;

        public TeamSender(TeamDatabase database, string machine, string user, int connections, int batchMessages, long batchBytes, long maxInFlightBytes, CancellationToken cancel)
        {
            _database = database;
            _machine = machine;
            _user = user;
            _connections = new SemaphoreSlim(Math.Max(1, connections));
            BatchMessages = Math.Max(1, batchMessages);
            BatchBytes = Math.Max(1024, batchBytes);
            MaxInFlightBytes = Math.Max(1, maxInFlightBytes); // a batch larger than the bound still goes, alone
            // The first failure stops the batches still waiting for a connection and their retries: the run ends now, not
            // after every queued batch has failed in turn (a killed server would otherwise hold it for minutes).
            _abort = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            _cancel = _abort.Token;
            _batch = new Batch(BatchMessages);
        }

        public int BatchMessages { get; }

        public long BatchBytes { get; }

        public long MaxInFlightBytes { get; }

        /// <summary>Messages the database confirmed (stored now, or held already).</summary>
        public long Sent => Interlocked.Read(ref _sent);

        /// <summary>Messages the database did not hold before.</summary>
        public long Added => Interlocked.Read(ref _added);

        public long Batches => Interlocked.Read(ref _batches);

        public long Retries => Interlocked.Read(ref _retries);

        /// <summary>The most bytes in flight seen.</summary>
        public long PeakInFlightBytes { get; private set; }

        /// <summary>Bytes of the batches handed over (the estimate the bounds use).</summary>
        public long Bytes { get; private set; }

        /// <summary>
        /// Called on the producer's thread about once a second while batches are handed over, with the time since the
        /// start, the messages stored so far and the bytes in flight (Send-TokenUsage's verbose trace).
        /// </summary>
        public Action<TimeSpan, long, long>? Progress { get; set; }

        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastProgress;

        /// <summary>
        /// How a batch is written: one INSERT of arrays (the default), or COPY into a temporary table merged with one
        /// INSERT … SELECT — kept for bench/team.sh's comparison, which chose the first (docs/performance.md).
        /// </summary>
        internal TeamWriteMethod Method { get; set; }

        /// <summary>Queues the messages of one usage object. Producer thread; waits only at the in-flight bound.</summary>
        public void Add(UsageFile file)
        {
            for (var i = 0; i < file.Rows.Count; i++)
            {
                _batch.Add(new Outgoing(file, i));
                if (_batch.Count >= BatchMessages || _batch.Bytes >= BatchBytes)
                {
                    Dispatch();
                }
            }
        }

        /// <summary>Sends what is queued and waits for every batch; throws the first failure, with what was sent.</summary>
        public void Complete()
        {
            if (_batch.Count > 0)
            {
                Dispatch();
            }

            Task[] pending;
            lock (_gate)
            {
                pending = _sending.ToArray();
            }

            try
            {
                Task.WaitAll(pending);
            }
            catch (AggregateException)
            {
                // the first failure is kept in _failure and thrown below
            }

            ThrowIfFailed();
        }

        public void Dispose()
        {
            _abort.Dispose();
            _connections.Dispose();
        }

        private void Dispatch()
        {
            ThrowIfFailed();
            var batch = _batch;
            _batch = new Batch(BatchMessages);
            lock (_gate)
            {
                // Backpressure in bytes: wait while the batches in flight hold more than the bound (one always goes).
                while (_inFlightBytes > 0 && _inFlightBytes + batch.Bytes > MaxInFlightBytes && !_cancel.IsCancellationRequested)
                {
                    Monitor.Wait(_gate, 100);
                }
            }

            ThrowIfFailed();
            _cancel.ThrowIfCancellationRequested(); // the pipeline was stopped
            lock (_gate)
            {
                _inFlightBytes += batch.Bytes;
                PeakInFlightBytes = Math.Max(PeakInFlightBytes, _inFlightBytes);
                Bytes += batch.Bytes;
                _sending.RemoveAll(t => t.IsCompleted);
                _sending.Add(Task.Run(() => SendAsync(batch)));
            }

            var now = _clock.Elapsed;
            if (Progress != null && now - _lastProgress >= TimeSpan.FromSeconds(1))
            {
                _lastProgress = now;
                Progress(now, Sent, Interlocked.Read(ref _inFlightBytes));
            }
        }

        private async Task SendAsync(Batch batch)
        {
            try
            {
                await _connections.WaitAsync(_cancel).ConfigureAwait(false);
                try
                {
                    for (var attempt = 1; ; attempt++)
                    {
                        try
                        {
                            var added = Method == TeamWriteMethod.Copy
                                ? await CopyAsync(batch).ConfigureAwait(false)
                                : await WriteAsync(batch).ConfigureAwait(false);
                            Interlocked.Add(ref _added, added);
                            Interlocked.Add(ref _sent, batch.Count);
                            Interlocked.Increment(ref _batches);
                            return;
                        }
                        catch (Exception e) when (attempt < 4 && IsTransient(e) && !_cancel.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref _retries);
                            await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << attempt)), _cancel).ConfigureAwait(false); // 0.4, 0.8, 1.6 s
                        }
                    }
                }
                finally
                {
                    _connections.Release();
                }
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _failure ??= e;
                }

                _abort.Cancel();
                throw;
            }
            finally
            {
                lock (_gate)
                {
                    _inFlightBytes -= batch.Bytes;
                    Monitor.PulseAll(_gate);
                }
            }
        }

        private async Task<int> WriteAsync(Batch batch)
        {
            await using var connection = await _database.Source.OpenConnectionAsync(_cancel).ConfigureAwait(false);
            using var command = new NpgsqlCommand(Insert, connection);
            void Column<T>(string name, NpgsqlDbType type, Func<Outgoing, T> pick) =>
                command.Parameters.Add(new NpgsqlParameter<T[]>(name, NpgsqlDbType.Array | type) { TypedValue = batch.Column(pick) });
            Column("client", NpgsqlDbType.Text, r => r.File.Client);
            Column("key", NpgsqlDbType.Bytea, r => r.Row.Key.ToBytes());
            Column("machine", NpgsqlDbType.Text, _ => _machine);
            Column("user_name", NpgsqlDbType.Text, _ => _user);
            Column("time", NpgsqlDbType.TimestampTz, r => r.Row.Timestamp.UtcDateTime);
            Column("session", NpgsqlDbType.Text, r => r.File.SessionId);
            Column("project", NpgsqlDbType.Text, r => r.File.Project);
            Column("model", NpgsqlDbType.Text, r => r.Kind.Model);
            Column("input", NpgsqlDbType.Bigint, r => r.Row.Tokens.Input);
            Column("output", NpgsqlDbType.Bigint, r => r.Row.Tokens.Output);
            Column("cache_read", NpgsqlDbType.Bigint, r => r.Row.Tokens.CacheRead);
            Column("cache_write", NpgsqlDbType.Bigint, r => r.Row.Tokens.CacheWrite);
            Column("cache_write_1h", NpgsqlDbType.Bigint, r => r.Row.Tokens.CacheWrite1h);
            Column("reasoning", NpgsqlDbType.Bigint, r => r.Row.Tokens.Reasoning);
            Column("reported_cost", NpgsqlDbType.Numeric, r => r.ReportedCost);
            Column("fast", NpgsqlDbType.Boolean, r => r.Kind.Fast);
            Column("markup", NpgsqlDbType.Numeric, r => r.Kind.Markup);
            Column("path", NpgsqlDbType.Text, r => r.File.Path);
            return await command.ExecuteNonQueryAsync(_cancel).ConfigureAwait(false);
        }

        private async Task<int> CopyAsync(Batch batch)
        {
            await using var connection = await _database.Source.OpenConnectionAsync(_cancel).ConfigureAwait(false);
            using var transaction = connection.BeginTransaction();
            using (var create = new NpgsqlCommand("CREATE TEMP TABLE IF NOT EXISTS tokusage_incoming (LIKE tokusage_message INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", connection, transaction))
            {
                await create.ExecuteNonQueryAsync(_cancel).ConfigureAwait(false);
            }

            using (var import = await connection.BeginBinaryImportAsync("COPY tokusage_incoming (" + Columns + ") FROM STDIN (FORMAT BINARY)", _cancel).ConfigureAwait(false))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var message = batch[i];
                    var file = message.File;
                    var row = message.Row;
                    var kind = message.Kind;
                    await import.StartRowAsync(_cancel).ConfigureAwait(false);
                    await import.WriteAsync(file.Client, NpgsqlDbType.Text, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(row.Key.ToBytes(), NpgsqlDbType.Bytea, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(_machine, NpgsqlDbType.Text, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(_user, NpgsqlDbType.Text, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(row.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(file.SessionId, NpgsqlDbType.Text, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(file.Project, NpgsqlDbType.Text, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(kind.Model, NpgsqlDbType.Text, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(row.Tokens.Input, NpgsqlDbType.Bigint, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(row.Tokens.Output, NpgsqlDbType.Bigint, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(row.Tokens.CacheRead, NpgsqlDbType.Bigint, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(row.Tokens.CacheWrite, NpgsqlDbType.Bigint, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(row.Tokens.CacheWrite1h, NpgsqlDbType.Bigint, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(row.Tokens.Reasoning, NpgsqlDbType.Bigint, _cancel).ConfigureAwait(false);
                    if (message.ReportedCost is { } reported)
                    {
                        await import.WriteAsync(reported, NpgsqlDbType.Numeric, _cancel).ConfigureAwait(false);
                    }
                    else
                    {
                        await import.WriteNullAsync(_cancel).ConfigureAwait(false);
                    }

                    await import.WriteAsync(kind.Fast, NpgsqlDbType.Boolean, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(kind.Markup, NpgsqlDbType.Numeric, _cancel).ConfigureAwait(false);
                    await import.WriteAsync(file.Path, NpgsqlDbType.Text, _cancel).ConfigureAwait(false);
                }

                await import.CompleteAsync(_cancel).ConfigureAwait(false);
            }

            int added;
            using (var merge = new NpgsqlCommand("INSERT INTO tokusage_message SELECT * FROM tokusage_incoming ON CONFLICT (client, key) DO NOTHING", connection, transaction))
            {
                added = await merge.ExecuteNonQueryAsync(_cancel).ConfigureAwait(false);
            }

            transaction.Commit();
            return added;
        }

        /// <summary>One message of a batch: a row of a usage object's rows.</summary>
        private readonly struct Outgoing
        {
            public Outgoing(UsageFile file, int index)
            {
                File = file;
                Index = index;
            }

            public UsageFile File { get; }

            public int Index { get; }

            public ref readonly MessageRow Row => ref File.Rows[Index];

            public RowKind Kind => File.Rows.KindOf(Row);

            public decimal? ReportedCost => File.Rows.ReportedCostOf(Row);
        }

        /// <summary>A failure worth another try: the server said so (serialization, too many connections…) or the link broke.</summary>
        private static bool IsTransient(Exception e) =>
            (e is NpgsqlException n && n.IsTransient) || e is TimeoutException || e is System.IO.IOException || e is System.Net.Sockets.SocketException;

        private void ThrowIfFailed()
        {
            Exception? failure;
            lock (_gate)
            {
                failure = _failure;
            }

            if (failure != null)
            {
                throw new TeamException(TeamProblem.SendFailed,
                    $"Sending to {_database.Name} failed after {Sent} message(s) in {Batches} batch(es) were stored: {failure.Message.TrimEnd('.')}. Run Send-TokenUsage again: it sends the rest, and messages stored already are not stored twice.",
                    failure);
            }
        }

        /// <summary>The rows of one batch and their estimated size on the wire. Filled by the producer, then read by one send task.</summary>
        private sealed class Batch
        {
            private readonly List<Outgoing> _rows;

            public Batch(int capacity) => _rows = new List<Outgoing>(capacity);

            public int Count => _rows.Count;

            public long Bytes { get; private set; }

            public Outgoing this[int index] => _rows[index];

            public void Add(Outgoing message)
            {
                _rows.Add(message);
                var file = message.File;
                // 16-byte key, ten numbers and a time (~8 bytes each), the strings, and the arrays' per-element headers.
                Bytes += 16 + (11 * 8) + (18 * 4) + file.Client.Length + file.SessionId.Length + file.Project.Length + file.Path.Length + message.Kind.Model.Length;
            }

            /// <summary>One column of the batch's rows, as the array parameter of the INSERT.</summary>
            public T[] Column<T>(Func<Outgoing, T> pick)
            {
                var values = new T[_rows.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = pick(_rows[i]);
                }

                return values;
            }
        }
    }

    /// <summary>How <see cref="TeamSender"/> writes a batch (see <see cref="TeamSender.Method"/>).</summary>
    internal enum TeamWriteMethod
    {
        Unnest,
        Copy,
    }
}
