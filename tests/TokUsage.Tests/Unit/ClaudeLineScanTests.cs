using System;
using System.IO;
using System.Linq;
using System.Text;
using CsCheck;
using TokUsage.Clients.Claude;
using TokUsage.Parsing;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>
    /// The structural scan of Claude lines (<see cref="ClaudeLineParser.Parse"/>) must answer exactly as the token-by-token
    /// reader (<see cref="ClaudeLineParser.ParseWithReader"/>) for every line: well-formed ones of every shape, and the
    /// same lines cut, with bytes changed or inserted.
    /// </summary>
    public sealed class ClaudeLineScanTests
    {
        private static readonly Gen<string> Space = Gen.OneOfConst("", "", "", " ", "\t", " \r\n ");

        private static readonly Gen<string> Text = Gen.Frequency(
            (6, Gen.OneOfConst("a", "the parser", " counts ", "usage", "é", "日本", "\\n", "\\\"", "\\\\", "\\u00e9", "\\/", "{", "]", ",", ":").Array[0, 60].Select(parts => string.Concat(parts))),
            (1, Gen.OneOfConst("\\x", "\\u12", "\t", "\\", "\u0001")));

        private static readonly Gen<string> StringValue = Text.Select(t => "\"" + t + "\"");

        private static readonly Gen<string> Count = Gen.OneOfConst(
            "12", "0", "-5", "3.6", "1e3", "01", "-0", "\"40\"", "null", "true", "false", "nul", "{}", "[1]", "9223372036854775807", "9223372036854775808", "1.", "12x");

        /// <summary>Values of properties no reader looks at: the scan validates them itself.</summary>
        private static readonly Gen<string> Scalar = Gen.OneOfConst(
            "false", "true", "null", "0", "-0", "01", "1.", "-", "1e", "2E+3", "-0.5e-7", "1.5.2", "tru", "nulll", "\"s\"", "\"a\\u00e9\"", "\"\\q\"", "12 ", "[]", "{}");

        private static readonly Gen<string> UsageNames = Gen.OneOfConst(
            "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "service_tier", "in\\u0070ut_tokens", "other");

        private static readonly Gen<string> CacheCreation = Gen.Select(Gen.OneOfConst("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens", "x"), Count).Array[0, 3]
            .Select(fields => "{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{f.Item2}")) + "}");

        private static readonly Gen<string> Usage = Gen.Frequency(
            (8, Gen.Select(UsageNames, Count, Space).Array[0, 7].Select(fields => "{" + string.Join(",", fields.Select(f => $"{f.Item3}\"{f.Item1}\"{f.Item3}:{f.Item3}{f.Item2}")) + "}")),
            (2, Gen.Select(Count, Count, CacheCreation, Gen.OneOfConst("\"fast\"", "\"standard\"", "1")).Select(t =>
                "{\"input_tokens\":" + t.Item1 + ",\"output_tokens\":" + t.Item2 + ",\"cache_creation\":" + t.Item3 + ",\"speed\":" + t.Item4 + "}")),
            (1, Gen.OneOfConst("null", "3", "\"u\"", "[]", "[" + new string('1', 200).Replace("11", "1,") + "1]")));

        private static readonly Gen<string> Content = Gen.Frequency(
            (4, Text.Array[0, 4].Select(texts => "[" + string.Join(",", texts.Select(t => "{\"type\":\"text\",\"text\":\"" + t + "\"}")) + "]")),
            (2, Gen.OneOfConst(
                "[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Read\",\"input\":{\"file_path\":\"/a/b.cs\",\"usage\":{\"input_tokens\":1}}}]",
                "[]", "\"plain\"", "[{\"type\":\"thinking\",\"thinking\":\"" + new string('x', 300) + "\",\"signature\":\"s\"}]")),
            (2, Gen.OneOfConst(
                "[1,]", "[{\"a\":tru}]", "[\"" + new string('y', 200) + "\",flase]", "{\"a\" 1}", "[[],{}]", "[ 1 , 2 ]", "{\"a\":[1,{\"b\":null}]}", "[\"x\" \"y\"]",
                "[1 2]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\":}", "{1:2}", "[[[[[[[[[[]]]]]]]]]]", "[{\"k\\u0041\":\"v\\n\"}]", "[-01]", "[\"\t\"]", "{\"a\":1 , \"b\" : [ true , false ]}")));

        private static readonly Gen<string> Id = Gen.Frequency((8, Gen.OneOfConst("\"msg_1\"", "\"msg_2\"", "\"m\\u0073g_1\"")), (1, Gen.OneOfConst("null", "7", "[\"msg\"]", "{}")));

        private static readonly Gen<string> Model = Gen.Frequency(
            (8, Gen.OneOfConst("\"claude-sonnet-4-5\"", "\"claude-\\u0073onnet-4-5\"", "\"<synthetic>\"", "\"\"")), (1, Gen.OneOfConst("null", "1", "{\"m\":1}")));

        private static readonly Gen<string> Timestamp = Gen.OneOfConst(
            "\"2026-05-01T10:00:00Z\"", "\"2026-05-01T10:00:01.5+02:00\"", "\"2026-05-01T10:00:00.123Z\"", "\"2026-05-01\"", "\"nope\"", "\"2026-05-01T10:00:00\\u005a\"", "null", "1777629600", "{}", "[1,2]");

        private static readonly Gen<string> Message = Gen.Select(Gen.Select(Id, Model, Content, Usage, Scalar), Gen.Int[0, 23], Space).Select(t =>
        {
            var (id, model, content, usage, stop) = t.Item1;
            var props = new[] { "\"id\":" + id, "\"type\":\"message\"", "\"role\":\"assistant\"", "\"model\":" + model, "\"content\":" + content, "\"stop_reason\":" + stop, "\"usage\":" + usage };
            var order = Rotate(props, t.Item2);
            return "{" + string.Join("," + t.Item3, order) + "}";
        });

        private static readonly Gen<string> Envelope = Gen.Select(Gen.Select(Message, Gen.OneOfConst("\"req_1\"", "\"req_\\u0032\"", "null", "5", "[\"r\"]"), Timestamp, Scalar), Gen.Int[0, 11], Space, Gen.Bool).Select(t =>
        {
            var (message, request, timestamp, sidechain) = t.Item1;
            var props = new[]
            {
                "\"parentUuid\":\"d8770c0d-73c4\"", "\"isSidechain\":" + sidechain, "\"cwd\":\"/home/dev/src/p\"", "\"version\":\"2.0.14\"",
                "\"message\":" + message, "\"requestId\":" + request, "\"type\":\"assistant\"", "\"timestamp\":" + timestamp,
            };
            var order = Rotate(props, t.Item2);
            if (t.Item4)
            {
                order = order.Concat(new[] { "\"message\":" + message }).ToArray();
            }

            return "{" + t.Item3 + string.Join(t.Item3 + "," + t.Item3, order) + t.Item3 + "}";
        });

        private static readonly Gen<string> Line = Gen.Frequency(
            (6, Envelope),
            (2, Gen.Select(Envelope, Timestamp).Select(t =>
                "{\"type\":\"progress\",\"timestamp\":" + t.Item2 + ",\"data\":{\"type\":\"agent_progress\",\"message\":" + t.Item1 + ",\"usage\":1}}")),
            (1, Gen.OneOfConst("[\"usage\"]", "{\"usage\":1}", " ", "", "{\"data\":[" + new string('1', 300).Replace("11", "1,") + "1]}", "{\"data\":\"x\",\"message\":{\"usage\":{}}} trailing")));

        /// <summary>The line, or a damaged copy of it: cut, a byte changed, or a byte inserted.</summary>
        private static readonly Gen<byte[]> Bytes = Gen.Select(Line, Gen.Int[0, 9], Gen.Int[0, int.MaxValue], Gen.OneOfConst((byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)',', (byte)':', (byte)'x', (byte)' ', (byte)'1', (byte)0xC3, (byte)0xFF, (byte)1))
            .Select(t =>
            {
                var bytes = Encoding.UTF8.GetBytes(t.Item1);
                if (bytes.Length == 0 || t.Item2 >= 5)
                {
                    return bytes;
                }

                var at = t.Item3 % bytes.Length;
                switch (t.Item2)
                {
                    case 0:
                    case 1:
                        return bytes.Take(at).ToArray();
                    case 2:
                    case 3:
                        bytes[at] = t.Item4;
                        return bytes;
                    default:
                        return bytes.Take(at).Concat(new[] { t.Item4 }).Concat(bytes.Skip(at)).ToArray();
                }
            });

        private static string Describe(LineKind kind, ClaudeMessage m, string? damage) =>
            $"{kind} {damage} {m.HasKey} {m.Key.A:x}{m.Key.B:x} {m.Timestamp:O} {m.Model} {m.Tokens.Input} {m.Tokens.Output} {m.Tokens.CacheRead} {m.Tokens.CacheWrite} {m.Tokens.CacheWrite1h} {m.Fast} {m.Response.IsKnown} {m.Response.Id.A:x}{m.Response.Id.B:x} {m.Response.Sidechain}";

        private static void SameAnswer(byte[] line)
        {
            var parser = new ClaudeLineParser();
            var reference = Describe(parser.ParseWithReader(line, out var expected, out var expectedDamage), expected, expectedDamage);
            var scanned = Describe(parser.Parse(line, out var actual, out var actualDamage), actual, actualDamage);
            Assert.True(reference == scanned, $"line: {Encoding.UTF8.GetString(line)}\nreader: {reference}\nscan:   {scanned}");
        }

        /// <summary>
        /// The equivalence test above would pass if the scan always gave up (the reader then answers): on realistic
        /// transcripts the scan must decide nearly every usage line itself, or the fast path is gone.
        /// </summary>
        [Fact]
        public void TheScanDecidesNearlyEveryLineOfRealisticTranscripts()
        {
            using var dir = new TempDir();
            var home = TokUsage.TestData.ClaudeHomeGenerator.Generate(dir.Path, new TokUsage.TestData.ClaudeHomeOptions { Sessions = 20, Seed = 7 });
            var parser = new ClaudeLineParser();
            long usageLines = 0;
            foreach (var file in home.Files)
            {
                foreach (var line in File.ReadLines(file).Select(Encoding.UTF8.GetBytes).Where(l => ClaudeLineParser.MayHaveUsage(l)))
                {
                    usageLines++;
                    parser.Parse(line, out _, out _);
                }
            }

            Assert.True(usageLines > 500, $"{usageLines} usage lines");
            Assert.True(parser.ScannedLines >= usageLines * 0.95, $"the scan decided {parser.ScannedLines} of {usageLines} usage lines");
        }

        [Fact]
        public void TheScanAnswersAsTheReaderOnEveryLine() => Bytes.Sample(SameAnswer, iter: 20000, threads: 1);

        [Theory]
        [InlineData("{\"message\":{\"id\":\"m\",\"content\":[{\"type\":\"text\",\"text\":\"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\\")]
        [InlineData("{\"message\":{\"id\":\"m\",\"content\":[{\"type\":\"text\",\"text\":\"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\\u00")]
        [InlineData("{\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":2}},\"timestamp\":\"2026-05-01T10:00:00Z\"")]
        [InlineData("{\"message\":{\"usage\":{\"input_tokens\":1,\"output_tokens\":2}},\"timestamp\":\"2026-05-01T10:00:00Z\"}")]
        public void TornLinesEndingInsideAnEscapeAreDamagedAlike(string line)
        {
            SameAnswer(Encoding.UTF8.GetBytes(line));
        }

        [Fact]
        public void TheStringStopSearchFindsTheFirstQuoteBackslashOrControlCharacter()
        {
            Gen.Select(Gen.Frequency((40, Gen.Byte[(byte)'a', (byte)'z']), (1, Gen.Byte)).Array[0, 200], Gen.Int[0, 200]).Sample(t =>
            {
                var (bytes, start) = t;
                var expected = -1;
                for (var i = start; i < bytes.Length; i++)
                {
                    if (bytes[i] == (byte)'"' || bytes[i] == (byte)'\\' || bytes[i] < 0x20)
                    {
                        expected = i;
                        break;
                    }
                }

                Assert.Equal(expected, ByteSearch.IndexOfStringStop(bytes, start));
            }, iter: 5000);
        }

        [Fact]
        public void TheNewlineSearchFindsTheFirstNewlineAsSpanIndexOfDoes()
        {
            Gen.Frequency((30, Gen.Byte[(byte)'a', (byte)'z']), (1, Gen.Const((byte)'\n')), (1, Gen.Byte)).Array[0, 300].Sample(bytes =>
                Assert.Equal(bytes.AsSpan().IndexOf((byte)'\n'), ByteSearch.IndexOf(bytes, (byte)'\n')), iter: 5000);
        }

        /// <summary>
        /// The needle searches (a line's <c>"usage"</c>, Codex's event names) against <c>Span.IndexOf</c>: needles placed
        /// anywhere, at block edges and in the tail, near-copies (one inner byte wrong) around them.
        /// </summary>
        [Fact]
        public void TheNeedleSearchSaysWhatSpanIndexOfSays()
        {
            var needles = new[] { "\"usage\"", "token_count", "turn_context", "\"cwd\"", "ab", "q", "\"\"" };
            var found = 0;
            Gen.Select(Gen.Int[0, needles.Length - 1], Gen.Byte[(byte)'a', (byte)'z'].Array[0, 200], Gen.Int[0, 200].Array[0, 3], Gen.Int[0, 3]).Sample(t =>
            {
                var (which, filler, places, decoys) = t;
                var needle = Encoding.ASCII.GetBytes(needles[which]);
                var bytes = filler.ToArray();
                foreach (var place in places)
                {
                    // A decoy differs from the needle in one inner byte (which one varies); a real copy is whole. Each may
                    // be cut by the end.
                    var copy = (byte[])needle.Clone();
                    if (decoys > 0 && copy.Length > 2)
                    {
                        copy[1 + (place % (copy.Length - 2))] ^= 0x01;
                        decoys--;
                    }

                    for (var j = 0; j < copy.Length && place + j < bytes.Length; j++)
                    {
                        bytes[place + j] = copy[j];
                    }
                }

                var expected = bytes.AsSpan().IndexOf(needle) >= 0;
                found += expected ? 1 : 0;
                Assert.Equal(expected, new Needle(needles[which]).IsIn(bytes));
            }, iter: 5000);
            Assert.True(found > 1000, $"{found} inputs held the needle");
        }

        /// <summary>
        /// The scan reads a timestamp's usual shape from its bytes (<see cref="TokUsage.Parsing.Timestamps.TryParseUtc"/>);
        /// wherever that answers, it must give the instant the reader path's <c>Utf8JsonReader.TryGetDateTimeOffset</c> gives.
        /// </summary>
        [Fact]
        public void TimestampsReadFromBytesAreTheReadersInstants()
        {
            var parsed = 0;
            Gen.Select(Gen.Int[0, 10000], Gen.Int[0, 14], Gen.Int[0, 32], Gen.Int[0, 25], Gen.Int[0, 61], Gen.Int[0, 61], Gen.OneOfConst("", "5", "12", "123", "0000001", "1234567", "9999999", "12345678"), Gen.OneOfConst("Z", "z", "+00:00", ""))
                .Select(t => $"{t.Item1:D4}-{t.Item2:D2}-{t.Item3:D2}T{t.Item4:D2}:{t.Item5:D2}:{t.Item6:D2}" + (t.Item7.Length > 0 ? "." + t.Item7 : "") + t.Rest.Item1)
                .Sample(text =>
                {
                    if (TokUsage.Parsing.Timestamps.TryParseUtc(Encoding.ASCII.GetBytes(text), out var fromBytes))
                    {
                        parsed++;
                        var reader = new System.Text.Json.Utf8JsonReader(Encoding.ASCII.GetBytes("\"" + text + "\""));
                        Assert.True(reader.Read(), text);
                        Assert.True(reader.TryGetDateTimeOffset(out var byReader), text);
                        Assert.Equal((byReader.UtcTicks, byReader.Offset), (fromBytes.UtcTicks, fromBytes.Offset));
                    }
                }, iter: 20000, threads: 1);
            Assert.True(parsed > 2000, $"{parsed} parsed");
        }

        private static string[] Rotate(string[] items, int by)
        {
            var n = by % items.Length;
            return items.Skip(n).Concat(items.Take(n)).ToArray();
        }
    }
}
