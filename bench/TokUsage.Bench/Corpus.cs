using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using TokUsage.TestData;

namespace TokUsage.Bench
{
    /// <summary>
    /// Bench corpora shaped like real histories (research/ccusage.md §7: 3,142 real Claude files, p50 105 KB, p90 654 KB,
    /// p99 5.4 MB, max 87 MB): heavy-tailed turn counts and tool results, resumed sessions, sub-agents, damage. Writes the
    /// home and a summary (files, bytes, the generator's own expected token totals) as JSON on stdout.
    /// </summary>
    internal static class Corpus
    {
        public static int Run(string[] args)
        {
            string kind = "claude", output = "";
            var files = 1000;
            var seed = 1;
            for (var i = 0; i < args.Length - 1; i += 2)
            {
                switch (args[i])
                {
                    case "--kind": kind = args[i + 1]; break;
                    case "--files": files = int.Parse(args[i + 1]); break;
                    case "--out": output = args[i + 1]; break;
                    case "--seed": seed = int.Parse(args[i + 1]); break;
                    default: throw new ArgumentException("unknown option " + args[i]);
                }
            }

            if (output.Length == 0)
            {
                throw new ArgumentException("--out <folder> is required");
            }

            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }

            long bytes, messages, tokens;
            int written;
            if (kind == "claude")
            {
                // ~85 % of files are session transcripts, the rest sub-agent transcripts.
                var home = ClaudeHomeGenerator.Generate(output, new ClaudeHomeOptions
                {
                    Seed = seed,
                    Projects = Math.Max(5, files / 60),
                    Sessions = (int)(files * 0.85),
                    Days = 120,
                    Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
                    DamageRate = 0.002,
                    TornLastLineRate = 0.05,
                    SubagentRate = 0.006,
                    TurnsPerSession = rng => (int)Math.Clamp(Math.Exp(2.75 + (1.15 * Gaussian(rng))), 1, 4000),
                    LargeToolResultRate = 0.04,
                    TypicalToolResultBytes = 1200,
                    LargeToolResultBytes = 60_000,
                });
                (bytes, messages, tokens, written) = (home.Bytes, home.Messages.Count, home.Messages.Sum(m => m.Total), home.Files.Count);
            }
            else if (kind == "codex")
            {
                var home = CodexHomeGenerator.Generate(Path.Combine(output, ".codex"), new CodexHomeOptions
                {
                    Seed = seed,
                    Sessions = files,
                    MinTurns = 4,
                    MaxTurns = 120,
                    Days = 120,
                    Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
                });
                var all = Directory.GetFiles(output, "*.jsonl", SearchOption.AllDirectories);
                (bytes, messages, tokens, written) = (all.Sum(f => new FileInfo(f).Length), home.Messages.Count, home.Messages.Sum(m => m.Total), all.Length);
            }
            else
            {
                throw new ArgumentException("--kind is claude or codex");
            }

            Console.WriteLine(JsonSerializer.Serialize(new { kind, home = output, files = written, bytes, messages, tokens }));
            return 0;
        }

        private static double Gaussian(Random rng) =>
            Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
    }
}
