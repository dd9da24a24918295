using System;
using System.Text;
using TokUsage.Clients.Claude;
using TokUsage.Parsing;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>Passing over large values without tokenizing them, and resuming the reader after them.</summary>
    public sealed class JsonSkipTests
    {
        [Theory]
        [InlineData("[1,2,3] tail", 0, 7)]
        [InlineData("{\"a\":\"]}\\\"[{\",\"b\":[{}]}x", 0, 23)]
        [InlineData("  [\"\\\\\"]", 2, 8)]
        [InlineData("[\"unterminated]", 0, -1)]
        [InlineData("[[1,2]", 0, -1)]
        public void FindsTheEndOfAContainer(string json, int start, int end) =>
            Assert.Equal(end, JsonSkip.EndOfContainer(Encoding.UTF8.GetBytes(json), start));

        /// <summary>
        /// The end of a string, against a byte-at-a-time reading of JSON's string grammar, on strings of every length
        /// around the word and vector sizes: plain, with escapes (valid and not), control characters, bytes above 0x7F,
        /// unterminated, and starting anywhere in the buffer.
        /// </summary>
        [Fact]
        public void FindsTheEndOfAStringAsTheGrammarReadsIt()
        {
            var random = new Random(20);
            string[] pieces = { "a", "Z", "7", " ", "é", "\u00a0", "\\\"", "\\\\", "\\n", "\\u00e9", "\\u12", "\\x", "\\", "\t", "\u0001", "\u007f", "{", ":" };
            for (var n = 0; n < 20_000; n++)
            {
                var text = new StringBuilder(new string(' ', random.Next(0, 40))).Append('"');
                var parts = random.Next(0, random.Next(2) == 0 ? 12 : 70);
                for (var p = 0; p < parts; p++)
                {
                    text.Append(random.Next(4) == 0 ? pieces[random.Next(pieces.Length)] : pieces[random.Next(3)]);
                }

                if (random.Next(8) != 0)
                {
                    text.Append('"');
                }

                text.Append(new string('x', random.Next(0, 40)));
                var bytes = Encoding.UTF8.GetBytes(text.ToString());
                var start = Array.IndexOf(bytes, (byte)'"');
                var expected = ReferenceEndOfString(bytes, start, out var expectedEscaped);
                var end = JsonScan.EndOfString(bytes, start, out var escaped);
                Assert.True(expected == end && (end < 0 || expectedEscaped == escaped), $"{text}: {end} ({escaped}), expected {expected} ({expectedEscaped})");
            }
        }

        private static int ReferenceEndOfString(byte[] json, int start, out bool escaped)
        {
            escaped = false;
            for (var i = start + 1; i < json.Length; i++)
            {
                var b = json[i];
                if (b == (byte)'"')
                {
                    return i + 1;
                }

                if (b < 0x20)
                {
                    return -1;
                }

                if (b != (byte)'\\')
                {
                    continue;
                }

                escaped = true;
                if (i + 1 >= json.Length)
                {
                    return -1;
                }

                var e = json[i + 1];
                if (e == (byte)'u')
                {
                    if (i + 5 >= json.Length || !IsHex(json[i + 2]) || !IsHex(json[i + 3]) || !IsHex(json[i + 4]) || !IsHex(json[i + 5]))
                    {
                        return -1;
                    }

                    i += 5;
                }
                else if ("\"\\/bfnrt".IndexOf((char)e) >= 0)
                {
                    i++;
                }
                else
                {
                    return -1;
                }
            }

            return -1;
        }

        private static bool IsHex(byte b) => (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');

        private static string Line(string content, bool torn = false)
        {
            var line = "{\"parentUuid\":null,\"message\":{\"id\":\"msg_1\",\"model\":\"claude-opus-4-6\",\"content\":" + content +
                ",\"usage\":{\"input_tokens\":10,\"output_tokens\":20,\"cache_read_input_tokens\":30}},\"toolUseResult\":" + content +
                ",\"requestId\":\"req_1\",\"timestamp\":\"2026-07-01T10:00:00Z\"}";
            return torn ? line.Substring(0, 100 + (content.Length / 2)) : line;
        }

        [Fact]
        public void LargeValuesArePassedOverAndEverythingAfterThemIsStillRead()
        {
            // Big content with brackets, escaped quotes and a "usage" object inside strings and nested values.
            var text = new StringBuilder();
            for (var i = 0; i < 200; i++)
            {
                text.Append("x ]} \\\"usage\\\": {\\\"input_tokens\\\": 999} [{ ");
            }

            var content = "[{\"type\":\"text\",\"text\":\"" + text + "\"},{\"type\":\"tool_use\",\"input\":{\"usage\":{\"input_tokens\":5},\"a\":[1,[2,[3]]]}}]";
            Assert.True(content.Length > JsonSkip.MinimumBytes);

            var parser = new ClaudeLineParser();
            Assert.Equal(LineKind.Usage, parser.Parse(Encoding.UTF8.GetBytes(Line(content)), out var message, out _));
            Assert.Equal((10L, 20L, 30L, "claude-opus-4-6"), (message.Tokens.Input, message.Tokens.Output, message.Tokens.CacheRead, message.Model));
            Assert.True(message.HasKey);
            Assert.Equal(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero), message.Timestamp);

            // The same line cut inside the large value is damaged, not read.
            Assert.Equal(LineKind.Damaged, parser.Parse(Encoding.UTF8.GetBytes(Line(content, torn: true)), out _, out var damage));
            Assert.NotNull(damage);

            // Small values take the reader's own path and give the same result.
            Assert.Equal(LineKind.Usage, parser.Parse(Encoding.UTF8.GetBytes(Line("[{\"type\":\"text\",\"text\":\"hi\"}]")), out var small, out _));
            Assert.Equal(message.Tokens.Total, small.Tokens.Total);
            Assert.Equal(message.Key, small.Key);
        }
    }
}
