using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Reasonix (<c>reasonix</c>): one statistics record per provider request, appended to
    /// <c>stats/YYYY-MM-DD.jsonl</c> in its state folder (<c>$REASONIX_STATE_HOME</c>, <c>$REASONIX_HOME</c>, else
    /// <c>~/.reasonix</c>; Windows also <c>%APPDATA%\reasonix</c>). A record has <c>ts</c>, <c>model</c>
    /// (<c>provider/model</c>), <c>prompt</c> (including cache hits), <c>completion</c> (including <c>reasoning</c>),
    /// <c>cache_hit</c> and, in newer records, <c>cache_miss</c> — the fresh input itself; older records give it as
    /// prompt minus cache hits. <c>turn</c> records mark turns and are not requests. Its session transcripts hold no
    /// usage and are not read. Format from tokscale's <c>reasonix.rs</c>.
    /// </summary>
    internal static class Reasonix
    {
        public static readonly IClientSource Source = new FileClient("reasonix",
            StateRoots,
            path => Common.Roots.HasExtension(path, ".jsonl") && Common.Roots.NameIs(Path.GetDirectoryName(path) ?? "", "stats"),
            Read,
            ".reasonix", "reasonix");

        private static IEnumerable<ScanRoot> StateRoots(ClientEnvironment env)
        {
            foreach (var variable in new[] { "REASONIX_STATE_HOME", "REASONIX_HOME" })
            {
                if (env.Get(variable) is { } folder && !string.IsNullOrWhiteSpace(folder))
                {
                    return new[] { new ScanRoot(Path.Combine(env.ExpandHome(folder), "stats"), variable) };
                }
            }

            var roots = new List<ScanRoot> { Common.Roots.Home(env, Path.Combine(".reasonix", "stats")) };
            if (env.Get("APPDATA") is { } appData)
            {
                roots.Add(new ScanRoot(Path.Combine(appData, "reasonix", "stats"), "default"));
            }

            return roots;
        }

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var day = Path.GetFileNameWithoutExtension(file.Path);
            var result = new ParsedFile(file, "reasonix-" + day, "");
            LogFiles.ReadLines(file, options, result, cancel, _ => true, (line, number) =>
            {
                if (JsonValues.TryGet(line, "turn", out var turn) && turn.ValueKind == System.Text.Json.JsonValueKind.True)
                {
                    return;
                }

                var model = JsonValues.String(line, "model");
                if (model is null)
                {
                    return;
                }

                if (!JsonValues.TryTimestamp(line, out var when, "ts"))
                {
                    result.Skip(number, "a statistics record without a valid ts", options.MaxSkippedSamples);
                    return;
                }

                var slash = model.IndexOf('/');
                var cacheHit = JsonValues.Count(line, "cache_hit");
                var miss = JsonValues.Count(line, "cache_miss");
                var completion = JsonValues.Count(line, "completion");
                var reasoning = Math.Min(completion, JsonValues.Count(line, "reasoning"));
                var tokens = new TokenCounts
                {
                    Input = miss > 0 ? miss : Math.Max(0, JsonValues.Count(line, "prompt") - cacheHit),
                    CacheRead = cacheHit,
                    Output = completion - reasoning,
                    Reasoning = reasoning,
                };
                result.Record(options, when, slash >= 0 ? model.Substring(slash + 1) : model, tokens,
                    MessageRecorder.Key("reasonix:" + day + ":" + number.ToString(CultureInfo.InvariantCulture)), line: number);
            });

            return result;
        }
    }
}
