using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// MiniMax Code (<c>mcode</c>) headless captures: <c>mcode exec --output-format stream-json</c> writes runtime
    /// events as JSONL and ends with one <c>exec.result</c> naming the session, the turn and the model actually used
    /// (<c>model.providerId</c>, <c>model.modelId</c>). Assistant <c>message</c> events carry each call's usage
    /// (<c>inputTokens</c>, <c>outputTokens</c>, <c>cacheReadTokens</c>, <c>cacheWriteTokens</c>) and their turn, so
    /// usage is held until its turn's result names the model. Read from tokscale's headless folder
    /// (<c>$TOKSCALE_HEADLESS_DIR</c>, else <c>headless</c> in tokscale's config folder, then <c>mcode</c>) and from any
    /// capture named with <c>-Path</c>. A capture cut before its result still counts, as model <c>unknown</c>
    /// (unpriced, listed): tokscale drops it.
    /// </summary>
    internal static class Mcode
    {
        public static readonly IClientSource Source = new FileClient("mcode",
            env => env.GetPathList("TOKSCALE_HEADLESS_DIR") is { Count: > 0 } headless
                ? headless.Select(dir => new ScanRoot(Path.Combine(dir, "mcode"), "TOKSCALE_HEADLESS_DIR"))
                : Roots.TokscaleConfig(env, Path.Combine("headless", "mcode")),
            path => Roots.HasExtension(path, ".jsonl"),
            Read,
            "mcode");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            var fallback = MessageRecorder.WriteTime(file);
            var pending = new Dictionary<string, List<(DateTimeOffset When, TokenCounts Tokens)>>(StringComparer.Ordinal);
            var turns = new List<string>();
            var sessionSet = false;
            void Flush(string session, string turn, string model)
            {
                if (!pending.TryGetValue(turn, out var calls))
                {
                    return; // a turn listed twice (its result came, then more calls of it): flushed already
                }

                pending.Remove(turn);
                for (var i = 0; i < calls.Count; i++)
                {
                    var (when, tokens) = calls[i];
                    result.Record(options, when, model, tokens, MessageRecorder.ContentKey(tokens, "mcode", session, turn, i.ToString(CultureInfo.InvariantCulture)));
                }
            }

            LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("\"type\""u8) >= 0, (line, _) =>
            {
                switch (JsonValues.String(line, "type"))
                {
                    case "message" when JsonValues.TryObject(line, out var message, "message")
                        && JsonValues.String(message, "role") == "assistant" && JsonValues.TryObject(message, out var usage, "usage")
                        && JsonValues.String(message, "turnId") is { } turn:
                        var tokens = new TokenCounts
                        {
                            Input = JsonValues.Count(usage, "inputTokens"),
                            Output = JsonValues.Count(usage, "outputTokens"),
                            CacheRead = JsonValues.Count(usage, "cacheReadTokens"),
                            CacheWrite = JsonValues.Count(usage, "cacheWriteTokens"),
                        };
                        if (!pending.TryGetValue(turn, out var calls))
                        {
                            calls = new List<(DateTimeOffset, TokenCounts)>();
                            pending.Add(turn, calls);
                            turns.Add(turn);
                        }

                        calls.Add((JsonValues.TryTimestamp(message, out var t, "timestamp") ? t : fallback, tokens));
                        return;
                    case "exec.result" when JsonValues.String(line, "turnId") is { } resultTurn && pending.ContainsKey(resultTurn):
                        var session = JsonValues.String(line, "sessionId") ?? result.SessionId;
                        if (!sessionSet)
                        {
                            result.SessionId = session;
                            sessionSet = true;
                        }

                        var model = JsonValues.TryObject(line, out var chosen, "model") ? JsonValues.String(chosen, "modelId") : null;
                        Flush(session, resultTurn, model ?? ModelNames.Unknown);
                        return;
                }
            });

            foreach (var turn in turns.Where(pending.ContainsKey).ToList())
            {
                Flush(result.SessionId, turn, ModelNames.Unknown); // a capture cut before its result: its calls still happened
            }

            return result;
        }
    }
}
