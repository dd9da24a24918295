using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Tencent's CodeBuddy (<c>codebuddy</c>, <c>~/.codebuddy/projects/**/*.jsonl</c>) and WorkBuddy (<c>workbuddy</c>,
    /// <c>~/.workbuddy/projects/**/*.jsonl</c>) share one session format: completed assistant <c>message</c> and
    /// <c>function_call</c> records carry usage in <c>message.usage</c> or <c>providerData.usage</c>/<c>rawUsage</c>, in
    /// OpenAI or Anthropic spellings, and the model in <c>providerData.model</c>/<c>requestModelId</c>. The usage is
    /// OpenAI-style: the prompt count includes the cache hits (<c>total_tokens</c> = input + output), so cache reads are
    /// taken out of input unless the record gives the cache misses themselves (<c>cacheMissTokens</c>) or its total shows
    /// the counts are disjoint (as tokscale does since its #1022). Thinking tokens are part of the completion count and
    /// are taken out of output into <c>ReasoningTokens</c> (tokscale leaves them in output too, counting them twice). A record logged again under its message id (or
    /// trace id, or record id) counts once, at its largest total.
    /// </summary>
    internal static class TencentBuddy
    {
        public static readonly IClientSource CodeBuddy = new FileClient("codebuddy",
            env => new[] { Roots.Home(env, Path.Combine(".codebuddy", "projects")) },
            path => Roots.HasExtension(path, ".jsonl"),
            (file, options, cancel) => Read(file, options, cancel, "codebuddy"),
            ".codebuddy");

        public static readonly IClientSource WorkBuddy = new FileClient("workbuddy",
            env => new[] { Roots.Home(env, Path.Combine(".workbuddy", "projects")) },
            path => Roots.HasExtension(path, ".jsonl"),
            (file, options, cancel) => Read(file, options, cancel, "workbuddy"),
            ".workbuddy");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel, string defaultModel)
        {
            var client = file.Client.Id;
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            var fallback = MessageRecorder.WriteTime(file);
            var calls = new List<(string? Key, DateTimeOffset When, string Model, TokenCounts Tokens, long Line)>();
            var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
            LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("usage"u8) >= 0 || line.IndexOf("Usage"u8) >= 0, (line, number) =>
            {
                var type = JsonValues.String(line, "type");
                if (!(type == "message" && JsonValues.String(line, "role") == "assistant") && type != "function_call")
                {
                    return;
                }

                if (JsonValues.String(line, "status") is { } status && status != "completed")
                {
                    return;
                }

                JsonValues.TryObject(line, out var provider, "providerData");
                JsonValues.TryObject(line, out var message, "message");
                if (!TryUsage(message, provider, out var usage))
                {
                    return;
                }

                var tokens = Counts(usage);
                if (tokens.Total == 0)
                {
                    return;
                }

                var session = JsonValues.String(line, "sessionId") ?? result.SessionId;
                result.SessionId = session;
                if (result.Project.Length == 0)
                {
                    result.Project = JsonValues.String(line, "cwd") ?? "";
                }

                var model = (provider.ValueKind == JsonValueKind.Object ? JsonValues.String(provider, "model", "requestModelId") : null)
                    ?? (message.ValueKind == JsonValueKind.Object ? JsonValues.String(message, "model") : null) ?? defaultModel;
                var id = (provider.ValueKind == JsonValueKind.Object ? JsonValues.String(provider, "messageId", "traceId") : null) ?? JsonValues.String(line, "id");
                var key = id is null ? null : client + ":" + session + ":" + id;
                var when = JsonValues.TryTimestamp(line, out var t, "timestamp") ? t : fallback;
                if (key != null && byKey.TryGetValue(key, out var earlier))
                {
                    if (tokens.Total >= calls[earlier].Tokens.Total)
                    {
                        calls[earlier] = (key, when, model, tokens, number);
                    }

                    return;
                }

                if (key != null)
                {
                    byKey.Add(key, calls.Count);
                }

                calls.Add((key, when, model, tokens, number));
            });

            foreach (var (key, when, model, tokens, line) in calls)
            {
                result.Record(options, when, model, tokens, key is null ? null : MessageRecorder.Key(key), line: line);
            }

            return result;
        }

        private static bool TryUsage(JsonElement message, JsonElement provider, out JsonElement usage)
        {
            usage = default;
            return (message.ValueKind == JsonValueKind.Object && JsonValues.TryObject(message, out usage, "usage"))
                || (provider.ValueKind == JsonValueKind.Object && (JsonValues.TryObject(provider, out usage, "usage") || JsonValues.TryObject(provider, out usage, "rawUsage")));
        }

        internal static TokenCounts Counts(JsonElement usage)
        {
            var output = JsonValues.Count(usage, "output_tokens", "outputTokens", "completion_tokens");
            var cacheRead = JsonValues.Count(usage, "cache_read_input_tokens", "cacheReadInputTokens", "cacheTokens", "prompt_cache_hit_tokens", "cached_tokens");
            var cacheWrite = JsonValues.Count(usage, "cache_creation_input_tokens", "cacheCreationInputTokens", "cachedWriteTokens", "prompt_cache_write_tokens");
            long input;
            if (JsonValues.TryGet(usage, "cachedMissTokens", out var miss) || JsonValues.TryGet(usage, "cacheMissTokens", out miss))
            {
                input = JsonValues.TryCount(miss, out var misses) ? misses : 0; // the misses are the fresh input
            }
            else
            {
                input = JsonValues.Count(usage, "input_tokens", "inputTokens", "prompt_tokens");
                var total = JsonValues.Count(usage, "total_tokens", "totalTokens");
                var disjoint = total > 0 && total == input + output + cacheRead + cacheWrite;
                if (!disjoint)
                {
                    input = Math.Max(0, input - cacheRead);
                }
            }

            // As in OpenAI usage, the completion count includes the thinking tokens: they are taken out of output.
            var reasoning = Math.Min(output, JsonValues.Count(usage, "completion_thinking_tokens", "completionThinkingTokens", "reasoningTokens"));
            return new TokenCounts
            {
                Input = input,
                Output = output - reasoning,
                CacheRead = cacheRead,
                CacheWrite = cacheWrite,
                Reasoning = reasoning,
            };
        }
    }
}
