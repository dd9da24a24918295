using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Gemini CLI (<c>gemini</c>): <c>$GEMINI_CLI_HOME</c> or <c>~/.gemini</c>, folder <c>tmp/</c>: session JSON
    /// (<c>session-*.json</c> or <c>tmp/&lt;project&gt;/chats/*.json</c>, a <c>messages</c> array) and JSONL recordings.
    /// Gemini's prompt count includes cached tokens; when the logged total shows that (or there is no total), the
    /// cached part is taken out of input so buckets stay disjoint. Thinking tokens are their own bucket (billed as
    /// output); tool-use prompt tokens are input. In a JSONL file a repeated message id replaces the earlier row.
    /// </summary>
    internal static class Gemini
    {
        public static readonly IClientSource Source = new FileClient("gemini",
            env => Roots.EnvOrHome(env, "GEMINI_CLI_HOME", ".gemini", "tmp"),
            IsUsageFile,
            Read,
            ".gemini");

        private static bool IsUsageFile(string path)
        {
            if (Roots.HasExtension(path, ".jsonl"))
            {
                return true;
            }

            return Roots.HasExtension(path, ".json")
                && (Path.GetFileName(path).StartsWith("session-", StringComparison.OrdinalIgnoreCase) || Roots.NameIs(Path.GetDirectoryName(path) ?? "", "chats"));
        }

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), ProjectOf(file.Path));
            if (Roots.HasExtension(file.Path, ".jsonl"))
            {
                ReadRecording(file, options, result, cancel);
                return result;
            }

            using var document = LogFiles.ReadDocument(file, options, result, cancel);
            if (document is null)
            {
                return result;
            }

            var root = document.RootElement;
            result.SessionId = JsonValues.String(root, "sessionId") ?? result.SessionId;
            var fallback = JsonValues.TryTimestamp(root, out var t, "lastUpdated", "startTime") ? t : MessageRecorder.WriteTime(file);
            if (JsonValues.TryArray(root, "messages", out var messages))
            {
                foreach (var message in messages.EnumerateArray())
                {
                    var model = JsonValues.String(message, "model");
                    if (model != null && JsonValues.TryObject(message, out var tokens, "tokens"))
                    {
                        var when = JsonValues.TryTimestamp(message, out var mt, "timestamp") ? mt : fallback;
                        result.Record(options, when, model, Tokens(tokens));
                    }
                }
            }

            return result;
        }

        private static void ReadRecording(SourceFile file, ReadOptions options, ParsedFile result, CancellationToken cancel)
        {
            var rows = new List<(DateTimeOffset When, string Model, TokenCounts Tokens)>();
            var byId = new Dictionary<string, int>(StringComparer.Ordinal);
            var summaries = new List<(DateTimeOffset When, string Model, TokenCounts Tokens)>();
            string? model = null;
            var fallback = MessageRecorder.WriteTime(file);
            var ok = LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("tokens"u8) >= 0 || line.IndexOf("\"init\""u8) >= 0 || line.IndexOf("TokenCount"u8) >= 0, (line, _) =>
            {
                var type = JsonValues.String(line, "type");
                if (type == "init")
                {
                    model = JsonValues.String(line, "model") ?? model;
                    result.SessionId = JsonValues.String(line, "session_id", "sessionId") ?? result.SessionId;
                    return;
                }

                var when = JsonValues.TryTimestamp(line, out var t, "timestamp") ? t : fallback;
                if (JsonValues.TryObject(line, out var tokens, "tokens"))
                {
                    var row = (when, JsonValues.String(line, "model") ?? model ?? ModelNames.Unknown, Tokens(tokens));
                    var id = JsonValues.String(line, "id");
                    if (id != null && byId.TryGetValue(id, out var index))
                    {
                        rows[index] = row;
                    }
                    else
                    {
                        if (id != null)
                        {
                            byId.Add(id, rows.Count);
                        }

                        rows.Add(row);
                    }

                    return;
                }

                // Headless stream-json result: per-model totals of the run.
                if ((JsonValues.TryObject(line, out var models, "stats", "models") || JsonValues.TryObject(line, out models, "result", "stats", "models")))
                {
                    foreach (var m in models.EnumerateObject())
                    {
                        if (JsonValues.TryObject(m.Value, out var mt, "tokens"))
                        {
                            summaries.Add((when, m.Name, Tokens(mt)));
                        }
                    }
                }
            });

            if (!ok)
            {
                return;
            }

            foreach (var (when, m, tokens) in rows.Count > 0 ? rows : summaries)
            {
                result.Record(options, when, m, tokens);
            }
        }

        /// <summary>Gemini token object → disjoint buckets.</summary>
        internal static TokenCounts Tokens(JsonElement t)
        {
            var input = JsonValues.Count(t, "input", "prompt", "input_tokens", "prompt_tokens", "promptTokenCount");
            var output = JsonValues.Count(t, "output", "candidates", "output_tokens", "completion_tokens", "candidatesTokenCount");
            var cached = JsonValues.Count(t, "cached", "cached_tokens", "cachedContentTokenCount");
            var thoughts = JsonValues.Count(t, "thoughts", "reasoning", "thoughts_tokens", "thoughtsTokenCount");
            var tool = JsonValues.Count(t, "tool", "tool_tokens", "toolUsePromptTokenCount");
            var total = JsonValues.Count(t, "total", "totalTokenCount", "total_tokens");
            var cacheInclusive = total == 0 || total == input + output + thoughts + tool;
            if (cacheInclusive)
            {
                cached = Math.Min(cached, input);
                input -= cached;
            }

            return new TokenCounts { Input = input + tool, Output = output, CacheRead = cached, Reasoning = thoughts }.OrTotalAsOutput(total);
        }

        private static string ProjectOf(string path)
        {
            // tmp/<projectHash>/chats/<file> or tmp/<projectHash>/<file>
            var dir = Path.GetDirectoryName(path) ?? "";
            if (Roots.NameIs(dir, "chats"))
            {
                dir = Path.GetDirectoryName(dir) ?? "";
            }

            return Path.GetFileName(dir);
        }
    }
}
