using System;
using System.Collections.Generic;
using TokUsage.Primitives;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// The dedup gate's tables for one run, sized from the sizes the last whole-history run's tables reached
    /// (<see cref="DedupGate.TableSizes"/>, kept in the cache's meta) and, for a run of the whole history, made with their
    /// memory backed (<see cref="KeyTable.Prefaulted"/>) on the thread that opens the cache while the pipeline thread walks
    /// the folders.
    /// <para>Why: a fresh table's pages were faulted in one by one by the pipeline thread as it claimed keys — twice per
    /// page, as the gate's touch read mapped the shared zero page before the claim's write replaced it — about a third
    /// of the gate's time on a warm 16k-file run (docs/performance.md). A run narrowed by a date window or to some
    /// folders claims few keys: it gets the sizes only, and tables made on first use touch only the pages they fill.</para>
    /// <para>Made on one thread and handed to the pipeline thread's <see cref="DedupGate"/> through the cache opening's task
    /// (which publishes it); owned by that gate afterwards.</para>
    /// </summary>
    internal sealed class GateTables
    {
        private GateTables(IReadOnlyDictionary<string, int> sizes, Dictionary<string, KeyTable> claimed, Dictionary<string, KeyTable> responses)
        {
            Sizes = sizes;
            Claimed = claimed;
            Responses = responses;
        }

        /// <summary>No sizes, no tables: every table starts small and grows.</summary>
        public static GateTables None => new GateTables(new Dictionary<string, int>(), new Dictionary<string, KeyTable>(), new Dictionary<string, KeyTable>());

        /// <summary>The last run's table sizes, by table name (<see cref="DedupGate.TableSizes"/>).</summary>
        public IReadOnlyDictionary<string, int> Sizes { get; }

        /// <summary>Claimed-key tables made ahead, by client.</summary>
        public Dictionary<string, KeyTable> Claimed { get; }

        /// <summary>Counted-response tables made ahead, by client.</summary>
        public Dictionary<string, KeyTable> Responses { get; }

        /// <summary>
        /// The tables of a run of <paramref name="clients"/>: with <paramref name="made"/>, each table the last run had for
        /// one of them is made now at its size, its memory backed; else only the sizes are kept.
        /// </summary>
        public static GateTables For(IReadOnlyDictionary<string, int> lastSizes, IEnumerable<string> clients, bool made)
        {
            var claimed = new Dictionary<string, KeyTable>(StringComparer.Ordinal);
            var responses = new Dictionary<string, KeyTable>(StringComparer.Ordinal);
            if (made)
            {
                foreach (var client in clients)
                {
                    if (lastSizes.TryGetValue(client, out var keys) && keys > 0)
                    {
                        claimed[client] = KeyTable.Prefaulted(keys);
                    }

                    if (lastSizes.TryGetValue(DedupGate.ResponsesTableName(client), out var counted) && counted > 0)
                    {
                        responses[client] = KeyTable.Prefaulted(counted);
                    }
                }
            }

            return new GateTables(lastSizes, claimed, responses);
        }
    }
}
