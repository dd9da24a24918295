using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using BenchmarkDotNet.Attributes;
using TokUsage.Clients;
using TokUsage.Clients.Claude;
using TokUsage.Parsing;
using TokUsage.Pipeline;
using TokUsage.TestData;
using TokUsage.Primitives;
using TokUsage.Aggregation;
using TokUsage.Discovery;

namespace TokUsage.Bench
{
    /// <summary>
    /// Micro-benchmarks of the hot paths on one generated Claude Code transcript set (kept in memory): the line scan
    /// with the usage pre-filter, usage extraction from assistant lines, the dedup gate and the fold.
    /// Run: <c>dotnet bench/TokUsage.Bench/bin/Release/net10.0/TokUsage.Bench.dll micro --filter '*'</c>.
    /// </summary>
    [MemoryDiagnoser]
    public class HotPaths
    {
        private byte[] _jsonl = Array.Empty<byte>();
        private byte[][] _usageLines = Array.Empty<byte[]>();
        private MessageKey[] _keys = Array.Empty<MessageKey>();
        private List<UsageFile> _files = new();
        private List<(SourceFile File, byte[] Record)> _records = new();
        private readonly ReadOptions _read = new ReadOptions(Pricing.PriceBook.Embedded, DateWindow.All);

        [GlobalSetup]
        public void Setup()
        {
            var home = Path.Combine(Path.GetTempPath(), "tokusage-micro");
            var generated = ClaudeHomeGenerator.Generate(home, new ClaudeHomeOptions { Seed = 3, Sessions = 60, Projects = 3 });
            using var all = new MemoryStream();
            foreach (var file in generated.Files)
            {
                var bytes = File.ReadAllBytes(file);
                all.Write(bytes, 0, bytes.Length);
            }

            _jsonl = all.ToArray();
            _usageLines = Encoding.UTF8.GetString(_jsonl).Split('\n').Where(l => l.Contains("\"usage\"", StringComparison.Ordinal))
                .Select(Encoding.UTF8.GetBytes).ToArray();
            _keys = Enumerable.Range(0, 100_000).Select(i => MessageKey.Of(Encoding.UTF8.GetBytes("msg_" + i + ":req_" + (i % 7)))).ToArray();

            var request = new ScanRequest(new IClientSource[] { ClaudeSource.Instance }, new[] { new ScanTarget(generated.ProjectsDir, true) },
                ClientEnvironment.FromProcess(), new ReadOptions(Pricing.PriceBook.Embedded, DateWindow.All), 1);
            var sink = new Collect();
            new UsageScanner(request).Run(sink, CancellationToken.None);
            _files = sink.Files;
            _records = generated.Files.Select(f =>
            {
                var source = new SourceFile(ClaudeSource.Instance, f, new FileInfo(f).Length, File.GetLastWriteTimeUtc(f), generated.ProjectsDir);
                return (source, Caching.SnapshotCodec.Encode(ClaudeFileReader.ReadSnapshot(source, null, CancellationToken.None)));
            }).ToList();
            Directory.Delete(home, recursive: true);
        }

        /// <summary>Splitting lines and the byte pre-filter, over every byte of the transcripts.</summary>
        [Benchmark]
        public int LineScan()
        {
            using var reader = new JsonlLineReader(new MemoryStream(_jsonl, writable: false), 0, CancellationToken.None);
            var hits = 0;
            while (reader.Read(out var line) != LineRead.EndOfFile)
            {
                if (ClaudeLineParser.MayHaveUsage(line))
                {
                    hits++;
                }
            }

            return hits;
        }

        /// <summary>Usage, model, ids and timestamp out of every line that carries usage.</summary>
        [Benchmark]
        public long UsageExtraction()
        {
            var parser = new ClaudeLineParser();
            long total = 0;
            foreach (var line in _usageLines)
            {
                if (parser.Parse(line, out var message, out _) == LineKind.Usage)
                {
                    total += message.Tokens.Total;
                }
            }

            return total;
        }

        /// <summary>The same with the token-by-token reader alone (what the structural scan replaced; its fallback).</summary>
        [Benchmark]
        public long UsageExtractionWithReader()
        {
            var parser = new ClaudeLineParser();
            long total = 0;
            foreach (var line in _usageLines)
            {
                if (parser.ParseWithReader(line, out var message, out _) == LineKind.Usage)
                {
                    total += message.Tokens.Total;
                }
            }

            return total;
        }

        /// <summary>100,000 claims, half of them repeats.</summary>
        [Benchmark]
        public int DedupGate()
        {
            var gate = new DedupGate();
            var lane = gate.ClaimedKeysOf("claude");
            var claimed = 0;
            for (var i = 0; i < _keys.Length; i++)
            {
                // As Claude Code messages are claimed: under their key, with their response kept for the side-chain rule.
                var key = _keys[i / 2 * 2];
                var row = new TokUsage.Model.MessageRow { Key = key, Response = key, Flags = TokUsage.Model.RowFlags.HasKey | TokUsage.Model.RowFlags.ResponseKnown };
                if (gate.TryClaim("claude", lane, key, row))
                {
                    claimed++;
                }
            }

            return claimed;
        }

        /// <summary>A warm run's work per unchanged file: its cache record decoded and priced into the scanner's result.</summary>
        [Benchmark]
        public int CacheDecode()
        {
            var messages = 0;
            foreach (var (file, record) in _records)
            {
                messages += Caching.SnapshotCodec.DecodeParsed(record, record.Length, file, _read).Rows.Count;
            }

            return messages;
        }

        /// <summary>Folding every emitted file into a daily report with a per-model breakdown.</summary>
        [Benchmark]
        public int Fold()
        {
            var fold = new UsageFold(UsageGrouping.Day, TimeZoneInfo.Utc, DayOfWeek.Monday, breakdown: true);
            foreach (var file in _files)
            {
                fold.Add(FoldInputs.SourceOf(file), file.Rows);
            }

            return fold.Results(withTotal: false).Count();
        }

        private sealed class Collect : IScanSink
        {
            public List<UsageFile> Files { get; } = new();

            public bool WantsVerbose => false;

            public void File(UsageFile file) => Files.Add(file);

            public void Error(ScanError error)
            {
            }

            public void Verbose(string message)
            {
            }

            public void Warning(string message)
            {
            }

            public void Progress(ScanProgress progress)
            {
            }
        }
    }
}
