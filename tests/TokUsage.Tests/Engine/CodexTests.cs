using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TokUsage.TestData;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Engine
{
    /// <summary>
    /// Codex CLI end to end in the real engine against the generator's independent bookkeeping: every billed request
    /// once, whatever forks, sub-agents, archived copies and re-emitted or stale snapshots repeat it.
    /// </summary>
    [Collection(EnvironmentCollection.Name)] // one test sets CODEX_HOME
    public sealed class CodexTests : IClassFixture<GeneratedCodexHomeFixture>, IDisposable
    {
        private readonly GeneratedCodexHomeFixture _fixture;
        private readonly PowerShellHost _host = new PowerShellHost();

        public CodexTests(GeneratedCodexHomeFixture fixture) => _fixture = fixture;

        private GeneratedCodexHome Home => _fixture.Home;

        public void Dispose() => _host.Dispose();

        [Fact]
        public void GeneratedHomeHasEveryHardCase()
        {
            Assert.True(Home.Forks > 5 && Home.Subagents > 5 && Home.ArchivedCopies > 2, $"{Home.Forks} forks, {Home.Subagents} sub-agents, {Home.ArchivedCopies} archived copies");
            Assert.True(Home.ReemittedTokens > 0 && Home.DamagedLines > 0);
            Assert.Contains(Home.Files, f => f.Contains("/archived_sessions/", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("UTC")]
        [InlineData("Pacific/Auckland")]
        public void DailyTotalsMatchTheGenerator(string zone)
        {
            var rows = _host.Run("Get-TokenUsage -Path $p -Client codex | Measure-TokenUsage -By Day -TimeZone $z",
                new Dictionary<string, object?> { ["p"] = Home.CodexHome, ["z"] = zone }).Objects<PeriodSummary>().ToList();
            var expected = ExpectedReports.ByDay(Home.Messages, TimeZoneInfo.FindSystemTimeZoneById(zone));
            Assert.Equal(expected.Keys, rows.Select(r => r.Period));
            foreach (var row in rows)
            {
                var e = expected[row.Period];
                Assert.Equal((row.Period, e.Messages, e.Input, e.Output, e.CacheRead, e.Reasoning, e.Total),
                    (row.Period, (long)row.Messages, row.InputTokens, row.OutputTokens, row.CacheReadTokens, row.ReasoningTokens, row.TotalTokens));
                Assert.Equal(0, row.CacheWriteTokens);
                Assert.Equal(e.Cost, row.Cost);
            }
        }

        [Fact]
        public void DefaultDiscoveryReadsCodexHomeAndFilesMatch()
        {
            var files = _host.Run("$env:CODEX_HOME = $h; try { Get-TokenUsage -Client codex } finally { $env:CODEX_HOME = $null }",
                new Dictionary<string, object?> { ["h"] = Home.CodexHome }).Objects<UsageFile>().ToList();
            var expected = ExpectedReports.ByFile(Home.Messages);
            foreach (var file in files)
            {
                var e = expected.TryGetValue(file.Path, out var totals) ? totals : new ExpectedTotals(0, 0, 0, 0, 0, 0);
                Assert.Equal((file.Path, e.Messages, e.Total, e.Reasoning), (file.Path, (long)file.Messages, file.TotalTokens, file.ReasoningTokens));
                Assert.Equal("codex", file.Client);
                Assert.StartsWith("/home/dev/src/app-", file.Project, StringComparison.Ordinal);
            }

            Assert.Equal(expected.Keys.Count, files.Count(f => f.Messages > 0));
            Assert.Equal(Home.DamagedLines, files.Sum(f => f.SkippedLines));
        }

        [Fact]
        public void ProjectsComeFromTheSessionWorkingDirectory()
        {
            var rows = _host.Run("Get-TokenUsage -Path $p -Client codex | Measure-TokenUsage -By Project",
                new Dictionary<string, object?> { ["p"] = Home.CodexHome }).Objects<GroupSummary>().ToList();
            var expected = Home.Messages.GroupBy(m => m.Project).ToDictionary(g => g.Key, g => ExpectedTotals.Of(g));
            Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), rows.Select(r => r.Name).OrderBy(k => k, StringComparer.Ordinal));
            foreach (var row in rows)
            {
                Assert.Equal(expected[row.Name].Total, row.TotalTokens);
            }
        }
    }
}
