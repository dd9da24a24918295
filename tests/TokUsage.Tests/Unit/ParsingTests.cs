using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using TokUsage.Clients;
using TokUsage.Clients.Claude;
using TokUsage.Parsing;
using TokUsage.Pipeline;
using TokUsage.Pricing;
using TokUsage.Tests.Support;
using Xunit;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Tests.Unit
{
    public sealed class ParsingTests
    {
        [Theory]
        [InlineData("", 0xEF46DB3751D8E999UL)]
        [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
        [InlineData("abc", 0x44BC2CF5AD770999UL)]
        [InlineData("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1UL)]
        public void XxHash64MatchesTheReferenceVectors(string input, ulong expected)
        {
            Assert.Equal(expected, XxHash64.Hash(Encoding.ASCII.GetBytes(input), 0));
        }

        private static List<(string Text, LineRead Kind, bool Terminated)> ReadAll(byte[] bytes, int maxLine = JsonlLineReader.DefaultMaxLineBytes)
        {
            var result = new List<(string, LineRead, bool)>();
            using var reader = new JsonlLineReader(new MemoryStream(bytes), 0, CancellationToken.None, maxLine);
            while (true)
            {
                var kind = reader.Read(out var line);
                if (kind == LineRead.EndOfFile)
                {
                    return result;
                }

                result.Add((Encoding.UTF8.GetString(line), kind, reader.LastLineTerminated));
            }
        }

        [Fact]
        public void LineReaderSplitsAcrossBufferBoundariesAndHandlesBomCrLfAndATornLastLine()
        {
            var big = new string('x', 300_000); // longer than the initial buffer
            var text = "\uFEFFfirst\r\n" + big + "\n\nlast-without-newline";
            var lines = ReadAll(Encoding.UTF8.GetBytes(text));
            Assert.Equal(new[] { "first", big, string.Empty, "last-without-newline" }, lines.Select(l => l.Text));
            Assert.Equal(new[] { true, true, true, false }, lines.Select(l => l.Terminated));
        }

        [Fact]
        public void LineReaderPassesOverLinesAboveTheLimitWithoutBufferingThem()
        {
            var text = "short\n" + new string('y', 1_000_000) + "\nafter\n";
            var lines = ReadAll(Encoding.UTF8.GetBytes(text), maxLine: 200_000);
            Assert.Equal(new[] { LineRead.Line, LineRead.Oversized, LineRead.Line }, lines.Select(l => l.Kind));
            Assert.Equal("after", lines[2].Text);
        }

        [Fact]
        public void LineReaderReportsTheOffsetAfterTheLastCompleteLine()
        {
            using var reader = new JsonlLineReader(new MemoryStream(Encoding.UTF8.GetBytes("ab\ncd\nef")), 0, CancellationToken.None);
            while (reader.Read(out _) != LineRead.EndOfFile)
            {
            }

            Assert.Equal(6, reader.CompleteOffset);
        }

        private static (LineKind Kind, ClaudeMessage Message, string? Damage) Parse(string json)
        {
            var kind = new ClaudeLineParser().Parse(Encoding.UTF8.GetBytes(json), out var message, out var damage);
            return (kind, message, damage);
        }

        [Fact]
        public void ParserReadsUsageCacheSplitSpeedAndKey()
        {
            var (kind, m, _) = Parse("{\"timestamp\":\"2026-05-01T10:00:00.500+02:00\",\"requestId\":\"req_1\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-opus-4-6\",\"content\":[{\"type\":\"text\",\"text\":\"usage \\\"usage\\\"\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"cache_read_input_tokens\":5,\"cache_creation_input_tokens\":10,\"cache_creation\":{\"ephemeral_5m_input_tokens\":4,\"ephemeral_1h_input_tokens\":6},\"speed\":\"fast\",\"server_tool_use\":{\"web_search_requests\":0}}}}");
            Assert.Equal(LineKind.Usage, kind);
            Assert.Equal((3L, 4L, 5L, 10L, 6L), (m.Tokens.Input, m.Tokens.Output, m.Tokens.CacheRead, m.Tokens.CacheWrite, m.Tokens.CacheWrite1h));
            Assert.True(m.Fast);
            Assert.Equal(new DateTimeOffset(2026, 5, 1, 8, 0, 0, 500, TimeSpan.Zero), m.Timestamp);
            Assert.Equal(TimeSpan.Zero, m.Timestamp.Offset);
            Assert.True(m.HasKey);
            Assert.Equal(MessageKey.Of(Encoding.UTF8.GetBytes("msg_1:req_1")), m.Key);
            Assert.Equal("claude-opus-4-6", m.Model);
        }

        [Fact]
        public void ParserReadsSubAgentProgressEchoes()
        {
            var (kind, m, _) = Parse("{\"type\":\"progress\",\"timestamp\":\"2026-05-01T10:00:00Z\",\"data\":{\"message\":{\"type\":\"assistant\",\"timestamp\":\"2026-05-01T11:00:00Z\",\"requestId\":\"req_9\",\"message\":{\"id\":\"msg_9\",\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}},\"type\":\"agent_progress\"}}");
            Assert.Equal(LineKind.Usage, kind);
            Assert.Equal(11, m.Timestamp.Hour);
            Assert.Equal(MessageKey.Of(Encoding.UTF8.GetBytes("msg_9:req_9")), m.Key);
        }

        [Theory]
        [InlineData("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"},\"toolUseResult\":{\"usage\":{\"input_tokens\":5}}}", "NoUsage")]
        [InlineData("{\"timestamp\":\"2026-05-01T10:00:00Z\",\"message\":{\"usage\":{\"input_tokens\":\"x\",\"output_tokens\":1}}}", "Damaged")]
        [InlineData("{\"timestamp\":\"2026-05-01T10:00:00Z\",\"message\":{\"usage\":{\"input_tokens\":-1,\"output_tokens\":1}}}", "Damaged")]
        [InlineData("{\"timestamp\":\"2026-05-01T10:00:00Z\",\"message\":{\"usage\":{\"input_tokens\":1.5,\"output_tokens\":1}}}", "Damaged")]
        [InlineData("{\"timestamp\":\"2026-05-01T10:00:00Z\",\"message\":{\"usage\":{\"output_tokens\":1}}}", "Damaged")]
        [InlineData("{\"timestamp\":\"yesterday\",\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}", "Damaged")]
        [InlineData("{\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}", "Damaged")]
        [InlineData("{\"timestamp\":\"2026-05-01T10:00:00Z\",\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":1", "Damaged")]
        [InlineData("[1,2]", "Damaged")]
        [InlineData("{\"timestamp\":\"2026-05-01T10:00:00Z\",\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"cache_read_input_tokens\":null}}}", "Usage")]
        public void ParserClassifiesLines(string json, string expected)
        {
            Assert.Equal(expected, Parse(json).Kind.ToString());
        }

        [Fact]
        public void AMessageWithoutIdIsNeverDeduplicated()
        {
            var (_, m, _) = Parse("{\"timestamp\":\"2026-05-01T10:00:00Z\",\"message\":{\"model\":\"<synthetic>\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0}}}");
            Assert.False(m.HasKey);
            Assert.Equal("<synthetic>", m.Model);
        }

        [Fact]
        public void FileReaderMergesLinesOfOneMessageByFieldMaximumAndCountsDamage()
        {
            using var dir = new TempDir();
            var path = dir.Combine("proj", "s.jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, string.Join("\n",
                Line("msg_1", "2026-05-01T23:59:59.900Z", input: 5, output: 1, cacheRead: 100),
                Line("msg_1", "2026-05-02T00:00:00.200Z", input: 5, output: 80, cacheRead: 100),
                Line("msg_1", "2026-05-02T00:00:00.300Z", input: 5, output: 80, cacheRead: 100),
                "{\"type\":\"user\"",
                Line("msg_2", "2026-05-02T01:00:00Z", input: 7, output: 3, cacheRead: 0),
                "{\"timestamp\":\"2026-05-02T02:00:00Z\",\"message\":{\"id\":\"msg_3\",\"usage\":{\"input_tokens\""));
            var source = new SourceFile(ClaudeSource.Instance, path, new FileInfo(path).Length, DateTime.UtcNow, dir.Path);
            var parsed = ClaudeFileReader.Read(source, new ReadOptions(PriceBook.Embedded, DateWindow.All), CancellationToken.None);
            Assert.Equal(2, parsed.Damaged.Count);
            Assert.Equal(new long[] { 4, 6 }, parsed.Damaged.Samples.Select(s => s.LineNumber));
            Assert.Contains("torn last line", parsed.Damaged.Samples[1].Reason, StringComparison.Ordinal);
            var entries = parsed.Entries().Select(e => e.Entry).ToList();
            Assert.Equal(2, entries.Count);
            Assert.Equal((5L, 80L, 100L), (entries[0].InputTokens, entries[0].OutputTokens, entries[0].CacheReadTokens));
            Assert.Equal(new DateTimeOffset(2026, 5, 2, 0, 0, 0, 200, TimeSpan.Zero), entries[0].Timestamp); // the first complete line
            Assert.Equal(("s", "proj"), (parsed.SessionId, parsed.Project));
        }

        /// <summary>
        /// A worker thread reads its files with one parser: a file read after others (one ending in a torn line, one with
        /// another session's lines and models) gives what it gives read first on a thread of its own.
        /// </summary>
        [Fact]
        public void AFileReadsTheSameAfterOtherFilesOnTheSameThread()
        {
            using var dir = new TempDir();
            SourceFile Write(string name, params string[] lines)
            {
                var path = dir.Combine("proj", name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, string.Join("\n", lines));
                return new SourceFile(ClaudeSource.Instance, path, new FileInfo(path).Length, DateTime.UtcNow, dir.Path);
            }

            var read = new ReadOptions(PriceBook.Embedded, DateWindow.All);
            var torn = Write("a.jsonl", Line("msg_a", "2026-05-01T10:00:00Z", 1, 2, 3), "{\"timestamp\":\"2026-05-01T11:00:00Z\",\"sessionId\":\"other\",\"message\":{\"id\":\"msg_x\",\"usage\":{\"input_tokens\"");
            var copied = Write("b.jsonl", "{\"type\":\"assistant\",\"sessionId\":\"original\",\"timestamp\":\"2026-05-01T09:00:00Z\",\"requestId\":\"r\",\"message\":{\"id\":\"msg_b\",\"model\":\"claude-opus-4-1\",\"usage\":{\"input_tokens\":4,\"output_tokens\":5}}}");
            var plain = Write("c.jsonl", Line("msg_c", "2026-05-02T10:00:00Z", 7, 8, 9));

            string Describe(SourceFile file)
            {
                var snapshot = ClaudeFileReader.ReadSnapshot(file, null, CancellationToken.None);
                return string.Join(";", snapshot.Messages.Select(m => $"{m.Model} {m.Tokens.Input} {m.Tokens.Output} {m.Timestamp:O} {m.Response.IsKnown}"))
                    + $"|{snapshot.SessionId}|{string.Join(",", snapshot.ReferencedSessions)}|{snapshot.Damaged.Count}|{string.Join(",", snapshot.Damaged.Samples.Select(d => d.LineNumber))}";
            }

            string Alone(SourceFile file)
            {
                string? result = null;
                var thread = new Thread(() => result = Describe(file));
                thread.Start();
                thread.Join();
                return result!;
            }

            var files = new[] { torn, copied, plain, copied };
            var expected = files.Select(Alone).ToList();
            Assert.Equal(expected, files.Select(Describe).ToList());
            Assert.Contains("claude-opus-4-1", expected[1], StringComparison.Ordinal);
            Assert.Contains("|original|", expected[1], StringComparison.Ordinal); // the copied session's lines name it
            Assert.Contains("|c||", expected[2], StringComparison.Ordinal); // and a file after it names none
            Assert.Equal(8, ClaudeFileReader.Read(plain, read, CancellationToken.None).Entries().Single().Entry.OutputTokens);
        }

        /// <summary>
        /// A priced file's messages become its thread's spares, and the next file's messages are made from them: a Codex
        /// rollout read after a Claude transcript whose message was fast, answered by a response and keyed, reads as it does
        /// on a thread of its own (it fails when a spare keeps what its last file set).
        /// </summary>
        [Fact]
        public void AMessageMadeFromAThreadsSparesKeepsNothingOfItsLastFile()
        {
            using var dir = new TempDir();
            var claudePath = dir.Combine("proj", "a.jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(claudePath)!);
            File.WriteAllText(claudePath,
                "{\"type\":\"assistant\",\"timestamp\":\"2026-05-01T10:00:00Z\",\"requestId\":\"req\",\"isSidechain\":true,\"message\":{\"id\":\"msg_a\",\"model\":\"claude-opus-4-6\",\"usage\":{\"input_tokens\":100,\"output_tokens\":200,\"speed\":\"fast\"}}}\n");
            var rolloutPath = dir.Combine("sessions", "rollout-2026-05-01T10-00-00-0199a213-81c0-7800-8aa1-bbab2a035a53.jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(rolloutPath)!);
            File.WriteAllText(rolloutPath,
                "{\"timestamp\":\"2026-05-01T10:00:00Z\",\"type\":\"turn_context\",\"payload\":{\"model\":\"gpt-5\"}}\n" +
                "{\"timestamp\":\"2026-05-01T10:00:01Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":30,\"output_tokens\":4},\"last_token_usage\":{\"input_tokens\":30,\"output_tokens\":4}}}}\n");
            var claude = new SourceFile(ClaudeSource.Instance, claudePath, new FileInfo(claudePath).Length, DateTime.UtcNow, dir.Path);
            var rollout = new SourceFile(TokUsage.Clients.Codex.CodexSource.Instance, rolloutPath, new FileInfo(rolloutPath).Length, DateTime.UtcNow, dir.Path);
            var read = new ReadOptions(PriceBook.Embedded, DateWindow.All);

            string Describe(ParsedFile parsed) => string.Join(";", Enumerable.Range(0, parsed.Rows.Count).Select(i =>
            {
                var row = parsed.Rows[i];
                return $"{parsed.Rows.KindOf(row).Model} {row.Tokens.Input} {row.Tokens.Output} {row.Cost} {row.Flags} {row.Response.A}";
            }));

            string? alone = null;
            var thread = new Thread(() => alone = Describe(TokUsage.Clients.Codex.CodexFileReader.Read(rollout, read, CancellationToken.None)));
            thread.Start();
            thread.Join();

            var first = ClaudeFileReader.Read(claude, read, CancellationToken.None); // its message is this thread's spare after
            Assert.Equal(RowFlags.HasKey | RowFlags.ResponseKnown | RowFlags.Sidechain, first.Rows[0].Flags & (RowFlags.HasKey | RowFlags.ResponseKnown | RowFlags.Sidechain));
            Assert.Equal(alone, Describe(TokUsage.Clients.Codex.CodexFileReader.Read(rollout, read, CancellationToken.None)));
            Assert.Contains("gpt-5 30 4", alone, StringComparison.Ordinal);
        }

        private static string Line(string id, string timestamp, long input, long output, long cacheRead) =>
            $"{{\"type\":\"assistant\",\"timestamp\":\"{timestamp}\",\"requestId\":\"req\",\"message\":{{\"id\":\"{id}\",\"model\":\"claude-sonnet-4-5\",\"usage\":{{\"input_tokens\":{input},\"output_tokens\":{output},\"cache_read_input_tokens\":{cacheRead}}}}}}}";

        [Theory]
        [InlineData("/h/.claude/projects/-home-app/abc.jsonl", "abc", "-home-app")]
        [InlineData("/h/.claude/projects/-home-app/abc/subagents/agent-1.jsonl", "abc", "-home-app")]
        [InlineData("/h/.claude/projects/-home-app/sess/chat.jsonl", "sess", "-home-app")]
        [InlineData("/h/.claude/projects/a/b/sess/chat.jsonl", "sess", "a/b")]
        [InlineData("/elsewhere/loose.jsonl", "loose", "elsewhere")]
        public void SessionAndProjectComeFromThePath(string path, string session, string project)
        {
            Assert.Equal((session, project), ClaudePaths.SessionAndProject(path, "/h/.claude/projects"));
        }
    }
}
