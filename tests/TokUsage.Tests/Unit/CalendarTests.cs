using System;
using System.Linq;
using TokUsage.Clients;
using Xunit;
using TokUsage.Aggregation;

namespace TokUsage.Tests.Unit
{
    public sealed class CalendarTests
    {
        [Theory]
        [InlineData("Europe/Berlin", "Europe/Berlin")]
        [InlineData("W. Europe Standard Time", "W. Europe Standard Time")]
        [InlineData("utc", "UTC")]
        [InlineData("  ", null)]
        public void TimeZonesResolveFromIanaAndWindowsIds(string id, string? expectedId)
        {
            var zone = TimeZoneResolver.Resolve(id);
            if (expectedId is null)
            {
                Assert.Same(TimeZoneInfo.Local, zone); // blank: the local zone
                return;
            }

            // The same rules as the zone named (an IANA id and its Windows id are one zone, whichever the OS names).
            var expected = TimeZoneResolver.Resolve(expectedId == "W. Europe Standard Time" ? "Europe/Berlin" : expectedId);
            var summer = new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc);
            var winter = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
            Assert.Equal((expected.GetUtcOffset(winter), expected.GetUtcOffset(summer)), (zone.GetUtcOffset(winter), zone.GetUtcOffset(summer)));
            if (expectedId != "W. Europe Standard Time")
            {
                Assert.Equal(expectedId, zone.Id);
            }
        }

        [Theory]
        [InlineData("Europe/Berlin")]
        [InlineData("Australia/Lord_Howe")] // half-hour daylight saving
        [InlineData("Asia/Kolkata")]        // +5:30
        [InlineData("America/St_Johns")]    // -3:30 with daylight saving
        [InlineData("Asia/Kathmandu")]      // +5:45
        public void DaysAndHoursMatchAFreshConversionOfEveryInstantInAnyOrder(string zoneId)
        {
            var zone = TimeZoneResolver.Resolve(zoneId);
            var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
            var span = TimeSpan.FromDays(800).Ticks;

            // Every 7 minutes across two years of transitions, in order (as messages of a file are), then shuffled.
            var instants = Enumerable.Range(0, (int)(span / TimeSpan.FromMinutes(7).Ticks)).Select(i => new DateTimeOffset(start + (i * TimeSpan.FromMinutes(7).Ticks), TimeSpan.Zero)).ToList();
            var shuffled = instants.OrderBy(_ => Guid.NewGuid()).ToList();
            foreach (var order in new[] { instants, shuffled })
            {
                var days = new PeriodCalendar(zone, UsageGrouping.Day, DayOfWeek.Monday);
                var hours = new PeriodCalendar(zone, UsageGrouping.Hour, DayOfWeek.Monday);
                foreach (var instant in order)
                {
                    var local = TimeZoneInfo.ConvertTime(instant, zone);
                    Assert.Equal(local.Date.Ticks, days.KeyOf(instant));
                    Assert.Equal(new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset).UtcTicks, hours.KeyOf(instant));
                }
            }
        }

        [Fact]
        public void ABadTimeZoneIsAClearError()
        {
            var e = Assert.Throws<ArgumentException>(() => TimeZoneResolver.Resolve("Mars/Olympus_Mons"));
            Assert.Contains("Europe/Berlin", e.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void DaysFollowDaylightSavingChanges()
        {
            var berlin = TimeZoneResolver.Resolve("Europe/Berlin");
            var calendar = new PeriodCalendar(berlin, UsageGrouping.Day, DayOfWeek.Monday);
            // 2026-03-29: clocks jump 02:00 → 03:00; 22:30 UTC is already the next day (UTC+2).
            var (label, start) = calendar.Describe(calendar.KeyOf(new DateTimeOffset(2026, 3, 29, 22, 30, 0, TimeSpan.Zero)));
            Assert.Equal("2026-03-30", label);
            Assert.Equal(TimeSpan.FromHours(2), start.Offset);
            var (winter, _) = calendar.Describe(calendar.KeyOf(new DateTimeOffset(2026, 3, 28, 22, 30, 0, TimeSpan.Zero)));
            Assert.Equal("2026-03-28", winter);
        }

        [Fact]
        public void TheRepeatedFallBackHourStaysTwoRows()
        {
            var newYork = TimeZoneResolver.Resolve("America/New_York");
            var calendar = new PeriodCalendar(newYork, UsageGrouping.Hour, DayOfWeek.Monday);
            var first = calendar.KeyOf(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero));  // 01:30 EDT
            var second = calendar.KeyOf(new DateTimeOffset(2026, 11, 1, 6, 30, 0, TimeSpan.Zero)); // 01:30 EST
            Assert.NotEqual(first, second);
            Assert.Equal("2026-11-01 01:00", calendar.Describe(first).Label);
            Assert.Equal("2026-11-01 01:00", calendar.Describe(second).Label);
            Assert.NotEqual(calendar.Describe(first).Start.Offset, calendar.Describe(second).Start.Offset);
        }

        [Theory]
        [InlineData(DayOfWeek.Monday, "2026-05-04")]
        [InlineData(DayOfWeek.Sunday, "2026-05-10")]
        [InlineData(DayOfWeek.Saturday, "2026-05-09")]
        public void WeeksStartOnTheChosenDay(DayOfWeek start, string expected)
        {
            var calendar = new PeriodCalendar(TimeZoneInfo.Utc, UsageGrouping.Week, start);
            Assert.Equal(expected, calendar.Describe(calendar.KeyOf(new DateTimeOffset(2026, 5, 10, 12, 0, 0, TimeSpan.Zero))).Label); // a Sunday
        }

        [Fact]
        public void DateWindowIsInclusiveInItsZoneAndPrunesWithADayOfSlack()
        {
            var tokyo = TimeZoneResolver.Resolve("Asia/Tokyo");
            var window = new DateWindow(tokyo, new DateTime(2026, 5, 2), new DateTime(2026, 5, 2));
            Assert.True(window.Includes(new DateTimeOffset(2026, 5, 1, 15, 0, 0, TimeSpan.Zero)));   // 00:00 in Tokyo on the 2nd
            Assert.False(window.Includes(new DateTimeOffset(2026, 5, 1, 14, 59, 59, TimeSpan.Zero)));
            Assert.True(window.Includes(new DateTimeOffset(2026, 5, 2, 14, 59, 59, TimeSpan.Zero)));
            Assert.False(window.Includes(new DateTimeOffset(2026, 5, 2, 15, 0, 0, TimeSpan.Zero)));
            Assert.Equal(new DateTime(2026, 4, 30, 15, 0, 0), window.OldestUsefulWriteUtc);
        }
    }
}
