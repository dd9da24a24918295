using System;
using System.Collections.Generic;
using System.Linq;
using TokUsage.Model;

namespace TokUsage.Aggregation
{
    /// <summary>
    /// Folds by several keys at once (<c>-By Month, User</c>): the first key decides what a row is (a period, or a named
    /// group), the others split it, and each row carries every key's value. One <see cref="UsageFold"/> of the first key
    /// per combination of the other keys' values, so memory is proportional to the rows. With one key it is that key's
    /// fold. Single-threaded: the pipeline thread.
    /// </summary>
    internal sealed class MultiKeyFold : IUsageFold
    {
        private readonly UsageGrouping _first;
        private readonly UsageGrouping[] _others;
        private readonly PeriodCalendar?[] _calendars;
        private readonly Func<UsageFold> _newFold;
        private readonly UsageFold _all;
        private readonly Dictionary<string, Split> _splits = new Dictionary<string, Split>(StringComparer.Ordinal);
        private readonly FoldEntry[] _one = new FoldEntry[1];

        /// <summary>
        /// The rule for a list of grouping keys, in the words -By errors use: null when the keys can be folded together
        /// (Block alone is folded by <see cref="BlockFold"/>), else what is wrong and what to give instead.
        /// </summary>
        public static string? GroupingProblem(IReadOnlyList<UsageGrouping> by)
        {
            if (by.Count == 0)
            {
                return "-By names no key; give at least one (for example -By Day).";
            }

            if (by.Distinct().Count() != by.Count)
            {
                return "-By names a key twice; give each key once (for example -By Day, Project).";
            }

            if (by.Count > 1 && by.Contains(UsageGrouping.Block))
            {
                return "-By Block is not combined with other keys; use -By Block alone.";
            }

            if (by.Count > 1 && by.Contains(UsageGrouping.Session))
            {
                return "-By Session is not split by other keys (a session has one client and project); use -By Session alone, or group by Day, Project, Model... together.";
            }

            return null;
        }

        public MultiKeyFold(IReadOnlyList<UsageGrouping> by, TimeZoneInfo zone, DayOfWeek weekStart, bool breakdown, ActivityOptions? activity = null)
        {
            if (GroupingProblem(by) is { } problem)
            {
                throw new ArgumentException(problem, nameof(by));
            }

            if (by.Contains(UsageGrouping.Block))
            {
                throw new ArgumentException("Blocks are cut by BlockFold.", nameof(by));
            }

            _first = by[0];
            _others = by.Skip(1).ToArray();
            _calendars = _others.Select(k => IsPeriod(k) ? new PeriodCalendar(zone, k, weekStart) : null).ToArray();
            _newFold = () => new UsageFold(_first, zone, weekStart, breakdown, activity);
            _all = _newFold();
        }

        /// <summary>The keys after the first, in the order given: each row has a value for each.</summary>
        public IReadOnlyList<UsageGrouping> SplitBy => _others;

        public static bool IsPeriod(UsageGrouping by) =>
            by == UsageGrouping.Day || by == UsageGrouping.Week || by == UsageGrouping.Month || by == UsageGrouping.Hour;

        /// <summary>Adds one file's messages (with one key, the fold's fast path: no per-message work here).</summary>
        public void Add(in FoldSource source, MessageRows rows)
        {
            if (_others.Length == 0)
            {
                _all.Add(source, rows);
                return;
            }

            for (var i = 0; i < rows.Count; i++)
            {
                Add(source, FoldInputs.EntryOf(rows, i));
            }
        }

        /// <summary>Adds one file's messages (adapted from a property bag).</summary>
        public void Add(in FoldSource source, IEnumerable<FoldEntry> entries)
        {
            if (_others.Length == 0)
            {
                _all.Add(source, entries);
                return;
            }

            foreach (var entry in entries)
            {
                Add(source, entry);
            }
        }

