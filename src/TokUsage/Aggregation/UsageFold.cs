using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using TokUsage.Model;
using TokUsage.Primitives;
using TokUsage.Pricing;

namespace TokUsage.Aggregation
{
    /// <summary>
    /// Folds usage files into Measure-TokenUsage rows as they arrive. Keeps one <see cref="UsageAccumulator"/> per group
    /// and nothing per message, so memory is proportional to the number of groups. Single-threaded: the pipeline thread.
    /// </summary>
    internal sealed class UsageFold
    {
        private readonly UsageGrouping _by;
        private readonly TimeZoneInfo _zone;
        private readonly bool _breakdown;
        private readonly PeriodCalendar? _calendar;
        private readonly ActivityOptions? _activity;
        private readonly Dictionary<long, UsageAccumulator> _periods = new Dictionary<long, UsageAccumulator>();
        private readonly Dictionary<string, UsageAccumulator> _groups = new Dictionary<string, UsageAccumulator>(StringComparer.Ordinal);
        private readonly Dictionary<(string Client, string Session), SessionState> _sessions = new Dictionary<(string, string), SessionState>();

        /// <param name="activity">When given, each row also measures its activity (stretches, days, concurrent sessions).</param>
        public UsageFold(UsageGrouping by, TimeZoneInfo zone, DayOfWeek weekStart, bool breakdown, ActivityOptions? activity = null)
        {
            _by = by;
            _activity = activity;
            _zone = zone;
            _breakdown = breakdown;
            if (by == UsageGrouping.Day || by == UsageGrouping.Week || by == UsageGrouping.Month || by == UsageGrouping.Hour)
            {
                _calendar = new PeriodCalendar(zone, by, weekStart);
            }
        }

        /// <summary>
        /// Whether a typed file whose messages all land in one row (or one row per model) is added by its sums by kind
        /// (<see cref="MessageRows.ByKind"/>) instead of message by message: the same totals (sums of the same numbers), a
        /// few additions per file instead of per message. Off only to check that equivalence.
        /// </summary>
        internal bool FoldsFilesByKind { get; set; } = true;

        /// <summary>How many files were added by their sums by kind (for tests).</summary>
        internal int FilesAddedByKind { get; private set; }

        /// <summary>How many files were added by the sums by kind of each period they span (for tests).</summary>
        internal int FilesAddedByPeriods { get; private set; }

        /// <summary>Adds one typed file's messages (the fast path: no per-message enumerator).</summary>
        [MethodImpl(Jit.Optimized)]
        public void Add(in FoldSource source, MessageRows rows)
        {
            var session = SessionOf(source);
            if (FoldsFilesByKind && _activity is null && (TryAddByKind(source, rows, session) || TryAddByPeriods(source, rows)))
            {
                return;
            }

            for (var i = 0; i < rows.Count; i++)
            {
                var entry = FoldInputs.EntryOf(rows, i);
                Target(source, entry, session).Add(source, entry);
            }
        }

        /// <summary>Adds one file's messages.</summary>
        [MethodImpl(Jit.Optimized)]
        public void Add(in FoldSource source, IEnumerable<FoldEntry> entries)
        {
            var session = SessionOf(source);
            foreach (var entry in entries)
            {
                Target(source, entry, session).Add(source, entry);
            }
        }

        /// <summary>
        /// Adds a file by its sums by kind when every one of its messages goes to the row its kind's first message goes to:
        /// always for a session, project, client, user or machine (one row per file) and a model (one per kind); for a
        /// period, when the file's span lies in one (<see cref="PeriodCalendar.TrySamePeriod"/>). False: nothing was added.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private bool TryAddByKind(in FoldSource source, MessageRows rows, SessionState? session)
        {
            var byKind = rows.ByKind;
            UsageAccumulator? period = null;
            if (_calendar != null)
            {
                if (!rows.TrySpan(out var first, out var last))
                {
                    return true; // no messages
                }

                if (!_calendar.TrySamePeriod(first, last, out var key))
                {
                    return false;
                }

                period = Period(key);
            }

            AddSums(source, rows, byKind, byKind.Length, period, session);
            FilesAddedByKind++;
            return true;
        }

        /// <summary>
        /// Adds a file whose messages span several periods by the sums by kind of each period's messages: the rows (in time
        /// order, as a file's are) are halved until each part lies in one period (<see cref="PeriodCalendar.TrySamePeriod"/>).
        /// False, with nothing added, for a grouping that is no period or rows out of time order.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private bool TryAddByPeriods(in FoldSource source, MessageRows rows)
        {
            if (_calendar is null || rows.Count == 0 || !rows.InTimeOrder())
            {
                return false;
            }

            var kinds = rows.ByKind.Length;
            var sums = _partSums.Length >= kinds ? _partSums : _partSums = new KindTotals[kinds];
            var parts = new Stack<(int First, int Last)>();
            parts.Push((0, rows.Count - 1));
            while (parts.Count > 0)
            {
                var (first, last) = parts.Pop();
                if (!_calendar.TrySamePeriod(rows[first].Ticks, rows[last].Ticks, out var key))
                {
                    var middle = first + ((last - first) / 2); // first < last: one instant is in one period
                    parts.Push((middle + 1, last));
                    parts.Push((first, middle));
                    continue;
                }

                var period = Period(key);
                rows.SumByKind(first, last, sums);
                AddSums(source, rows, sums, kinds, period, null);
            }

            FilesAddedByPeriods++;
            return true;
        }

        private KindTotals[] _partSums = new KindTotals[4];

