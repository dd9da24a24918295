using System.IO;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Augment Code CLI (<c>augment</c>): <c>~/.augment/sessions/&lt;session&gt;.json</c>. Each <c>chatHistory</c> exchange
    /// names its model (<c>exchange.model_id</c>, else the session's <c>agentState.modelId</c>) and its response nodes carry
    /// <c>token_usage</c>. A request id seen in an earlier session file counts once.
    /// </summary>
    internal static class Augment
    {
        public static readonly IClientSource Source = new FileClient("augment",
            env => new[] { Roots.Home(env, Path.Combine(".augment", "sessions")) },
            path => Roots.HasExtension(path, ".json"),
            Read,
            ".augment");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            using var document = LogFiles.ReadDocument(file, options, result, cancel);
            if (document is null)
            {
                return result;
            }

            var session = document.RootElement;
            result.SessionId = JsonValues.String(session, "sessionId", "id") ?? result.SessionId;
            var sessionModel = JsonValues.TryObject(session, out var agent, "agentState") ? JsonValues.String(agent, "modelId") : null;
            result.Project = JsonValues.String(agent, "workspaceRoot", "cwd") ?? "";
            var fallback = JsonValues.TryTimestamp(session, out var modified, "modified", "created") ? modified : MessageRecorder.WriteTime(file);
            if (!JsonValues.TryArray(session, "chatHistory", out var history))
            {
                return result;
            }

            foreach (var item in history.EnumerateArray())
            {
                if (!JsonValues.TryObject(item, out var exchange, "exchange") || !JsonValues.TryArray(exchange, "response_nodes", out var nodes))
                {
                    continue;
                }

                var model = JsonValues.String(exchange, "model_id") ?? sessionModel ?? ModelNames.Unknown;
                var when = JsonValues.TryTimestamp(item, out var t, "finishedAt", "timestamp") || JsonValues.TryTimestamp(exchange, out t, "timestamp") ? t : fallback;
                var requestId = JsonValues.String(exchange, "request_id");
                var node = 0;
                foreach (var n in nodes.EnumerateArray())
                {
                    node++;
                    if (!JsonValues.TryObject(n, out var u, "token_usage"))
                    {
                        continue;
                    }

                    var tokens = new TokenCounts
                    {
                        Input = JsonValues.Count(u, "input_tokens"),
                        Output = JsonValues.Count(u, "output_tokens"),
                        CacheRead = JsonValues.Count(u, "cache_read_input_tokens"),
                        CacheWrite = JsonValues.Count(u, "cache_creation_input_tokens"),
                    };
                    result.Record(options, when, model, tokens, requestId is null ? null : MessageRecorder.Key("augment:" + requestId + ":" + node));
                }
            }

            return result;
        }
    }
}
