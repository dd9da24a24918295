using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using TokUsage.Caching;
using TokUsage.Clients;
using TokUsage.Discovery;
using TokUsage.Pricing;
using TokUsage.Primitives;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// One Get-TokenUsage run without PowerShell: discovers files, parses them in parallel, passes each file's messages
    /// through the dedup gate in path order and reports one <see cref="UsageFile"/> per file with usage or damage.
    /// <para>Threads: <see cref="Run"/> and every sink call happen on the caller's thread (the pipeline thread); only
    /// parsing runs on workers.</para>
    /// </summary>
    internal sealed class UsageScanner
    {
        private readonly ScanRequest _request;

        public UsageScanner(ScanRequest request) => _request = request;

        /// <summary>Every log file found (before -Since pruning and copy selection), with its length: what still exists.</summary>
        private Dictionary<string, long> _present = new Dictionary<string, long>();

        /// <summary>What the cache did in the last <see cref="Run"/>; null when it ran without one.</summary>
        public CacheReport? CacheReport { get; private set; }

        /// <summary>Finds the files to read in admission order (<see cref="Rank"/>, then path), skipping files too old for -Since.</summary>
        public List<SourceFile> Discover(IScanSink sink)
        {
            var byPath = new Dictionary<string, SourceFile>(PathFacts.PathComparer);
            void Add(IClientSource client, FileInfo info, string root)
            {
                // A file two targets both hold goes to the client whose marker folder is nearest to it.
                if (!byPath.TryGetValue(info.FullName, out var earlier) || LogOwnership.Nearer(client, earlier.Client, info.FullName))
                {
                    if (!FileScanner.TryLengthAndWriteTime(info, out var length, out var lastWrite))
                    {
                        if (sink.WantsVerbose)
                        {
                            sink.Verbose($"{info.FullName}: deleted while the folders were listed; nothing to count.");
                        }

                        return;
                    }

                    byPath[info.FullName] = new SourceFile(client, info.FullName, length, lastWrite, root);
                }
            }

            void OnError(string path, Exception e) => sink.Error(new ScanError(ScanErrorKind.DirectoryUnreadable, path, e));
            void OnPassedOver(string path, string reason) => sink.Warning($"'{path}' is not read: {reason}.");

            if (_request.Targets is null)
            {
                void OnRoot(IClientSource client, ScanRoot root, bool exists)
                {
                    if (root.Warning != null)
                    {
                        sink.Warning(root.Warning);
                    }

                    if (!exists && root.NamedForClient)
                    {
                        sink.Warning($"{root.Origin} names '{root.Directory}', which does not exist; no {client.Id} logs are read from it.");
                    }
                }

                foreach (var found in LogOwnership.WalkDefaultFolders(_request.Clients, _request.Environment, OnRoot, OnError, OnPassedOver).Values)
                {
                    Add(found.Client, found.Info, found.Root.Directory);
                }
            }
            else
            {
                foreach (var target in _request.Targets)
                {
                    var clients = target.Clients ?? _request.Clients;
                    if (target.IsDirectory)
                    {
                        // One walk for all clients; each file goes to its owner. Files that are plainly another
                        // client's (under its folders) are not read as these clients' logs: one warning per client.
                        var foreign = new SortedDictionary<string, int>(StringComparer.Ordinal);
                        foreach (var info in FileScanner.Walk(target.Path, p => clients.Any(c => c.IsUsageFile(p)), OnError, OnPassedOver))
                        {
                            var owner = LogOwnership.Owner(info.FullName, clients, out var other);
                            if (owner is null)
                            {
                                foreign[other!.Id] = foreign.TryGetValue(other.Id, out var n) ? n + 1 : 1;
                                continue;
                            }

                            Add(owner, info, target.Path);
                        }

                        foreach (var pair in foreign)
                        {
                            sink.Warning($"Skipped {pair.Value} file(s) under '{target.Path}' that are {pair.Key} logs (they lie in its folders), not logs of {Ids(clients)}. To count them, name -Client {pair.Key} too, or leave -Client out.");
                        }

                        continue;
                    }

                    var fileOwner = LogOwnership.Owner(target.Path, clients, out var otherOwner);
                    if (fileOwner is null)
                    {
                        var reason = otherOwner is null ? string.Empty : $" It is a {otherOwner.Id} log (it lies in its folders): name -Client {otherOwner.Id}, or leave -Client out.";
                        sink.Error(new ScanError(ScanErrorKind.UnsupportedFile, target.Path, new NotSupportedException(
                            $"'{target.Path}' is not a usage log of {Ids(clients)}.{reason}")));
                        continue;
                    }

                    // A file the user named is read wherever a link leads, but never a FIFO or device.
                    if (FileKinds.Of(target.Path) == FileKind.Special)
                    {
                        sink.Error(new ScanError(ScanErrorKind.UnsupportedFile, target.Path, new NotSupportedException($"'{target.Path}' is not read: {FileKinds.SpecialReason}.")));
                        continue;
                    }

                    var file = new FileInfo(target.Path);
                    Add(fileOwner, file, file.DirectoryName ?? target.Path);
                }
            }

            var files = byPath.Values.ToList();
            _present = byPath.ToDictionary(p => p.Key, p => p.Value.Length, PathFacts.PathComparer);
            LatestCopies.Keep(files, (copy, latest) =>
            {
                if (sink.WantsVerbose)
                {
                    sink.Verbose($"{copy.Path}: not read; '{latest.Path}' is a later copy of the same session's cumulative usage.");
                }
            });
            var oldest = _request.Read.Dates.OldestUsefulWriteUtc;
            var tooOld = 0;
            if (oldest.HasValue)
            {
                // Pruning must never change what dedup sees: files of a client whose copies are re-stamped stay.
                tooOld = files.RemoveAll(f => f.LastWriteUtc < oldest.Value && !f.Client.CopiesAreRestamped);
            }

            if (files.Count == 0)
            {
                var clients = _request.Clients.Count == ClientRegistry.All.Count ? "any client" : Ids(_request.Clients);
                var where = _request.Targets is null ? "in the default folders (Get-TokenUsageSource lists them; -Path reads other ones)" : "under the given paths";
                sink.Warning(tooOld > 0
                    ? $"No usage log of {clients} was written on or after the day before -Since ({tooOld} older one(s) found {where})."
                    : $"No usage log of {clients} was found {where}.");
            }

            // Each file's rank is computed once (a comparison must not recompute it: that allocated per comparison).
            return files.Select(f => (File: f, Rank: Rank(f))).OrderBy(x => x.Rank).ThenBy(x => x.File.Path, PathOrder.Instance).Select(x => x.File).ToList();
        }

        /// <summary>
        /// The order files pass the dedup gate (and are reported) in: by the client's admission rank
        /// (<see cref="IAdmissionOrder"/>: Claude Code side chains last), then by path (ordinal) — deterministic.
        /// </summary>
        private static int Rank(SourceFile file) => file.Client is IAdmissionOrder order ? order.AdmissionRank(file.Path) : 0;

        /// <summary>Paths in <see cref="FileScanner.CompareOrdinal"/> order.</summary>
        private sealed class PathOrder : IComparer<string>
        {
            public static readonly PathOrder Instance = new PathOrder();

            public int Compare(string? x, string? y) => FileScanner.CompareOrdinal(x!, y!);
        }

        private static string Ids(IEnumerable<IClientSource> clients) => string.Join(", ", clients.Select(c => c.Id));

        public void Run(IScanSink sink, CancellationToken cancel)
        {
            // The cache opens (loading SQLite, checking the database) on a pool thread while this one walks the folders.
            var opening = WantsCache ? Task.Run(() => (Cache: UsageCache.TryOpen(_request.CacheDirectory!, out var problem), Problem: problem)) : null;
            List<SourceFile> files;
            try
            {
                files = Discover(sink);
            }
            catch
            {
                opening?.ContinueWith(t => t.Result.Cache?.Dispose(), TaskScheduler.Default);
                throw;
            }

            if (files.Count == 0)
            {
                opening?.GetAwaiter().GetResult().Cache?.Dispose();
                if (_request.History != null)
                {
                    EmitArchived(_request.History, new DedupGate(), sink, new HashSet<string>(StringComparer.Ordinal), cancel);
                }

                return;
            }

            var gate = new DedupGate();
            var admission = new SessionAdmission(files);
            var latestRows = new LatestRows();
            var warnedUnpriced = new HashSet<string>(StringComparer.Ordinal);
            var totalBytes = files.Sum(f => f.Length);
            var clock = Stopwatch.StartNew();
            var nextProgress = _request.ProgressInterval;
            var progressShown = false;
            long skippedLines = 0;
            var damagedFiles = 0;
            SourceFile? lastDamaged = null;

            using var cache = OpenCache(sink, opening);
            ParsedFile Parse(SourceFile f, Action<ParsedFile> release, CancellationToken token) =>
                cache != null && f.Client is ISnapshotClient cached ? cache.Read(f, cached, _request.Read, token)
                : f.Client is IReleasesSessions releasing ? releasing.Read(f, _request.Read, release, token)
                : f.Client.Read(f, _request.Read, token);

            using (var pipeline = new ScanPipeline(files, Parse, _request.Workers, _request.ByteBudget, cancel))
            {
                while (true)
                {
                    var ready = pipeline.TryTakeNext((int)_request.ProgressInterval.TotalMilliseconds, out var parsed);
                    if (clock.Elapsed >= nextProgress)
                    {
                        sink.Progress(new ScanProgress(pipeline.FilesTaken, files.Count, pipeline.BytesTaken, totalBytes, completed: false));
                        progressShown = true;
                        nextProgress = clock.Elapsed + _request.ProgressInterval;
                    }

                    if (!ready)
                    {
                        continue;
                    }

                    if (parsed is null)
                    {
                        break;
                    }

                    if (parsed.SkippedLines > 0)
                    {
                        skippedLines += parsed.SkippedLines;
                        if (!ReferenceEquals(parsed.Source, lastDamaged))
                        {
                            damagedFiles++; // once per source, however many pieces it came in
                            lastDamaged = parsed.Source;
                        }
                    }

                    if (latestRows.Hold(parsed))
                    {
                        continue;
                    }

                    foreach (var admitted in admission.Offer(parsed))
                    {
                        GateAndEmit(admitted, gate, _request.Read.Dates, sink, warnedUnpriced);
                    }
                }
            }

            foreach (var admitted in admission.Drain())
            {
                GateAndEmit(admitted, gate, _request.Read.Dates, sink, warnedUnpriced);
            }

            foreach (var admitted in latestRows.Release())
            {
                GateAndEmit(admitted, gate, _request.Read.Dates, sink, warnedUnpriced);
            }

            if (_request.History != null)
            {
                EmitArchived(_request.History, gate, sink, warnedUnpriced, cancel);
            }

            if (cache != null)
            {
                // After a scan of the default folders, rows of files that are gone are dropped; a -Path scan sees too little to tell.
                var seen = _request.Targets is null ? new HashSet<string>(files.Select(f => f.Path), PathFacts.PathComparer) : null;
                CacheReport = cache.Complete(seen, _request.Clients.Select(c => c.Id).ToList());
                if (sink.WantsVerbose)
                {
                    sink.Verbose(CacheReport.ToString());
                }
            }

            if (progressShown)
            {
                sink.Progress(new ScanProgress(files.Count, files.Count, totalBytes, totalBytes, completed: true));
            }

            if (skippedLines > 0)
            {
                sink.Warning($"Skipped {skippedLines} damaged line(s) in {damagedFiles} file(s); each file's SkippedLines property counts its own (Where-Object SkippedLines -gt 0), and -Verbose names each line.");
            }

            if (warnedUnpriced.Count > MaxUnpricedWarnings)
            {
                sink.Warning($"{warnedUnpriced.Count - MaxUnpricedWarnings} more model(s) have no price ({warnedUnpriced.Count} in all): their tokens are counted, their cost is not. Each object's UnpricedModels lists them (Get-TokenUsage | Measure-TokenUsage -By Model shows them all).");
            }
        }

        private bool WantsCache => _request.CacheDirectory != null && _request.Clients.Any(c => c is ISnapshotClient);

        /// <summary>The run's cache, or null (-NoCache, or it cannot be used here: a warning when -CachePath named it, else verbose).</summary>
        private UsageCache? OpenCache(IScanSink sink, Task<(UsageCache? Cache, string? Problem)>? opening)
        {
            if (opening is null)
            {
                return null;
            }

            var (cache, problem) = opening.GetAwaiter().GetResult();
            if (cache is null)
            {
                var message = $"The usage cache in '{_request.CacheDirectory}' cannot be used ({problem}); every file is read.";
                if (_request.CacheRequired)
                {
                    sink.Warning(message);
                }
                else if (sink.WantsVerbose)
                {
                    sink.Verbose(message);
                }
            }

            return cache;
        }

        /// <summary>The one warning per unpriced model per run: what is missing and the two ways to fix it.</summary>
        /// <summary>Unpriced models warned about one by one; past them, one warning at the end counts the rest.</summary>
        internal const int MaxUnpricedWarnings = 20;

        /// <summary>Longest model name a warning quotes whole (a damaged log can name a "model" of megabytes).</summary>
        private const int MaxNameInWarning = 120;

        internal static string UnpricedWarning(string model)
        {
            model = model.Length <= MaxNameInWarning ? model : model.Substring(0, MaxNameInWarning) + $"… ({model.Length} characters)";
            return $"No price for model '{model}': its tokens are counted, its cost is not (it is listed in UnpricedModels). "
            + $"Run Update-TokenPrice for newer prices, or price it yourself: -PriceOverride @{{ '{model}' = @{{ Base = '<table entry>' }} }} "
            + "(or Input/Output in USD per million tokens), or the same in your price file (see about_TokUsage).";
        }

        /// <summary>
        /// Runs a parsed file through the dedup gate, then the date window, and reports its output objects: one for a log
        /// file, one per session for a multi-session source (a database), none when nothing is left to report. The gate
        /// comes first so a message is owned by its first file whatever the window.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static void GateAndEmit(ParsedFile parsed, DedupGate gate, DateWindow dates, IScanSink sink, HashSet<string> warnedUnpriced)
        {
            var path = parsed.Source.Path;
            if (parsed.Error != null)
            {
                var kind = parsed.Error is Clients.Databases.UnsupportedSchemaException ? ScanErrorKind.UnsupportedFile : ScanErrorKind.FileUnreadable;
                sink.Error(new ScanError(kind, path, parsed.Error));
                return;
            }

            if (sink.WantsVerbose)
            {
                foreach (var skipped in parsed.SkippedSamples)
                {
                    sink.Verbose(skipped.LineNumber > 0 ? $"{path}:{skipped.LineNumber}: skipped: {skipped.Reason}" : $"{path}: skipped: {skipped.Reason}");
                }

                if (parsed.SkippedLines > parsed.SkippedSamples.Count)
                {
                    sink.Verbose($"{path}: {parsed.SkippedLines - parsed.SkippedSamples.Count} more damaged line(s) skipped");
                }
            }

            var client = parsed.Source.Client.Id;
            var whole = new FileUsage();
            var byPart = new Dictionary<SessionPart, FileUsage>();
            var duplicates = 0;
            var scope = parsed.Lineage is null ? (MessageKey?)null : MessageKey.Of(System.Text.Encoding.UTF8.GetBytes(gate.FamilyRoot(client, parsed.Lineage)));
            var clientKeys = gate.ClaimedKeysOf(client);
            Dictionary<MessageKey, int>? occurrences = null;
            foreach (var keyed in parsed.Entries)
            {
                MessageKey claimed;
                if (keyed.HasKey)
                {
                    claimed = scope.HasValue ? keyed.Key.Scoped(scope.Value) : keyed.Key;
                    if (!gate.TryClaim(client, clientKeys, claimed, keyed.Response))
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

                if (!dates.Includes(keyed.Entry.Timestamp))
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

            if (duplicates > 0 && sink.WantsVerbose)
            {
                sink.Verbose($"{path}: {duplicates} message(s) already counted from an earlier file (resumed, forked or archived session, or sub-agent copy)");
            }

            if (dates.OldestUsefulWriteUtc is { } oldest && parsed.Source.LastWriteUtc < oldest)
            {
                return; // read before -Since only so that dedup knows its messages (Discover); nothing of it is in the window
            }

            foreach (var model in whole.Unpriced.Concat(byPart.Values.SelectMany(c => c.Unpriced)))
            {
                if (warnedUnpriced.Add(model) && warnedUnpriced.Count <= MaxUnpricedWarnings)
                {
                    sink.Warning(UnpricedWarning(model));
                }
            }

            var partsSkipped = parsed.Parts.Sum(p => p.SkippedLines);
            var wholeSkipped = parsed.SkippedLines - partsSkipped;
            if (whole.Entries.Count > 0 || wholeSkipped > 0)
            {
                sink.File(whole.ToFile(client, path, parsed.SessionId, parsed.Project, wholeSkipped));
            }

            // Sessions of a database in the order they started (then first appearance), each with its own damage count.
            var parts = parsed.Parts
                .Where(p => byPart.ContainsKey(p) || p.SkippedLines > 0)
                .Select(p => (Part: p, Usage: byPart.TryGetValue(p, out var c) ? c : new FileUsage()))
                .OrderBy(p => p.Usage.Entries.Count == 0 ? DateTimeOffset.MaxValue : p.Usage.Entries.Min(e => e.Timestamp))
                .ThenBy(p => p.Part.Order);
            foreach (var (part, usage) in parts)
            {
                sink.File(usage.ToFile(client, path, part.SessionId, part.Project, part.SkippedLines));
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

        /// <summary>
        /// After the logs: the stored messages no log of this run holds — their log is gone, or shrank since the save —
        /// come back as <see cref="UsageFile.Archived"/> objects, one per source and session, priced by this run's prices
        /// (the store keeps tokens). A source whose log is still here, at least as long as when it was saved, holds its
        /// messages itself and is passed over without reading its rows; a database (many sessions, rows deleted in place)
        /// is always checked row by row against the gate. Streams one source at a time.
        /// </summary>
        private void EmitArchived(IStoredHistory history, DedupGate gate, IScanSink sink, HashSet<string> warnedUnpriced, CancellationToken cancel)
        {
            var clients = _request.Clients.ToDictionary(c => c.Id, StringComparer.Ordinal);
            foreach (var source in history.Sources(clients.Keys))
            {
                cancel.ThrowIfCancellationRequested();
                var client = clients[source.Client];
                if (!InTargets(source.Path, client))
                {
                    continue;
                }

                if (_present.TryGetValue(source.Path, out var length) && length >= source.Length && !(client is IReleasesSessions))
                {
                    continue;
                }

                var clientKeys = gate.ClaimedKeysOf(source.Client);
                FileUsage? session = null;
                string? sessionId = null;
                string project = string.Empty;
                void Flush()
                {
                    if (session != null && session.Entries.Count > 0)
                    {
                        foreach (var model in session.Unpriced)
                        {
                            if (warnedUnpriced.Add(model) && warnedUnpriced.Count <= MaxUnpricedWarnings)
                            {
                                sink.Warning(UnpricedWarning(model));
                            }
                        }

                        sink.File(session.ToFile(source.Client, source.Path, sessionId!, project, 0, archived: true));
                    }

                    session = null;
                }

                var rows = 0;
                foreach (var stored in history.Messages(source))
                {
                    if ((++rows & 4095) == 0)
                    {
                        cancel.ThrowIfCancellationRequested(); // a database's source can hold a million rows
                    }

                    if (clientKeys.Contains(stored.Key) || !_request.Read.Dates.Includes(stored.Timestamp))
                    {
                        continue; // a log of this run counted it, or it is outside the window
                    }

                    if (session is null || !string.Equals(sessionId, stored.Session, StringComparison.Ordinal))
                    {
                        Flush();
                        session = new FileUsage();
                        sessionId = stored.Session;
                        project = stored.Project;
                    }

                    var quote = stored.ReportedCost > 0 ? null : _request.Read.Prices.Resolve(stored.Model);
                    var entry = MessagePricing.Entry(stored.Timestamp, stored.Model, stored.Tokens, quote, stored.Fast, stored.ReportedCost, stored.Markup);
                    entry.Identify(stored.Key);
                    session.Add(new KeyedEntry(true, stored.Key, entry, MessagePricing.IsPriced(entry.CostSource, stored.Model)));
                }

                Flush();
            }
        }

        /// <summary>True when a stored source lies under what this run reads: the default folders, or a -Path target.</summary>
        private bool InTargets(string path, IClientSource client)
        {
            if (_request.Targets is null)
            {
                return true;
            }

            foreach (var target in _request.Targets)
            {
                if (target.Clients != null && !target.Clients.Contains(client))
                {
                    continue;
                }

                if (PathFacts.PathComparer.Equals(path, target.Path))
                {
                    return true;
                }

                var folder = target.Path.EndsWith("/", StringComparison.Ordinal) || target.Path.EndsWith("\\", StringComparison.Ordinal) ? target.Path : target.Path + System.IO.Path.DirectorySeparatorChar;
                if (target.IsDirectory && path.StartsWith(folder, PathFacts.PathComparison))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The admitted messages of one output object. Pipeline thread only.</summary>
        private sealed class FileUsage
        {
            public List<UsageEntry> Entries { get; } = new List<UsageEntry>();

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
}
