using System;
using System.IO;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Jcode (<c>jcode</c>): <c>$JCODE_HOME</c> or <c>~/.jcode</c>, <c>sessions/session_*.json</c>; messages carry
    /// <c>token_usage</c> as the route reported it: Anthropic-style (input, output, cache read and cache creation apart)
    /// or, on OpenAI and OpenRouter routes, OpenAI-style (no <c>cache_creation_input_tokens</c>; input includes the
    /// cache reads, which are taken out — tokscale #937). Reasoning is apart. A message id seen in an earlier session
    /// file (resumed sessions copy history) counts once.
    /// </summary>
    internal static class Jcode
    {
        public static readonly IClientSource Source = new FileClient("jcode",
            env => Roots.EnvOrHome(env, "JCODE_HOME", ".jcode", "sessions"),
            path => Path.GetFileName(path).StartsWith("session_", StringComparison.Ordinal) && Roots.HasExtension(path, ".json"),
            Read,
            ".jcode");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            using var document = LogFiles.ReadDocument(file, options, result, cancel);
            if (document is null)
            {
                return result;
            }

            var session = document.RootElement;
            result.SessionId = JsonValues.String(session, "id", "session_id") ?? result.SessionId;
            result.Project = JsonValues.String(session, "working_dir", "cwd") ?? "";
            var sessionModel = JsonValues.String(session, "model");
            var fallback = JsonValues.TryTimestamp(session, out var updated, "updated_at", "created_at") ? updated : MessageRecorder.WriteTime(file);
            if (!JsonValues.TryArray(session, "messages", out var messages))
            {
                return result;
            }

            foreach (var message in messages.EnumerateArray())
            {
                if (!JsonValues.TryObject(message, out var u, "token_usage"))
                {
                    continue;
                }

                var cacheRead = JsonValues.Count(u, "cache_read_input_tokens");
                var input = JsonValues.Count(u, "input_tokens");
                var tokens = new TokenCounts
                {
                    // OpenAI-style usage (OpenAI, OpenRouter routes) has no cache-creation field and its input includes the
                    // cache reads; Anthropic-style usage has the field (even 0) and keeps them apart.
                    Input = JsonValues.TryGet(u, "cache_creation_input_tokens", out _) ? input : Math.Max(0, input - cacheRead),
                    Output = JsonValues.Count(u, "output_tokens"),
                    CacheRead = cacheRead,
                    CacheWrite = JsonValues.Count(u, "cache_creation_input_tokens"),
                    Reasoning = JsonValues.Count(u, "reasoning_output_tokens"),
                };
                var id = JsonValues.String(message, "id");
                var when = JsonValues.TryTimestamp(message, out var t, "timestamp", "created_at") ? t : fallback;
                result.Record(options, when, JsonValues.String(message, "model") ?? sessionModel ?? ModelNames.Unknown, tokens,
                    id is null ? null : MessageRecorder.Key("jcode:" + id));
            }

            return result;
        }
    }
}
