using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Cline CLI, read as part of <c>cline</c>: <c>~/.cline/data/sessions/&lt;session&gt;/&lt;session&gt;.messages.json</c>
    /// beside the session's manifest <c>&lt;session&gt;.json</c> (its <c>model</c> and <c>workspace_root</c>/<c>cwd</c>).
    /// Each assistant message's <c>metrics</c> is one call: <c>inputTokens</c> includes <c>cacheReadTokens</c> and
    /// <c>cacheWriteTokens</c>, which are taken out; <c>cost</c> is Cline's bill (kept when positive, as for Cline in VS
    /// Code). The model is the latest <c>modelInfo.id</c> seen, else the manifest's. Keyed by session and message id.
    /// Format from tokscale's <c>cline.rs</c>.
    /// </summary>
    internal static class ClineCli
    {
        private const string Suffix = ".messages.json";

        public static bool IsMessages(string path) => path.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase);

        public static ScanRoot Root(ClientEnvironment env) => Roots.Home(env, Path.Combine(".cline", "data", "sessions"));

        public static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var name = Path.GetFileName(file.Path);
            var stem = name.Substring(0, name.Length - Suffix.Length);
            var result = new ParsedFile(file, stem, "");
            string? model = null;
            using (var manifest = LogFiles.ReadCompanion(Path.Combine(Path.GetDirectoryName(file.Path) ?? "", stem + ".json"), cancel))
            {
                if (manifest != null && manifest.RootElement.ValueKind == JsonValueKind.Object)
                {
                    result.SessionId = JsonValues.String(manifest.RootElement, "session_id") ?? stem;
                    result.Project = JsonValues.String(manifest.RootElement, "workspace_root", "cwd") ?? "";
                    model = JsonValues.String(manifest.RootElement, "model");
                }
            }

            using var document = LogFiles.ReadDocument(file, options, result, cancel);
            if (document is null || !JsonValues.TryArray(document.RootElement, "messages", out var messages))
            {
                return result;
            }

            result.SessionId = JsonValues.String(document.RootElement, "sessionId") ?? result.SessionId;
            var fallback = MessageRecorder.WriteTime(file);
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object || JsonValues.String(message, "role") != "assistant")
                {
                    continue;
                }

                if (JsonValues.TryObject(message, out var info, "modelInfo") && JsonValues.String(info, "id") is { } id)
                {
                    model = id;
                }

                var at = index++;
                if (!JsonValues.TryObject(message, out var metrics, "metrics"))
                {
                    continue;
                }

                var cacheRead = JsonValues.Count(metrics, "cacheReadTokens");
                var cacheWrite = JsonValues.Count(metrics, "cacheWriteTokens");
                var tokens = new TokenCounts
                {
                    Input = Math.Max(0, JsonValues.Count(metrics, "inputTokens") - cacheRead - cacheWrite),
                    Output = JsonValues.Count(metrics, "outputTokens"),
                    CacheRead = cacheRead,
                    CacheWrite = cacheWrite,
                };
                var when = JsonValues.TryTimestamp(message, out var t, "ts") ? t : fallback;
                var key = "cline-cli:" + result.SessionId + ":" + (JsonValues.String(message, "id") ?? at.ToString(CultureInfo.InvariantCulture));
                result.Record(options, when, model ?? ModelNames.Unknown, tokens, MessageRecorder.Key(key), reportedCost: JsonValues.Amount(metrics, "cost"), line: at + 1);
            }

            return result;
        }
    }
}
