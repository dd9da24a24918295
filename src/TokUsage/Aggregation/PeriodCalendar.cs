using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;

namespace TokUsage.Aggregation
{
    /// <summary>
    /// Cuts instants into calendar periods of one time zone. Each instant is converted with the zone's rules for that
    /// instant, so daylight-saving changes move the boundaries exactly as a wall clock does. Owned by one fold (one
    /// thread): it remembers the zone's offset for the last UTC hour it converted.
    /// </summary>
    internal sealed class PeriodCalendar
    {
        private readonly TimeZoneInfo _zone;
        private readonly UsageGrouping _by;
        private readonly DayOfWeek _weekStart;
        private long _hour = long.MinValue;
        private TimeSpan? _hourOffset;

        public PeriodCalendar(TimeZoneInfo zone, UsageGrouping by, DayOfWeek weekStart)
        {
            if (by != UsageGrouping.Day && by != UsageGrouping.Week && by != UsageGrouping.Month && by != UsageGrouping.Hour)
            {
                throw new ArgumentOutOfRangeException(nameof(by), by, "Only Day, Week, Month and Hour are calendar periods.");
            }

            _zone = zone;
            _by = by;
            _weekStart = weekStart;
        }

        /// <summary>
        /// The period an instant falls in, as a sortable key: local start ticks for days, weeks and months; for hours
        /// the UTC start, so the repeated hour of a daylight-saving fall-back stays two rows.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public long KeyOf(DateTimeOffset instant)
        {
            var local = Local(instant);
            switch (_by)
            {
                case UsageGrouping.Hour:
                    var hourStart = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset);
                    return hourStart.UtcTicks;
                case UsageGrouping.Month:
                    return new DateTime(local.Year, local.Month, 1).Ticks;
                case UsageGrouping.Week:
                    var date = local.Date;
                    return date.AddDays(-(((int)date.DayOfWeek - (int)_weekStart + 7) % 7)).Ticks;
                default:
                    return local.Date.Ticks;
            }
        }

        /// <summary>
        /// Whether every instant from <paramref name="firstTicks"/> to <paramref name="lastTicks"/> (UTC) falls in one period,
        /// and which (<paramref name="key"/>, as <see cref="KeyOf"/>): when the zone's offset is the same at both ends and at
        /// every UTC hour between (the rule <see cref="Local"/> relies on: a zone changes offset at most once an hour), local
        /// time runs with UTC across the span and no period can start inside it unless the two ends are in different ones.
        /// Spans of more than two days are not checked (false): the fold halves such a file's rows until each part lies in one.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public bool TrySamePeriod(long firstTicks, long lastTicks, out long key)
        {
            key = KeyOf(new DateTimeOffset(firstTicks, TimeSpan.Zero));
            if (lastTicks < firstTicks || lastTicks - firstTicks > 2 * TimeSpan.TicksPerDay || KeyOf(new DateTimeOffset(lastTicks, TimeSpan.Zero)) != key)
            {
                return false;
            }

            var offset = _zone.GetUtcOffset(new DateTime(firstTicks, DateTimeKind.Utc));
            for (var hour = firstTicks - (firstTicks % TimeSpan.TicksPerHour) + TimeSpan.TicksPerHour; hour <= lastTicks; hour += TimeSpan.TicksPerHour)
            {
                if (_zone.GetUtcOffset(new DateTime(hour, DateTimeKind.Utc)) != offset)
                {
                    return false;
                }
            }

            return _zone.GetUtcOffset(new DateTime(lastTicks, DateTimeKind.Utc)) == offset;
        }

        /// <summary>
        /// <paramref name="instant"/> in the zone. The zone's offset is looked up once per UTC hour: when it is the same
        /// at the hour's first and last tick, it holds for the whole hour (zones change offset at most once an hour);
        /// otherwise each instant of that hour is converted on its own. Messages of a file are close in time, so most
        /// conversions are an addition.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private DateTimeOffset Local(DateTimeOffset instant)
        {
            var utc = instant.UtcTicks;
            var hour = utc - (utc % TimeSpan.TicksPerHour);
            if (hour != _hour)
            {
                _hour = hour;
                var first = _zone.GetUtcOffset(new DateTime(hour, DateTimeKind.Utc));
                var last = hour + TimeSpan.TicksPerHour - 1 <= DateTime.MaxValue.Ticks ? _zone.GetUtcOffset(new DateTime(hour + TimeSpan.TicksPerHour - 1, DateTimeKind.Utc)) : first;
                _hourOffset = first == last ? first : (TimeSpan?)null;
            }

            if (_hourOffset is TimeSpan offset && utc + offset.Ticks >= 0 && utc + offset.Ticks <= DateTime.MaxValue.Ticks)
            {
                return new DateTimeOffset(new DateTime(utc + offset.Ticks, DateTimeKind.Unspecified), offset);
            }

            return TimeZoneInfo.ConvertTime(instant, _zone);
        }

        /// <summary>The label and zoned start of the period with <paramref name="key"/>.</summary>
        public (string Label, DateTimeOffset Start) Describe(long key)
        {
            if (_by == UsageGrouping.Hour)
            {
                var start = TimeZoneInfo.ConvertTime(new DateTimeOffset(key, TimeSpan.Zero), _zone);
                return (start.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture), start);
            }

            var local = new DateTime(key, DateTimeKind.Unspecified);
            var offset = _zone.IsInvalidTime(local) ? _zone.GetUtcOffset(local.AddHours(1)) : _zone.GetUtcOffset(local);
            var zoned = new DateTimeOffset(local, offset);
            var format = _by == UsageGrouping.Month ? "yyyy-MM" : "yyyy-MM-dd";
            return (local.ToString(format, CultureInfo.InvariantCulture), zoned);
        }
    }
}
