using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Codebuff (<c>codebuff</c>): <c>$CODEBUFF_DATA_DIR</c> or <c>~/.config/manicode</c> (plus
    /// <c>manicode-dev</c> and <c>manicode-staging</c>), <c>projects/&lt;project&gt;/chats/&lt;chatId&gt;/chat-messages.json</c>:
    /// a JSON array of chat messages; assistant ones (<c>variant</c>/<c>role</c> <c>ai</c>, <c>agent</c>,
    /// <c>assistant</c>) carry <c>metadata.usage</c> (or <c>metadata.codebuff.usage</c>, or for provider-routed calls
    /// only the saved run state's usage) in any of the usual spellings.
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
            using var document = LogFiles.ReadDocument(file, options, result, cancel, JsonValueKind.Array);
            if (document is null)
            {
                return result;
            }

            var fallback = ChatTime(chatId) ?? MessageRecorder.WriteTime(file);
            foreach (var message in document.RootElement.EnumerateArray())
            {
                var role = JsonValues.String(message, "variant", "role");
                if (role is null || !Assistant.Contains(role) || !JsonValues.TryObject(message, out var metadata, "metadata"))
                {
                    continue;
                }

                if (!TryDirectUsage(metadata, out var usage, out var model) && !TryRunStateUsage(metadata, out usage, out model))
                {
                    continue;
                }

                var tokens = Counts(usage);
                model ??= JsonValues.String(usage, "model") ?? JsonValues.String(metadata, "model") ?? "codebuff-unknown";
                var when = JsonValues.TryTimestamp(message, out var t, "timestamp", "createdAt") || JsonValues.TryTimestamp(metadata, out t, "timestamp") ? t : fallback;
                result.Record(options, when, model, tokens);
            }

            return result;
        }

        /// <summary><c>metadata.usage</c>, else <c>metadata.codebuff.usage</c>: usage Codebuff logged on the message itself.</summary>
        private static bool TryDirectUsage(JsonElement metadata, out JsonElement usage, out string? model)
        {
            model = null;
            return (JsonValues.TryObject(metadata, out usage, "usage") && Counts(usage).Total > 0)
                || (JsonValues.TryObject(metadata, out usage, "codebuff", "usage") && Counts(usage).Total > 0);
        }

        /// <summary>
        /// Usage of a provider-routed call (OpenRouter and the like), which Codebuff keeps only in the run state it saves
        /// with the message: the last assistant entry of <c>runState.sessionState.mainAgentState.messageHistory</c> with
        /// <c>providerOptions.usage</c> or <c>providerOptions.codebuff.usage</c> (model in <c>providerOptions.codebuff.model</c>).
        /// Read only when the message has no usage of its own, so a message holding both counts once.
        /// </summary>
        private static bool TryRunStateUsage(JsonElement metadata, out JsonElement usage, out string? model)
        {
            usage = default;
            model = null;
            if (!JsonValues.TryObject(metadata, out var agent, "runState", "sessionState", "mainAgentState")
                || !JsonValues.TryArray(agent, "messageHistory", out var history))
            {
                return false;
            }

            var found = false;
            foreach (var entry in history.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || JsonValues.String(entry, "role") != "assistant"
                    || !JsonValues.TryObject(entry, out var options, "providerOptions"))
                {
                    continue;
                }

                if ((JsonValues.TryObject(options, out var candidate, "usage") && Counts(candidate).Total > 0)
                    || (JsonValues.TryObject(options, out candidate, "codebuff", "usage") && Counts(candidate).Total > 0))
                {
                    usage = candidate;
                    model = JsonValues.TryObject(options, out var codebuff, "codebuff") ? JsonValues.String(codebuff, "model") : null;
                    found = true;
                }
            }

            return found;
        }

        /// <summary>
        /// Token counts of a usage object in any of the spellings Codebuff's upstreams use. Anthropic-style usage keeps cache
        /// reads apart from input; OpenAI-style usage reports them as <c>prompt_tokens_details.cached_tokens</c> (or
        /// <c>promptTokensDetails.cachedTokens</c>), a part of the prompt tokens, so they are taken out of input.
        /// </summary>
        private static TokenCounts Counts(JsonElement usage)
        {
            var input = JsonValues.Count(usage, "inputTokens", "input_tokens", "promptTokens", "prompt_tokens");
            var cacheRead = JsonValues.Count(usage, "cacheReadInputTokens", "cache_read_input_tokens", "cachedTokensCreated", "cached_tokens_created");
            if (cacheRead == 0
                && (JsonValues.TryObject(usage, out var details, "promptTokensDetails") || JsonValues.TryObject(usage, out details, "prompt_tokens_details")))
            {
                cacheRead = JsonValues.Count(details, "cachedTokens", "cached_tokens");
                input = Math.Max(0, input - cacheRead);
            }

            return new TokenCounts
            {
                Input = input,
                Output = JsonValues.Count(usage, "outputTokens", "output_tokens", "completionTokens", "completion_tokens"),
                CacheRead = cacheRead,
                CacheWrite = JsonValues.Count(usage, "cacheCreationInputTokens", "cache_creation_input_tokens", "cacheCreationTokens", "cache_creation_tokens"),
            };
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
