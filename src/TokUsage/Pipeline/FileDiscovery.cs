using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using TokUsage.Clients;
using TokUsage.Discovery;
using TokUsage.Primitives;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// The files one run reads: walks the default folders or the -Path targets, gives each file to the client that owns
    /// it (<see cref="LogOwnership"/>), keeps the latest of a session's cumulative copies, prunes files too old for
    /// -Since, and sorts the rest into admission order. Pipeline thread only.
    /// </summary>
    internal sealed class FileDiscovery
    {
        private readonly ScanRequest _request;

        public FileDiscovery(ScanRequest request) => _request = request;

        private Dictionary<string, long> _present = new Dictionary<string, long>();

        /// <summary>Every log file found (before -Since pruning and copy selection), with its length: what still exists.</summary>
        public IReadOnlyDictionary<string, long> Present => _present;

        /// <summary>The paths of <see cref="Present"/> (a set with the platform's path comparison).</summary>
        public ICollection<string> PresentPaths => _present.Keys;

        /// <summary>
        /// Finds the files to read in admission order (<see cref="RankedFile.Order"/>), skipping files too old for -Since.
        /// <paramref name="onFolder"/> is called after each folder listed (the run's <see cref="GarbageBound"/> check: a
        /// walk of 64k files left 80 MB of listings and names before the first file was read).
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public List<SourceFile> Discover(IScanSink sink, Action? onFolder = null)
        {
            var byPath = new Dictionary<string, SourceFile>(PathFacts.PathComparer);
            [MethodImpl(Jit.Optimized)]
            void Add(IClientSource client, FoundFile file, string root)
            {
                // A file two targets both hold goes to the client whose marker folder is nearest to it.
                if (!byPath.TryGetValue(file.Path, out var earlier) || LogOwnership.Nearer(client, earlier.Client, file.Path))
                {
                    if (!FileScanner.TryStamp(file, out var stamp))
                    {
                        if (sink.WantsVerbose)
                        {
                            sink.Verbose($"{file.Path}: deleted while the folders were listed; nothing to count.");
                        }

                        return;
                    }

                    byPath[file.Path] = new SourceFile(client, file.Path, stamp.Length, stamp.LastWriteUtc, root, stamp.Identity);
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

                foreach (var found in LogOwnership.WalkDefaultFolders(_request.Clients, _request.Environment, OnRoot, OnError, OnPassedOver, onFolder).Values)
                {
                    Add(found.Client, found.File, found.Root.Directory);
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
                        foreach (var found in FileScanner.Walk(target.Path, p => clients.Any(c => c.IsUsageFile(p)), OnError, OnPassedOver, onFolder: onFolder))
                        {
                            var owner = LogOwnership.Owner(found.Path, clients, out var other);
                            if (owner is null)
                            {
                                foreign[other!.Id] = foreign.TryGetValue(other.Id, out var n) ? n + 1 : 1;
                                continue;
                            }

                            Add(owner, found, target.Path);
                        }

                        foreach (var pair in foreign)
                        {
                            sink.Warning(ScanText.ForeignFiles(pair.Value, target.Path, pair.Key, clients));
                        }

                        continue;
                    }

                    var fileOwner = LogOwnership.Owner(target.Path, clients, out var otherOwner);
                    if (fileOwner is null)
                    {
                        sink.Error(new ScanError(ScanErrorKind.UnsupportedFile, target.Path, new NotSupportedException(ScanText.NotALogOf(target.Path, clients, otherOwner))));
                        continue;
                    }

                    // A file the user named is read wherever a link leads, but never a FIFO or device.
                    if (FileKinds.Of(target.Path) == FileKind.Special)
                    {
                        sink.Error(new ScanError(ScanErrorKind.UnsupportedFile, target.Path, new NotSupportedException($"'{target.Path}' is not read: {FileKinds.SpecialReason}.")));
                        continue;
                    }

                    var file = new FileInfo(target.Path);
                    Add(fileOwner, new FoundFile(file.FullName), file.DirectoryName ?? target.Path);
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
                sink.Warning(ScanText.NoLogs(_request.Clients, _request.Targets is null, tooOld));
            }

            // Each file's rank and where its path leaves its folder are found once (a comparison must not recompute them: that
            // allocated per comparison). Paths are unique (one entry per path above), so the order needs no stable sort.
            var walkedRoots = new Dictionary<string, string>(StringComparer.Ordinal);
            var ranked = new RankedFile[files.Count];
            for (var i = 0; i < ranked.Length; i++)
            {
                var file = files[i];
                if (!walkedRoots.TryGetValue(file.ScanRoot, out var walked))
                {
                    walked = PathFacts.NormalizeDirectory(file.ScanRoot); // as the walk names the files below it
                    walkedRoots.Add(file.ScanRoot, walked);
                }

                ranked[i] = new RankedFile(Rank(file), file, Math.Max(0, PathFacts.SeparatorBelow(file.Path, walked)));
            }

            Array.Sort(ranked, RankedFile.Order);
            return ranked.Select(r => r.File).ToList();
        }

        private readonly struct RankedFile
        {
            public RankedFile(int rank, SourceFile file, int within)
            {
                Rank = rank;
                File = file;
                Within = within;
            }

            public int Rank { get; }

            public SourceFile File { get; }

            /// <summary>Where the file's path below the folder it was found under starts (0 when it is not below it).</summary>
            private int Within { get; }

            /// <summary>
            /// By rank, then client, then the path below the folder walked, then the whole path (each ordinal,
            /// <see cref="FileScanner.CompareOrdinal"/>). Copies of one log under several folders (a backup folder named
            /// beside the live one, <c>~/.claude</c> and <c>~/.config/claude</c> both holding a session) come one after
            /// another: a resumed session's file waits for its original's copies (<see cref="SessionAdmission"/>), and in
            /// whole-path order it held every file between the first folder and the last, a warm run of a 16k-file
            /// history read under four folders peaking at twice a single folder's memory.
            /// </summary>
            public static readonly Comparison<RankedFile> Order = (a, b) =>
            {
                if (a.Rank != b.Rank)
                {
                    return a.Rank.CompareTo(b.Rank);
                }

                var byClient = string.CompareOrdinal(a.File.Client.Id, b.File.Client.Id);
                if (byClient != 0)
                {
                    return byClient;
                }

                var byRelative = FileScanner.CompareOrdinal(a.File.Path, a.Within, b.File.Path, b.Within);
                return byRelative != 0 ? byRelative : FileScanner.CompareOrdinal(a.File.Path, b.File.Path);
            };
        }

        /// <summary>
        /// A file's admission rank, the first key of the order files pass the dedup gate (and are reported) in
        /// (<see cref="RankedFile.Order"/>; deterministic): <see cref="IAdmissionOrder"/>, Claude Code side chains last.
        /// </summary>
        private static int Rank(SourceFile file) => file.Client is IAdmissionOrder order ? order.AdmissionRank(file.Path) : 0;
    }
}
