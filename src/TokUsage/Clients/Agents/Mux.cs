using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Mux (<c>mux</c>): <c>~/.mux/sessions/&lt;workspace&gt;/session-usage.json</c>, cumulative per-model totals of the
    /// session (<c>byModel</c>, keys <c>provider:model</c>; Mux already rolls sub-agents up). One message per model,
    /// dated at <c>lastRequest.timestamp</c> (else the file's write time). Each bucket (<c>input</c>, <c>cached</c>,
    /// <c>cacheCreate</c>, <c>output</c>, <c>reasoning</c>) is what Mux writes, <c>{"tokens": N, "cost_usd": X}</c>, or
    /// a bare count (early files); the buckets' positive <c>cost_usd</c>, summed, is Mux's reported cost.
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
                ? t : MessageRecorder.WriteTime(file);
            foreach (var entry in byModel.EnumerateObject())
            {
                var colon = entry.Name.IndexOf(':');
                var model = colon >= 0 ? entry.Name.Substring(colon + 1) : entry.Name;
                var u = entry.Value;
                if (u.ValueKind != JsonValueKind.Object)
                {
                    result.Skip(0, $"byModel.{entry.Name} is not an object", options.MaxSkippedSamples);
                    continue;
                }

                decimal? cost = null;
                var tokens = new TokenCounts
                {
                    Input = Bucket(u, "input", ref cost),
                    CacheRead = Bucket(u, "cached", ref cost),
                    CacheWrite = Bucket(u, "cacheCreate", ref cost),
                    Output = Bucket(u, "output", ref cost),
                    Reasoning = Bucket(u, "reasoning", ref cost),
                };
                result.Record(options, when, model, tokens, reportedCost: cost);
            }

            return result;
        }

        /// <summary>A bucket's token count, either shape; its positive <c>cost_usd</c> is added to <paramref name="cost"/>.</summary>
        private static long Bucket(JsonElement usage, string name, ref decimal? cost)
        {
            if (!JsonValues.TryGet(usage, name, out var bucket))
            {
                return 0;
            }

            if (bucket.ValueKind != JsonValueKind.Object)
            {
                return JsonValues.TryCount(bucket, out var bare) ? bare : 0;
            }

            if (JsonValues.Amount(bucket, "cost_usd") is { } amount && amount > 0)
            {
                cost = Math.Min((cost ?? 0m) + amount, decimal.MaxValue / 8);
            }

            return JsonValues.Count(bucket, "tokens");
        }
    }
}
