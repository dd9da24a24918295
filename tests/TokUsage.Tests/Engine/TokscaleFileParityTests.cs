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
    /// Runs tokscale 4.17.0 (installed by .ci/run or bench/install-peers.sh, named by TOKUSAGE_TOKSCALE) over the
    /// generated agents home and requires the same tokens per file-based client, except where docs/clients.md says
    /// tokscale is wrong; there the difference is pinned to exactly what the docs name. tokscale counts Droid's superseded
    /// settings copies and Kimchi's and Jcode's copied messages again; reads no bare-number Mux file; keeps OpenAI-shaped
    /// Codebuff cached tokens in input and CodeBuddy's thinking tokens in output; drops a MiniMax Code capture's calls cut
    /// before the result, a Copilot span carrying only a total, and a Devin call whose only model is "adaptive"; and reads
    /// neither VS Code's plain .json nor its empty-window Copilot chat sessions; for ZCode it estimates turns logged without
    /// usage and keeps OpenAI-shaped cached tokens in input. (On Jcode's OpenAI-style cache reads it
    /// agrees: its #937.)
    /// </summary>
    public sealed class TokscaleFileParityTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir();
        private readonly PowerShellHost _host = new PowerShellHost();

        public void Dispose()
        {
            _host.Dispose();
            _dir.Dispose();
        }

        [SkippableFact]
        public void FileClientsAgreeWithTokscaleWhereItIsRight()
        {
            var tokscale = Tokscale.Executable;
            Skip.If(tokscale is null, Tokscale.Missing);

            var home = AgentsHomeGenerator.Generate(_dir.Combine("home"));
            var ours = Read("-Path $p -Client junie, senpi, kimchi, gjc, trae, cursor, micode, opencodereview, cherrystudio, reasonix, cline, zcode, devin-cli, copilot, mcode, codebuddy, workbuddy, mux, jcode, codebuff, droid, dsh, antigravity-cli", home.Home);
            Tokens Ours(string client) => Tokens.Of(ours.Where(f => f.Client == client));

            foreach (var client in new[] { "junie", "senpi", "gjc", "trae", "cursor", "micode", "opencodereview", "cherrystudio", "reasonix", "cline", "dsh", "antigravity-cli" })
            {
                Assert.Equal((client, Ours(client)), (client, Run(tokscale!, home.Home, client)));
            }

            // What a copy adds when its file is read alone (nothing owns its messages first).
            Tokens CopiesIn(string client, IEnumerable<string> files) =>
                files.Aggregate(Tokens.Zero, (sum, file) => sum + (Tokens.Of(Read("-Path $p -Client " + client, file)) - Tokens.Of(ours.Where(f => f.Path == file))));

            // Droid: tokscale counts every settings copy of a session; TokUsage the latest only.
            var droidCopies = Directory.EnumerateFiles(Path.Combine(home.Home, ".factory", "sessions"), "*.settings.json", SearchOption.AllDirectories)
                .Where(p => !ours.Any(f => f.Path == p)).ToList();
            Assert.NotEmpty(droidCopies);
            Assert.Equal(Ours("droid") + Tokens.Of(droidCopies.SelectMany(p => Read("-Path $p -Client droid", p))), Run(tokscale!, home.Home, "droid"));

            // Kimchi: a continued session's copies of the earlier session's messages count again in tokscale.
            var kimchiFiles = ours.Where(f => f.Client == "kimchi").Select(f => f.Path).Distinct().ToList();
            var kimchiCopies = CopiesIn("kimchi", kimchiFiles);
            Assert.True(kimchiCopies.Input > 0);
            Assert.Equal(Ours("kimchi") + kimchiCopies, Run(tokscale!, home.Home, "kimchi"));

            // Mux: tokscale reads only the bucket-object shape, not an early file's bare numbers.
            Assert.Equal(Tokens.Of(ours.Where(f => f.Client == "mux" && !f.Path.Contains("/ws0/", StringComparison.Ordinal))), Run(tokscale!, home.Home, "mux"));

            // Codebuff: the same output and cache reads; tokscale keeps OpenAI-shaped cached tokens in input as well.
            var codebuff = Run(tokscale!, home.Home, "codebuff");
            Assert.Equal((Ours("codebuff").Output, Ours("codebuff").CacheRead), (codebuff.Output, codebuff.CacheRead));
            Assert.True(codebuff.Input > Ours("codebuff").Input);

            // MiniMax Code: tokscale drops the calls of a capture cut before its turn's result; TokUsage counts them as model unknown.
            var mcode = ours.Where(f => f.Client == "mcode").SelectMany(f => f.Entries).ToList();
            Assert.Contains(mcode, e => e.Model == "unknown");
            Assert.Equal(Tokens.Of(mcode.Where(e => e.Model != "unknown")), Run(tokscale!, home.Home, "mcode"));

            // CodeBuddy and WorkBuddy: tokscale keeps the thinking tokens in output as well as in reasoning (counting them
            // twice); input (cache hits taken out, its #1022) and the cache reads and writes agree.
            foreach (var client in new[] { "codebuddy", "workbuddy" })
            {
                var buddy = Run(tokscale!, home.Home, client);
                var mine = Ours(client);
                Assert.Equal((client, mine.CacheRead, mine.CacheWrite, mine.Reasoning, mine.Output + mine.Reasoning), (client, buddy.CacheRead, buddy.CacheWrite, buddy.Reasoning, buddy.Output));
                Assert.Equal((client, mine.Input), (client, buddy.Input));
            }

            // Copilot: tokscale reads VS Code's journal sessions (.jsonl) but not the older plain .json sessions nor the
            // empty-window ones, and drops a request span that carries only a total (TokUsage books it as output).
            var copilotFiles = ours.Where(f => f.Client == "copilot").ToList();
            var unreadByTokscale = copilotFiles.Where(f => f.Path.Contains("/emptyWindowChatSessions/", StringComparison.Ordinal)
                || (f.Path.EndsWith(".json", StringComparison.Ordinal) && !File.Exists(f.Path + "l"))).ToList();
            Assert.Equal(2, unreadByTokscale.Count);
            var totalOnly = copilotFiles.SelectMany(f => f.Entries).Where(e => e.InputTokens == 0 && e.CacheReadTokens == 0 && e.OutputTokens > 0).ToList();
            Assert.Single(totalOnly);
            var copilotExpected = Ours("copilot");
            Assert.Equal(
                copilotExpected with { Input = copilotExpected.Input - unreadByTokscale.Sum(f => f.InputTokens), Output = copilotExpected.Output - unreadByTokscale.Sum(f => f.OutputTokens) - totalOnly[0].OutputTokens },
                Run(tokscale!, home.Home, "copilot"));

            // Devin CLI: tokscale drops a call whose only model is the session's routing mode "adaptive"; TokUsage counts
            // it as model "adaptive" (unpriced, listed).
            var devin = ours.Where(f => f.Client == "devin-cli").SelectMany(f => f.Entries).ToList();
            Assert.Contains(devin, e => e.Model == "adaptive");
            Assert.Equal(Tokens.Of(devin.Where(e => e.Model != "adaptive")), Run(tokscale!, home.Home, "devin-cli"));

            // ZCode: tokscale estimates an assistant turn logged without usage (~4 characters a token: its 33 characters are
            // 9 output tokens, the text before it some input), where TokUsage counts the turn as skipped; and it keeps the
            // cached tokens of OpenAI-shaped usage (prompt_tokens_details) in input, where TokUsage books them as cache reads.
            var zcode = Run(tokscale!, home.Home, "zcode");
            var zcodeOurs = Ours("zcode");
            Assert.Equal(zcodeOurs.Output + 9, zcode.Output);
            Assert.True(zcode.CacheRead < zcodeOurs.CacheRead && zcode.Input + zcode.CacheRead > zcodeOurs.Input + zcodeOurs.CacheRead);
            Assert.Equal(1, ours.Where(f => f.Client == "zcode").Sum(f => f.SkippedLines));

            // Jcode: tokscale counts a resumed session's copies again; everything else, OpenAI-style cache reads included, agrees.
            var jcode = Run(tokscale!, home.Home, "jcode");
            var jcodeCopies = CopiesIn("jcode", ours.Where(f => f.Client == "jcode").Select(f => f.Path).Distinct());
            Assert.Equal(Ours("jcode") + jcodeCopies, jcode);
        }

        private List<UsageFile> Read(string arguments, string path) =>
            _host.Run("Get-TokenUsage " + arguments + " -NoCache", new Dictionary<string, object?> { ["p"] = path }).Objects<UsageFile>().ToList();

        private Tokens Run(string exe, string home, string client) => Tokscale.Run(exe, home, client, Path.Combine(home, ".config", "tokscale")).Tokens;
    }
}
