using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// JetBrains Junie (<c>junie</c>): <c>~/.junie/sessions/&lt;session&gt;/events.jsonl</c>. Usage is in
    /// <c>LlmResponseMetadataEvent</c> agent events (<c>event.agentEvent.modelUsage[]</c>: <c>model</c>,
    /// <c>inputTokens</c>, <c>cacheInputTokens</c>, <c>cacheCreateTokens</c>, <c>outputTokens</c>,
    /// <c>reasoningTokens</c>), dated by the line's <c>timestampMs</c>, else by the session folder's name
    /// (<c>session-YYMMDD-HHMMSS</c>, local time), else the file's last write. State-update events that embed an older
    /// copy of the usage event are not usage. Junie's <c>cost</c> is its own estimate: tokens are priced (as tokscale
    /// does). A usage row replayed identically (same time, model and counts at the same place of its event) counts once.
    /// </summary>
    internal static class Junie
    {
        private static readonly string[] NotUsage = { "AgentStateUpdatedEvent", "AgentCurrentStatusUpdatedEvent", "AgentPatchCreatedEvent" };

        public static readonly IClientSource Source = new FileClient("junie",
            env => new[] { Roots.Home(env, Path.Combine(".junie", "sessions")) },
            path => Roots.NameIs(path, "events.jsonl"),
            Read,
            ".junie");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var session = Path.GetFileName(Path.GetDirectoryName(file.Path) ?? "");
            var result = new ParsedFile(file, session, "");
            var fallback = SessionTime(session) ?? MessageRecorder.WriteTime(file);
            LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("LlmResponseMetadataEvent"u8) >= 0, (line, _) =>
            {
                if (JsonValues.String(line, "kind") is { } kind && Array.IndexOf(NotUsage, kind) >= 0)
                {
                    return;
                }

                if (!JsonValues.TryObject(line, out var agentEvent, "event", "agentEvent")
                    || JsonValues.String(agentEvent, "kind") != "LlmResponseMetadataEvent"
                    || !JsonValues.TryArray(agentEvent, "modelUsage", out var usages))
                {
                    return;
                }

                var stamp = JsonValues.Count(line, "timestampMs");
                var when = stamp > 0 && JsonValues.TryEpoch(stamp, out var t) ? t : fallback;
                var index = 0;
                foreach (var usage in usages.EnumerateArray())
                {
                    var at = index++;
                    if (usage.ValueKind != JsonValueKind.Object || JsonValues.String(usage, "model") is not { } model)
                    {
                        continue;
                    }

                    var tokens = new TokenCounts
                    {
                        Input = JsonValues.Count(usage, "inputTokens", "input"),
                        Output = JsonValues.Count(usage, "outputTokens", "output"),
                        CacheRead = JsonValues.Count(usage, "cacheInputTokens", "cacheReadInputTokens", "cacheRead"),
                        CacheWrite = JsonValues.Count(usage, "cacheCreateTokens", "cacheCreationInputTokens", "cacheWrite"),
                        Reasoning = JsonValues.Count(usage, "reasoningTokens", "reasoningOutputTokens", "thinkingTokens"),
                    };
                    result.Record(options, when, model.Trim(), tokens,
                        MessageRecorder.ContentKey(tokens, "junie", session, stamp.ToString(CultureInfo.InvariantCulture), model, at.ToString(CultureInfo.InvariantCulture)));
                }
            });

            return result;
        }

        /// <summary><c>session-250622-101010</c> is the session's start in local time.</summary>
        private static DateTimeOffset? SessionTime(string session) =>
            session.StartsWith("session-", StringComparison.Ordinal)
            && DateTime.TryParseExact(session.Substring(8), "yyMMdd-HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local)
                ? new DateTimeOffset(local) : (DateTimeOffset?)null;
    }
}
