using System;
using System.Collections.Generic;

namespace TokUsage.Aggregation
{
    /// <summary>What Measure-TokenUsage -ActiveTime measures with: the idle gap and the zone days are cut in.</summary>
    internal sealed class ActivityOptions
    {
        public ActivityOptions(TimeSpan idleGap, TimeZoneInfo zone)
        {
            if (idleGap <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(idleGap), "The idle gap is positive.");
            }

            IdleGap = idleGap;
            Zone = zone;
        }

        /// <summary>Messages closer than this (or exactly this) belong to one stretch of activity.</summary>
        public TimeSpan IdleGap { get; }

        public TimeZoneInfo Zone { get; }
    }

    /// <summary>
    /// The activity of one Measure-TokenUsage row: its stretches (messages of any session closer than the idle gap join one
    /// stretch), each session's own stretches (for how many sessions ran at once), and the local days with a message.
    /// Memory is one pair of ticks per stretch and one number per day, never a message. Active time is wall-clock: two
    /// sessions running side by side count once (tokscale sums the sessions). Single-threaded: the pipeline thread.
    /// </summary>
    internal sealed class ActivityTracker
    {
        private readonly ActivityOptions _options;
        private readonly long _gap;
        private readonly StretchList _all;
        private readonly Dictionary<(string Client, string Session), StretchList> _sessions = new Dictionary<(string, string), StretchList>();
        private readonly HashSet<long> _days = new HashSet<long>();
        private string? _lastClient;
        private string? _lastSessionId;
        private StretchList? _lastSession;
        private long _offsetQuarter = long.MinValue;
        private long _offsetTicks;

        public ActivityTracker(ActivityOptions options)
        {
            _options = options;
            _gap = options.IdleGap.Ticks;
            _all = new StretchList(_gap);
        }

        public void Add(in FoldSource source, DateTimeOffset timestamp)
        {
            var ticks = timestamp.UtcTicks;
            _all.Add(ticks, ticks);
            if (!ReferenceEquals(source.SessionId, _lastSessionId) || !ReferenceEquals(source.Client, _lastClient))
            {
                _lastClient = source.Client;
                _lastSessionId = source.SessionId;
                var key = (source.Client, source.SessionId);
                if (!_sessions.TryGetValue(key, out _lastSession))
                {
                    _lastSession = new StretchList(_gap);
                    _sessions.Add(key, _lastSession);
                }
            }

            _lastSession!.Add(ticks, ticks);
            _days.Add(LocalDay(ticks));
        }

        /// <summary>Adds another row's activity (the total row is made from the rows).</summary>
        public void MergeFrom(ActivityTracker other)
        {
            _all.AddAll(other._all);
            foreach (var pair in other._sessions)
            {
                if (!_sessions.TryGetValue(pair.Key, out var mine))
                {
                    mine = new StretchList(_gap);
                    _sessions.Add(pair.Key, mine);
                }

                mine.AddAll(pair.Value);
            }

            _days.UnionWith(other._days);
            _lastClient = null;
            _lastSessionId = null;
        }

        /// <summary>Sum of the stretches' lengths.</summary>
        public TimeSpan ActiveTime => new TimeSpan(_all.TotalTicks);

        /// <summary>The longest stretch.</summary>
        public TimeSpan LongestStretch => new TimeSpan(_all.LongestTicks);

        /// <summary>Local days with at least one message.</summary>
        public int ActiveDays => _days.Count;

        /// <summary>The most consecutive local days with a message each.</summary>
        public int LongestStreak
        {
            get
            {
                var days = new List<long>(_days);
                days.Sort();
                int longest = 0, run = 0;
                for (var i = 0; i < days.Count; i++)
                {
                    run = i > 0 && days[i] == days[i - 1] + 1 ? run + 1 : 1;
                    longest = Math.Max(longest, run);
                }

                return longest;
            }
        }

        /// <summary>
        /// The most sessions active at one instant: a session is active over each of its own stretches (a lone message is
        /// active at its instant), and stretches touching at an instant overlap.
        /// </summary>
        public int MaxConcurrentSessions
        {
            get
            {
                var events = new List<(long Ticks, int Change)>();
                foreach (var session in _sessions.Values)
                {
                    session.AppendEvents(events);
                }

                // Starts before ends at the same instant: touching stretches count as concurrent.
                events.Sort((a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : b.Change.CompareTo(a.Change));
                int current = 0, max = 0;
                foreach (var (_, change) in events)
                {
                    current += change;
                    max = Math.Max(max, current);
                }

                return max;
            }
        }

        /// <summary>
        /// The local day number of a UTC instant. The zone's offset is looked up once per quarter hour of UTC: offsets change
        /// at a local hh:00, hh:30 or hh:45 in zones whose offsets are whole quarter hours, so on a UTC quarter hour.
        /// </summary>
        private long LocalDay(long utcTicks)
        {
            var quarter = utcTicks / QuarterHourTicks;
            if (quarter != _offsetQuarter)
            {
                _offsetQuarter = quarter;
                _offsetTicks = _options.Zone.GetUtcOffset(new DateTime(quarter * QuarterHourTicks, DateTimeKind.Utc)).Ticks;
            }

            return (utcTicks + _offsetTicks) / TimeSpan.TicksPerDay;
        }

        private const long QuarterHourTicks = TimeSpan.TicksPerMinute * 15;
    }

    /// <summary>
    /// Disjoint, sorted time stretches in UTC ticks; an instant or stretch within the gap of one (or more) joins them.
    /// Adding in time order appends or extends the last stretch; out-of-order adds find their place by binary search.
    /// </summary>
    internal sealed class StretchList
    {
        private readonly long _gap;
        private readonly List<long> _starts = new List<long>();
        private readonly List<long> _ends = new List<long>();

        public StretchList(long gapTicks) => _gap = gapTicks;

        public int Count => _starts.Count;

        public long TotalTicks
        {
            get
            {
                long total = 0;
                for (var i = 0; i < _starts.Count; i++)
                {
                    total += _ends[i] - _starts[i];
                }

                return total;
            }
        }

        public long LongestTicks
        {
            get
            {
                long longest = 0;
                for (var i = 0; i < _starts.Count; i++)
                {
                    longest = Math.Max(longest, _ends[i] - _starts[i]);
                }

                return longest;
            }
        }

        public void Add(long start, long end)
        {
            var n = _starts.Count;
            if (n == 0 || start > _ends[n - 1] + _gap)
            {
                _starts.Add(start);
                _ends.Add(end);
                return;
            }

            if (start >= _starts[n - 1])
            {
                if (end > _ends[n - 1])
                {
                    _ends[n - 1] = end;
                }

                return;
            }

            // The first stretch that ends within the gap before start (ends are sorted: the stretches are disjoint).
            var first = _ends.BinarySearch(start - _gap);
            if (first < 0)
            {
                first = ~first;
            }

            var last = first;
            while (last < n && _starts[last] <= end + _gap)
            {
                last++;
            }

            if (last == first)
            {
                _starts.Insert(first, start);
                _ends.Insert(first, end);
                return;
            }

            var mergedStart = Math.Min(start, _starts[first]);
            var mergedEnd = Math.Max(end, _ends[last - 1]);
            _starts.RemoveRange(first + 1, last - first - 1);
            _ends.RemoveRange(first + 1, last - first - 1);
            _starts[first] = mergedStart;
            _ends[first] = mergedEnd;
        }

        public void AddAll(StretchList other)
        {
            for (var i = 0; i < other._starts.Count; i++)
            {
                Add(other._starts[i], other._ends[i]);
            }
        }

        public void AppendEvents(List<(long Ticks, int Change)> events)
        {
            for (var i = 0; i < _starts.Count; i++)
            {
                events.Add((_starts[i], 1));
                events.Add((_ends[i], -1));
            }
        }
    }
}
