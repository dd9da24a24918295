using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using TokUsage.Clients;
using TokUsage.Primitives;

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
        private readonly HashSet<string> _warnedUnpriced = new HashSet<string>(StringComparer.Ordinal);
        private readonly DateWindow _dates;
        private readonly IScanSink _sink;

        public UsageEmitter(DateWindow dates, IScanSink sink)
        {
            _dates = dates;
            _sink = sink;
        }

        /// <summary>See <see cref="DedupGate.Reserve"/>.</summary>
        public void Reserve(string client, int messages) => _gate.Reserve(client, messages);

        /// <summary>See <see cref="DedupGate.ClaimedCounts"/>.</summary>
        public IReadOnlyDictionary<string, int> ClaimedCounts() => _gate.ClaimedCounts();

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
            var whole = new FileUsage(parsed.Parts.Count == 0 ? parsed.Entries.Count : 0);
            var byPart = new Dictionary<SessionPart, FileUsage>();
            var duplicates = 0;
            var scope = parsed.Lineage is null ? (MessageKey?)null : MessageKey.Of(System.Text.Encoding.UTF8.GetBytes(_gate.FamilyRoot(client, parsed.Lineage)));
            var clientKeys = _gate.ClaimedKeysOf(client);
            Dictionary<MessageKey, int>? occurrences = null;
            _gate.Prepare(client, clientKeys, parsed.Entries, scope);
            foreach (var keyed in parsed.Entries)
            {
                MessageKey claimed;
                if (keyed.HasKey)
                {
                    claimed = DedupGate.ClaimKey(keyed, scope);
                    if (!_gate.TryClaim(client, clientKeys, claimed, keyed.Response))
                    {
                        duplicates++;
                        continue;
                    }
                }
                else
                {
                    claimed = PlaceKey(path, keyed, occurrences ??= new Dictionary<MessageKey, int>());
                    clientKeys.Add(claimed); // unique to this file and place: claimed so the store's copy is known to be here
                }

                keyed.Entry.Identify(claimed);

                if (!_dates.Includes(keyed.Entry.Timestamp))
                {
                    continue;
                }

                FileUsage target;
                if (keyed.Part is null)
                {
                    target = whole;
                }
                else if (!byPart.TryGetValue(keyed.Part, out target!))
                {
                    target = new FileUsage();
                    byPart.Add(keyed.Part, target);
                }

                target.Add(keyed);
            }

            if (duplicates > 0 && _sink.WantsVerbose)
            {
                _sink.Verbose($"{path}: {duplicates} message(s) already counted from an earlier file (resumed, forked or archived session, or sub-agent copy)");
            }

            if (_dates.OldestUsefulWriteUtc is { } oldest && parsed.Source.LastWriteUtc < oldest)
            {
                return; // read before -Since only so that dedup knows its messages (Discover); nothing of it is in the window
            }

            WarnUnpriced(whole.Unpriced.Concat(byPart.Values.SelectMany(c => c.Unpriced)));

            var partsSkipped = parsed.Parts.Sum(p => p.SkippedLines);
            var wholeSkipped = parsed.Damaged.Count - partsSkipped;
            if (whole.Entries.Count > 0 || wholeSkipped > 0)
            {
                Report(whole, client, path, parsed.SessionId, parsed.Project, wholeSkipped);
            }

            // Sessions of a database in the order they started (then first appearance), each with its own damage count.
            var parts = parsed.Parts
                .Where(p => byPart.ContainsKey(p) || p.SkippedLines > 0)
                .Select(p => (Part: p, Usage: byPart.TryGetValue(p, out var c) ? c : new FileUsage()))
                .OrderBy(p => p.Usage.Entries.Count == 0 ? DateTimeOffset.MaxValue : p.Usage.Entries.Min(e => e.Timestamp))
                .ThenBy(p => p.Part.Order);
            foreach (var (part, usage) in parts)
            {
                Report(usage, client, path, part.SessionId, part.Project, part.SkippedLines);
            }
        }

        /// <summary>
        /// The identity of a message whose format has none (no id, no content key): its file, session, time, model and
        /// counts, and how many identical messages came before it in the file — stable as the file grows, distinct within
        /// it, and never equal to another file's. The usage store is keyed by it.
        /// </summary>
        private static MessageKey PlaceKey(string path, in KeyedEntry keyed, Dictionary<MessageKey, int> occurrences)
        {
            var e = keyed.Entry;
            var place = Clients.Common.MessageRecorder.ContentKey(
                e.Counts,
                "place", path, keyed.Part?.SessionId ?? string.Empty, e.Timestamp.UtcTicks.ToString(CultureInfo.InvariantCulture), e.Model);
            occurrences.TryGetValue(place, out var before);
            occurrences[place] = before + 1;
            return before == 0 ? place : place.Scoped(new MessageKey((ulong)before, (ulong)before));
        }

        /// <summary>Reports one output object (after <see cref="WarnUnpriced"/> for its models).</summary>
        public void Report(FileUsage usage, string client, string path, string sessionId, string project, long skippedLines, bool archived = false) =>
            _sink.File(usage.ToFile(client, path, sessionId, project, skippedLines, archived));

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
