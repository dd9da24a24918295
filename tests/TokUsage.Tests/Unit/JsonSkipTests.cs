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
