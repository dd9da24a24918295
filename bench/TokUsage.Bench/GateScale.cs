using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using TokUsage.Model;
using TokUsage.Pipeline;
using TokUsage.Primitives;

namespace TokUsage.Bench
{
    /// <summary>
    /// `gate [--messages N] [--files F] [--prepare on|off] [--sizes known|unknown]`: the dedup gate alone at a
    /// history's scale, claiming Claude Code messages (keys and responses) file by file as the emitter does: with tables
    /// made ahead at the last run's sizes (a warm whole-history run, <see cref="GateTables"/>) or grown from small (a
    /// first run). One measurement a process: a table's pages are backed once, and a second run in the same process
    /// would reuse the first one's memory.
    /// </summary>
    internal static class GateScale
    {
        public static int Run(string[] args)
        {
            var messages = 825_000;
            var files = 16_000;
            var prepare = true;
            var sizesKnown = true;
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                switch (args[i])
                {
                    case "--messages": messages = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                    case "--files": files = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                    case "--prepare": prepare = args[i + 1] == "on"; break;
                    case "--sizes": sizesKnown = args[i + 1] == "known"; break;
                    default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
                }
            }

            // Every file's rows, made before the clock starts (a run's worker makes them on another thread).
            var perFile = Math.Max(1, messages / files);
            var batches = new MessageRows[files];
            var n = 0;
            for (var f = 0; f < files; f++)
            {
                var rows = new MessageRows(perFile);
                for (var m = 0; m < perFile; m++, n++)
                {
                    var id = "msg_" + n.ToString(CultureInfo.InvariantCulture);
                    rows.Add(new MessageRow
                    {
                        Key = MessageKey.Of(Encoding.UTF8.GetBytes(id + ":req_" + n.ToString(CultureInfo.InvariantCulture))),
                        Response = MessageKey.Of(Encoding.UTF8.GetBytes(id)),
                        Flags = RowFlags.HasKey | RowFlags.ResponseKnown,
                    });
                }

                batches[f] = rows;
            }

            var clock = Stopwatch.StartNew();
            var gate = new DedupGate();
            if (sizesKnown)
            {
                gate.Adopt(GateTables.For(new Dictionary<string, int> { ["claude"] = n, [DedupGate.ResponsesTableName("claude")] = n }, new[] { "claude" }));
            }

            var made = clock.Elapsed;
            clock.Restart();
            var claimed = 0;
            foreach (var rows in batches)
            {
                var keys = gate.ClaimedKeysOf("claude");
                if (prepare)
                {
                    gate.Prepare("claude", keys, rows, null);
                }

                for (var i = 0; i < rows.Count; i++)
                {
                    ref var row = ref rows[i];
                    if (gate.TryClaim("claude", keys, row.Key, row))
                    {
                        claimed++;
                    }
                }
            }

            var elapsed = clock.Elapsed;
            Console.WriteLine($"sizes {(sizesKnown ? "known" : "unknown")}, prepare {(prepare ? "on" : "off")}: tables made in {made.TotalMilliseconds:N1} ms; " +
                $"{claimed:N0} of {n:N0} messages claimed in {elapsed.TotalMilliseconds:N1} ms ({elapsed.TotalMilliseconds * 1e6 / n:N1} ns a message)");
            return 0;
        }
    }
}
