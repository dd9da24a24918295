using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Primitives;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Pi coding agent (<c>pi</c>) and the agents built on its session format: Senpi (<c>senpi</c>), Kimchi
    /// (<c>kimchi</c>) and Gajae-Code (<c>gjc</c>). A session file starts with a <c>session</c> record (id, cwd),
    /// optionally after <c>title</c> records; a file that starts otherwise is not a session of this family and counts
    /// nothing. Assistant messages carry disjoint <c>usage</c> (<c>input</c>, <c>output</c>, <c>cacheRead</c>,
    /// <c>cacheWrite</c>). Pi's and Senpi's own cost is ignored (it is 0 in auto mode, ccusage #1348) and the tokens are
    /// priced; Gajae-Code's <c>usage.cost.total</c> is what it was charged and is kept when positive. Kimchi and
    /// Gajae-Code copy messages between session files, so their messages are keyed (Kimchi: <c>responseId</c>, else the
    /// message's id, time and usage; Gajae-Code: session and message id) and count once; Pi and Senpi do not.
    /// </summary>
    internal static class Pi
    {
        /// <summary>Pi and Oh-My-Pi: <c>~/.pi/agent/sessions</c> and <c>~/.omp/agent/sessions</c> (<c>PI_AGENT_DIR</c> names the sessions folder instead).</summary>
        public static readonly IClientSource Source = new FileClient("pi",
            env => env.GetPathList("PI_AGENT_DIR").Count > 0
                ? Roots.EnvOrHome(env, "PI_AGENT_DIR", "")
                : new[] { Roots.Home(env, Path.Combine(".pi", "agent", "sessions")), Roots.Home(env, Path.Combine(".omp", "agent", "sessions")) },
            path => Roots.HasExtension(path, ".jsonl"),
            (file, options, cancel) => Read(file, options, cancel, Keys.None, keepCost: false),
            ".pi", ".omp");

        /// <summary>Senpi: <c>$SENPI_CODING_AGENT_DIR</c> or <c>~/.senpi/agent</c>, <c>sessions</c>; plus <c>$SENPI_CODING_AGENT_SESSION_DIR</c>.</summary>
        public static readonly IClientSource Senpi = new FileClient("senpi",
            env => Roots.EnvOrHome(env, "SENPI_CODING_AGENT_DIR", Path.Combine(".senpi", "agent"), "sessions")
                .Concat(env.GetPathList("SENPI_CODING_AGENT_SESSION_DIR").Select(dir => new ScanRoot(dir, "SENPI_CODING_AGENT_SESSION_DIR"))),
            path => Roots.HasExtension(path, ".jsonl"),
            (file, options, cancel) => Read(file, options, cancel, Keys.None, keepCost: false),
            ".senpi");

        /// <summary>Kimchi: <c>$KIMCHI_CODING_AGENT_DIR</c> or <c>~/.config/kimchi/harness</c>, <c>sessions</c>.</summary>
        public static readonly IClientSource Kimchi = new FileClient("kimchi",
            env => Roots.EnvOrHome(env, "KIMCHI_CODING_AGENT_DIR", Path.Combine(".config", "kimchi", "harness"), "sessions"),
            path => Roots.HasExtension(path, ".jsonl"),
            (file, options, cancel) => Read(file, options, cancel, Keys.Response, keepCost: false),
            "kimchi");

        /// <summary>Gajae-Code: <c>$GJC_CODING_AGENT_DIR</c> or <c>~/.gjc/agent</c>, <c>sessions</c>.</summary>
        public static readonly IClientSource Gjc = new FileClient("gjc",
            env => Roots.EnvOrHome(env, "GJC_CODING_AGENT_DIR", Path.Combine(".gjc", "agent"), "sessions"),
            path => Roots.HasExtension(path, ".jsonl"),
            (file, options, cancel) => Read(file, options, cancel, Keys.SessionMessage, keepCost: true),
            ".gjc");

        /// <summary>How a family member identifies a message that other session files may copy.</summary>
        private enum Keys
        {
            None,
            Response,
            SessionMessage,
        }

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel, Keys keys, bool keepCost)
        {
            var client = file.Client.Id;
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            var fallback = MessageRecorder.WriteTime(file);
            var header = 0; // 0: not seen yet, 1: session header seen, -1: not a session of this family
            LogFiles.ReadLines(file, options, result, cancel, _ => header >= 0, (line, _) =>
            {
                var type = JsonValues.String(line, "type");
                if (header == 0)
                {
                    if (type == "title")
                    {
                        return;
                    }

                    if (type != "session")
                    {
                        header = -1;
                        return;
                    }

                    header = 1;
                    result.SessionId = JsonValues.String(line, "id") ?? result.SessionId;
                    result.Project = JsonValues.String(line, "cwd") ?? "";
                    return;
                }

                if (header < 0 || type != "message" || !JsonValues.TryObject(line, out var message, "message")
                    || JsonValues.String(message, "role") != "assistant" || !JsonValues.TryObject(message, out var usage, "usage"))
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
                var when = JsonValues.TryTimestamp(line, out var t, "timestamp") || JsonValues.TryTimestamp(message, out t, "timestamp") ? t : fallback;
                var model = JsonValues.String(message, "model") ?? ModelNames.Unknown;
                var cost = keepCost && JsonValues.TryObject(usage, out var costs, "cost") ? JsonValues.Amount(costs, "total") : null;
                result.Record(options, when, model, tokens, Key(keys, client, result.SessionId, line, message, when, model, tokens), reportedCost: cost);
            });

            return result;
        }

        private static MessageKey? Key(Keys keys, string client, string session, JsonElement line, JsonElement message, DateTimeOffset when, string model, in TokenCounts tokens)
        {
            var id = JsonValues.String(line, "id");
            switch (keys)
            {
                case Keys.SessionMessage:
                    return id is null ? (MessageKey?)null : MessageRecorder.Key(client + ":" + session + ":" + id);
                case Keys.Response when JsonValues.String(message, "responseId") is { } response:
                    return MessageRecorder.Key(client + ":response:" + response);
                case Keys.Response when id != null:
                    return MessageRecorder.ContentKey(tokens, client, "message", id, when.UtcTicks.ToString(CultureInfo.InvariantCulture), JsonValues.String(message, "provider") ?? "", model);
                default:
                    return null;
            }
        }
    }
}
