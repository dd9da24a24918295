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
            var latest = new Dictionary<(string Client, MessageKey Key), (long Ticks, int File, int Row)>();
            for (var f = 0; f < _held.Count; f++)
            {
                var rows = _held[f].Rows;
                for (var r = 0; r < rows.Count; r++)
                {
                    if (!rows[r].HasKey)
                    {
                        continue;
                    }

                    var id = (_held[f].Source.Client.Id, rows[r].Key);
                    var when = rows[r].Ticks;
                    if (!latest.TryGetValue(id, out var best) || when >= best.Ticks)
                    {
                        latest[id] = (when, f, r);
                    }
                }
            }

            for (var f = 0; f < _held.Count; f++)
            {
                var file = _held[f];
                var rows = file.Rows;
                var kept = 0;
                for (var r = 0; r < rows.Count; r++)
                {
                    if (!rows[r].HasKey || latest[(file.Source.Client.Id, rows[r].Key)] == (rows[r].Ticks, f, r))
                    {
                        rows[kept++] = rows[r];
                    }
                }

                rows.Truncate(kept);
            }

            var released = _held.ToArray();
            _held.Clear();
            return released;
        }
    }
}
