using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Kimi (<c>kimi</c>): Kimi CLI <c>~/.kimi/sessions/**/wire.jsonl</c> (<c>KIMI_DATA_DIR</c> replaces <c>~/.kimi</c>;
    /// <c>StatusUpdate</c> messages, model from <c>config.json</c> beside <c>sessions/</c>, default
    /// <c>kimi-for-coding</c>) and Kimi Code <c>$KIMI_CODE_HOME</c> or <c>~/.kimi-code</c>,
    /// <c>sessions/**/agents/&lt;agent&gt;/wire.jsonl</c> (turn-scoped <c>usage.record</c> lines). Kimi CLI repeats a
    /// message's status: per <c>message_id</c> the copy with the larger total wins.
    /// </summary>
    internal static class Kimi
    {
        private const string DefaultModel = "kimi-for-coding";

        public static readonly IClientSource Source = new FileClient("kimi",
            env => Roots.EnvOrHome(env, "KIMI_DATA_DIR", ".kimi", "sessions").Concat(Roots.EnvOrHome(env, "KIMI_CODE_HOME", ".kimi-code", "sessions")),
            path => Roots.NameIs(path, "wire.jsonl"),
            Read,
            ".kimi", ".kimi-code");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var agentDir = Path.GetDirectoryName(file.Path) ?? "";
            var isKimiCode = Roots.NameIs(Path.GetDirectoryName(agentDir) ?? "", "agents");
            var sessionDir = isKimiCode ? Path.GetDirectoryName(Path.GetDirectoryName(agentDir)!)! : agentDir;
            var result = new ParsedFile(file, Path.GetFileName(sessionDir), Path.GetFileName(Path.GetDirectoryName(sessionDir) ?? ""));
            var fallback = MessageRecorder.WriteTime(file);
            if (isKimiCode)
            {
                ReadKimiCode(file, options, result, cancel, fallback);
                return result;
            }

            var model = ConfiguredModel(file.Path, cancel);
            var rows = new List<(DateTimeOffset When, TokenCounts Tokens)>();
            var byId = new Dictionary<string, int>(StringComparer.Ordinal);
            LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("StatusUpdate"u8) >= 0, (line, _) =>
            {
                if (!JsonValues.TryObject(line, out var message, "message") || JsonValues.String(message, "type") != "StatusUpdate"
                    || !JsonValues.TryObject(message, out var usage, "payload", "token_usage"))
                {
                    return;
                }

                var tokens = new TokenCounts
                {
                    Input = JsonValues.Count(usage, "input_other"),
                    Output = JsonValues.Count(usage, "output"),
                    CacheRead = JsonValues.Count(usage, "input_cache_read"),
                    CacheWrite = JsonValues.Count(usage, "input_cache_creation"),
                };
                var when = JsonValues.TryTimestamp(line, out var t, "timestamp") ? t : fallback;
                JsonValues.TryObject(message, out var payload, "payload");
                var id = JsonValues.String(payload, "message_id");
                if (id is null)
                {
                    rows.Add((when, tokens));
                }
                else if (!byId.TryGetValue(id, out var index))
                {
                    byId.Add(id, rows.Count);
                    rows.Add((when, tokens));
                }
                else if (tokens.Total > rows[index].Tokens.Total)
                {
                    rows[index] = (when, tokens);
                }
            });

            foreach (var (when, tokens) in rows)
            {
                result.Record(options, when, model, tokens);
            }

            return result;
        }

        private static void ReadKimiCode(SourceFile file, ReadOptions options, ParsedFile result, CancellationToken cancel, DateTimeOffset fallback)
        {
            string? requested = null;
            LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("usage.record"u8) >= 0 || line.IndexOf("llm.request"u8) >= 0, (line, _) =>
            {
                var type = JsonValues.String(line, "type");
                if (type == "llm.request")
                {
                    requested = JsonValues.String(line, "model") ?? requested;
                    return;
                }

                if (type != "usage.record" || JsonValues.String(line, "usageScope") != "turn" || !JsonValues.TryObject(line, out var usage, "usage"))
                {
                    return;
                }

                var model = Strip(JsonValues.String(line, "model"));
                if (model is null || (model.StartsWith("__", StringComparison.Ordinal) && model.EndsWith("__", StringComparison.Ordinal)))
                {
                    model = Strip(requested) ?? DefaultModel;
                }

                var tokens = new TokenCounts
                {
                    Input = JsonValues.Count(usage, "inputOther"),
                    Output = JsonValues.Count(usage, "output"),
                    CacheRead = JsonValues.Count(usage, "inputCacheRead"),
                    CacheWrite = JsonValues.Count(usage, "inputCacheCreation"),
                };
                result.Record(options, JsonValues.TryTimestamp(line, out var t, "time", "timestamp") ? t : fallback, model, tokens);
            });
        }

        private static string? Strip(string? model) =>
            model != null && model.StartsWith("kimi-code/", StringComparison.Ordinal) ? model.Substring("kimi-code/".Length) : model;

        /// <summary>The model in the <c>config.json</c> of the Kimi folder holding the <c>sessions</c> folder.</summary>
        private static string ConfiguredModel(string wirePath, CancellationToken cancel)
        {
            var sessions = PathFacts.NearestAncestorNamed(wirePath, "sessions");
            var configPath = sessions is null ? null : Path.Combine(Path.GetDirectoryName(sessions) ?? "", "config.json");
            using var config = configPath is null ? null : LogFiles.ReadCompanion(configPath, cancel);
            return (config is null ? null : JsonValues.String(config.RootElement, "default_model", "model")) ?? DefaultModel;
        }
    }
}
