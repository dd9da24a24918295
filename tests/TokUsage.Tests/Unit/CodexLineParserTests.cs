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
                    Describe(CodexFileReader.ReadSnapshot(file, System.Threading.CancellationToken.None, streamingParser: false)),
                    Describe(CodexFileReader.ReadSnapshot(file, System.Threading.CancellationToken.None, streamingParser: true)));
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
        /// The equivalence tests pass as well if the streaming parser always gives up (the document path then answers): on
        /// realistic rollouts it must decide nearly every token-count and turn-context line itself.
        /// </summary>
        [Fact]
        public void TheStreamingParserDecidesNearlyEveryTokenCountAndTurnContextLine()
        {
            using var dir = new TempDir();
            var home = TokUsage.TestData.CodexHomeGenerator.Generate(dir.Path, new TokUsage.TestData.CodexHomeOptions { Seed = 7, Sessions = 20 });
            long lines = 0, decided = 0;
            foreach (var file in home.Files)
            {
                foreach (var text in File.ReadLines(file).Where(l => l.Contains("\"token_count\"", StringComparison.Ordinal) || l.Contains("\"turn_context\"", StringComparison.Ordinal)))
                {
                    lines++;
                    if (CodexLineParser.TryParse(Encoding.UTF8.GetBytes(text), out _) != CodexLineKind.Other)
                    {
                        decided++;
                    }
                }
            }

            Assert.True(lines > 500, $"{lines} lines");
            Assert.True(decided >= lines * 0.95, $"the streaming parser decided {decided} of {lines} lines");
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

        private static readonly Gen<string> Text = Gen.OneOfConst("\"gpt-5\"", "\"  gpt-5-codex \"", "\"\"", "\"   \"", "null", "7", "{\"a\":1}", "\"o3\"");

        private static readonly Gen<string> Timestamp = Gen.OneOfConst(
            "\"2026-05-01T10:00:00Z\"", "\"2026-05-01T10:00:01.5+02:00\"", "1777629600", "1777629600123", "\"1777629600\"", "\"nope\"", "null", "0", "-1", "{}");

        private static readonly Gen<string> Info = Gen.Frequency(
            (8, Gen.Select(Text, UsageValue, UsageValue, Gen.Bool).Select(t => "{" + $"\"model\":{t.Item1},\"total_token_usage\":{t.Item2},\"last_token_usage\":{t.Item3}" + (t.Item4 ? ",\"total_token_usage\":" + t.Item2 : "") + "}")),
            (1, Gen.OneOfConst("null", "{}", "\"i\"", "[]")));

        private static readonly Gen<string> Line = Gen.Frequency(
            (6, Gen.Select(Timestamp, Text, Info, Gen.Bool).Select(t =>
                "{\"timestamp\":" + t.Item1 + ",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"model_name\":" + t.Item2 + ",\"info\":" + t.Item3 + (t.Item4 ? ",\"rate_limits\":{\"primary\":{\"used_percent\":1.5}}" : "") + "}}")),
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
                "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"in\\u0070ut_tokens\":9,\"output_tokens\":1}}}}")));

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
