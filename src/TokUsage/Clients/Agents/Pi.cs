using System.IO;
using System.Threading;
using TokUsage.Clients.Common;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Pi coding agent (<c>pi</c>): <c>~/.pi/agent/sessions/&lt;encoded-cwd&gt;/*.jsonl</c> and Oh-My-Pi
    /// <c>~/.omp/agent/sessions</c> (<c>PI_AGENT_DIR</c> names the sessions folder instead). A session file starts with a
    /// <c>session</c> record (id, cwd), optionally after <c>title</c> records; a file that starts otherwise is not Pi's and
    /// counts nothing. Assistant messages carry disjoint <c>usage</c>; Pi's own cost field is ignored (it is 0 in auto
    /// mode, ccusage #1348) and the tokens are priced.
    /// </summary>
    internal static class Pi
    {
        public static readonly IClientSource Source = new FileClient("pi",
            env => env.GetPathList("PI_AGENT_DIR").Count > 0
                ? Roots.EnvOrHome(env, "PI_AGENT_DIR", "")
                : new[] { Roots.Home(env, Path.Combine(".pi", "agent", "sessions")), Roots.Home(env, Path.Combine(".omp", "agent", "sessions")) },
            path => Roots.HasExtension(path, ".jsonl"),
            Read,
            ".pi", ".omp");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            var fallback = Recording.WriteTime(file);
            var header = 0; // 0: not seen yet, 1: session header seen, -1: not a Pi session
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
                result.Record(options, when, JsonValues.String(message, "model") ?? ModelNames.Unknown, tokens);
            });

            return result;
        }
    }
}
