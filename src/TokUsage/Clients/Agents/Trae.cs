using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Trae (<c>trae</c>) keeps no usage on disk; its usage API answers with every session's running totals, which
    /// tokscale's <c>trae sync</c> saves as dumps, <c>trae-cache/sessions/*.json</c> in tokscale's config folder (read
    /// there by default; <c>-Path</c> reads dumps saved elsewhere). A dump is a JSON array of sessions: <c>session_id</c>,
    /// <c>usage_time</c> (epoch seconds), <c>model_name</c> (a display name, <c>GPT-5.4</c> → <c>gpt-5.4</c>; empty in
    /// auto mode: <c>trae-&lt;mode&gt;</c>), <c>dollar_float</c> (what Trae charged: the reported cost) and
    /// <c>extra_info</c> token counts. Every dump repeats each session's total, so only the latest row of a session
    /// across all dumps counts (<see cref="IKeepLatest"/>). One output object per session of a dump.
    /// </summary>
    internal static class Trae
    {
        public static readonly IClientSource Source = new FileClient("trae",
            env => Roots.TokscaleConfig(env, Path.Combine("trae-cache", "sessions")),
            path => Roots.HasExtension(path, ".json"),
            Read,
            "trae-cache") { KeepsLatest = true };

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            using var document = LogFiles.ReadDocument(file, options, result, cancel, JsonValueKind.Array); // a usage dump: an array of sessions
            if (document is null)
            {
                return result;
            }

            var row = 0;
            foreach (var session in document.RootElement.EnumerateArray())
            {
                row++;
                var id = session.ValueKind == JsonValueKind.Object ? JsonValues.String(session, "session_id") : null;
                var seconds = id is null ? 0 : JsonValues.Count(session, "usage_time");
                if (id is null || seconds <= 0 || !JsonValues.TryEpoch(seconds, out var when))
                {
                    result.Skip(row, "a session row without session_id or usage_time", options.MaxSkippedSamples);
                    continue;
                }

                JsonValues.TryObject(session, out var counts, "extra_info");
                var tokens = counts.ValueKind != JsonValueKind.Object ? default : new TokenCounts
                {
                    Input = JsonValues.Count(counts, "input_token"),
                    Output = JsonValues.Count(counts, "output_token"),
                    CacheRead = JsonValues.Count(counts, "cache_read_token"),
                    CacheWrite = JsonValues.Count(counts, "cache_write_token"),
                };
                result.Record(options, when, Model(session), tokens, MessageRecorder.Key("trae:" + id),
                    reportedCost: JsonValues.Amount(session, "dollar_float"), part: result.Part(id, ""), line: row);
            }

            return result;
        }

        /// <summary>A display name as a model id (<c>Claude Sonnet 4.6</c> → <c>claude-sonnet-4.6</c>).</summary>
        internal static string Model(JsonElement session)
        {
            var name = JsonValues.String(session, "model_name")?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                var mode = JsonValues.String(session, "mode")?.Trim();
                return string.IsNullOrEmpty(mode) ? "trae-unknown" : "trae-" + mode!.ToLowerInvariant();
            }

            var id = new StringBuilder(name!.Length);
            foreach (var ch in name)
            {
                id.Append(char.IsWhiteSpace(ch) ? '-' : char.ToLowerInvariant(ch));
            }

            return id.ToString();
        }
    }
}
