using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using TokUsage.Clients;
using TokUsage.Clients.Claude;
using TokUsage.Parsing;
using TokUsage.Discovery;

namespace TokUsage.Bench
{
    /// <summary>
    /// `profile &lt;folder&gt; [threads]`: single-threaded phase timings over every *.jsonl below a folder (where the time
    /// goes), then the whole reader on <c>threads</c> threads (default: one a processor) taking files in turn, with nothing
    /// else running: what reading costs a run that had nothing else to do (the floor under a cold run).
    /// </summary>
    internal static class Profile
    {
        public static int Run(string[] args)
        {
            var files = Directory.GetFiles(args[0], "*.jsonl", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            long bytes = files.Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"{files.Length} files, {bytes / 1e6:N0} MB");
            Time("lines only", files, bytes, (line) => 0);
            Time("lines + prefilter", files, bytes, (line) => ClaudeLineParser.MayHaveUsage(line) ? 1 : 0);
            var parser = new ClaudeLineParser();
            Time("lines + prefilter + parse", files, bytes, (line) => ClaudeLineParser.MayHaveUsage(line) ? (parser.Parse(line, out _, out _) == LineKind.Usage ? 1 : 0) : 0);
            var prices = Pricing.PriceBook.Embedded;
            var options = new ReadOptions(prices, DateWindow.All);
            long ReadRows(string path)
            {
                var info = new FileInfo(path);
                return ClaudeFileReader.Read(new SourceFile(ClaudeSource.Instance, path, info.Length, info.LastWriteTimeUtc, args[0]), options, CancellationToken.None).Rows.Count;
            }

            var sw = Stopwatch.StartNew();
            long n = 0;
            foreach (var f in files)
            {
                n += ReadRows(f);
            }

            Report("ClaudeFileReader.Read", sw.Elapsed, bytes, n);

            var threads = args.Length > 1 ? int.Parse(args[1]) : Environment.ProcessorCount;
            var next = -1;
            long rows = 0;
            sw.Restart();
            var readers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                long mine = 0;
                int i;
                while ((i = Interlocked.Increment(ref next)) < files.Length)
                {
                    mine += ReadRows(files[i]);
                }

                Interlocked.Add(ref rows, mine);
            })).ToList();
            readers.ForEach(t => t.Start());
            readers.ForEach(t => t.Join());
            Report($"ClaudeFileReader.Read, {threads} threads", sw.Elapsed, bytes, rows);
            return 0;
        }

        private delegate int LineWork(ReadOnlySpan<byte> line);

        private static void Time(string name, string[] files, long bytes, LineWork work)
        {
            var sw = Stopwatch.StartNew();
            long hits = 0;
            foreach (var f in files)
            {
                using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                using var reader = new JsonlLineReader(stream, 0, CancellationToken.None);
                while (reader.Read(out var line) != LineRead.EndOfFile)
                {
                    hits += work(line);
                }
            }

            Report(name, sw.Elapsed, bytes, hits);
        }

        private static void Report(string name, TimeSpan elapsed, long bytes, long hits) =>
            Console.WriteLine($"{name,-30} {elapsed.TotalSeconds,6:N2} s  {bytes / 1e6 / elapsed.TotalSeconds,7:N0} MB/s  ({hits} hits)");
    }
}

namespace TokUsage.Bench
{
    using System.Collections.Generic;
    using TokUsage.Pipeline;

    /// <summary>`scan &lt;folder&gt; [workers]`: one Get-TokenUsage run without PowerShell (fresh process = cold JIT), timed.</summary>
    internal static class ScanProfile
    {
        private sealed class CountingSink : IScanSink
        {
            public long Files, Messages, Tokens;
            public void File(UsageFile file) { Files++; Messages += file.Messages; Tokens += file.TotalTokens; }
            public void Error(ScanError error) { }
            public void Verbose(string message) { }
            public void Warning(string message) { }
            public void Progress(ScanProgress progress) { }
            public bool WantsVerbose => false;
        }

