using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// ZCode by z.ai (<c>zcode</c>): <c>~/.zcode/projects/&lt;slug&gt;/&lt;session&gt;.jsonl</c>. Assistant entries carry the
    /// API's usage in <c>usage</c> or <c>token_usage</c>: <c>prompt_tokens</c> includes the cached tokens
    /// (<c>prompt_tokens_details.cached_tokens</c> or <c>cache_read</c>), which are taken out; otherwise <c>input</c> is
    /// the fresh input. The model is the latest <c>model</c> seen. An assistant entry without usage is skipped and
    /// counted (tokscale estimates it from the text at ~4 characters a token; TokUsage never estimates). Keyed by
    /// session and assistant position. ZCode's v2 SQLite store is not read (undocumented schema).
    /// </summary>
    internal static class Zcode
    {
        public static readonly IClientSource Source = new FileClient("zcode",
            env => new[] { Roots.Home(env, Path.Combine(".zcode", "projects")) },
            path => Roots.HasExtension(path, ".jsonl"),
            Read,
            ".zcode");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), Path.GetFileName(Path.GetDirectoryName(file.Path) ?? ""));
            var fallback = MessageRecorder.WriteTime(file);
            string? model = null;
            var sessionSet = false;
            var assistant = 0;
            LogFiles.ReadLines(file, options, result, cancel, _ => true, (line, number) =>
            {
                if (!sessionSet && JsonValues.String(line, "sessionId") is { } session)
                {
                    result.SessionId = session;
                    sessionSet = true;
                }

                model = JsonValues.String(line, "model") ?? model;
                if (JsonValues.String(line, "role") != "assistant")
                {
                    return;
                }

                var at = assistant++;
                var tokens = (JsonValues.TryObject(line, out var usage, "usage") ? Counts(usage) : default) is { Total: > 0 } fromUsage
                    ? fromUsage
                    : JsonValues.TryObject(line, out usage, "token_usage") ? Counts(usage) : default;
                if (tokens.Total == 0)
                {
                    result.Skip(number, "an assistant turn without usage (ZCode logged none; TokUsage does not estimate tokens from text)", options.MaxSkippedSamples);
                    return;
                }

                var when = JsonValues.TryTimestamp(line, out var t, "timestamp") ? t : fallback;
                result.Record(options, when, model ?? ModelNames.Unknown, tokens,
                    MessageRecorder.Key("zcode:" + result.SessionId + ":" + at.ToString(CultureInfo.InvariantCulture)), line: number);
            });

            return result;
        }

        private static TokenCounts Counts(JsonElement usage)
        {
            var cached = JsonValues.Count(usage, "cache_read", "input_cache_read", "cache_read_tokens");
            if (JsonValues.TryObject(usage, out var details, "prompt_tokens_details") || JsonValues.TryObject(usage, out details, "promptTokensDetails"))
            {
                cached = Math.Max(cached, JsonValues.Count(details, "cached_tokens", "cachedTokens"));
            }

            long input;
            if (JsonValues.TryGet(usage, "prompt_tokens", out var prompt) || JsonValues.TryGet(usage, "promptTokens", out prompt))
            {
                var promptTokens = JsonValues.TryCount(prompt, out var p) ? p : 0;
                cached = Math.Min(cached, promptTokens);
                input = promptTokens - cached;
            }
            else
            {
                input = JsonValues.Count(usage, "input", "input_tokens");
            }

            return new TokenCounts
            {
                Input = input,
                Output = JsonValues.Count(usage, "output", "output_tokens", "completion_tokens"),
                CacheRead = cached,
                CacheWrite = JsonValues.Count(usage, "cache_write", "input_cache_creation", "cache_write_tokens"),
                Reasoning = JsonValues.Count(usage, "reasoning"),
            };
        }
    }
}
