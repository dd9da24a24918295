using System;
using System.Collections.Generic;
using TokUsage.Clients;
using TokUsage.Primitives;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// The keep-latest lane (<see cref="IKeepLatest"/>): files of such clients are held until every file of the run
    /// has been read; then, of the records with one key, only the latest is kept (by time, then by the order the files
    /// and records came in, so the latest dump wins a tie), and the files pass the gate in their own order, after all
    /// others. Memory: the held files (dumps of session totals, small). Pipeline thread only.
    /// </summary>
    internal sealed class LatestRows
    {
        private readonly List<ParsedFile> _held = new List<ParsedFile>();

        /// <summary>Holds <paramref name="parsed"/> when its client keeps only the latest records; false otherwise.</summary>
        public bool Hold(ParsedFile parsed)
        {
            if (!(parsed.Source.Client is IKeepLatest lane) || !lane.KeepsLatest)
            {
                return false;
            }

            _held.Add(parsed);
            return true;
        }

        /// <summary>The held files with only each key's latest record left, in the order they came.</summary>
        public IReadOnlyList<ParsedFile> Release()
        {
            var latest = new Dictionary<(string Client, MessageKey Key), (DateTimeOffset When, int File, int Entry)>();
            for (var f = 0; f < _held.Count; f++)
            {
                var entries = _held[f].Entries;
                for (var e = 0; e < entries.Count; e++)
                {
                    if (!entries[e].HasKey)
                    {
                        continue;
                    }

                    var id = (_held[f].Source.Client.Id, entries[e].Key);
                    var when = entries[e].Entry.Timestamp;
                    if (!latest.TryGetValue(id, out var best) || when >= best.When)
                    {
                        latest[id] = (when, f, e);
                    }
                }
            }

            for (var f = 0; f < _held.Count; f++)
            {
                var file = _held[f];
                var kept = new List<KeyedEntry>(file.Entries.Count);
                for (var e = 0; e < file.Entries.Count; e++)
                {
                    var entry = file.Entries[e];
                    if (!entry.HasKey || latest[(file.Source.Client.Id, entry.Key)] == (entry.Entry.Timestamp, f, e))
                    {
                        kept.Add(entry);
                    }
                }

                file.Entries.Clear();
                file.Entries.AddRange(kept);
            }

            var released = _held.ToArray();
            _held.Clear();
            return released;
        }
    }
}