        /// <summary>
        /// `scan &lt;folder&gt; [workers] [cache folder|-] [repeat]`: with a cache folder, runs use (and fill) the cache.
        /// Claude Code logs; TOKUSAGE_BENCH_CLIENT=codex reads Codex rollouts instead.
        /// </summary>
        public static int Run(string[] args)
        {
            var workers = args.Length > 1 ? int.Parse(args[1]) : Environment.ProcessorCount;
            var cache = args.Length > 2 && args[2] != "-" ? args[2] : null;
            var repeat = args.Length > 3 ? int.Parse(args[3]) : 1;
            using var allocations = Environment.GetEnvironmentVariable("TOKUSAGE_BENCH_ALLOC") == "1" ? new AllocationSampler() : null;
            for (var run = 0; run < repeat; run++)
            {
                allocations?.Reset();
                var sw = Stopwatch.StartNew();
                var allocated = GC.GetTotalAllocatedBytes();
                IClientSource client = Environment.GetEnvironmentVariable("TOKUSAGE_BENCH_CLIENT") == "codex" ? TokUsage.Clients.Codex.CodexSource.Instance : ClaudeSource.Instance;
                var request = new ScanRequest(new IClientSource[] { client }, new[] { new ScanTarget(args[0], true) },
                    ClientEnvironment.FromProcess(), new ReadOptions(Pricing.PriceBook.Embedded, DateWindow.All), workers) { CacheDirectory = cache };
                var sink = new CountingSink();
                var scanner = new UsageScanner(request);
                var discover = Stopwatch.StartNew();
                var discoverAllocated = GC.GetTotalAllocatedBytes();
                new FileDiscovery(request).Discover(sink);
                Console.WriteLine($"discover: {discover.Elapsed.TotalSeconds:N3} s, allocated {(GC.GetTotalAllocatedBytes() - discoverAllocated) / 1e6:N0} MB");
                allocations?.Print(6);
                allocations?.Reset();
                sw.Restart();
                allocated = GC.GetTotalAllocatedBytes();
                var (gen0, gen1, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
                // TOKUSAGE_BENCH_PEAK=1: the peak managed heap (as of the last GC) and working set while the scan runs,
                // sampled every 20 ms (where a run's memory goes; the sampling itself costs a little time).
                long peakHeap = 0, peakWorkingSet = 0;
                using var sampling = new CancellationTokenSource();
                var sampler = new Thread(() =>
                {
                    while (!sampling.IsCancellationRequested)
                    {
                        peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo().HeapSizeBytes);
                        peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
                        Thread.Sleep(20);
                    }
                }) { IsBackground = true };
                if (Environment.GetEnvironmentVariable("TOKUSAGE_BENCH_PEAK") == "1")
                {
                    sampler.Start();
                }

                scanner.Run(sink, CancellationToken.None);
                sampling.Cancel();
                if (sampler.IsAlive)
                {
                    sampler.Join();
                    Console.WriteLine($"peak: managed heap {peakHeap / 1e6:N0} MB (as of the last GC), working set {peakWorkingSet / 1e6:N0} MB");
                }

                Console.WriteLine($"scan: {sw.Elapsed.TotalSeconds:N2} s, {sink.Files} files, {sink.Messages} messages, {sink.Tokens} tokens, workers {workers}, allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1e6:N0} MB, collections gen0 {GC.CollectionCount(0) - gen0} gen1 {GC.CollectionCount(1) - gen1} gen2 {GC.CollectionCount(2) - gen2}, paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:N0} ms");
                if (scanner.CacheReport != null)
                {
                    Console.WriteLine(scanner.CacheReport);
                }

                allocations?.Print(12);
            }

            return 0;
        }
    }

    /// <summary>
    /// TOKUSAGE_BENCH_ALLOC=1: what a scan allocates, by type, from the runtime's allocation samples (one event about
    /// every 100 KB allocated, naming the type that crossed the mark; each counted as the bytes since the last one).
    /// A sample, not an account: types allocated rarely or in small objects are under- or over-counted.
    /// </summary>
    internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
    {
        private readonly object _gate = new object();
        private Dictionary<string, long> _bytes = new Dictionary<string, long>();
        private Dictionary<string, int> _collections = new Dictionary<string, int>();

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1); // GC keyword: AllocationTick
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (e.EventName is not null && e.EventName.StartsWith("GCStart", StringComparison.Ordinal) && e.Payload is not null
                && e.PayloadNames!.IndexOf("Depth") is var d and >= 0 && Convert.ToInt32(e.Payload[d]) >= 1)
            {
                // Each gen-1 and gen-2 collection, counted by its reason (the runtime's GC reason codes: 0 small-object
                // budget, 1 induced, 2 low memory, 4 large-object budget, ...) and kind (0 blocking, 1 background).
                var reason = e.PayloadNames.IndexOf("Reason") is var r and >= 0 ? Convert.ToInt32(e.Payload[r]) : -1;
                var kind = e.PayloadNames.IndexOf("Type") is var k0 and >= 0 ? Convert.ToInt32(e.Payload[k0]) : -1;
                lock (_gate)
                {
                    var key = $"gen-{Convert.ToInt32(e.Payload[d])} collection, reason {reason}, type {kind}";
                    _collections[key] = _collections.GetValueOrDefault(key) + 1;
                }

                return;
            }

            if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
            {
                return;
            }

            var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t]?.ToString() ?? "?" : "?";
            if (e.PayloadNames.IndexOf("AllocationKind") is var k and >= 0 && Convert.ToInt32(e.Payload[k]) == 1)
            {
                type += " (large object heap)";
            }

            var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
            lock (_gate)
            {
                _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
            }
        }

        public void Reset()
        {
            lock (_gate)
            {
                _bytes = new Dictionary<string, long>();
                _collections = new Dictionary<string, int>();
            }
        }

        public void Print(int top)
        {
            lock (_gate)
            {
                foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(top))
                {
                    Console.WriteLine($"  alloc {bytes / 1e6,8:N1} MB  {type}");
                }

                foreach (var (what, count) in _collections.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    Console.WriteLine($"  {count,3} x {what}");
                }
            }
        }
    }
}
