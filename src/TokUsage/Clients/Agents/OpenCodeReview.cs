using System;
using System.Globalization;
using System.IO;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// OpenCodeReview (<c>opencodereview</c>): <c>~/.opencodereview/sessions/&lt;encoded-repo&gt;/&lt;session&gt;.jsonl</c>.
    /// A <c>session_start</c> record names the working directory; each <c>llm_response</c> record is one request with
    /// <c>usage.prompt_tokens</c>, <c>completion_tokens</c>, <c>cache_read_tokens</c> and <c>cache_write_tokens</c>
    /// (kept apart, as tokscale reads them). No cost is logged: tokens are priced. A record written twice (same time,
    /// model and counts) counts once.
    /// </summary>
    internal static class OpenCodeReview
    {
        public static readonly IClientSource Source = new FileClient("opencodereview",
            env => new[] { Roots.Home(env, Path.Combine(".opencodereview", "sessions")) },
            path => Roots.HasExtension(path, ".jsonl"),
            Read,
            ".opencodereview");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var session = Path.GetFileNameWithoutExtension(file.Path);
            var result = new ParsedFile(file, session, "");
            var fallback = MessageRecorder.WriteTime(file);
            LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("llm_response"u8) >= 0 || line.IndexOf("session_start"u8) >= 0, (line, _) =>
            {
                switch (JsonValues.String(line, "type"))
                {
                    case "session_start":
                        if (result.Project.Length == 0)
                        {
                            result.Project = JsonValues.String(line, "cwd") ?? "";
                        }

                        return;
                    case "llm_response" when JsonValues.TryObject(line, out var usage, "usage"):
                        var tokens = new TokenCounts
                        {
                            Input = JsonValues.Count(usage, "prompt_tokens"),
                            Output = JsonValues.Count(usage, "completion_tokens"),
                            CacheRead = JsonValues.Count(usage, "cache_read_tokens"),
                            CacheWrite = JsonValues.Count(usage, "cache_write_tokens"),
                        };
                        var when = JsonValues.TryTimestamp(line, out var t, "timestamp") ? t : fallback;
                        var model = JsonValues.String(line, "model") ?? ModelNames.Unknown;
                        result.Record(options, when, model, tokens, MessageRecorder.ContentKey(tokens, "opencodereview", session, when.UtcTicks.ToString(CultureInfo.InvariantCulture), model));
                        return;
                }
            });

            return result;
        }
    }
}
