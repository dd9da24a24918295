using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using TokUsage.Aggregation;
using TokUsage.Model;

namespace TokUsage.Tests.Unit
{
    /// <summary>
    /// The team report's premises (issue 17): a period of any time zone is a whole number of 15-minute UTC spans, so
    /// messages summed per span fold into the same rows as the messages one by one; and several -By keys split rows.
    /// </summary>
    public sealed class MultiKeyFoldTests
    {
        private static readonly NameList None = new NameList(Array.Empty<string>());

        [Theory]
        [InlineData("Asia/Kathmandu", UsageGrouping.Day)]        // +5:45
        [InlineData("Pacific/Chatham", UsageGrouping.Hour)]      // +12:45 / +13:45
        [InlineData("Australia/Lord_Howe", UsageGrouping.Week)]  // half-hour daylight saving
        [InlineData("America/St_Johns", UsageGrouping.Month)]    // -3:30 with daylight saving
        public void EveryInstantFallsInThePeriodOfItsFifteenMinuteSpan(string zoneId, UsageGrouping by)
        {
            var calendar = new PeriodCalendar(TimeZoneResolver.Resolve(zoneId), by, DayOfWeek.Monday);
            var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
            for (var minute = 0; minute < 2 * 366 * 24 * 60; minute += 7)
            {
                var instant = start.AddMinutes(minute).AddSeconds(minute % 60);
                var span = new DateTimeOffset(instant.UtcTicks - (instant.UtcTicks % TimeSpan.FromMinutes(15).Ticks), TimeSpan.Zero);
                Assert.Equal(calendar.KeyOf(instant), calendar.KeyOf(span));
            }
        }

        [Fact]
        public void SumsPerSpanFoldIntoTheRowsOfTheMessages()
        {
            var zone = TimeZoneResolver.Resolve("Asia/Kathmandu");
            var random = new Random(17);
            var messages = Enumerable.Range(0, 5000).Select(i => (
                Source: new FoldSource("claude", "s" + random.Next(40), "/p" + random.Next(3), None, "m" + random.Next(3), "u" + random.Next(2)),
                Time: new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(60 * 24 * 90)),
                Model: random.Next(2) == 0 ? "opus" : "sonnet",
                Tokens: new TokenCounts { Input = random.Next(1, 1000), Output = random.Next(1, 100), CacheRead = random.Next(0, 5000) })).ToList();

            foreach (var by in new[] { new[] { UsageGrouping.Day }, new[] { UsageGrouping.Month, UsageGrouping.User }, new[] { UsageGrouping.Machine, UsageGrouping.Week, UsageGrouping.Model } })
            {
                var one = new MultiKeyFold(by, zone, DayOfWeek.Monday, breakdown: false);
                foreach (var m in messages)
                {
                    one.Add(m.Source, new FoldEntry(m.Time, m.Model, m.Tokens, m.Tokens.Input * 0.001m, CostSource.Calculated));
                }

                // As the database sums them: per session, model, machine, user and 15-minute span, first and last time.
                var summed = new MultiKeyFold(by, zone, DayOfWeek.Monday, breakdown: false);
                foreach (var g in messages.GroupBy(m => (m.Source.SessionId, m.Source.Project, m.Model, m.Source.Machine, m.Source.User, Span: m.Time.UtcTicks / TimeSpan.FromMinutes(15).Ticks)))
                {
                    var tokens = default(TokenCounts);
                    foreach (var m in g)
                    {
                        tokens.Add(m.Tokens);
                    }

                    var first = g.Min(m => m.Time);
                    var last = g.Max(m => m.Time);
                    var source = g.First().Source;
                    summed.Add(source, new FoldEntry(first, g.Key.Model, tokens, tokens.Input * 0.001m, CostSource.Calculated, g.Count()));
                    summed.Add(source, new FoldEntry(last, g.Key.Model, default, 0m, CostSource.Calculated, 0));
                }

                Assert.Equal(Describe(one), Describe(summed));
                Assert.True(one.Results(false).Count() > 3);
            }
        }

        [Fact]
        public void SeveralKeysSplitTheFirstKeysRowsInOrder()
        {
            var fold = new MultiKeyFold(new[] { UsageGrouping.Month, UsageGrouping.User }, TimeZoneInfo.Utc, DayOfWeek.Monday, breakdown: false);
            void Add(string user, int month, long input) =>
                fold.Add(new FoldSource("codex", "s" + user + month, "/p", None, "m", user), new FoldEntry(new DateTimeOffset(2026, month, 3, 0, 0, 0, TimeSpan.Zero), "gpt-5", new TokenCounts { Input = input }, 0m, CostSource.Calculated));
            Add("zoe", 2, 5);
            Add("amy", 2, 7);
            Add("zoe", 1, 11);
            Add("amy", 2, 13);

            var rows = fold.Results(withTotal: true).ToList();
            Assert.Equal(new[] { "2026-01 zoe 11", "2026-02 amy 20", "2026-02 zoe 5", "Total  36" },
                rows.Select(r => $"{((PeriodSummary)r.Row).Period} {r.SplitValues.Single()} {r.Row.InputTokens}"));
            Assert.Equal(new[] { UsageGrouping.User }, fold.SplitBy);
            Assert.Throws<ArgumentException>(() => new MultiKeyFold(new[] { UsageGrouping.Day, UsageGrouping.Day }, TimeZoneInfo.Utc, DayOfWeek.Monday, false));
            Assert.Throws<ArgumentException>(() => new MultiKeyFold(new[] { UsageGrouping.Session, UsageGrouping.User }, TimeZoneInfo.Utc, DayOfWeek.Monday, false));
        }

        private static string[] Describe(MultiKeyFold fold) => fold.Results(withTotal: true)
            .Select(r => string.Join("|", r.SplitValues) + "|" + (r.Row is PeriodSummary p ? p.Period : ((GroupSummary)r.Row).Name)
                + $"|{r.Row.Messages}|{r.Row.TotalTokens}|{r.Row.Cost}|{r.Row.Sessions}|{string.Join(",", r.Row.Models)}"
                + (r.Row is GroupSummary g ? $"|{g.Start:o}|{g.End:o}" : string.Empty))
            .ToArray();
    }
}
