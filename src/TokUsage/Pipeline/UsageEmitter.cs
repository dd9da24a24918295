using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using TokUsage.Clients;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// The end of the pipeline: passes each parsed file's messages through the dedup gate in the order it is given them,
    /// keeps what lies in the date window, and reports the output objects, warning once per unpriced model. Owns the
    /// run's <see cref="DedupGate"/>. Pipeline thread only.
    /// </summary>
    internal sealed class UsageEmitter
    {
        private readonly DedupGate _gate = new DedupGate();
        private readonly GarbageBound _garbage;
        private readonly HashSet<string> _warnedUnpriced = new HashSet<string>(StringComparer.Ordinal);
        private readonly DateWindow _dates;
        private readonly IScanSink _sink;

        public UsageEmitter(DateWindow dates, IScanSink sink, GarbageBound? garbage = null)
        {
            _dates = dates;
            _sink = sink;
            _garbage = garbage ?? new GarbageBound();
        }

        /// <summary>See <see cref="DedupGate.Adopt"/>.</summary>
        public void Adopt(GateTables tables) => _gate.Adopt(tables);

        /// <summary>See <see cref="DedupGate.Expect"/>.</summary>
        public void Expect(IEnumerable<SourceFile> files) => _gate.Expect(files);

        /// <summary>See <see cref="DedupGate.TableSizes"/>.</summary>
        public IReadOnlyDictionary<string, int> TableSizes() => _gate.TableSizes();

        /// <summary>The keys the run has claimed for <paramref name="client"/> so far (what its logs counted).</summary>
        public KeyTable ClaimedKeysOf(string client) => _gate.ClaimedKeysOf(client);

        /// <summary>
        /// Runs a parsed file through the dedup gate, then the date window, and reports its output objects: one for a log
        /// file, one per session for a multi-session source (a database), none when nothing is left to report. The gate
        /// comes first so a message is owned by its first file whatever the window.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public void Emit(ParsedFile parsed)
        {
            var path = parsed.Source.Path;
            if (parsed.Error != null)
            {
                var kind = parsed.Error is Clients.Databases.UnsupportedSchemaException ? ScanErrorKind.UnsupportedFile : ScanErrorKind.FileUnreadable;
                _sink.Error(new ScanError(kind, path, parsed.Error));
                return;
            }

            if (_sink.WantsVerbose)
            {
                foreach (var skipped in parsed.Damaged.Samples)
                {
                    _sink.Verbose(skipped.LineNumber > 0 ? $"{path}:{skipped.LineNumber}: skipped: {skipped.Reason}" : $"{path}: skipped: {skipped.Reason}");
                }

                if (parsed.Damaged.Count > parsed.Damaged.Samples.Count)
                {
                    _sink.Verbose($"{path}: {parsed.Damaged.Count - parsed.Damaged.Samples.Count} more damaged line(s) skipped");
                }
            }

            var client = parsed.Source.Client.Id;
            var rows = parsed.Rows;
            var duplicates = 0;
            var scope = parsed.Lineage is null ? (MessageKey?)null : MessageKey.Of(System.Text.Encoding.UTF8.GetBytes(_gate.FamilyRoot(client, parsed.Lineage)));
            var clientKeys = _gate.ClaimedKeysOf(client);
            Dictionary<MessageKey, int>? occurrences = null;
            _gate.MakeRoom(parsed.Source, clientKeys, rows);
            _gate.Prepare(client, clientKeys, rows, scope);

            // The rows kept (claimed, in the window) move to the front, in place: the file's rows become the output's.
            var kept = 0;
            for (var i = 0; i < rows.Count; i++)
            {
                ref var row = ref rows[i];
                MessageKey claimed;
                if (row.HasKey)
                {
                    claimed = DedupGate.ClaimKey(row, scope);
                    if (!_gate.TryClaim(client, clientKeys, claimed, row))
                    {
                        duplicates++;
                        continue;
                    }
                }
                else
                {
                    claimed = PlaceKey(path, parsed, row, occurrences ??= new Dictionary<MessageKey, int>());
                    clientKeys.Add(claimed); // unique to this file and place: claimed so the store's copy is known to be here
                }

                row.Key = claimed;
                row.Flags |= RowFlags.Identified;
                if (!_dates.IsAll && !_dates.Includes(row.Timestamp)) // the row's instant is made only for a window
                {
                    continue;
                }

                if (kept != i)
                {
                    rows[kept] = row;
                }

                kept++;
            }

            rows.Truncate(kept);
            var byPart = parsed.Parts.Count == 0 ? null : SplitParts(rows);

            if (duplicates > 0 && _sink.WantsVerbose)
            {
                _sink.Verbose($"{path}: {duplicates} message(s) already counted from an earlier file (resumed, forked or archived session, or sub-agent copy)");
            }

            if (_dates.OldestUsefulWriteUtc is { } oldest && parsed.Source.LastWriteUtc < oldest)
            {
                return; // read before -Since only so that dedup knows its messages (Discover); nothing of it is in the window
            }

            var files = new List<UsageFile>(1 + parsed.Parts.Count);
            var partsSkipped = parsed.Parts.Sum(p => p.SkippedLines);
            var wholeSkipped = parsed.Damaged.Count - partsSkipped;
            if (rows.Count > 0 || wholeSkipped > 0)
            {
                files.Add(File(rows, client, path, parsed.SessionId, parsed.Project, wholeSkipped));
            }

            if (byPart != null)
            {
                // Sessions of a database in the order they started (then first appearance), each with its own damage count.
                var parts = parsed.Parts
                    .Select(p => (Part: p, Rows: byPart.TryGetValue(ParsedFile.RowPart(p), out var r) ? r : null))
                    .Where(p => p.Rows != null || p.Part.SkippedLines > 0)
                    .Select(p => (p.Part, File: File(p.Rows ?? new MessageRows(), client, path, p.Part.SessionId, p.Part.Project, p.Part.SkippedLines)))
                    .OrderBy(p => p.File.Start ?? DateTimeOffset.MaxValue)
                    .ThenBy(p => p.Part.Order);
                files.AddRange(parts.Select(p => p.File));
            }

            WarnUnpriced(files.SelectMany(f => f.UnpricedModels));
            foreach (var file in files)
            {
                Report(file);
            }
        }

        /// <summary>
        /// Moves the rows of a multi-session source's sessions out of <paramref name="rows"/> (which keeps the source's own),
        /// one set of rows per session, by <see cref="MessageRow.Part"/>.
        /// </summary>
        private static Dictionary<int, MessageRows> SplitParts(MessageRows rows)
        {
            var byPart = new Dictionary<int, MessageRows>();
            var own = 0;
            for (var i = 0; i < rows.Count; i++)
            {
                var part = rows[i].Part;
                if (part == 0)
                {
                    rows[own++] = rows[i];
                    continue;
                }

                if (!byPart.TryGetValue(part, out var partRows))
                {
                    partRows = new MessageRows();
                    byPart.Add(part, partRows);
                }

                partRows.AddFrom(rows, i);
            }

            rows.Truncate(own);
            return byPart;
        }

        /// <summary>
        /// The identity of a message whose format has none (no id, no content key): its file, session, time, model and
        /// counts, and how many identical messages came before it in the file — stable as the file grows, distinct within
        /// it, and never equal to another file's. The usage store is keyed by it.
        /// </summary>
        private static MessageKey PlaceKey(string path, ParsedFile parsed, in MessageRow row, Dictionary<MessageKey, int> occurrences)
        {
            var place = Clients.Common.MessageRecorder.ContentKey(
                row.Tokens,
                "place", path, parsed.PartOf(row)?.SessionId ?? string.Empty, row.Ticks.ToString(CultureInfo.InvariantCulture), parsed.Rows.KindOf(row).Model);
            occurrences.TryGetValue(place, out var before);
            occurrences[place] = before + 1;
            return before == 0 ? place : place.Scoped(new MessageKey((ulong)before, (ulong)before));
        }

        /// <summary>
        /// The output object of <paramref name="rows"/> (which it owns from then on), in time order; the project named
        /// from the folder the client logs it by, unless <paramref name="archived"/> (the store keeps it named).
        /// </summary>
        public UsageFile File(MessageRows rows, string client, string path, string sessionId, string project, long skippedLines, bool archived = false)
        {
            rows.SortByTime();
            return new UsageFile(client, path, sessionId, archived ? project : ProjectNames.FromDirectory(project), rows, skippedLines, archived);
        }

        /// <summary>
        /// Reports one output object (after <see cref="WarnUnpriced"/> for its models), read from a log or replayed from the
        /// usage store; first the run's <see cref="GarbageBound"/> may collect what the objects before it left.
        /// </summary>
        public void Report(UsageFile file)
        {
            _garbage.Check();
            _sink.File(file);
        }

        /// <summary>Warns about each model the run has not warned about yet, up to <see cref="ScanText.MaxUnpricedWarnings"/>.</summary>
        public void WarnUnpriced(IEnumerable<string> models)
        {
            foreach (var model in models)
            {
                if (_warnedUnpriced.Add(model) && _warnedUnpriced.Count <= ScanText.MaxUnpricedWarnings)
                {
                    _sink.Warning(ScanText.UnpricedWarning(model));
                }
            }
        }

        /// <summary>The closing warning that counts the unpriced models past the ones warned about one by one.</summary>
        public void Finish()
        {
            if (_warnedUnpriced.Count > ScanText.MaxUnpricedWarnings)
            {
                _sink.Warning(ScanText.MoreUnpriced(_warnedUnpriced.Count));
            }
        }

    }
}
