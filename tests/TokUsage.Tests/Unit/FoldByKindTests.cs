using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using TokUsage.Aggregation;
using TokUsage.Model;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>
    /// A typed file added to a fold by its sums by kind gives the rows its messages give one by one — in every grouping,
    /// with files across midnight, across the zone's daylight-saving changes and in zones of 30- and 45-minute offsets.
    /// </summary>
    public sealed class FoldByKindTests
    {
        private static readonly UsageGrouping[] Groupings =
        {
            UsageGrouping.Day, UsageGrouping.Week, UsageGrouping.Month, UsageGrouping.Hour, UsageGrouping.Session,
            UsageGrouping.Project, UsageGrouping.Model, UsageGrouping.Client, UsageGrouping.User, UsageGrouping.Machine,
        };

        [Theory]
        [InlineData("Europe/Berlin", 1)]
        [InlineData("America/Santiago", 2)]     // changes at local midnight: a fall-back repeats the last hour of a day
        [InlineData("Australia/Lord_Howe", 3)]  // half-hour daylight saving
        [InlineData("Asia/Kathmandu", 4)]       // +5:45
        [InlineData("UTC", 5)]
        [InlineData(FallBackPastMidnight, 7)]  // local time runs into the next day, then back: same day at both ends of a file, not between
        public void AFileAddedByItsKindsFoldsAsItsMessagesDo(string zoneId, int seed)
        {
            var zone = zoneId == FallBackPastMidnight ? FallingBackPastMidnight() : TimeZoneResolver.Resolve(zoneId);
            var random = new Random(seed);
            var changes = OffsetChanges(zone).ToList();
            var files = Enumerable.Range(0, 600).Select(i => File(random, i % 3 == 0 && changes.Count > 0 ? changes[random.Next(changes.Count)] : (DateTimeOffset?)null)).ToList();

            foreach (var file in files)
            {
                // The file's own totals are its messages' (made from the same sums by kind).
                var entries = file.Entries;
                Assert.Equal(entries.Select(e => e.Model).Where(m => m != "<synthetic>").Distinct().OrderBy(m => m, StringComparer.Ordinal), file.Models);
                Assert.Equal(entries.Where(e => e.CostSource == CostSource.None && e.Model != "<synthetic>").Select(e => e.Model).Distinct().OrderBy(m => m, StringComparer.Ordinal), file.UnpricedModels);
                Assert.Equal(entries.Sum(e => e.TotalTokens), file.TotalTokens);
                Assert.Equal(entries.Sum(e => e.Cost), file.Cost);
                Assert.Equal(entries.Where(e => e.CostSource == CostSource.Reported).Sum(e => e.Cost), file.ReportedCost);
                Assert.Equal(entries.Min(e => e.Timestamp), file.Start);
                Assert.Equal(entries.Max(e => e.Timestamp), file.End);
            }

            foreach (var by in Groupings)
            {
                foreach (var breakdown in new[] { false, true })
                {
                    var byKind = new UsageFold(by, zone, DayOfWeek.Monday, breakdown);
                    var byMessage = new UsageFold(by, zone, DayOfWeek.Monday, breakdown) { FoldsFilesByKind = false };
                    foreach (var file in files)
                    {
                        byKind.Add(FoldInputs.SourceOf(file), file.Rows);
                        byMessage.Add(FoldInputs.SourceOf(file), file.Rows);
                    }

                    Assert.Equal(Describe(byMessage), Describe(byKind));
                    Assert.Equal(0, byMessage.FilesAddedByKind);
                    Assert.Equal(0, byMessage.FilesAddedByPeriods);
                    if (by == UsageGrouping.Day)
                    {
                        // Most files lie in a day; the ones across midnight or a change of offset were added period by period.
                        Assert.InRange(byKind.FilesAddedByKind, files.Count / 3, files.Count - 20);
                        Assert.Equal(files.Count, byKind.FilesAddedByKind + byKind.FilesAddedByPeriods);
                    }
                    else if (!MultiKeyFold.IsPeriod(by))
                    {
                        Assert.Equal(files.Count, byKind.FilesAddedByKind);
                    }
                }
            }
        }

        [Fact]
        public void AModelFilterKeepsTheMessagesOfTheKindsItKeeps()
        {
            var random = new Random(8);
            var files = Enumerable.Range(0, 300).Select(i => File(random, null)).ToList();
            foreach (var keep in new Func<string, bool>[] { m => m == "opus", m => m != "sonnet", m => true, m => false })
            {
                var filtered = new MultiKeyFold(new[] { UsageGrouping.Day }, TimeZoneInfo.Utc, DayOfWeek.Monday, true);
                var expected = new MultiKeyFold(new[] { UsageGrouping.Day }, TimeZoneInfo.Utc, DayOfWeek.Monday, true);
                foreach (var file in files)
                {
                    new UsageInput(FoldInputs.SourceOf(file), null, file.Rows, null).FeedTo(filtered, keep);
                    var entries = file.Entries.Where(e => keep(e.Model)).Select(e => new FoldEntry(e.Timestamp, e.Model, Tokens(e), e.Cost, e.CostSource)).ToList();
                    expected.Add(FoldInputs.SourceOf(file), entries);
                }

                Assert.Equal(expected.Results(true).Select(r => Describe(r.Row)), filtered.Results(true).Select(r => Describe(r.Row)));
            }

            Assert.Equal(300, files.Count(f => f.Rows.Count > 0));
        }

        private static TokenCounts Tokens(UsageEntry e) => new TokenCounts
        {
            Input = e.InputTokens, Output = e.OutputTokens, CacheRead = e.CacheReadTokens, CacheWrite = e.CacheWriteTokens, Reasoning = e.ReasoningTokens,
        };

        [Fact]
        public void RowsOutOfTimeOrderAreAddedMessageByMessage()
        {
            var rows = new MessageRows();
            var kind = rows.Kind("opus", false, 1m, CostSource.Calculated, true, true);
            foreach (var day in new[] { 1, 3, 1 })
            {
                rows.Add(new MessageRow { Ticks = new DateTimeOffset(2026, 5, day, 12, 0, 0, TimeSpan.Zero).UtcTicks, Tokens = new TokenCounts { Input = day }, Cost = day * 0.5m, Kind = kind });
            }

            var source = new FoldSource("claude", "s", "/p", new NameList(Array.Empty<string>()));
            var byKind = new UsageFold(UsageGrouping.Day, TimeZoneInfo.Utc, DayOfWeek.Monday, true);
            var byMessage = new UsageFold(UsageGrouping.Day, TimeZoneInfo.Utc, DayOfWeek.Monday, true) { FoldsFilesByKind = false };
            byKind.Add(source, rows);
            byMessage.Add(source, rows);
            Assert.Equal(Describe(byMessage), Describe(byKind));
            Assert.Equal(3, Describe(byKind).Length); // two days and the total
            Assert.Equal(0, byKind.FilesAddedByKind + byKind.FilesAddedByPeriods);
        }

        /// <summary>
        /// A file's sums by kind are made once, on the worker that read it; keeping every row keeps them, dropping rows
        /// (the dedup gate, the date window) makes them again from the rows kept.
        /// </summary>
        [Fact]
        public void SumsByKindSurviveKeepingEveryRowAndAreRemadeWhenRowsAreDropped()
        {
            var rows = new MessageRows();
            var opus = rows.Kind("opus", false, 1m, CostSource.Calculated, true, true);
            var sonnet = rows.Kind("sonnet", false, 1m, CostSource.Calculated, true, true);
            for (var i = 1; i <= 4; i++)
            {
                rows.Add(new MessageRow { Ticks = new DateTimeOffset(2026, 5, i, 12, 0, 0, TimeSpan.Zero).UtcTicks, Tokens = new TokenCounts { Input = i * 10 }, Cost = i, Kind = i % 2 == 0 ? opus : sonnet });
            }

            var made = rows.ByKind;
            Assert.Equal((2, 60L, 6m), (made[opus].Messages, made[opus].Tokens.Input, made[opus].Cost));
            rows.Truncate(rows.Count);
            Assert.Same(made, rows.ByKind);

            rows[1] = rows[2]; // the gate's compaction: row 1 (opus, day 2) dropped, the later rows moved up
            rows[2] = rows[3];
            rows.Truncate(3);
            Assert.NotSame(made, rows.ByKind);
            Assert.Equal((1, 40L, 4m), (rows.ByKind[opus].Messages, rows.ByKind[opus].Tokens.Input, rows.ByKind[opus].Cost));
            Assert.Equal((2, 40L, 4m), (rows.ByKind[sonnet].Messages, rows.ByKind[sonnet].Tokens.Input, rows.ByKind[sonnet].Cost));
        }

        [Fact]
        public void AFoldThatMeasuresActivityAddsEveryMessage()
        {
            var random = new Random(6);
            var file = File(random, null);
            var fold = new UsageFold(UsageGrouping.Project, TimeZoneInfo.Utc, DayOfWeek.Monday, false, new ActivityOptions(TimeSpan.FromMinutes(5), TimeZoneInfo.Utc));
            fold.Add(FoldInputs.SourceOf(file), file.Rows);
            Assert.Equal(0, fold.FilesAddedByKind);
        }

        private const string FallBackPastMidnight = "test: daylight saving ends at 00:30";

        /// <summary>
        /// A zone no country uses today (some did): summer time, one hour ahead, ends at 00:30 summer time, when clocks go
        /// back to 23:30 of the day before. Which day a message is in then goes forth and back within an hour.
        /// </summary>
        private static TimeZoneInfo FallingBackPastMidnight()
        {
            var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
                new DateTime(2000, 1, 1), new DateTime(2099, 12, 31), TimeSpan.FromHours(1),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 0, 30, 0), 10, 5, DayOfWeek.Sunday));
            return TimeZoneInfo.CreateCustomTimeZone("Test/FallBackPastMidnight", TimeSpan.Zero, "test", "test", "test summer", new[] { rule });
        }

        /// <summary>The instants the zone's offset changes at in 2025 and 2026, found hour by hour.</summary>
        private static IEnumerable<DateTimeOffset> OffsetChanges(TimeZoneInfo zone)
        {
            var hour = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var offset = zone.GetUtcOffset(hour);
            for (; hour.Year < 2027; hour = hour.AddHours(1))
            {
                var next = zone.GetUtcOffset(hour);
                if (next != offset)
                {
                    offset = next;
                    yield return new DateTimeOffset(hour, TimeSpan.Zero);
                }
            }
        }

        /// <summary>
        /// A file of 1 to 40 messages of up to four kinds (models, fast mode, calculated, reported and unpriced costs, the
        /// synthetic placeholder) over a span of a minute to 30 hours: around <paramref name="near"/> when given, else
        /// anywhere in 2025-2026.
        /// </summary>
        private static UsageFile File(Random random, DateTimeOffset? near)
        {
            var span = TimeSpan.FromMinutes(random.Next(1, random.Next(2) == 0 ? 120 : 30 * 60));
            var start = near?.AddMinutes(-random.Next((int)span.TotalMinutes + 1)) ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(2 * 365 * 24 * 60));
            var rows = new MessageRows();
            var count = random.Next(1, 41);
            for (var i = 0; i < count; i++)
            {
                var (model, source) = random.Next(8) switch
                {
                    0 => ("<synthetic>", CostSource.None),
                    1 => ("private-model", CostSource.None),
                    2 => ("opus", CostSource.Reported),
                    3 or 4 => ("opus", CostSource.Calculated),
                    _ => ("sonnet", CostSource.Calculated),
                };
                var fast = model == "opus" && random.Next(4) == 0;
                var tokens = new TokenCounts { Input = random.Next(0, 5000), Output = random.Next(0, 3000), CacheRead = random.Next(0, 200_000), Reasoning = random.Next(0, 50) };
                tokens.CacheWrite = random.Next(0, 9000);
                tokens.CacheWrite1h = random.Next(0, (int)tokens.CacheWrite + 1);
                var cost = source == CostSource.Calculated ? (tokens.Input * 0.000003m) + (tokens.Output * 0.000015m) + (tokens.CacheRead * 0.0000003m)
                    : source == CostSource.Reported ? random.Next(1, 100_000) / 1_000_000m
                    : 0m;
                var kind = rows.Kind(model, fast, 1m, source, source != CostSource.None || model == "<synthetic>", model != "<synthetic>");
                var ticks = start.AddTicks((long)(random.NextDouble() * span.Ticks)).UtcTicks;
                rows.Add(new MessageRow { Ticks = ticks, Tokens = tokens, Cost = cost, Kind = kind });
            }

            rows.SortByTime();
            return new UsageFile(random.Next(4) == 0 ? "codex" : "claude", "/logs/" + random.Next(), "s" + random.Next(40), "/p" + random.Next(4), rows, 0);
        }

        /// <summary>Every public property of every row (decimals to their bits, lists item by item), in order.</summary>
        private static string[] Describe(UsageFold fold) => fold.Results(withTotal: true).Select(Describe).ToArray();

        private static string Describe(object? value) => value switch
        {
            null => "null",
            decimal d => string.Join(".", decimal.GetBits(d)),
            DateTimeOffset t => t.ToString("o", CultureInfo.InvariantCulture),
            string s => s,
            IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Describe)) + "]",
            _ when value.GetType().Namespace == "TokUsage" && !value.GetType().IsEnum =>
                "{" + string.Join(";", value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + "=" + Describe(p.GetValue(value)))) + "}",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
        };
    }
}
