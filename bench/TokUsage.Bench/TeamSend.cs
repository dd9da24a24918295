using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using TokUsage.Pipeline;
using TokUsage.Team;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Bench
{
    /// <summary>
    /// `team --connection CS --messages N [--method unnest|copy] [--throttle T] [--in-flight BYTES] [--batch MESSAGES]`: the team sender alone
    /// (issue 17), fed in-process with N generated messages in files of 1,000, so the write method and the concurrency are
    /// compared without the log reader's time. bench/team.sh runs it into an empty database behind the latency proxy.
    /// Prints one line: messages added, seconds, msg/s, MB/s, peak in flight.
    /// </summary>
    internal static class TeamSend
    {
        public static int Run(string[] args)
        {
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                options[args[i]] = args[i + 1];
            }

            var messages = int.Parse(options.GetValueOrDefault("--messages", "1000000"), System.Globalization.CultureInfo.InvariantCulture);
            var method = options.GetValueOrDefault("--method", "unnest") == "copy" ? TeamWriteMethod.Copy : TeamWriteMethod.Unnest;
            var throttle = int.Parse(options.GetValueOrDefault("--throttle", "4"), System.Globalization.CultureInfo.InvariantCulture);
            var batch = int.Parse(options.GetValueOrDefault("--batch", "5000"), System.Globalization.CultureInfo.InvariantCulture);
            var inFlight = long.Parse(options.GetValueOrDefault("--in-flight", (16L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

            using var database = TeamDatabase.Connect(options["--connection"], throttle);
            database.EnsureSchema(create: true);
            var clock = Stopwatch.StartNew();
            using var sender = new TeamSender(database, "bench", "bench", throttle, batch, 2L << 20, inFlight, CancellationToken.None) { Method = method };
            var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            for (var f = 0; f * 1000 < messages; f++)
            {
                var rows = new MessageRows(1000);
                var kind = rows.Kind("claude-sonnet-4-5-20250929", false, 1m, CostSource.Calculated, true, true);
                for (var m = 0; m < 1000 && (f * 1000) + m < messages; m++)
                {
                    var tokens = new TokenCounts { Input = 3 + (m % 40), Output = 200 + (m % 300), CacheRead = 40_000 + m, CacheWrite = 900 + (m % 50) };
                    rows.Add(new MessageRow
                    {
                        Ticks = start.AddSeconds(((f * 1000) + m) * 7).UtcTicks, Tokens = tokens, Cost = 0.01m, Kind = kind,
                        Key = new MessageKey((ulong)f, (ulong)m), Flags = RowFlags.HasKey | RowFlags.Identified,
                    });
                }

                var session = $"{f:08d}-0000-4000-8000-000000000000";
                sender.Add(new UsageFile("claude", $"/home/dev/.claude/projects/-home-dev-project{f % 13}/{session}.jsonl", session, $"/home/dev/project{f % 13}", rows, 0));
            }

            sender.Complete();
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"{method} batches of {batch} throttle {throttle} in-flight {inFlight / 1e6:F1} MB: {sender.Added} added in {seconds:F2} s = {sender.Added / seconds:N0} msg/s, {sender.Bytes / seconds / 1e6:F1} MB/s, peak in flight {sender.PeakInFlightBytes / 1e6:F1} MB, {sender.Batches} batches");
            return sender.Added == messages ? 0 : 1;
        }
    }
}
