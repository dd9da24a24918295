using System;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// Bounds the garbage a run leaves between collections, so that a run's peak memory follows the run and not the host.
    /// The runtime sizes the young generations' budgets from the processor's last-level cache: on a server whose cache is
    /// hundreds of MB, a warm 16k run (254 MB of rows and file objects, all garbage once folded) is collected three times
    /// and peaks ≈ 70 MB above what a 4 MB budget gives (docs/performance.md, "the host's cache and the run's garbage").
    /// <para>
    /// The rule: when the managed heap has grown by <see cref="Budget"/> since the last collection of the first generation
    /// (the runtime's or this bound's), the first generation is collected; when what those collections kept (files in
    /// flight, promoted and then dead) has itself grown by <see cref="Budget"/> since the last collection of the second
    /// generation, that one is collected instead. Collecting only the first generation leaves the promoted files to the
    /// second generation's budget, as large as the first's on such a host; collecting the second every time costs a cold
    /// run three times the pauses. Where the runtime's budgets are already small, its own collections come first and this
    /// bound does nothing. The heap is the process's: in a host whose other threads allocate during the run, the bound
    /// also collects what they leave.
    /// </para>
    /// Pipeline thread only: the scanner calls <see cref="Check"/> once a folder walked, then the emitter once an output object.
    /// </summary>
    internal sealed class GarbageBound
    {
        /// <summary>The heap growth allowed before a collection: of the first generation, and of what it keeps.</summary>
        public const long Budget = 8L << 20;

        private readonly IHeap _heap;
        private long _afterYoung;
        private long _afterOlder;
        private int _youngCollections;
        private int _olderCollections;

        public GarbageBound()
            : this(RuntimeHeap.Instance)
        {
        }

        internal GarbageBound(IHeap heap)
        {
            _heap = heap;
            _afterYoung = _afterOlder = heap.Size;
            _youngCollections = heap.Collections(0);
            _olderCollections = heap.Collections(1);
        }

        /// <summary>The heap as the bound sees it; the runtime's, or a test's.</summary>
        internal interface IHeap
        {
            /// <summary>Bytes allocated and not yet known to be free (<see cref="GC.GetTotalMemory"/> without collecting).</summary>
            long Size { get; }

            /// <summary>Collections of <paramref name="generation"/> (or an older one) so far.</summary>
            int Collections(int generation);

            /// <summary>A blocking, non-compacting collection of <paramref name="generation"/> and the younger ones.</summary>
            void Collect(int generation);
        }

        /// <summary>Collects when the heap has grown past <see cref="Budget"/> (see the class).</summary>
        public void Check()
        {
            var size = _heap.Size;
            var older = _heap.Collections(1);
            if (older != _olderCollections)
            {
                _olderCollections = older;
                _afterOlder = size;
            }

            var young = _heap.Collections(0);
            if (young != _youngCollections)
            {
                _youngCollections = young;
                _afterYoung = size;
                return;
            }

            if (size - _afterYoung < Budget)
            {
                return;
            }

            var generation = _afterYoung - _afterOlder >= Budget ? 1 : 0;
            _heap.Collect(generation);
            _afterYoung = _heap.Size;
            _youngCollections = _heap.Collections(0);
            if (generation == 1)
            {
                _afterOlder = _afterYoung;
                _olderCollections = _heap.Collections(1);
            }
        }

        private sealed class RuntimeHeap : IHeap
        {
            public static readonly RuntimeHeap Instance = new RuntimeHeap();

            public long Size => GC.GetTotalMemory(false);

            public int Collections(int generation) => GC.CollectionCount(generation);

            public void Collect(int generation) => GC.Collect(generation, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
    }
}