        /// <summary>
        /// Adds the first <paramref name="kinds"/> sums of <paramref name="rows"/>' kinds that hold messages, each as one entry
        /// (its count, earliest and latest time), to <paramref name="period"/>, or else to the group its kind goes to.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private void AddSums(in FoldSource source, MessageRows rows, KindTotals[] sums, int kinds, UsageAccumulator? period, SessionState? session)
        {
            for (var k = 0; k < kinds; k++)
            {
                ref readonly var sum = ref sums[k];
                if (sum.Messages == 0)
                {
                    continue;
                }

                var kind = rows.KindAt(k);
                var entry = new FoldEntry(new DateTimeOffset(sum.FirstTicks, TimeSpan.Zero), kind.Model, sum.Tokens, sum.Cost, kind.CostSource, sum.Messages);
                (period ?? Target(source, entry, session)).Add(source, entry, new DateTimeOffset(sum.LastTicks, TimeSpan.Zero));
            }
        }

        private SessionState? SessionOf(in FoldSource source)
        {
            SessionState? session = null;
            if (_by == UsageGrouping.Session)
            {
                var key = (source.Client, source.SessionId);
                if (!_sessions.TryGetValue(key, out session))
                {
                    session = new SessionState(source.Project, _activity);
                    _sessions.Add(key, session);
                }

                session.Files++;
            }

            return session;
        }

        /// <summary>
        /// The rows, ordered by key: periods chronologically, sessions by start, names ordinally; then, when
        /// <paramref name="withTotal"/> and there is any row, one row of the same type that sums them all (IsTotal).
        /// A model row of the client-generated placeholder <c>&lt;synthetic&gt;</c> with no tokens is not a row.
        /// </summary>
        public IEnumerable<UsageTotals> Results(bool withTotal)
        {
            var rows = Rows().ToList();
            if (withTotal && rows.Count > 0)
            {
                rows.Add(TotalRow(rows));
            }

            return rows;
        }

        private IEnumerable<UsageTotals> Rows()
        {
            switch (_by)
            {
                case UsageGrouping.Session:
                    return _sessions
                        .Where(s => s.Value.Totals.Messages > 0)
                        .Select(s => new SessionSummary(s.Key.Client, s.Key.Session, s.Value.Project, s.Value.Files, s.Value.Totals, _breakdown))
                        .OrderBy(s => s.Start)
                        .ThenBy(s => s.Client, StringComparer.Ordinal)
                        .ThenBy(s => s.SessionId, StringComparer.Ordinal);
                case UsageGrouping.Project:
                case UsageGrouping.Model:
                case UsageGrouping.Client:
                case UsageGrouping.User:
                case UsageGrouping.Machine:
                    return _groups
                        .Where(g => !(_by == UsageGrouping.Model && ModelNames.IsSynthetic(g.Key) && g.Value.Tokens.Total == 0))
                        .OrderBy(g => g.Key, StringComparer.Ordinal)
                        .Select(g => new GroupSummary(_by, g.Key, g.Value, _breakdown));
                default:
                    var calendar = _calendar!;
                    return _periods
                        .OrderBy(p => p.Key)
                        .Select(p =>
                        {
                            var (label, start) = calendar.Describe(p.Key);
                            return new PeriodSummary(_by, label, start, _zone.Id, p.Value, _breakdown);
                        });
            }
        }

        private UsageTotals TotalRow(List<UsageTotals> rows)
        {
            var total = new UsageAccumulator(_activity);
            var groups = _by == UsageGrouping.Session ? _sessions.Values.Select(s => s.Totals) : _calendar is null ? _groups.Values : _periods.Values;
            foreach (var group in groups)
            {
                total.MergeFrom(group);
            }

            switch (rows[0])
            {
                case SessionSummary _:
                    var files = rows.Cast<SessionSummary>().Sum(s => s.Files);
                    return new SessionSummary(string.Empty, string.Empty, TotalLabel, files, total, _breakdown, isTotal: true);
                case GroupSummary _:
                    return new GroupSummary(_by, TotalLabel, total, _breakdown, isTotal: true);
                default:
                    var first = (PeriodSummary)rows[0];
                    return new PeriodSummary(_by, TotalLabel, first.PeriodStart, _zone.Id, total, _breakdown, isTotal: true);
            }
        }

        /// <summary>The name, period or project shown on the total row.</summary>
        public const string TotalLabel = "Total";

        [MethodImpl(Jit.Optimized)]
        private UsageAccumulator Target(in FoldSource source, in FoldEntry entry, SessionState? session)
        {
            switch (_by)
            {
                case UsageGrouping.Session:
                    return session!.Totals;
                case UsageGrouping.Project:
                    return Group(source.Project);
                case UsageGrouping.Model:
                    return Group(entry.Model);
                case UsageGrouping.Client:
                    return Group(source.Client);
                case UsageGrouping.User:
                    return Group(source.User);
                case UsageGrouping.Machine:
                    return Group(source.Machine);
                default:
                    return Period(_calendar!.KeyOf(entry.Timestamp));
            }
        }

        private UsageAccumulator Period(long key)
        {
            if (!_periods.TryGetValue(key, out var period))
            {
                period = new UsageAccumulator(_activity);
                _periods.Add(key, period);
            }

            return period;
        }

        private UsageAccumulator Group(string name)
        {
            if (!_groups.TryGetValue(name, out var group))
            {
                group = new UsageAccumulator(_activity);
                _groups.Add(name, group);
            }

            return group;
        }

        private sealed class SessionState
        {
            public SessionState(string project, ActivityOptions? activity)
            {
                Project = project;
                Totals = new UsageAccumulator(activity);
            }

            public string Project { get; }

            public int Files { get; set; }

            public UsageAccumulator Totals { get; }
        }
    }
}
