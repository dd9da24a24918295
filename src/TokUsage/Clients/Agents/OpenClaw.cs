using System;
using System.IO;
using System.Linq;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// OpenClaw (<c>openclaw</c>): <c>~/.openclaw/agents/&lt;agent&gt;/sessions/*.jsonl</c> — also rotated
    /// <c>*.jsonl.deleted.&lt;ts&gt;</c> / <c>*.jsonl.reset.&lt;ts&gt;</c> files, which still hold billed usage — and the
    /// legacy <c>~/.clawdbot</c>, <c>~/.moltbot</c>, <c>~/.moldbot</c> homes (<c>OPENCLAW_DIR</c> replaces
    /// <c>~/.openclaw</c>). <c>model_change</c> and <c>model-snapshot</c> records set the model for messages that do
    /// not name one.
    /// </summary>
    internal static class OpenClaw
    {
        public static readonly IClientSource Source = new FileClient("openclaw",
            env => Roots.EnvOrHome(env, "OPENCLAW_DIR", ".openclaw", "agents")
                .Concat(new[] { ".clawdbot", ".moltbot", ".moldbot" }.Select(h => Roots.Home(env, Path.Combine(h, "agents")))),
            path => Path.GetFileName(path).IndexOf(".jsonl", StringComparison.OrdinalIgnoreCase) > 0,
            Read,
            ".openclaw", ".clawdbot", ".moltbot", ".moldbot");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var name = Path.GetFileName(file.Path);
            var sessionsDir = Path.GetDirectoryName(file.Path) ?? "";
            var agent = Path.GetFileName(Path.GetDirectoryName(sessionsDir) ?? "");
            var result = new ParsedFile(file, name.Substring(0, name.IndexOf(".jsonl", StringComparison.OrdinalIgnoreCase)), agent);
            var fallback = MessageRecorder.WriteTime(file);
            string? model = null;
            LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("usage"u8) >= 0 || line.IndexOf("model"u8) >= 0, (line, _) =>
            {
                switch (JsonValues.String(line, "type"))
                {
                    case "model_change":
                        model = JsonValues.String(line, "modelId", "model") ?? model;
                        return;
                    case "custom" when JsonValues.String(line, "customType") == "model-snapshot":
                        if (JsonValues.TryObject(line, out var data, "data"))
                        {
                            model = JsonValues.String(data, "modelId", "model") ?? model;
                        }

                        return;
                    case "message":
                        break;
                    default:
                        return;
                }

                if (!JsonValues.TryObject(line, out var message, "message") || JsonValues.String(message, "role") != "assistant"
                    || !JsonValues.TryObject(message, out var usage, "usage"))
                {
                    return;
                }

                var tokens = new TokenCounts
                {
                    Input = JsonValues.Count(usage, "input"),
                    Output = JsonValues.Count(usage, "output"),
                    CacheRead = JsonValues.Count(usage, "cacheRead"),
                    CacheWrite = JsonValues.Count(usage, "cacheWrite"),
                };
                var when = JsonValues.TryTimestamp(message, out var t, "timestamp") || JsonValues.TryTimestamp(line, out t, "timestamp") ? t : fallback;
                result.Record(options, when, JsonValues.String(message, "model") ?? model ?? ModelNames.Unknown, tokens);
            });

            return result;
        }
    }
}