        /// <summary>Adds one message (or one group of messages the database summed).</summary>
        public void Add(in FoldSource source, in FoldEntry entry)
        {
            _one[0] = entry;
            _all.Add(source, _one);
            if (_others.Length == 0)
            {
                return;
            }

            var values = new string[_others.Length];
            var order = new long[_others.Length];
            for (var i = 0; i < _others.Length; i++)
            {
                var calendar = _calendars[i];
                if (calendar != null)
                {
                    order[i] = calendar.KeyOf(entry.Timestamp);
                    values[i] = calendar.Describe(order[i]).Label;
                }
                else
                {
                    values[i] = ValueOf(_others[i], source, entry);
                }
            }

            var key = string.Join("\u001f", values);
            if (!_splits.TryGetValue(key, out var split))
            {
                split = new Split(values, order, _newFold());
                _splits.Add(key, split);
            }

            _one[0] = entry;
            split.Fold.Add(source, _one);
        }

        /// <summary>
        /// The rows with the values of the splitting keys (empty with one key): ordered by the first key as
        /// <see cref="UsageFold.Results"/> orders, then by the others; then, when <paramref name="withTotal"/>, the total row.
        /// </summary>
        public IEnumerable<(UsageTotals Row, string[] SplitValues)> Results(bool withTotal)
        {
            if (_others.Length == 0)
            {
                return _all.Results(withTotal).Select(r => (r, Array.Empty<string>()));
            }

            var rows = new List<(UsageTotals Row, string[] SplitValues)>();
            foreach (var split in _splits.Values.OrderBy(s => s, SplitOrder.Instance))
            {
                rows.AddRange(split.Fold.Results(false).Select(r => (r, split.Values)));
            }

            // Stable: within one first-key value the splits keep their order.
            var ordered = rows.OrderBy(r => r.Row, FirstKeyOrder.Instance).ToList();
            if (withTotal && ordered.Count > 0)
            {
                ordered.Add((_all.Results(true).Last(), _others.Select(_ => string.Empty).ToArray()));
            }

            return ordered;
        }

        private static string ValueOf(UsageGrouping by, in FoldSource source, in FoldEntry entry) => by switch
        {
            UsageGrouping.Project => source.Project,
            UsageGrouping.Model => entry.Model,
            UsageGrouping.Client => source.Client,
            UsageGrouping.User => source.User,
            UsageGrouping.Machine => source.Machine,
            _ => throw new ArgumentOutOfRangeException(nameof(by)),
        };

        private sealed class Split
        {
            public Split(string[] values, long[] order, UsageFold fold)
            {
                Values = values;
                Order = order;
                Fold = fold;
            }

            public string[] Values { get; }

            /// <summary>Per key: the period's calendar key (chronological), or 0 for a name (ordered ordinally).</summary>
            public long[] Order { get; }

            public UsageFold Fold { get; }
        }

        private sealed class SplitOrder : IComparer<Split>
        {
            public static readonly SplitOrder Instance = new SplitOrder();

            public int Compare(Split? x, Split? y)
            {
                for (var i = 0; i < x!.Values.Length; i++)
                {
                    var c = x.Order[i].CompareTo(y!.Order[i]);
                    if (c == 0)
                    {
                        c = string.CompareOrdinal(x.Values[i], y.Values[i]);
                    }

                    if (c != 0)
                    {
                        return c;
                    }
                }

                return 0;
            }
        }

        private sealed class FirstKeyOrder : IComparer<UsageTotals>
        {
            public static readonly FirstKeyOrder Instance = new FirstKeyOrder();

            public int Compare(UsageTotals? x, UsageTotals? y) => (x, y) switch
            {
                (PeriodSummary a, PeriodSummary b) => a.PeriodStart.CompareTo(b.PeriodStart),
                (GroupSummary a, GroupSummary b) => string.CompareOrdinal(a.Name, b.Name),
                _ => 0,
            };
        }
    }
}
