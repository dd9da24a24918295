using System;
using System.Collections.Generic;
using System.Linq;
using TokUsage.Clients;
using TokUsage.TestData;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Engine
{
    /// <summary>
    /// The "done when": one generated home mixing every implemented file-based client, read by default discovery
    /// (no -Path, no -Client) in the real engine, gives exact per-client, per-day totals, one coherent report across
    /// clients, and every damaged line counted on its client.
    /// </summary>
    [Collection(EnvironmentCollection.Name)]
    public sealed class AgentsHomeTests : IDisposable
    {
        private static readonly string[] ClientVariables =
        {
            "CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "QWEN_DATA_DIR", "KIMI_DATA_DIR", "KIMI_CODE_HOME", "AMP_DATA_DIR",
            "DROID_SESSIONS_DIR", "PI_AGENT_DIR", "COPILOT_OTEL_FILE_EXPORTER_PATH", "CODEBUFF_DATA_DIR", "OPENCLAW_DIR", "JCODE_HOME", "APPDATA",
            "OPENCODE_DATA_DIR", "KILO_DATA_DIR", "HERMES_HOME", "GOOSE_PATH_ROOT", "CRUSH_GLOBAL_DATA", "LOCALAPPDATA", "DSH_HOME",
        };

        private readonly TempDir _dir = new TempDir();
        private readonly Dictionary<string, string?> _saved = new();
        private readonly GeneratedAgentsHome _home;
        private readonly PowerShellHost _host;

        public AgentsHomeTests()
        {
            _home = AgentsHomeGenerator.Generate(_dir.Path);
            foreach (var name in ClientVariables.Concat(_home.Environment.Keys))
            {
                _saved[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, _home.Environment.TryGetValue(name, out var value) ? value : null);
            }

            _host = new PowerShellHost();
        }

        public void Dispose()
        {
            _host.Dispose();
            foreach (var (name, value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            _dir.Dispose();
        }

        [Fact]
        public void EveryImplementedClientIsInTheHome()
        {
            Assert.Equal(ClientRegistry.Ids.OrderBy(i => i, StringComparer.Ordinal), _home.Messages.Select(m => m.Client).Distinct().OrderBy(i => i, StringComparer.Ordinal));
        }

        [Fact]
        public void PerClientPerDayTotalsAreExact()
        {
            var files = _host.Run("Get-TokenUsage").Objects<UsageFile>().ToList();
            var ours = files.SelectMany(f => f.Entries.Select(e => (f.Client, Day: e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd"), e)))
                .GroupBy(x => (x.Client, x.Day))
                .ToDictionary(g => g.Key, g => (Messages: (long)g.Count(), Input: g.Sum(x => x.e.InputTokens), Output: g.Sum(x => x.e.OutputTokens),
                    CacheRead: g.Sum(x => x.e.CacheReadTokens), CacheWrite: g.Sum(x => x.e.CacheWriteTokens), Reasoning: g.Sum(x => x.e.ReasoningTokens), Cost: g.Sum(x => x.e.Cost)));
            var expected = _home.Messages.GroupBy(m => (m.Client, Day: m.Timestamp.UtcDateTime.ToString("yyyy-MM-dd")))
                .ToDictionary(g => g.Key, g => ExpectedTotals.Of(g));

            Assert.Equal(expected.Keys.OrderBy(k => k), ours.Keys.OrderBy(k => k));
            foreach (var (key, e) in expected)
            {
                var o = ours[key];
                Assert.Equal((key, e.Messages, e.Input, e.Output, e.CacheRead, e.CacheWrite, e.Reasoning), (key, o.Messages, o.Input, o.Output, o.CacheRead, o.CacheWrite, o.Reasoning));
                Assert.True(e.Cost == o.Cost, $"{key}: expected cost {e.Cost}, got {o.Cost}");
            }
        }

        /// <summary>
        /// Issue 16 across every client: the history saved with Save-TokenUsage is exactly the history of the logs — per
        /// client and day, tokens and cost — while the logs are there (nothing counted twice) and after every log is gone
        /// (databases, keep-latest dumps, cumulative copies and formats without ids included); saving again adds nothing.
        /// </summary>
        [Fact]
        public void EveryClientsHistoryIsIdenticalAfterItsLogsAreDeleted()
        {
            static Dictionary<(string Client, string Day), string> Totals(IEnumerable<UsageFile> files) => files
                .SelectMany(f => f.Entries.Select(e => (f.Client, Day: e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd"), e)))
                .GroupBy(x => (x.Client, x.Day))
                .ToDictionary(g => g.Key, g => $"{g.Count()} {g.Sum(x => x.e.InputTokens)} {g.Sum(x => x.e.OutputTokens)} {g.Sum(x => x.e.CacheReadTokens)} "
                    + $"{g.Sum(x => x.e.CacheWriteTokens)} {g.Sum(x => x.e.ReasoningTokens)} {g.Sum(x => x.e.Cost)}");

            using var storeDir = new TempDir(); // apart from the home, whose every file is deleted below
            var store = storeDir.Combine("store", "usage.db");
            var variables = new Dictionary<string, object?> { ["s"] = store };
            var live = _host.Run("Get-TokenUsage -NoStore").Objects<UsageFile>().ToList();
            var expected = Totals(live);
            Assert.Equal(_home.Messages.Count, live.Sum(f => f.Messages));

            var saved = _host.Run("Get-TokenUsage | Save-TokenUsage -StorePath $s", variables).AssertNoErrors().Objects<StoreSaveResult>().Single();
            Assert.Equal(_home.Messages.Count, saved.Added);
            Assert.Equal(expected, Totals(_host.Run("Get-TokenUsage -StorePath $s", variables).AssertNoErrors().Objects<UsageFile>()));
            Assert.Equal(0, _host.Run("Get-TokenUsage | Save-TokenUsage -StorePath $s", variables).AssertNoErrors().Objects<StoreSaveResult>().Single().Added);

            foreach (var file in System.IO.Directory.GetFiles(_home.Home, "*", System.IO.SearchOption.AllDirectories))
            {
                System.IO.File.Delete(file);
            }

            Assert.Empty(_host.Run("Get-TokenUsage -NoStore").Objects<UsageFile>());
            var archived = _host.Run("Get-TokenUsage -StorePath $s", variables).AssertNoErrors().Objects<UsageFile>().ToList();
            Assert.All(archived, f => Assert.True(f.Archived, f.Path));
            Assert.Equal(expected.OrderBy(e => e.Key), Totals(archived).OrderBy(e => e.Key));
            var again = _host.Run("Get-TokenUsage -StorePath $s | Save-TokenUsage -StorePath $s", variables).AssertNoErrors().Objects<StoreSaveResult>().Single();
            Assert.Equal((0L, (long)archived.Count, (long)_home.Messages.Count), (again.Added, again.Archived, again.StoredMessages));
        }

        [Fact]
        public void EveryFileIsAttributedAsTheGeneratorSays()
        {
            var files = _host.Run("Get-TokenUsage").Objects<UsageFile>().ToList();

            // A log file is one object; a database, or a Trae usage dump, is one object per session.
            static bool IsDatabase(string path) => path.EndsWith(".db", StringComparison.Ordinal) || path.Contains("/trae-cache/", StringComparison.Ordinal);
            var expected = _home.Messages.GroupBy(m => (m.OwnerFile, Session: IsDatabase(m.OwnerFile) ? m.SessionId : "")).ToDictionary(g => g.Key, g => ExpectedTotals.Of(g));
            foreach (var file in files.Where(f => f.Messages > 0))
            {
                var key = (file.Path, IsDatabase(file.Path) ? file.SessionId : "");
                Assert.True(expected.ContainsKey(key), key.ToString());
                Assert.Equal((key, expected[key].Total, expected[key].Messages), (key, file.TotalTokens, (long)file.Messages));
            }

            Assert.Equal(expected.Count, files.Count(f => f.Messages > 0));
            var sessionsOfDatabases = _home.Messages.Where(m => IsDatabase(m.OwnerFile)).GroupBy(m => m.OwnerFile)
                .ToDictionary(g => g.Key, g => g.Select(m => m.SessionId).Distinct().Count());
            Assert.True(sessionsOfDatabases.Count >= 8);
            foreach (var (db, sessions) in sessionsOfDatabases)
            {
                Assert.Equal((db, sessions), (db, files.Count(f => f.Path == db && f.Messages > 0)));
            }
            foreach (var (client, damaged) in _home.Damaged)
            {
                Assert.Equal((client, damaged), (client, files.Where(f => f.Client == client).Sum(f => f.SkippedLines)));
            }
        }

        [Fact]
        public void MeasureByClientGivesOneCoherentReport()
        {
            var run = _host.Run("Get-TokenUsage | Measure-TokenUsage -By Client");
            var rows = run.Objects<GroupSummary>().ToDictionary(r => r.Name);
            var expected = _home.Messages.GroupBy(m => m.Client).ToDictionary(g => g.Key, g => ExpectedTotals.Of(g));
            Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), rows.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (client, e) in expected)
            {
                Assert.Equal((client, e.Total, e.Cost), (client, rows[client].TotalTokens, rows[client].Cost));
                Assert.Equal(new[] { client }, rows[client].Clients);
            }

            var day = _host.Run("Get-TokenUsage | Measure-TokenUsage -By Month -TimeZone UTC").Objects<PeriodSummary>().Single();
            Assert.Equal(ExpectedTotals.Of(_home.Messages).Total, day.TotalTokens);
            Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), day.Clients);
            Assert.Contains("gemini-2.5-flash", day.Models);
            Assert.Contains("kimi-for-coding", day.UnpricedModels);
        }

        [Fact]
        public void ReportedCostsAreKeptAndSaySo()
        {
            var reported = _home.Messages.Where(m => m.ReportedCost.HasValue).ToList();
            Assert.NotEmpty(reported);
            var files = _host.Run("Get-TokenUsage").AssertNoErrors().Objects<UsageFile>().ToList();
            Assert.Equal(reported.Sum(m => m.ReportedCost!.Value), files.Sum(f => f.ReportedCost));
            Assert.Contains(files, f => f.CostSource == CostSource.Reported && f.ReportedCost == f.Cost && f.Cost > 0);
            Assert.Contains(files, f => f.CostSource == CostSource.Calculated && f.ReportedCost == 0m);
            Assert.All(files.SelectMany(f => f.Entries).Where(e => e.CostSource == CostSource.Reported), e => Assert.True(e.Cost > 0));

            var all = _host.Run("Get-TokenUsage | Measure-TokenUsage -By Client").AssertNoErrors().Objects<GroupSummary>().ToDictionary(r => r.Name, StringComparer.Ordinal);
            Assert.Equal(CostSource.Calculated, all["claude"].CostSource);
            Assert.Equal(reported.Where(m => m.Client == "cline").Sum(m => m.ReportedCost!.Value), all["cline"].ReportedCost);
            var month = _host.Run("Get-TokenUsage | Measure-TokenUsage -By Month").AssertNoErrors().Objects<PeriodSummary>().Single();
            Assert.Equal(CostSource.Mixed, month.CostSource);
            Assert.Equal(reported.Sum(m => m.ReportedCost!.Value), month.ReportedCost);
        }

        [Fact]
        public void ClientParameterSelectsOneClient()
        {
            foreach (var client in new[] { "gemini", "cline", "copilot" })
            {
                var files = _host.Run("Get-TokenUsage -Client $c", new Dictionary<string, object?> { ["c"] = client }).AssertNoErrors().Objects<UsageFile>().ToList();
                Assert.NotEmpty(files);
                Assert.All(files, f => Assert.Equal(client, f.Client));
                Assert.Equal(_home.Messages.Where(m => m.Client == client).Sum(m => m.Total), files.Sum(f => f.TotalTokens));
            }
        }
    
        [Fact]
        public void SourcesShowEveryClientsFoldersAndFiles()
        {
            var sources = _host.Run("Get-TokenUsageSource").AssertNoErrors().Objects<UsageSource>().ToList();
            Assert.Equal(ClientRegistry.Ids.OrderBy(i => i, StringComparer.Ordinal), sources.Select(s => s.Client).Distinct().OrderBy(i => i, StringComparer.Ordinal));
            var existing = _host.Run("Get-TokenUsageSource -Existing").Objects<UsageSource>().ToList();
            Assert.All(existing, s => Assert.True(s.Exists));
            Assert.Contains(sources, s => !s.Exists);
            foreach (var client in ClientRegistry.Ids)
            {
                Assert.True(existing.Where(s => s.Client == client).Sum(s => s.Files) > 0, client + " has no files");
            }

            // Gemini: 4 session JSON files, one recording, one torn JSON file; the counts are the scanner's.
            Assert.Equal(6, existing.Where(s => s.Client == "gemini").Sum(s => s.Files));
            var read = _host.Run("Get-TokenUsage -Client gemini").Objects<UsageFile>().Count();
            Assert.Equal(6, read);

            var codex = _host.Run("$env:CODEX_HOME = $h; try { Get-TokenUsageSource codex } finally { $env:CODEX_HOME = $null }",
                new Dictionary<string, object?> { ["h"] = System.IO.Path.Combine(_home.Home, ".codex") }).Objects<UsageSource>().ToList();
            Assert.Equal(new[] { "CODEX_HOME", "CODEX_HOME" }, codex.Select(s => s.Origin));
            Assert.Equal(System.IO.Path.Combine(_home.Home, ".codex", "sessions"), codex[0].Root);
        }
    
        [Fact]
        public void PathOnTheWholeHomeGivesEachFileToItsClient()
        {
            var rows = _host.Run("Get-TokenUsage -Path $h | Measure-TokenUsage -By Client", new Dictionary<string, object?> { ["h"] = _home.Home })
                .AssertNoErrors().Objects<GroupSummary>().ToDictionary(r => r.Name);
            var expected = _home.Messages.GroupBy(m => m.Client).ToDictionary(g => g.Key, g => ExpectedTotals.Of(g).Total);
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), rows.Select(r => KeyValuePair.Create(r.Key, r.Value.TotalTokens)).OrderBy(e => e.Key, StringComparer.Ordinal));
        }
    }
}
