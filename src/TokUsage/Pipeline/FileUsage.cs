using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using TokUsage.Clients;
using TokUsage.Pricing;
using TokUsage.Primitives;

namespace TokUsage.Pipeline
{
    /// <summary>The admitted messages of one output object. Pipeline thread only.</summary>
    internal sealed class FileUsage
    {
        /// <param name="capacity">The messages it will likely hold (a log file's, before dedup): no list growth.</param>
        public FileUsage(int capacity = 0) => Entries = new List<UsageEntry>(capacity);

        public List<UsageEntry> Entries { get; }

        public SortedSet<string> Models { get; } = new SortedSet<string>(StringComparer.Ordinal);

        public SortedSet<string> Unpriced { get; } = new SortedSet<string>(StringComparer.Ordinal);

        private string? _lastModel;
        private bool _unsorted;

        [MethodImpl(Jit.Optimized)]
        public void Add(in KeyedEntry keyed)
        {
            var entry = keyed.Entry;
            if (Entries.Count > 0 && entry.Timestamp < Entries[Entries.Count - 1].Timestamp)
            {
                _unsorted = true;
            }

            Entries.Add(entry);

            // Messages of a session mostly share one model: the sets are only touched when it changes.
            if (!ReferenceEquals(entry.Model, _lastModel))
            {
                _lastModel = entry.Model;
                if (!ModelNames.IsSynthetic(entry.Model))
                {
                    Models.Add(entry.Model);
                }
            }

            if (!keyed.Priced)
            {
                Unpriced.Add(entry.Model);
            }
        }

        [MethodImpl(Jit.Optimized)]
        public UsageFile ToFile(string client, string path, string sessionId, string project, long skippedLines, bool archived = false)
        {
            if (_unsorted)
            {
                // Stable, as List.Sort is not: equal timestamps keep file order.
                var ordered = Entries.OrderBy(e => e.Timestamp).ToList();
                Entries.Clear();
                Entries.AddRange(ordered);
            }

            return new UsageFile(client, path, sessionId, archived ? project : ProjectNames.FromDirectory(project), Entries, Models.ToArray(), Unpriced.ToArray(), skippedLines, archived);
        }
    }
}
