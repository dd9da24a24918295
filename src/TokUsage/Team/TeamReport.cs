using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Npgsql;
using NpgsqlTypes;
using TokUsage.Clients;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Aggregation;
using TokUsage.Model;

namespace TokUsage.Team
{
    /// <summary>
    /// Get-TokenUsageReport's engine (issue 17): the database sums the messages, the local prices cost the sums, and
    /// <see cref="MultiKeyFold"/> makes the rows Measure-TokenUsage makes. The GROUP BY keeps apart what pricing and the
    /// rows tell apart — client, session, project, model, fast mode, markup, reported or computed cost, the long-context
    /// tier each request falls in, and the machine, user or 15-minute span (UTC) when the rows need them — so each group
    /// is priced exactly as its messages would be one by one (a cost is linear in the counts within one tier) and every
    /// period of any time zone is a whole number of spans (zone offsets are multiples of 15 minutes). Rows are read as
    /// they come: memory is the fold's groups, not the messages. Runs on the caller's thread.
    /// </summary>
    internal sealed class TeamReport
    {
        private readonly TeamDatabase _database;
        private readonly ReadOptions _prices;
        private readonly DateWindow _window;
        private readonly bool _byMachine;
        private readonly bool _byUser;
        private readonly bool _byTime;
        private readonly Dictionary<string, NameList> _unpriced = new Dictionary<string, NameList>(StringComparer.Ordinal);

        public TeamReport(TeamDatabase database, ReadOptions prices, IReadOnlyCollection<UsageGrouping> by)
        {
            _database = database;
            _prices = prices;
            _window = prices.Dates;
            _byMachine = by.Contains(UsageGrouping.Machine);
            _byUser = by.Contains(UsageGrouping.User);
            _byTime = by.Any(MultiKeyFold.IsPeriod);
        }

        /// <summary>Database rows read (the groups the database returned): what the report cost the link.</summary>
        public long GroupsRead { get; private set; }

        /// <summary>Messages the groups sum.</summary>
        public long Messages { get; private set; }

        public void Run(MultiKeyFold fold, CancellationToken cancel)
        {
            using var connection = _database.Source.OpenConnection();
            var thresholds = TierThresholds(connection, cancel);
            using var command = new NpgsqlCommand(GroupQuery(thresholds.Length > 0), connection);
            AddWindow(command);
            if (thresholds.Length > 0)
            {
                // width_bucket counts the bounds at or below the input side; a tier applies strictly above its threshold.
                command.Parameters.Add(new NpgsqlParameter<long[]>("bounds", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = thresholds.Select(t => t + 1).ToArray() });
            }

            using var registration = cancel.Register(() => SafeCancel(command));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var client = reader.GetString(0);
                var session = reader.GetString(1);
                var project = reader.GetString(2);
                var model = reader.GetString(3);
                var fast = reader.GetBoolean(4);
                var markup = reader.GetDecimal(5);
                var machine = reader.GetString(6);
                var user = reader.GetString(7);
                var count = reader.GetInt64(8);
                var tokens = new TokenCounts
                {
                    Input = (long)reader.GetDecimal(9),
                    Output = (long)reader.GetDecimal(10),
                    CacheRead = (long)reader.GetDecimal(11),
                    CacheWrite = (long)reader.GetDecimal(12),
                    CacheWrite1h = (long)reader.GetDecimal(13),
                    Reasoning = (long)reader.GetDecimal(14),
                };
                decimal? reported = reader.IsDBNull(15) ? (decimal?)null : reader.GetDecimal(15);
                var first = new DateTimeOffset(reader.GetFieldValue<DateTime>(16));
                var last = new DateTimeOffset(reader.GetFieldValue<DateTime>(17));
                var inputSide = reader.GetInt64(18);

                var (cost, costSource) = MessageRecorder.Price(_prices, model, tokens, fast, reported, markup, inputSide);

                var source = new FoldSource(client, session, project, UnpricedList(model, costSource), machine, user);
                fold.Add(source, new FoldEntry(first, model, tokens, cost, costSource, count));
                if (last != first)
                {
                    fold.Add(source, new FoldEntry(last, model, default, 0m, costSource, 0)); // the group's last message: its time only
                }

                GroupsRead++;
                Messages += count;
            }
        }

        /// <summary>
        /// The long-context thresholds of every model the window holds, as the local prices (table, price file,
        /// -PriceOverride) give them, ascending.
        /// </summary>
        private long[] TierThresholds(NpgsqlConnection connection, CancellationToken cancel)
        {
            using var command = new NpgsqlCommand("SELECT DISTINCT model FROM tokusage_message" + Where(), connection);
            AddWindow(command);
            using var registration = cancel.Register(() => SafeCancel(command));
            var thresholds = new SortedSet<long>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var quote = _prices.Prices.Resolve(reader.GetString(0));
                if (quote != null)
                {
                    thresholds.UnionWith(quote.Price.Tiers.Select(t => t.Above));
                }
            }

            return thresholds.ToArray();
        }

        private string GroupQuery(bool tiered)
        {
            var sql = new StringBuilder("SELECT client, session, project, model, fast, markup, ");
            sql.Append(_byMachine ? "machine" : "''").Append(", ");
            sql.Append(_byUser ? "user_name" : "''").Append(", ");
            sql.Append("count(*), sum(input), sum(output), sum(cache_read), sum(cache_write), sum(cache_write_1h), sum(reasoning), sum(reported_cost), ");
            sql.Append("min(time), max(time), min(input + cache_write + cache_read) FROM tokusage_message").Append(Where());
            sql.Append(" GROUP BY client, session, project, model, fast, markup, reported_cost IS NULL");
            if (_byMachine)
            {
                sql.Append(", machine");
            }

            if (_byUser)
            {
                sql.Append(", user_name");
            }

            if (_byTime)
            {
                sql.Append(", date_bin('15 minutes', time, TIMESTAMPTZ '2000-01-01 00:00:00+00')");
            }

            if (tiered)
            {
                sql.Append(", width_bucket(input + cache_write + cache_read, @bounds)");
            }

            return sql.ToString();
        }

        private string Where()
        {
            var start = _window.StartUtc;
            var end = _window.EndUtc;
            return start is null && end is null ? string.Empty
                : start is null ? " WHERE time < @end"
                : end is null ? " WHERE time >= @start"
                : " WHERE time >= @start AND time < @end";
        }

        private void AddWindow(NpgsqlCommand command)
        {
            if (_window.StartUtc is DateTime start)
            {
                command.Parameters.Add(new NpgsqlParameter<DateTime>("start", NpgsqlDbType.TimestampTz) { TypedValue = DateTime.SpecifyKind(start, DateTimeKind.Utc) });
            }

            if (_window.EndUtc is DateTime end)
            {
                command.Parameters.Add(new NpgsqlParameter<DateTime>("end", NpgsqlDbType.TimestampTz) { TypedValue = DateTime.SpecifyKind(end, DateTimeKind.Utc) });
            }
        }

        private NameList UnpricedList(string model, CostSource source)
        {
            if (MessagePricing.IsPriced(source, model))
            {
                return NameList.Empty;
            }

            if (!_unpriced.TryGetValue(model, out var list))
            {
                list = new NameList(new[] { model });
                _unpriced.Add(model, list);
            }

            return list;
        }

        private static void SafeCancel(NpgsqlCommand command)
        {
            try
            {
                command.Cancel();
            }
            catch (Exception e) when (e is NpgsqlException || e is InvalidOperationException)
            {
                // the query ended meanwhile
            }
        }
    }
}
