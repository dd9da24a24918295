using System;
using System.IO;
using System.Threading;
using TokUsage.Clients.Common;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Mux (<c>mux</c>): <c>~/.mux/sessions/&lt;workspace&gt;/session-usage.json</c>, cumulative per-model totals of the
    /// session (<c>byModel</c>, keys <c>provider:model</c>; Mux already rolls sub-agents up). One message per model,
    /// dated at <c>lastRequest.timestamp</c> (else the file's write time).
    /// </summary>
    internal static class Mux
    {
        public static readonly IClientSource Source = new FileClient("mux",
            env => new[] { Roots.Home(env, Path.Combine(".mux", "sessions")) },
            path => Roots.NameIs(path, "session-usage.json"),
            Read,
            ".mux");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var workspace = Path.GetFileName(Path.GetDirectoryName(file.Path) ?? "");
            var result = new ParsedFile(file, workspace, workspace);
            using var document = LogFiles.ReadDocument(file, options, result, cancel);
            if (document is null || !JsonValues.TryObject(document.RootElement, out var byModel, "byModel"))
            {
                return result;
            }

            var when = JsonValues.TryObject(document.RootElement, out var last, "lastRequest") && JsonValues.TryTimestamp(last, out var t, "timestamp")
                ? t : Recording.WriteTime(file);
            foreach (var entry in byModel.EnumerateObject())
            {
                var colon = entry.Name.IndexOf(':');
                var model = colon >= 0 ? entry.Name.Substring(colon + 1) : entry.Name;
                var u = entry.Value;
                var tokens = new TokenCounts
                {
                    Input = JsonValues.Count(u, "input"),
                    CacheRead = JsonValues.Count(u, "cached"),
                    CacheWrite = JsonValues.Count(u, "cacheCreate"),
                    Output = JsonValues.Count(u, "output"),
                    Reasoning = JsonValues.Count(u, "reasoning"),
                };
                result.Record(options, when, model, tokens);
            }

            return result;
        }
    }
}
