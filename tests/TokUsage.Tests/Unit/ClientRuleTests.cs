using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using TokUsage.Tests.Support;
using TokUsage.Clients;
using TokUsage.Clients.Agents;
using TokUsage.Clients.Common;
using TokUsage.Pipeline;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>Small rules of the client readers, driven without PowerShell.</summary>
    public sealed class ClientRuleTests
    {
        /// <summary>Claude Code's side-chain transcripts (admitted last, owning no session) by their path, as named.</summary>
        [Theory]
        [InlineData("/h/.claude/projects/-p/s1/subagents/agent-a1.jsonl", true)]
        [InlineData("/h/.claude/projects/-p/s1/subagents/notes.jsonl", true)]
        [InlineData("/h/.claude/projects/-p/agent-a1.jsonl", true)]
        [InlineData("/h/.claude/projects/-p/s1.jsonl", false)]
        [InlineData("/h/.claude/projects/subagents-old/s1.jsonl", false)]
        [InlineData("/h/.claude/projects/-p/my-agent-1.jsonl", false)]
        [InlineData("subagents/s1.jsonl", true)]
        [InlineData("s1.jsonl", false)]
        [InlineData("/agent-.jsonl", true)]
        [InlineData("/h/subagents//s1.jsonl", true)]
        public void SideChainTranscriptsAreToldByTheirPath(string path, bool sideChain) =>
            Assert.Equal(sideChain, TokUsage.Clients.Claude.ClaudePaths.IsSideChainFile(path));

        [Theory]
        [InlineData("custom:Claude-Opus-4.5-Thinking-[Anthropic]-0", "claude-opus-4-5-thinking-0")]
        [InlineData("custom:Kimi-K3-0", "kimi-k3-0")]
        [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929")]
        [InlineData("GPT-5.1-Codex", "gpt-5-1-codex")]
        public void DroidModelLabelsAreNormalised(string logged, string expected) => Assert.Equal(expected, Droid.Normalize(logged));

        [Theory]
        [InlineData("\"2026-05-01T09:00:00Z\"", "2026-05-01T09:00:00.000Z")]
        [InlineData("\"2026-05-01T11:00:00+02:00\"", "2026-05-01T09:00:00.000Z")]
        [InlineData("\"2026-05-01T09:00:00\"", "2026-05-01T09:00:00.000Z")] // no offset: UTC
        [InlineData("1777626000", "2026-05-01T09:00:00.000Z")]           // epoch seconds
        [InlineData("1777626000.5", "2026-05-01T09:00:00.500Z")]         // float seconds (Kimi)
        [InlineData("1777626000000", "2026-05-01T09:00:00.000Z")]        // epoch milliseconds
        [InlineData("\"1777626000000\"", "2026-05-01T09:00:00.000Z")]    // numeric string
        public void TimestampsInEveryShapeAgentsWrite(string json, string expected)
        {
            using var doc = JsonDocument.Parse(json);
            Assert.True(JsonValues.TryTimestamp(doc.RootElement, out var t));
            Assert.Equal(expected, t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));
        }

        [Theory]
        [InlineData("0")]
        [InlineData("-5")]
        [InlineData("\"not a time\"")]
        [InlineData("true")]
        public void NonTimestampsAreRejected(string json)
        {
            using var doc = JsonDocument.Parse(json);
            Assert.False(JsonValues.TryTimestamp(doc.RootElement, out _));
        }

        /// <summary>
        /// A Copilot chat journal line whose patch path is 200,000 steps long (crafted or damaged): the replay descends one
        /// level per step, so such a write is dropped, not followed into a stack overflow; the session's other requests count.
        /// </summary>
        [Fact]
        public void ACopilotChatPatchWithAnEndlessPathIsDroppedAndTheSessionStillCounts()
        {
            using var dir = new Support.TempDir();
            var file = Path.Combine(dir.Path, "Code", "User", "workspaceStorage", "h", "chatSessions", "s.jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var request = "{\"timestamp\":1783000000000,\"modelId\":\"copilot/gpt-5.4-mini\",\"result\":{\"metadata\":{\"promptTokens\":100,\"outputTokens\":10,\"resolvedModel\":\"gpt-5.4-mini\"}}}";
            var path = "[\"requests\",0," + string.Join(",", Enumerable.Repeat("\"a\"", 200_000)) + "]";
            File.WriteAllLines(file, new[] { "{\"kind\":0,\"v\":{\"requests\":[" + request + "]}}", "{\"kind\":1,\"k\":" + path + ",\"v\":1}" });
            var source = new SourceFile(Copilot.Source, file, new FileInfo(file).Length, File.GetLastWriteTimeUtc(file), dir.Path);
            var parsed = Copilot.Source.Read(source, new ReadOptions(TokUsage.Pricing.PriceBook.Embedded, DateWindow.All), CancellationToken.None);
            Assert.Null(parsed.Error);
            Assert.Equal(110L, parsed.Entries().Sum(e => e.Entry.TotalTokens));
        }

        /// <summary>
        /// A whole-JSON session file of the wrong shape (an array where the agent writes an object, or the reverse) holds
        /// nothing to count: it is one damaged line, not a silently empty session (issue 19: one preamble for these readers).
        /// </summary>
        [Theory]
        [InlineData("jcode", "[]")]
        [InlineData("amp", "\"a string\"")]
        [InlineData("trae", "{\"sessions\":[]}")]
        [InlineData("jcode", "{\"id\":\"s1\",\"messages\":[]}")]
        public void AJsonFileOfTheWrongShapeIsOneDamagedLine(string client, string json)
        {
            using var dir = new Support.TempDir();
            var file = Path.Combine(dir.Path, "session.json");
            File.WriteAllText(file, json);
            var reader = client switch { "jcode" => Jcode.Source, "amp" => Amp.Source, _ => Trae.Source };
            var parsed = reader.Read(new SourceFile(reader, file, new FileInfo(file).Length, File.GetLastWriteTimeUtc(file), dir.Path), new ReadOptions(TokUsage.Pricing.PriceBook.Embedded, DateWindow.All), CancellationToken.None);
            Assert.Null(parsed.Error);
            Assert.Empty(parsed.Entries());
            var rightShape = json.StartsWith("{", StringComparison.Ordinal) == (client != "trae");
            Assert.Equal(rightShape ? 0L : 1L, parsed.Damaged.Count);
        }

        /// <summary>
        /// A DeepSeek Harness session is read while DSH appends to it, one zstd frame per flush: a torn last frame keeps
        /// every complete frame's calls and is one damaged line, whether it cut inside a line or between two.
        /// </summary>
        [Theory]
        [InlineData(0.5)]
        [InlineData(0.9)]
        [InlineData(1.0)]
        public void ADshSessionWithATornLastFrameKeepsTheCompleteFrames(double keptOfLastFrame)
        {
            using var dir = new Support.TempDir();
            var file = Path.Combine(dir.Path, ".dsh", "sessions", "-w", "sid-1", "session.jsonl.zstd");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            string Call(int seq, int input) =>
                "{\"type\":\"assistant/message\",\"seq\":" + seq + ",\"time\":1783352134832,\"data\":{\"message\":{\"id\":\"m" + seq + "\",\"source\":{\"model\":\"deepseek-chat\"}},\"usage\":{\"inputTokens\":" + input + ",\"outputTokens\":10,\"reasoningTokens\":4}}}\n";
            using var compressor = new ZstdSharp.Compressor(3);
            var frames = new[]
            {
                compressor.Wrap(System.Text.Encoding.UTF8.GetBytes("{\"type\":\"session\",\"id\":\"sid-1\",\"cwd\":\"/w\"}\n" + Call(1, 100))).ToArray(),
                compressor.Wrap(System.Text.Encoding.UTF8.GetBytes(Call(2, 200))).ToArray(),
                compressor.Wrap(System.Text.Encoding.UTF8.GetBytes(Call(3, 400) + Call(4, 800))).ToArray(),
            };
            var last = frames[2];
            var kept = keptOfLastFrame >= 1.0 ? last.Length - 1 : (int)(last.Length * keptOfLastFrame);
            File.WriteAllBytes(file, frames[0].Concat(frames[1]).Concat(last.Take(kept)).ToArray());

            var source = new SourceFile(Dsh.Source, file, new FileInfo(file).Length, File.GetLastWriteTimeUtc(file), dir.Path);
            var parsed = Dsh.Source.Read(source, new ReadOptions(TokUsage.Pricing.PriceBook.Embedded, DateWindow.All), CancellationToken.None);
            Assert.Null(parsed.Error);
            Assert.Equal(1L, parsed.Damaged.Count);
            Assert.Equal(new[] { 100L, 200L }, parsed.Entries().Select(e => e.Entry.InputTokens).Take(2));
            Assert.All(parsed.Entries(), e => Assert.Equal((6L, 4L), (e.Entry.OutputTokens, e.Entry.ReasoningTokens)));
            Assert.Equal(("sid-1", "/w"), (parsed.SessionId, parsed.Project));
        }

        [Fact]
        public void CountsAcceptNumbersAndNumericStringsAndClampNegatives()
        {
            using var doc = JsonDocument.Parse("{\"a\":12,\"b\":\"34\",\"c\":-3,\"d\":5.6,\"e\":\"x\"}");
            var o = doc.RootElement;
            Assert.Equal((12L, 34L, 0L, 6L, 0L, 7L), (JsonValues.Count(o, "a"), JsonValues.Count(o, "b"), JsonValues.Count(o, "c"), JsonValues.Count(o, "d"), JsonValues.Count(o, "e"), JsonValues.Count(o, "missing", "x", "a") - 5));
        }

        [Fact]
        public void GeminiPromptCountsIncludeCacheOnlyWhenTheTotalSaysSo()
        {
            using var inclusive = JsonDocument.Parse("{\"input\":1500,\"output\":200,\"cached\":1000,\"thoughts\":50,\"tool\":0,\"total\":1750}");
            var t = Gemini.Tokens(inclusive.RootElement);
            Assert.Equal((500L, 1000L, 200L, 50L), (t.Input, t.CacheRead, t.Output, t.Reasoning));

            using var exclusive = JsonDocument.Parse("{\"input\":500,\"output\":200,\"cached\":1000,\"thoughts\":50,\"total\":1750}");
            t = Gemini.Tokens(exclusive.RootElement);
            Assert.Equal((500L, 1000L, 200L, 50L), (t.Input, t.CacheRead, t.Output, t.Reasoning));
        }

        [Fact]
        public void FamilyRootFollowsForksOfForksAndEqualKeysOfTwoFamiliesDiffer()
        {
            var gate = new DedupGate();
            Assert.Equal("a", gate.FamilyRoot("codex", new SessionLineage("a", null)));
            Assert.Equal("a", gate.FamilyRoot("codex", new SessionLineage("b", "a")));
            Assert.Equal("a", gate.FamilyRoot("codex", new SessionLineage("c", "b")));
            Assert.Equal("z", gate.FamilyRoot("codex", new SessionLineage("y", "z"))); // parent not seen: its id is the root
            Assert.Equal("b", gate.FamilyRoot("other", new SessionLineage("c", "b"))); // per client: b unknown there

            var key = MessageRecorder.Key("t:1:2:3:4:5");
            var inA = key.Scoped(MessageRecorder.Key("a"));
            Assert.NotEqual(inA, key.Scoped(MessageRecorder.Key("z")));
            Assert.True(gate.TryClaim("codex", gate.ClaimedKeysOf("codex"), inA, default));
            Assert.False(gate.TryClaim("codex", gate.ClaimedKeysOf("codex"), key.Scoped(MessageRecorder.Key("a")), default));
            Assert.True(gate.TryClaim("jcode", gate.ClaimedKeysOf("jcode"), inA, default)); // another client's lane
        }
    }
}
