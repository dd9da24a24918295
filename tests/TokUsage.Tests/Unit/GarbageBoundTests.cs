using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using TokUsage.Clients;
using TokUsage.Clients.Claude;
using TokUsage.Model;
using TokUsage.Pipeline;
using TokUsage.Discovery;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>
    /// The run's bound on its garbage (issue 20, memory): a heap that grows by the budget is collected, the second
    /// generation once what the first's collections kept has grown by the budget too, and nothing when the runtime's own
    /// collections come first. Driven through a heap whose sizes the test sets, so the rule is checked on any host.
    /// </summary>
    public sealed class GarbageBoundTests
    {
        private const long MB = 1L << 20;

        [Fact]
        public void ABoundCollectsTheFirstGenerationEachBudgetAndTheSecondWhenWhatItKeptHasGrownByOne()
        {
            var heap = new TestHeap(100 * MB);
            var bound = new GarbageBound(heap);

            heap.Size += GarbageBound.Budget - 1;
            bound.Check();
            Assert.Empty(heap.Collected); // below the budget

            // Each collection keeps 3 MB more than the one before it kept.
            var kept = 100 * MB;
            for (var i = 0; i < 4; i++)
            {
                kept += 3 * MB;
                heap.KeptByNext = kept;
                heap.Size = heap.Size + GarbageBound.Budget;
                bound.Check();
            }

            // Kept after each: 103, 106, 109; 109 is 9 MB over the 100 the bound started from, so the fourth is of the second.
            Assert.Equal(new[] { 0, 0, 0, 1 }, heap.Collected);
        }

        [Fact]
        public void ABoundLeavesTheHeapToTheRuntimeWhenTheRuntimeCollectsFirst()
        {
            var heap = new TestHeap(100 * MB);
            var bound = new GarbageBound(heap);
            for (var i = 0; i < 10; i++)
            {
                heap.Size += 2 * GarbageBound.Budget;
                heap.RuntimeCollects(0); // the runtime's budget is smaller than the bound's: it collects before each check
                bound.Check();
            }

            Assert.Empty(heap.Collected);

            // The runtime's collections kept 50 MB more than the bound started from, but its collection of the second
            // generation resets what the bound counts: the next collection is of the first.
            heap.Size = 150 * MB;
            heap.RuntimeCollects(1);
            bound.Check();
            heap.KeptByNext = 151 * MB;
            heap.Size += GarbageBound.Budget;
            bound.Check();
            Assert.Equal(new[] { 0 }, heap.Collected);
        }

        [Fact]
        public void EachObjectTheEmitterReportsLetsTheBoundCollect()
        {
            var heap = new TestHeap(100 * MB);
            var sink = new CountingSink();
            var emitter = new UsageEmitter(DateWindow.All, sink, new GarbageBound(heap));
            var parsed = new ParsedFile(new SourceFile(ClaudeSource.Instance, "/logs/a.jsonl", 100, DateTime.UtcNow, "/logs"), "a", "/work/app");
            const string model = "claude-sonnet-4-5-20250929";
            var row = TokUsage.Pricing.MessagePricing.Row(parsed.Rows, DateTimeOffset.UtcNow, model, new TokenCounts { Input = 1 }, TokUsage.Pricing.PriceBook.Embedded.Resolve(model), false);
            parsed.Rows.Add(row);

            heap.Size += GarbageBound.Budget;
            emitter.Emit(parsed);
            Assert.Equal(1, sink.Files);
            Assert.Equal(new[] { 0 }, heap.Collected);

            // An archived session replayed from the usage store is reported the same way.
            heap.Size += GarbageBound.Budget;
            emitter.Report(emitter.File(new MessageRows(), "claude", "/logs/gone.jsonl", "gone", "/work/app", 0, archived: true));
            Assert.Equal(2, sink.Files);
            Assert.Equal(new[] { 0, 0 }, heap.Collected);
        }

        [Fact]
        public void EachFolderTheScanWalksLetsTheBoundCollectBeforeAnyFileIsRead()
        {
            using var dir = new TempDir();
            var home = TokUsage.TestData.ClaudeHomeGenerator.Generate(dir.Path, new TokUsage.TestData.ClaudeHomeOptions { Sessions = 20, Seed = 5 });
            var folders = Directory.EnumerateDirectories(home.ProjectsDir, "*", SearchOption.AllDirectories).Count() + 1;
            var heap = new GrowingHeap();
            var sink = new CountingSink();
            sink.OnFirstFile = () => sink.CollectedBeforeFirstFile = heap.Collected;
            var request = new ScanRequest(new[] { ClaudeSource.Instance }, new[] { new ScanTarget(home.ProjectsDir, true) }, ClientEnvironment.FromProcess(), new ReadOptions(TokUsage.Pricing.PriceBook.Embedded, DateWindow.All), 2);
            new UsageScanner(request, () => new GarbageBound(heap)).Run(sink, CancellationToken.None);

            // The heap grows by the budget between any two checks: each folder's check collects, then the first object's.
            Assert.Equal(folders + 1, sink.CollectedBeforeFirstFile);
        }

        /// <summary>A heap that has grown by the bound's budget each time it is asked its size.</summary>
        private sealed class GrowingHeap : GarbageBound.IHeap
        {
            private long _size = 100 * MB;
            private int _collections;

            public long Size => _size += GarbageBound.Budget;

            public int Collected => _collections;

            public int Collections(int generation) => generation == 0 ? _collections : 0;

            public void Collect(int generation) => _collections++;
        }

        private sealed class TestHeap : GarbageBound.IHeap
        {
            private readonly int[] _collections = new int[3];

            public TestHeap(long size)
            {
                Size = size;
                KeptByNext = size;
            }

            public long Size { get; set; }

            /// <summary>What the next collection leaves.</summary>
            public long KeptByNext { get; set; }

            public List<int> Collected { get; } = new List<int>();

            public int Collections(int generation) => _collections[generation];

            public void Collect(int generation)
            {
                Collected.Add(generation);
                Count(generation);
                Size = KeptByNext;
            }

            public void RuntimeCollects(int generation) => Count(generation);

            private void Count(int generation)
            {
                for (var g = 0; g <= generation; g++)
                {
                    _collections[g]++;
                }
            }
        }

        private sealed class CountingSink : IScanSink
        {
            public int Files { get; private set; }
            public Action? OnFirstFile { get; set; }
            public int CollectedBeforeFirstFile { get; set; } = -1;
            public bool WantsVerbose => false;

            public void File(UsageFile file)
            {
                if (Files++ == 0)
                {
                    OnFirstFile?.Invoke();
                }
            }

            public void Error(ScanError error) { }
            public void Verbose(string message) { }
            public void Warning(string message) { }
            public void Progress(ScanProgress progress) { }
        }
    }
}
