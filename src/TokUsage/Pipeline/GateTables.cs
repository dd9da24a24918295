using System;
using System.Collections.Generic;
using TokUsage.Primitives;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// The dedup gate's tables for a run of the whole history, made at the sizes the last such run's tables reached
    /// (<see cref="DedupGate.TableSizes"/>, kept in the cache's meta) with their memory backed (<see cref="KeyTable.Prefaulted"/>),
    /// on the thread that opens the cache while the pipeline thread walks the folders.
    /// <para>Why: a fresh table's pages were faulted in one by one by the pipeline thread as it claimed keys — twice per
    /// page, as the gate's touch read mapped the shared zero page before the claim's write replaced it — about a third
    /// of the gate's time on a warm 16k-file run (docs/performance.md). A run narrowed by a date window or to some
    /// folders claims few keys: its tables start small and grow (<see cref="None"/>).</para>
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
        /// The tables of a whole-history run of <paramref name="clients"/>: each table the last such run had for one of them,
        /// made now at its size with its memory backed. A narrowed run takes <see cref="None"/>: the last whole run's sizes
        /// say nothing of it, and tables that size would cost it their allocation for a few keys.
        /// </summary>
        public static GateTables For(IReadOnlyDictionary<string, int> lastSizes, IEnumerable<string> clients)
        {
            var claimed = new Dictionary<string, KeyTable>(StringComparer.Ordinal);
            var responses = new Dictionary<string, KeyTable>(StringComparer.Ordinal);
            foreach (var client in clients)
            {
                if (lastSizes.TryGetValue(client, out var keys) && keys > 0)
                {
                    claimed[client] = Made(keys);
                }

                if (lastSizes.TryGetValue(DedupGate.ResponsesTableName(client), out var counted) && counted > 0)
                {
                    responses[client] = Made(counted);
                }
            }

            return new GateTables(lastSizes, claimed, responses);
        }

        /// <summary>
        /// Keys up to which a table made ahead also has its memory backed: 128 MB of table, a history of about 80,000
        /// transcripts. A larger size (a history that large, or a damaged meta row, which the cache caps at 16M keys) makes
        /// the table plainly, so a wrong size costs address space, not memory.
        /// </summary>
        internal const int MostKeysBacked = 4 * 1024 * 1024;

        private static KeyTable Made(int keys) => keys <= MostKeysBacked ? KeyTable.Prefaulted(keys) : new KeyTable(keys);
    }
}
