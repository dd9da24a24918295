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
    /// Runs tokscale 4.17.0 (`tokscale --home &lt;home&gt; models --json --client &lt;id&gt;`, installed by .ci/run or
    /// bench/install-peers.sh and pointed to by TOKUSAGE_TOKSCALE) over the generated databases and requires the same
    /// tokens per database client — except where docs/clients.md says tokscale is wrong, which this test pins down:
    /// it reads no Hermes database of the older schema (a query naming columns that are not there fails), drops Goose
    /// sessions without a model, counts only Zed's hosted threads, and aborts its OpenCode query at a damaged row
    /// (so the damaged row is removed here first).
    /// </summary>
    public sealed class TokscaleDatabaseParityTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir();
        private readonly PowerShellHost _host = new PowerShellHost();

        public void Dispose()
        {
            _host.Dispose();
            _dir.Dispose();
        }

        [SkippableFact]
        public void DatabaseClientsAgreeWithTokscaleWhereItIsRight()
        {
            var tokscale = Tokscale.Executable;
            Skip.If(tokscale is null, Tokscale.Missing);

            var home = AgentsHomeGenerator.Generate(_dir.Combine("home"));
            var opencodeDb = Path.Combine(home.Home, ".local", "share", "opencode", "opencode.db");
            using (var db = SqliteFiles.Open(opencodeDb))
            {
                Assert.Equal(1, SqliteFiles.Exec(db, "DELETE FROM message WHERE id = 'msg_torn'"));
            }

            // Rows no session can have (9.3e18 tokens, a $7e27 cost) are damage here; tokscale counts the tokens of the
            // second. Where the peer is wrong the rows are taken out (docs/clients.md, Hermes).
            using (var db = SqliteFiles.Open(Path.Combine(home.Home, ".hermes", "state.db")))
            {
                Assert.Equal(2, SqliteFiles.Exec(db, "DELETE FROM session_model_usage WHERE model IN ('gpt-5.4', 'gpt-5.4-mini')"));
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var ours = _host.Run("Get-TokenUsage -Path $p -Client opencode, kilo, hermes, goose, zed, crush", new Dictionary<string, object?> { ["p"] = home.Home })
                .AssertNoErrors().Objects<UsageFile>().ToList();
            Tokens Sum(IEnumerable<UsageFile> files) => new(files.Sum(f => f.InputTokens), files.Sum(f => f.OutputTokens), files.Sum(f => f.CacheReadTokens),
                files.Sum(f => f.CacheWriteTokens), files.Sum(f => f.ReasoningTokens));

            var hostedZedThreads = home.Messages.Where(m => m.Client == "zed" && m.Markup == 1.1m).Select(m => m.SessionId).ToHashSet();
            var expected = new Dictionary<string, Tokens>
            {
                ["opencode"] = Sum(ours.Where(f => f.Client == "opencode")),
                ["kilo"] = Sum(ours.Where(f => f.Client == "kilo")),
                ["hermes"] = Sum(ours.Where(f => f.Client == "hermes" && f.Project != "work")),
                ["goose"] = Sum(ours.Where(f => f.Client == "goose" && !f.Models.Contains("unknown"))),
                ["zed"] = Sum(ours.Where(f => f.Client == "zed" && hostedZedThreads.Contains(f.SessionId))),
            };
            Assert.Contains(ours, f => f.Client == "hermes" && f.Project == "work");
            Assert.Contains(ours, f => f.Client == "goose" && f.Models.Contains("unknown"));

            foreach (var (client, tokens) in expected)
            {
                var (theirs, _) = Run(tokscale!, home.Home, client);
                Assert.Equal((client, tokens), (client, theirs));
            }

            var (_, crushCost) = Run(tokscale!, home.Home, "crush");
            Assert.Equal(ours.Where(f => f.Client == "crush").Sum(f => f.ReportedCost), crushCost);
        }

        private (Tokens Tokens, decimal Cost) Run(string exe, string home, string client) => Tokscale.Run(exe, home, client, _dir.Combine("tokscale-config"));
    }
}
