using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using TokUsage.TestData;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Engine
{
    /// <summary>
    /// Runs ccusage 20.0.24 (`ccusage daily --json --offline`, installed by .ci/run or bench/install-peers.sh and
    /// pointed to by TOKUSAGE_CCUSAGE) over the same generated home and requires every day's tokens to agree.
    /// Costs are not compared: ccusage prices long-context requests only above 200k (see docs/counting.md).
    /// </summary>
    public sealed class CcusageParityTests : IClassFixture<GeneratedHomeFixture>, IDisposable
    {
        private readonly GeneratedClaudeHome _home;
        private readonly PowerShellHost _host = new PowerShellHost();

        public CcusageParityTests(GeneratedHomeFixture fixture) => _home = fixture.Home;

        public void Dispose() => _host.Dispose();

        [SkippableFact]
        public void EveryDaysTokensAgreeWithCcusage()
        {
            var ccusage = Environment.GetEnvironmentVariable("TOKUSAGE_CCUSAGE");
            Skip.If(string.IsNullOrEmpty(ccusage) || !File.Exists(ccusage), "ccusage is not installed (set TOKUSAGE_CCUSAGE; build.ps1 installs it)");

            var theirs = RunCcusage(ccusage!, _home.Home);
            var ours = _host.Run("Get-TokenUsage -Path $p | Measure-TokenUsage -By Day -TimeZone UTC", new Dictionary<string, object?> { ["p"] = _home.ProjectsDir })
                .Objects<PeriodSummary>().ToDictionary(r => r.Period);

            Assert.Equal(theirs.Keys.OrderBy(k => k, StringComparer.Ordinal), ours.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (day, t) in theirs)
            {
                var o = ours[day];
                Assert.Equal((day, t.Input, t.Output, t.CacheWrite, t.CacheRead, t.Total), (day, o.InputTokens, o.OutputTokens, o.CacheWriteTokens, o.CacheReadTokens, o.TotalTokens));
            }
        }

        private static Dictionary<string, (long Input, long Output, long CacheWrite, long CacheRead, long Total)> RunCcusage(string exe, string home)
        {
            var start = new ProcessStartInfo(exe, "daily --json --offline --timezone UTC")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["HOME"] = home;
            start.Environment["CLAUDE_CONFIG_DIR"] = Path.Combine(home, ".claude");
            start.Environment["TZ"] = "UTC";
            using var process = Process.Start(start)!;
            var json = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);

            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.GetProperty("daily").EnumerateArray().ToDictionary(
                d => d.GetProperty("period").GetString()!,
                d => (d.GetProperty("inputTokens").GetInt64(), d.GetProperty("outputTokens").GetInt64(), d.GetProperty("cacheCreationTokens").GetInt64(),
                      d.GetProperty("cacheReadTokens").GetInt64(), d.GetProperty("totalTokens").GetInt64()));
        }
    }

    /// <summary>
    /// Codex: ccusage 20.0.24 (`ccusage codex daily --json --offline`) must agree on every day's tokens where it is right
    /// (forks, sub-agents, archived copies, re-emitted snapshots with unchanged totals — its #1288 fix), and over-counts
    /// where it is known wrong: a stale snapshot written after a newer one counts again in ccusage, never in TokUsage.
    /// Forks whose copied history is re-stamped with the fork time (#1349) count once in both.
    /// </summary>
    public sealed class CcusageCodexParityTests : IClassFixture<GeneratedCodexHomeFixture>, IDisposable
    {
        private readonly GeneratedCodexHomeFixture _fixture;
        private readonly PowerShellHost _host = new PowerShellHost();

        public CcusageCodexParityTests(GeneratedCodexHomeFixture fixture) => _fixture = fixture;

        public void Dispose() => _host.Dispose();

        [SkippableFact]
        public void EveryDaysTokensAgreeWithCcusageOnForksSubagentsArchivesAndReemits()
        {
            Assert.True(_fixture.NoStale.ReemittedTokens > 0 && _fixture.NoStale.Forks > 0 && _fixture.NoStale.Subagents > 0);
            var theirs = RunCcusage(_fixture.NoStale.CodexHome);
            var ours = Ours(_fixture.NoStale.CodexHome);
            Assert.Equal(theirs.Keys.OrderBy(k => k, StringComparer.Ordinal), ours.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (day, t) in theirs)
            {
                var o = ours[day];
                Assert.Equal((day, t.Input, t.CacheRead, t.Output, t.Reasoning, t.Total),
                    (day, o.InputTokens, o.CacheReadTokens, o.OutputTokens + o.ReasoningTokens, o.ReasoningTokens, o.TotalTokens));
            }
        }

        [SkippableFact]
        public void CcusageCountsStaleSnapshotsAgainAndTokUsageDoesNot()
        {
            var home = _fixture.Home;
            var theirs = RunCcusage(home.CodexHome).Values.Sum(d => d.Total);
            var ours = Ours(home.CodexHome).Values.Sum(d => d.TotalTokens);
            Assert.Equal(ExpectedTotals.Of(home.Messages).Total, ours);
            Assert.True(home.StaleTokens > 0);
            Assert.True(theirs - ours >= home.StaleTokens, $"ccusage {theirs}, TokUsage {ours}, stale snapshots {home.StaleTokens}");
        }

        [SkippableFact]
        public void ReStampedForkHistoryCountsOnceInBoth()
        {
            // ccusage 20.0.24 no longer double counts fork families (#1349) even when the copy is re-stamped.
            var home = _fixture.Restamped;
            Assert.True(home.RestampedReplayTokens > 0);
            var theirs = RunCcusage(home.CodexHome);
            var ours = Ours(home.CodexHome);
            Assert.Equal(ExpectedTotals.Of(home.Messages).Total, ours.Values.Sum(d => d.TotalTokens));
            Assert.Equal(theirs.Keys.OrderBy(k => k, StringComparer.Ordinal), ours.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (day, t) in theirs)
            {
                Assert.Equal((day, t.Total), (day, ours[day].TotalTokens));
            }
        }

        private Dictionary<string, PeriodSummary> Ours(string codexHome) =>
            _host.Run("Get-TokenUsage -Path $p -Client codex | Measure-TokenUsage -By Day -TimeZone UTC", new Dictionary<string, object?> { ["p"] = codexHome })
                .AssertNoErrors().Objects<PeriodSummary>().ToDictionary(r => r.Period);

        private static Dictionary<string, (long Input, long CacheRead, long Output, long Reasoning, long Total)> RunCcusage(string codexHome)
        {
            var exe = Environment.GetEnvironmentVariable("TOKUSAGE_CCUSAGE");
            Skip.If(string.IsNullOrEmpty(exe) || !File.Exists(exe), "ccusage is not installed (set TOKUSAGE_CCUSAGE; build.ps1 installs it)");
            var start = new ProcessStartInfo(exe!, "codex daily --json --offline --timezone UTC")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["HOME"] = Path.GetDirectoryName(codexHome)!;
            start.Environment["CODEX_HOME"] = codexHome;
            start.Environment["TZ"] = "UTC";
            using var process = Process.Start(start)!;
            var json = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, errors);

            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.GetProperty("daily").EnumerateArray().ToDictionary(
                d => d.GetProperty("date").GetString()!,
                d => (d.GetProperty("inputTokens").GetInt64(), d.GetProperty("cacheReadTokens").GetInt64(), d.GetProperty("outputTokens").GetInt64(),
                      d.GetProperty("reasoningOutputTokens").GetInt64(), d.GetProperty("totalTokens").GetInt64()));
        }
    }
}
