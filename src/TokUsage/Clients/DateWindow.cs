using System;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;

namespace TokUsage.Clients
{
    /// <summary>
    /// The inclusive -Since/-Until day window in one time zone. Immutable; shared by worker threads.
    /// </summary>
    internal sealed class DateWindow
    {
        public static readonly DateWindow All = new DateWindow(TimeZoneInfo.Utc, null, null);

        public DateWindow(TimeZoneInfo zone, DateTime? since, DateTime? until)
        {
            Zone = zone;
            Since = since?.Date;
            Until = until?.Date;
        }

        public TimeZoneInfo Zone { get; }

        /// <summary>First included local day.</summary>
        public DateTime? Since { get; }

        /// <summary>Last included local day.</summary>
        public DateTime? Until { get; }

        public bool IsAll
        {
            [MethodImpl(Jit.Inline)]
            get => Since is null && Until is null;
        }

        [MethodImpl(Jit.Optimized)]
        public bool Includes(DateTimeOffset instant)
        {
            if (IsAll)
            {
                return true;
            }

            var day = TimeZoneInfo.ConvertTime(instant, Zone).Date;
            return (Since is null || day >= Since) && (Until is null || day <= Until);
        }

        /// <summary>
        /// Files last written before this instant cannot hold messages on or after Since (logs are append-only), with a
        /// day of slack for clock and copy skew; they are not opened.
        /// </summary>
        public DateTime? OldestUsefulWriteUtc => Since is null ? (DateTime?)null : LocalToUtc(Since.Value.AddDays(-1));

        /// <summary>The first instant of the window (UTC), or null when it has no first day.</summary>
        public DateTime? StartUtc => Since is null ? (DateTime?)null : LocalToUtc(Since.Value);

        /// <summary>The first instant after the window (UTC), or null when it has no last day.</summary>
        public DateTime? EndUtc => Until is null ? (DateTime?)null : LocalToUtc(Until.Value.AddDays(1));

        private DateTime LocalToUtc(DateTime local)
        {
            local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            if (Zone.IsInvalidTime(local))
            {
                local = local.AddHours(1); // midnight skipped by a daylight-saving jump: the day starts an hour later
            }

            return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
        }
    }
}
