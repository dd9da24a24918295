using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Codebuff (<c>codebuff</c>): <c>$CODEBUFF_DATA_DIR</c> or <c>~/.config/manicode</c> (plus
    /// <c>manicode-dev</c> and <c>manicode-staging</c>), <c>projects/&lt;project&gt;/chats/&lt;chatId&gt;/chat-messages.json</c>:
    /// a JSON array of chat messages; assistant ones (<c>variant</c>/<c>role</c> <c>ai</c>, <c>agent</c>,
    /// <c>assistant</c>) carry <c>metadata.usage</c> (or <c>metadata.codebuff.usage</c>) in any of the usual spellings.
    /// Credits are not USD; tokens are priced. The chat id is an ISO time and dates messages without a timestamp.
    /// </summary>
    internal static class Codebuff
    {
        private static readonly string[] Assistant = { "ai", "agent", "assistant" };

        public static readonly IClientSource Source = new FileClient("codebuff",
            env => env.Get("CODEBUFF_DATA_DIR") != null
                ? Roots.EnvOrHome(env, "CODEBUFF_DATA_DIR", "", "projects")
                : new[] { "manicode", "manicode-dev", "manicode-staging" }.Select(d => Roots.Home(env, Path.Combine(".config", d, "projects"))),
            path => Roots.NameIs(path, "chat-messages.json"),
            Read,
            "manicode", "manicode-dev", "manicode-staging");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var chatDir = Path.GetDirectoryName(file.Path) ?? "";
            var chatId = Path.GetFileName(chatDir);
            var projectDir = Path.GetDirectoryName(Path.GetDirectoryName(chatDir) ?? "") ?? "";
            var result = new ParsedFile(file, chatId, Path.GetFileName(projectDir));
            using var document = LogFiles.ReadDocument(file, options, result, cancel);
            if (document is null || document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return result;
            }

            var fallback = ChatTime(chatId) ?? Recording.WriteTime(file);
            foreach (var message in document.RootElement.EnumerateArray())
            {
                var role = JsonValues.String(message, "variant", "role");
                if (role is null || !Assistant.Contains(role) || !JsonValues.TryObject(message, out var metadata, "metadata"))
                {
                    continue;
                }

                if (!JsonValues.TryObject(metadata, out var usage, "usage") && !JsonValues.TryObject(metadata, out usage, "codebuff", "usage"))
                {
                    continue;
                }

                var cacheRead = JsonValues.Count(usage, "cacheReadInputTokens", "cache_read_input_tokens", "cachedTokensCreated", "cached_tokens_created");
                if (cacheRead == 0 && JsonValues.TryObject(usage, out var details, "promptTokensDetails"))
                {
                    cacheRead = JsonValues.Count(details, "cachedTokens");
                }

                var tokens = new TokenCounts
                {
                    Input = JsonValues.Count(usage, "inputTokens", "input_tokens", "promptTokens", "prompt_tokens"),
                    Output = JsonValues.Count(usage, "outputTokens", "output_tokens", "completionTokens", "completion_tokens"),
                    CacheRead = cacheRead,
                    CacheWrite = JsonValues.Count(usage, "cacheCreationInputTokens", "cache_creation_input_tokens", "cacheCreationTokens", "cache_creation_tokens"),
                };
                var model = JsonValues.String(usage, "model") ?? JsonValues.String(metadata, "model") ?? "codebuff-unknown";
                var when = JsonValues.TryTimestamp(message, out var t, "timestamp", "createdAt") || JsonValues.TryTimestamp(metadata, out t, "timestamp") ? t : fallback;
                result.Record(options, when, model, tokens);
            }

            return result;
        }

        /// <summary>The chat id <c>2025-12-14T10-00-00.000Z</c> is an ISO time with <c>-</c> for <c>:</c>.</summary>
        private static DateTimeOffset? ChatTime(string chatId)
        {
            var t = chatId.IndexOf('T');
            if (t < 0)
            {
                return null;
            }

            var text = chatId.Substring(0, t + 1) + chatId.Substring(t + 1).Replace('-', ':');
            return JsonValues.TryParseText(text, out var when) ? when : (DateTimeOffset?)null;
        }
    }
}
