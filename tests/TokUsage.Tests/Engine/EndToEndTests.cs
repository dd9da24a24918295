using System;
using System.Collections.Generic;
using System.Linq;
using TokUsage.TestData;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Engine
{
    /// <summary>
    /// The "done when": on a generated home with hundreds of files, Get-TokenUsage | Measure-TokenUsage in the
    /// real engine matches the generator's independently computed tokens exactly and its cost to the cent.
    /// </summary>
    public sealed class EndToEndTests : IClassFixture<GeneratedHomeFixture>, IDisposable
    {
        private readonly GeneratedClaudeHome _home;
        private readonly PowerShellHost _host = new PowerShellHost();

        public EndToEndTests(GeneratedHomeFixture fixture) => _home = fixture.Home;

        public void Dispose() => _host.Dispose();

        [Fact]
        public void GeneratedHomeIsRealisticallyLarge()
        {
            Assert.True(_home.Files.Count >= 300, $"only {_home.Files.Count} files");
            Assert.True(_home.DamagedLines.Count > 10);
            Assert.Contains(_home.Files, f => f.Contains("/subagents/", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("UTC")]
        [InlineData("America/New_York")]
        [InlineData("Asia/Kolkata")]
        public void DailyTotalsMatchTheGenerator(string zone)
        {
            var rows = _host.Run(
                "Get-TokenUsage -Path $p | Measure-TokenUsage -By Day -TimeZone $z",
                new Dictionary<string, object?> { ["p"] = _home.ProjectsDir, ["z"] = zone }).Objects<PeriodSummary>().ToList();

            var expected = ExpectedReports.ByDay(_home.Messages, TimeZoneInfo.FindSystemTimeZoneById(zone));
            Assert.Equal(expected.Keys, rows.Select(r => r.Period));
            foreach (var row in rows)
            {
                var e = expected[row.Period];
                Assert.Equal((e.Messages, e.Input, e.Output, e.CacheRead, e.CacheWrite, e.Total), (row.Messages, row.InputTokens, row.OutputTokens, row.CacheReadTokens, row.CacheWriteTokens, row.TotalTokens));
                Assert.Equal(Math.Round(e.Cost, 2), Math.Round(row.Cost, 2));
                Assert.Equal(0, row.ReasoningTokens);
            }
        }

        [Fact]
        public void CostIsExactNotJustToTheCent()
        {
            var total = _host.Run("Get-TokenUsage -Path $p | Measure-TokenUsage -By Client", new Dictionary<string, object?> { ["p"] = _home.ProjectsDir })
                .AssertNoErrors().Objects<GroupSummary>().Single();
            var expected = ExpectedTotals.Of(_home.Messages);
            Assert.Equal(expected.Cost, total.Cost);
            Assert.Equal(expected.Total, total.TotalTokens);
            Assert.Equal(new[] { ReferencePrices.Unpriced }, total.UnpricedModels);
        }

        [Fact]
        public void SessionTotalsMatchTheGenerator()
        {
            var rows = _host.Run("Get-TokenUsage -Path $p | Measure-TokenUsage -By Session", new Dictionary<string, object?> { ["p"] = _home.ProjectsDir })
                .Objects<SessionSummary>().ToList();
            var expected = ExpectedReports.BySession(_home.Messages);
            Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), rows.Select(r => r.SessionId).OrderBy(k => k, StringComparer.Ordinal));
            foreach (var row in rows)
            {
                var e = expected[row.SessionId];
                Assert.Equal((e.Messages, e.Input, e.Output, e.CacheRead, e.CacheWrite), (row.Messages, row.InputTokens, row.OutputTokens, row.CacheReadTokens, row.CacheWriteTokens));
                Assert.Equal(Math.Round(e.Cost, 2), Math.Round(row.Cost, 2));
                Assert.Equal("claude", row.Client);
                Assert.StartsWith("/home/dev/src/project-", row.Project, StringComparison.Ordinal); // the cwd the lines record
            }

            Assert.Equal(rows.OrderBy(r => r.Start).Select(r => r.SessionId), rows.Select(r => r.SessionId));
        }

        [Fact]
        public void EachFileCountsWhatItOwnsAndReportsItsDamagedLines()
        {
            var files = _host.Run("Get-TokenUsage -Path $p", new Dictionary<string, object?> { ["p"] = _home.ProjectsDir }).Objects<UsageFile>().ToList();
            var expected = ExpectedReports.ByFile(_home.Messages);
            // The order: side-chain transcripts (sub-agents) after the main ones, so a parent is admitted before any replay
            // of it; a resumed session after every session it copies lines from (its original, and the original's own
            // originals), so the original keeps its messages; every other file in path order.
            var paths = files.Select(f => f.Path).ToList();
            var mains = paths.Where(p => !p.Contains("/subagents/", StringComparison.Ordinal)).ToList();
            Assert.Equal(mains, paths.Take(mains.Count));
            Assert.Equal(paths.Skip(mains.Count).OrderBy(p => p, StringComparer.Ordinal), paths.Skip(mains.Count));
            IEnumerable<string> Ancestors(string file)
            {
                for (var f = file; _home.ResumedFrom.TryGetValue(f, out var earlier); f = earlier)
                {
                    yield return earlier;
                }
            }

            var waits = mains.Where(p => Ancestors(p).Any(a => string.CompareOrdinal(a, p) > 0)).ToHashSet();
            Assert.NotEmpty(waits); // the generated home has resumed sessions whose names sort before their originals'
            foreach (var resumed in waits)
            {
                Assert.All(Ancestors(resumed).Where(paths.Contains), a => Assert.True(paths.IndexOf(a) < paths.IndexOf(resumed), $"{resumed} before its original {a}"));
            }

            var passing = mains.Where(p => !waits.Contains(p)).ToList();
            Assert.Equal(passing.OrderBy(p => p, StringComparer.Ordinal), passing);
            foreach (var file in files)
            {
                var e = expected.TryGetValue(file.Path, out var totals) ? totals : new ExpectedTotals(0, 0, 0, 0, 0, 0);
                Assert.Equal((e.Messages, e.Total), ((long)file.Messages, file.TotalTokens));
                Assert.Equal(_home.DamagedLines.TryGetValue(file.Path, out var damaged) ? damaged : 0, file.SkippedLines);
                Assert.Equal(file.Entries.Sum(x => x.TotalTokens), file.TotalTokens);
                Assert.Equal(file.Entries.Sum(x => x.Cost), file.Cost);
                Assert.All(file.Entries, x => Assert.Equal(TimeSpan.Zero, x.Timestamp.Offset));
            }

            var reported = files.Select(f => f.Path).ToHashSet();
            Assert.All(expected.Keys, owner => Assert.Contains(owner, reported));
            Assert.All(_home.DamagedLines.Keys, damagedFile => Assert.Contains(damagedFile, reported));
        }

        [Fact]
        public void DamagedLinesAreNamedInVerboseAndSummarisedInOneWarning()
        {
            var result = _host.Run("Get-TokenUsage -Path $p -Verbose", new Dictionary<string, object?> { ["p"] = _home.ProjectsDir });
            var damagedFile = _home.DamagedLines.Keys.First();
            Assert.Contains(result.Verbose, v => v.StartsWith(damagedFile + ":", StringComparison.Ordinal) && v.Contains("skipped", StringComparison.Ordinal));
            Assert.Single(result.Warnings, w => w.StartsWith("Skipped " + _home.DamagedLines.Values.Sum() + " damaged line(s)", StringComparison.Ordinal));
            Assert.Single(result.Warnings, w => w.Contains(ReferencePrices.Unpriced, StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(7)]
        public void TotalsDoNotDependOnThrottleLimit(int throttle)
        {
            var total = _host.Run("Get-TokenUsage -Path $p -ThrottleLimit $t | Measure-TokenUsage -By Client", new Dictionary<string, object?> { ["p"] = _home.ProjectsDir, ["t"] = throttle })
                .Objects<GroupSummary>().Single();
            var expected = ExpectedTotals.Of(_home.Messages);
            Assert.Equal((expected.Messages, expected.Total, expected.Cost), (total.Messages, total.TotalTokens, total.Cost));
        }

        [Fact]
        public void SinceAndUntilKeepInclusiveDays()
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
            var days = ExpectedReports.ByDay(_home.Messages, zone);
            var since = days.Keys.ElementAt(5);
            var until = days.Keys.ElementAt(12);
            var rows = _host.Run(
                "Get-TokenUsage -Path $p -Since $s -Until $u -TimeZone 'Europe/Berlin' | Measure-TokenUsage -TimeZone 'Europe/Berlin'",
                new Dictionary<string, object?> { ["p"] = _home.ProjectsDir, ["s"] = since, ["u"] = until }).AssertNoErrors().Objects<PeriodSummary>().ToList();
            var expected = days.Where(d => string.CompareOrdinal(d.Key, since) >= 0 && string.CompareOrdinal(d.Key, until) <= 0).ToList();
            Assert.Equal(expected.Select(d => d.Key), rows.Select(r => r.Period));
            Assert.Equal(expected.Select(d => d.Value.Total), rows.Select(r => r.TotalTokens));
        }
    }
}
