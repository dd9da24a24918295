using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CsCheck;
using TokUsage.Clients;
using TokUsage.Clients.Codex;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>The streaming Codex line parser must count exactly as the document path, whatever the line looks like.</summary>
    public sealed class CodexLineParserTests
    {
        /// <summary>Each rollout read with the streaming parser and as documents must give the same snapshot.</summary>
        private static void BothPathsAgree(IEnumerable<string> rollouts)
        {
            foreach (var path in rollouts)
            {
                var file = new SourceFile(CodexSource.Instance, path, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path), Path.GetDirectoryName(path)!);
                Assert.Equal(
                    Describe(CodexFileReader.ReadSnapshot(file, null, System.Threading.CancellationToken.None, streamingParser: false)),
                    Describe(CodexFileReader.ReadSnapshot(file, null, System.Threading.CancellationToken.None, streamingParser: true)));
            }
        }

        /// <summary>Everything a snapshot says, as text: session, damage, and each message with its key.</summary>
        private static List<string> Describe(TokUsage.Clients.FileSnapshot snapshot)
        {
            var lines = new List<string> { $"{snapshot.SessionId} {snapshot.Project} {snapshot.Parent} {snapshot.Damaged.Count} {snapshot.Error?.GetType().Name}" };
            lines.AddRange(snapshot.Damaged.Samples.Select(s => $"skip {s.LineNumber} {s.Reason}"));
            lines.AddRange(snapshot.Messages.Select(m => $"{m.HasKey} {Convert.ToBase64String(m.Key.ToBytes())} {m.Timestamp:O} {m.Model} {m.Tokens.Input} {m.Tokens.CacheRead} {m.Tokens.Output} {m.Tokens.Reasoning} {m.Fast}"));
            return lines;
        }

        /// <summary>
        /// The equivalence tests pass as well if the structural scan always gives up (the reader, then the document path,
        /// answer): on realistic rollouts the scan must decide nearly every token-count and turn-context line itself.
        /// </summary>
        [Fact]
        public void TheStructuralScanDecidesNearlyEveryTokenCountAndTurnContextLine()
        {
            using var dir = new TempDir();
            var home = TokUsage.TestData.CodexHomeGenerator.Generate(dir.Path, new TokUsage.TestData.CodexHomeOptions { Seed = 7, Sessions = 20 });
            long lines = 0, decided = 0;
            foreach (var file in home.Files)
            {
                foreach (var text in File.ReadLines(file).Where(l => l.Contains("\"token_count\"", StringComparison.Ordinal) || l.Contains("\"turn_context\"", StringComparison.Ordinal)))
                {
                    lines++;
                    var bytes = Encoding.UTF8.GetBytes(text);
                    if (CodexLineParser.TryScan(bytes, null, out _, out var kind) && kind != CodexLineKind.Other)
                    {
                        decided++;
                    }
                }
            }

            Assert.True(lines > 500, $"{lines} lines");
            Assert.True(decided >= lines * 0.95, $"the structural scan decided {decided} of {lines} lines");
        }

        /// <summary>What a parsed line says, as text (every field the reader uses).</summary>
        private static string Describe(CodexLineKind kind, in CodexLine l) =>
            $"{kind} {l.Kind} {l.HasTimestamp} {l.Timestamp.UtcTicks} {l.Timestamp.Offset} [{l.PayloadModel}] [{l.PayloadModelName}] [{l.ModelInfoSlug}] {l.HasInfo} [{l.InfoModel}] [{l.InfoModelName}] "
            + Describe(l.Total) + " " + Describe(l.Last);

        private static string Describe(in CodexUsageFields u) =>
            $"{u.Present}:{u.InputTokens}:{u.PromptTokens}:{u.Input}:{u.CachedInputTokens}:{u.CachedTokens}:{u.CacheReadInputTokens}:{u.OutputTokens}:{u.CompletionTokens}:{u.Output}:{u.ReasoningOutputTokens}:{u.ReasoningTokens}:{u.TotalTokens}";

        /// <summary>Where the scan decides a line, it says exactly what the reader says; lines it is unsure of are counted.</summary>
        private static void ScanAgreesWithReader(string text, ref int scanned)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var byReader = CodexLineParser.TryParseWithReader(bytes, out var readerLine);
            if (CodexLineParser.TryScan(bytes, new TokUsage.Parsing.Utf8StringCache(), out var scanLine, out var scanKind))
            {
                scanned++;
                Assert.Equal(Describe(byReader, readerLine), Describe(scanKind, scanLine));
            }

            Assert.Equal(Describe(byReader, readerLine), Describe(CodexLineParser.TryParse(bytes, out var line), line));
        }

        [Fact]
        public void GeneratedRolloutsCountAlikeOnBothPaths()
        {
            using var dir = new TempDir();
            foreach (var seed in new[] { 7, 8, 9 })
            {
                var home = TokUsage.TestData.CodexHomeGenerator.Generate(dir.Combine("h" + seed), new TokUsage.TestData.CodexHomeOptions { Seed = seed, Sessions = 30 });
                BothPathsAgree(home.Files);
            }
        }

        private static readonly Gen<string> Count = Gen.OneOfConst("12", "0", "-5", "3.6", "1e3", "\"40\"", "\"4.5\"", "\"x\"", "null", "true", "{}", "[1]", "9223372036854775807", "1e300");

        private static readonly Gen<string> Names = Gen.OneOfConst(
            "input_tokens", "prompt_tokens", "input", "cached_input_tokens", "cached_tokens", "cache_read_input_tokens",
            "output_tokens", "completion_tokens", "output", "reasoning_output_tokens", "reasoning_tokens", "total_tokens", "other");

        private static readonly Gen<string> Usage =
            Gen.Select(Names, Count).Array[0, 8].Select(fields => "{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{f.Item2}")) + "}");

        private static readonly Gen<string> UsageValue = Gen.Frequency((8, Usage), (1, Gen.OneOfConst("null", "3", "\"u\"", "[]")));

        private static readonly Gen<string> Text = Gen.OneOfConst(
            "\"gpt-5\"", "\"  gpt-5-codex \"", "\"\"", "\"   \"", "null", "7", "{\"a\":1}", "\"o3\"", "\"gpt\\u002d5\"", "\"mod\u00e8le\"",
            "\"\\t gpt-5\\n\"", "\"\u00a0gpt-5\u00a0\"", "[1,{\"b\":[true,null]}]", "{\"a\":[1,2,}");

        private static readonly Gen<string> Timestamp = Gen.OneOfConst(
            "\"2026-05-01T10:00:00Z\"", "\"2026-05-01T10:00:01.5+02:00\"", "1777629600", "1777629600123", "\"1777629600\"", "\"nope\"", "null", "0", "-1", "{}",
            "\"2026-05-01T10:00:00.123Z\"", "\"2026-05-01T10:00:00.1234567Z\"", "\"2026-05-01T10:00:00.12345678Z\"", "\"0001-01-01T00:00:00Z\"",
            "\"2026-02-30T10:00:00Z\"", "\"2026-05-01T24:00:00Z\"", "\"2026-05-01 10:00:00Z\"", "\" 2026-05-01T10:00:00Z \"", "\"2026-05-01T10:00:00\\u005a\"", "1.7776296e9");

        private static readonly Gen<string> Info = Gen.Frequency(
            (8, Gen.Select(Text, UsageValue, UsageValue, Gen.Bool).Select(t => "{" + $"\"model\":{t.Item1},\"total_token_usage\":{t.Item2},\"last_token_usage\":{t.Item3}" + (t.Item4 ? ",\"total_token_usage\":" + t.Item2 : "") + "}")),
            (1, Gen.OneOfConst("null", "{}", "\"i\"", "[]")));

        /// <summary>A container over <see cref="TokUsage.Parsing.JsonSkip.MinimumBytes"/>, which the scan must validate as the reader's Skip does.</summary>
        private const string RateLimits = "{\"primary\":{\"used_percent\":1.5,\"window_minutes\":300,\"resets_in_seconds\":1200},\"secondary\":{\"used_percent\":20.25,\"window_minutes\":10080,\"resets_in_seconds\":99000},\"note\":\"plenty of room\"}";

        /// <summary>Large containers damaged inside but with whole strings and brackets: only a validating skip notices.</summary>
        private static readonly string[] BrokenRateLimits =
        {
            RateLimits.Replace("1.5", "1.", StringComparison.Ordinal),
            RateLimits.Replace("300", "0300", StringComparison.Ordinal),
            RateLimits.Replace(",\"secondary\"", ",,\"secondary\"", StringComparison.Ordinal),
            RateLimits.Replace("20.25", "tru", StringComparison.Ordinal),
        };

        private static readonly Gen<string> Line = Gen.Frequency(
            (6, Gen.Select(Timestamp, Text, Info, Gen.Bool).Select(t =>
                "{\"timestamp\":" + t.Item1 + ",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"model_name\":" + t.Item2 + ",\"info\":" + t.Item3 + (t.Item4 ? ",\"rate_limits\":" + RateLimits : "") + "}}")),
            (1, Gen.Select(Timestamp, Gen.Int[0, 3]).Select(t =>
                "{\"timestamp\":" + t.Item1 + ",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":5}},\"rate_limits\":" + BrokenRateLimits[t.Item2] + "}}")),
            (2, Gen.Select(Text, Text, Text).Select(t => "{\"type\":\"turn_context\",\"payload\":{\"model\":" + t.Item1 + ",\"model_info\":{\"slug\":" + t.Item2 + "},\"model_name\":" + t.Item3 + "}}")),
            (1, Gen.OneOfConst(
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"task_started\"}}",
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":null}}",
                "{\"type\":\"event_msg\",\"payload\":\"token_count\"}",
                "{\"type\":\"event_msg\",\"type\":\"turn_context\",\"payload\":{\"model\":\"dup\"}}",
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":5}}},\"payload\":{\"type\":\"token_count\"}}",
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":5}}}} trailing",
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":5,}}}}",
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":5}}}",
                "[\"token_count\"]",
                "{\"typ\\u0065\":\"turn_context\",\"payload\":{\"model\":\"esc\"}}",
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":5}},\"deep\":" + new string('[', 70) + new string(']', 70) + "}}",
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":5}},\"deep\":" + new string('[', 300) + new string(']', 300) + "}}",
                "{\"type\":\"turn_context\",\"payload\":{\"model\":\"gpt-5\"}}\r",
                "  {\"type\" : \"turn_context\" , \"payload\" : { \"model\" : \"gpt-5\" } }  ",
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"in\\u0070ut_tokens\":9,\"output_tokens\":1}}}}")));

        [Fact]
        public void WhereTheScanDecidesALineItSaysWhatTheReaderSays()
        {
            var scanned = 0;
            var total = 0;
            Line.Sample(text =>
            {
                total++;
                ScanAgreesWithReader(text, ref scanned);
            }, iter: 4000, threads: 1);

            // The generator is mostly valid lines: the scan must decide most of them itself, or the test compares nothing.
            Assert.True(scanned >= total / 3, $"the scan decided {scanned} of {total} lines");
        }

        [Fact]
        public void CutAndFlippedLinesGetTheReadersAnswer()
        {
            var scanned = 0;
            Gen.Select(Line, Gen.Int[0, 1000], Gen.Int[0, 255], Gen.Bool).Sample(t =>
            {
                var bytes = Encoding.UTF8.GetBytes(t.Item1);
                var at = t.Item2 % bytes.Length;
                if (t.Item4)
                {
                    bytes[at] = (byte)t.Item3;
                }
                else
                {
                    Array.Resize(ref bytes, at);
                }

                var byReader = CodexLineParser.TryParseWithReader(bytes, out var readerLine);
                if (CodexLineParser.TryScan(bytes, null, out var scanLine, out var scanKind))
                {
                    scanned++;
                    Assert.Equal(Describe(byReader, readerLine), Describe(scanKind, scanLine));
                }
            }, iter: 6000, threads: 1);
            Assert.True(scanned > 100, $"the scan decided {scanned} lines");
        }

        private static readonly Gen<string> TopLevel = Gen.Select(
            Gen.OneOfConst("", "\"timestamp\":\"2026-05-01T10:00:00Z\",", "\"n\":1,", "\"a\":[1],", "\"t\\u0069me\":2,", "\"s\":\"x\\\"y\",", "\"bad\":01,"),
            Gen.OneOfConst("\"type\"", "\"typ\\u0065\"", "\"kind\""),
            Gen.OneOfConst("\"response_item\"", "\"compacted\"", "\"response\\u005fitem\"", "\"event_msg\"", "\" compacted\"", "7", "{}", "\"response_item"),
            Gen.OneOfConst(",\"payload\":{\"type\":\"token_count\"}}", "}", "", ",}"))
            .Select(t => "{" + t.Item1 + t.Item2 + ":" + t.Item3 + t.Item4);

        [Fact]
        public void ConversationItemsAreRecognisedAsTheReaderRecognisesThem()
        {
            var items = 0;
            TopLevel.Sample(text =>
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                var byReader = CodexFileReader.IsConversationItemByReader(bytes);
                Assert.True(byReader == CodexFileReader.IsConversationItem(bytes), text);
                items += byReader ? 1 : 0;
            }, iter: 2000, threads: 1);
            Assert.True(items > 100, $"{items} conversation items");
        }

        [Fact]
        public void UtcTimestampsReadFromBytesAsDateTimeOffsetParsesThem()
        {
            var parsedHere = 0;
            Gen.Select(Gen.Int[0, 10000], Gen.Int[0, 14], Gen.Int[0, 32], Gen.Int[0, 25], Gen.Int[0, 61], Gen.Int[0, 61], Gen.OneOfConst("", "5", "12", "123", "0000001", "1234567", "9999999", "12345678", ""), Gen.OneOfConst("Z", "z", "+00:00", ""))
                .Select(t => $"{t.Item1:D4}-{t.Item2:D2}-{t.Item3:D2}T{t.Item4:D2}:{t.Item5:D2}:{t.Item6:D2}" + (t.Item7.Length > 0 ? "." + t.Item7 : "") + t.Rest.Item1)
                .Sample(text =>
                {
                    if (TokUsage.Parsing.Timestamps.TryParseUtc(Encoding.ASCII.GetBytes(text), out var here))
                    {
                        parsedHere++;
                        Assert.True(DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var there), text);
                        Assert.Equal(there.UtcTicks, here.UtcTicks);
                        Assert.Equal(there.Offset, here.Offset);
                    }
                }, iter: 20000, threads: 1);
            Assert.True(parsedHere > 2000, $"{parsedHere} parsed");
        }

        [Fact]
        public void ACountedEventIsKeyedByTheTextOfItsRunningTotal()
        {
            using var dir = new TempDir();
            var path = dir.Combine("rollout-2026-05-01T10-00-00-s.jsonl");
            File.WriteAllText(path,
                "{\"timestamp\":\"2026-05-01T10:00:00Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"s\",\"cwd\":\"/w\"}}\n"
                + "{\"timestamp\":\"2026-05-01T10:00:01Z\",\"type\":\"turn_context\",\"payload\":{\"model\":\"gpt-5\"}}\n"
                + "{\"timestamp\":\"2026-05-01T10:00:02Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":1200,\"cached_input_tokens\":200,\"output_tokens\":340,\"reasoning_output_tokens\":40,\"total_tokens\":1540}}}}\n"
                + "{\"timestamp\":\"2026-05-01T10:00:03Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":7,\"output_tokens\":3}}}}\n",
                new UTF8Encoding(false));
            var file = new SourceFile(CodexSource.Instance, path, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path), dir.Path);
            foreach (var streaming in new[] { true, false })
            {
                var messages = CodexFileReader.ReadSnapshot(file, null, System.Threading.CancellationToken.None, streaming).Messages;
                Assert.Equal(2, messages.Count);
                Assert.Equal(TokUsage.Primitives.MessageKey.Of(Encoding.UTF8.GetBytes("t:1200:200:340:40:1540")), messages[0].Key);
                var ticks = new DateTimeOffset(2026, 5, 1, 10, 0, 3, TimeSpan.Zero).UtcTicks;
                Assert.Equal(TokUsage.Primitives.MessageKey.Of(Encoding.UTF8.GetBytes($"l:{ticks}:7:0:3:0:10")), messages[1].Key);
            }
        }

        /// <summary>
        /// A rollout cut after any of its lines, cached (the snapshot through the cache's codec) and then grown to its
        /// whole length, resumes from the state its early lines left and counts exactly as a whole read: sub-agents cut
        /// inside or just after their replay burst, forks after their copied history, totals-only logs mid-way.
        /// </summary>
        [Fact]
        public void AResumedReadAtEveryLineCountsAsAWholeRead()
        {
            using var dir = new TempDir();
            var home = TokUsage.TestData.CodexHomeGenerator.Generate(dir.Combine("home"), new TokUsage.TestData.CodexHomeOptions { Seed = 11, Sessions = 24, MaxTurns = 8, SubagentRate = 0.4, ForkRate = 0.3 });
            Assert.True(home.Subagents > 3 && home.Forks > 3, $"{home.Subagents} sub-agents, {home.Forks} forks");
            var resumed = home.Files.Sum(path => ResumeAtEveryLine(File.ReadAllBytes(path), dir.Combine("cut", Path.GetFileName(path))));
            Assert.True(resumed > 500, $"{resumed} resumed reads");
        }

        /// <summary>
        /// The state a rollout's early lines leave, each cut just after it is decided: a sub-agent's own meta before a copy
        /// of its parent's, a replay ended by its task start with an own event in the spawn second, events counted before
        /// any model is known (the next turn context names it).
        /// </summary>
        [Fact]
        public void AResumedSubAgentKeepsItsIdentityReplayAndWaitingEvents()
        {
            using var dir = new TempDir();
            string Count(string time, int total, int last) =>
                "{\"timestamp\":\"2026-05-01T10:00:" + time + "Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":" + total
                + ",\"output_tokens\":" + (total / 10) + "}" + (last > 0 ? ",\"last_token_usage\":{\"input_tokens\":" + last + ",\"output_tokens\":" + (last / 10) + "}" : "") + "}}}";
            var rollout = string.Join("\n",
                "{\"timestamp\":\"2026-05-01T10:00:00Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"child\",\"cwd\":\"/w\",\"source\":{\"subagent\":{\"thread_spawn\":{\"parent_thread_id\":\"parent\"}}}}}",
                "{\"timestamp\":\"2026-05-01T10:00:00Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"parent\",\"cwd\":\"/p\"}}",
                Count("05", 100, 0),
                Count("05", 200, 0),
                "{\"timestamp\":\"2026-05-01T10:00:05Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"task_started\"}}",
                Count("05", 300, 100),
                "{\"timestamp\":\"2026-05-01T10:00:06Z\",\"type\":\"turn_context\",\"payload\":{\"model\":\"gpt-5\"}}",
                Count("09", 400, 100)) + "\n";
            Assert.Equal(8, ResumeAtEveryLine(Encoding.UTF8.GetBytes(rollout), dir.Combine("rollout-2026-05-01T10-00-00-child.jsonl")));
        }

        [Fact]
        public void AStateTooLargeForTheRecordMakesTheRolloutReadWholeNextTime()
        {
            using var dir = new TempDir();
            var path = dir.Combine("rollout-2026-05-01T10-00-00-s.jsonl");
            var cwd = "/w/" + new string('x', FileSnapshot.MaxReaderState);
            File.WriteAllText(path, "{\"timestamp\":\"2026-05-01T10:00:00Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"s\",\"cwd\":\"" + cwd + "\"}}\n"
                + "{\"timestamp\":\"2026-05-01T10:00:02Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":10,\"output_tokens\":2}}}}\n");
            var file = new SourceFile(CodexSource.Instance, path, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path), dir.Path);
            var snapshot = CodexFileReader.ReadSnapshot(file, null, System.Threading.CancellationToken.None);
            Assert.Equal((-1L, (byte[]?)null, 1), (snapshot.ResumeOffset, snapshot.ReaderState, snapshot.Messages.Count));
            Assert.Equal(-1L, TokUsage.Caching.SnapshotCodec.Decode(TokUsage.Caching.SnapshotCodec.Encode(snapshot)).ResumeOffset);
        }

        [Fact]
        public void AMissingOrDamagedReaderStateIsRefusedAsDamagedData()
        {
            using var dir = new TempDir();
            var path = dir.Combine("rollout-2026-05-01T10-00-00-s.jsonl");
            File.WriteAllText(path, "{\"timestamp\":\"2026-05-01T10:00:00Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"s\",\"cwd\":\"/w\"}}\n"
                + "{\"timestamp\":\"2026-05-01T10:00:02Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":10,\"output_tokens\":2}}}}\n");
            var file = new SourceFile(CodexSource.Instance, path, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path), dir.Path);
            var snapshot = CodexFileReader.ReadSnapshot(file, null, System.Threading.CancellationToken.None);
            var state = snapshot.ReaderState!;
            foreach (var damaged in new[] { null, Array.Empty<byte>(), state.AsSpan(0, state.Length - 1).ToArray(), state.Concat(new byte[] { 0 }).ToArray(), new byte[] { 9 }.Concat(state.Skip(1)).ToArray() })
            {
                var copy = snapshot.CopyForResume();
                copy.ReaderState = damaged;
                Assert.Throws<InvalidDataException>(() => CodexFileReader.ReadSnapshot(file, copy, System.Threading.CancellationToken.None));
            }
        }

        /// <summary>
        /// Cuts <paramref name="full"/> after each line, reads the cut file (its snapshot through the cache's codec), grows
        /// it whole and resumes; each resumed read must describe what a whole read describes. Returns the resumed reads.
        /// </summary>
        private static int ResumeAtEveryLine(byte[] full, string copy)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            var resumed = 0;
            for (var at = Array.IndexOf(full, (byte)'\n'); at >= 0; at = Array.IndexOf(full, (byte)'\n', at + 1))
            {
                File.WriteAllBytes(copy, full.AsSpan(0, at + 1).ToArray());
                var cached = CodexFileReader.ReadSnapshot(Source(copy), null, System.Threading.CancellationToken.None);
                if (cached.ResumeOffset < 0)
                {
                    continue;
                }

                var stored = TokUsage.Caching.SnapshotCodec.Decode(TokUsage.Caching.SnapshotCodec.Encode(cached));
                stored.PrefixHash = cached.PrefixHash; // kept beside the record by the cache
                File.WriteAllBytes(copy, full);
                var whole = Describe(CodexFileReader.ReadSnapshot(Source(copy), null, System.Threading.CancellationToken.None));
                Assert.Equal(whole, Describe(CodexFileReader.ReadSnapshot(Source(copy), stored, System.Threading.CancellationToken.None)));
                resumed++;
            }

            return resumed;

            static SourceFile Source(string path) => new SourceFile(CodexSource.Instance, path, new FileInfo(path).Length, File.GetLastWriteTimeUtc(path), Path.GetDirectoryName(path)!);
        }

        [Fact]
        public void RandomTokenCountShapesCountAlikeOnBothPaths()
        {
            using var dir = new TempDir();
            var folder = Directory.CreateDirectory(dir.Combine(".codex", "sessions")).FullName;
            var meta = "{\"timestamp\":\"2026-05-01T09:00:00Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"s-1\",\"cwd\":\"/w\"}}";
            var index = 0;
            Line.Array[1, 25].Sample(lines =>
            {
                var sample = Directory.CreateDirectory(Path.Combine(folder, $"{index++:D5}")).FullName;
                File.WriteAllText(Path.Combine(sample, "rollout-1.jsonl"), meta + "\n" + string.Join("\n", lines) + "\n", new UTF8Encoding(false));
                BothPathsAgree(new[] { Path.Combine(sample, "rollout-1.jsonl") });
            }, iter: 300, threads: 1);
        }
    }
}
