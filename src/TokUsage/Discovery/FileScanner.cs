using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;

namespace TokUsage.Discovery
{
    /// <summary>
    /// Walks a folder tree for a client's log files. Symbolic-link folders below the root are not entered (no cycles);
    /// an unreadable folder is reported through <c>onError</c> and the walk goes on. Only regular files are returned: a
    /// FIFO or device (which would block or never end) and a symbolic link leading out of the root (a link in a log
    /// folder must not make the module read, say, <c>/etc/shadow</c> as root) go to <c>onPassedOver</c> with the reason.
    /// Runs on the pipeline thread.
    /// </summary>
    internal static class FileScanner
    {
        [MethodImpl(Jit.Optimized)]
        public static List<FoundFile> Walk(string root, Func<string, bool> isWanted, Action<string, Exception> onError, Action<string, string> onPassedOver, bool recursive = true, Action? onFolder = null)
        {
            var walked = new List<FoundFile>();
            string? realRoot = null;
            var pending = new Stack<string>();
            pending.Push(Path.GetFullPath(root));
            var listed = new List<RawNames.Entry>();
            while (pending.Count > 0)
            {
                var directory = pending.Pop();
                List<FoundFile> files;
                using (var folder = RawNames.TryOpen(directory))
                {
                    if (folder is null)
                    {
                        files = FromDotNetListing(directory, pending, isWanted, onError, recursive);
                    }
                    else
                    {
                        listed.Clear();
                        folder.ListInto(listed);
                        files = FromRawListing(folder, directory, listed, pending, isWanted, onError, onPassedOver, recursive);
                    }
                }

                onFolder?.Invoke();

                foreach (var found in files)
                {
                    if (found.Stamp.HasValue)
                    {
                        walked.Add(found); // stat'ed in its folder: a regular file, no link
                        continue;
                    }

                    var file = new FileInfo(found.Path);
                    if (PathFacts.LinkTarget(file) != null)
                    {
                        realRoot ??= PathFacts.RealPath(root);
                        var target = PathFacts.RealPath(file.FullName);
                        if (!PathFacts.IsWithin(target, realRoot))
                        {
                            onPassedOver(file.FullName, $"it is a symbolic link to '{target}', outside '{root}'; name that file with -Path to read it");
                            continue;
                        }
                    }

                    // .NET reports FIFOs, sockets and devices as empty files: only those need asking.
                    if (file.Exists && file.Length == 0 && FileKinds.Of(file.FullName) == FileKind.Special)
                    {
                        onPassedOver(file.FullName, FileKinds.SpecialReason);
                        continue;
                    }

                    walked.Add(found);
                }
            }

            return walked;
        }

        /// <summary>
        /// Sorts one folder's <c>readdir</c> listing (Linux): folders onto <paramref name="pending"/>, wanted regular files
        /// stamped relative to the open folder (a stamped file is trusted by the walk: no link, no device) and links out as
        /// files; names .NET cannot open, paths too long to open, and devices are reported, not read. An entry whose type
        /// the file system does not give is asked with <c>lstat</c> and checked by the walk like a link, as is a regular
        /// file that is something else by the time it is stamped.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static List<FoundFile> FromRawListing(RawNames.OpenFolder folder, string directory, List<RawNames.Entry> listed, Stack<string> pending, Func<string, bool> isWanted, Action<string, Exception> onError, Action<string, string> onPassedOver, bool recursive)
        {
            var files = new List<FoundFile>();
            foreach (var entry in listed)
            {
                var type = entry.Type;
                var fullName = entry.Name is null ? entry.Display : Path.Combine(directory, entry.Name);
                if (type == RawNames.EntryType.Unknown && entry.Name != null)
                {
                    var info = new FileInfo(fullName);
                    var attributes = info.Exists || Directory.Exists(fullName) ? info.Attributes : (FileAttributes)0;
                    type = (attributes & FileAttributes.ReparsePoint) != 0 ? RawNames.EntryType.Link
                        : (attributes & FileAttributes.Directory) != 0 ? RawNames.EntryType.Directory
                        : RawNames.EntryType.File;
                }

                var isDirectory = type == RawNames.EntryType.Directory || (type == RawNames.EntryType.Link && Directory.Exists(fullName));
                if (entry.Name is null)
                {
                    if (isDirectory ? recursive : isWanted(entry.Display))
                    {
                        onError(entry.Display, new UnusableNameException(
                            $"its name is not valid UTF-8 (the bytes shown as \\xNN), which .NET cannot open, so {(isDirectory ? "the logs in this folder" : "this log")} cannot be counted; rename it (for example with convmv) to count it"));
                    }

                    continue;
                }

                if (TooLong(fullName) is { } tooLong && (isDirectory ? recursive : isWanted(fullName)))
                {
                    onError(fullName, tooLong);
                    continue;
                }

                if (isDirectory)
                {
                    if (recursive && type == RawNames.EntryType.Directory)
                    {
                        pending.Push(fullName); // a link to a folder is not entered (no cycles)
                    }
                }
                else if (isWanted(fullName))
                {
                    if (type == RawNames.EntryType.File || type == RawNames.EntryType.Link)
                    {
                        files.Add(entry.Type == RawNames.EntryType.File && folder.TryStamp(entry.Name, out var stamp) ? new FoundFile(fullName, stamp) : new FoundFile(fullName));
                    }
                    else
                    {
                        onPassedOver(fullName, FileKinds.SpecialReason);
                    }
                }
            }

            return files;
        }

        /// <summary>One folder listed by .NET (Windows, macOS, and any folder <c>readdir</c> could not open, whose error this reports).</summary>
        private static List<FoundFile> FromDotNetListing(string directory, Stack<string> pending, Func<string, bool> isWanted, Action<string, Exception> onError, bool recursive)
        {
            var files = new List<FoundFile>();
            FileSystemInfo[] entries;
            try
            {
                entries = new DirectoryInfo(directory).GetFileSystemInfos();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.Security.SecurityException)
            {
                onError(directory, e);
                return files;
            }

            foreach (var entry in entries)
            {
                if (entry.Name.IndexOf('\uFFFD') >= 0 && !entry.Exists)
                {
                    if (entry is DirectoryInfo ? recursive : isWanted(entry.FullName))
                    {
                        onError(entry.FullName, new UnusableNameException("its name is not valid in the file system's encoding, which .NET cannot open; rename it to count it"));
                    }

                    continue;
                }

                // .NET lists an entry whose path is too long to open with an empty FullName.
                var fullName = entry.FullName.Length > 0 ? entry.FullName : Path.Combine(directory, entry.Name);
                if (TooLong(fullName) is { } tooLong && (entry is DirectoryInfo ? recursive : isWanted(fullName)))
                {
                    onError(fullName, tooLong);
                    continue;
                }

                if (entry is DirectoryInfo sub)
                {
                    if (recursive && (sub.Attributes & FileAttributes.ReparsePoint) == 0)
                    {
                        pending.Push(sub.FullName);
                    }
                }
                else if (entry is FileInfo file && isWanted(file.FullName))
                {
                    files.Add(new FoundFile(file.FullName)); // .NET lists FIFOs and devices as files, and links as their targets: checked by the walk
                }
            }

            return files;
        }

        /// <summary>The longest path Linux and macOS open (PATH_MAX less its terminating NUL), in UTF-8 bytes.</summary>
        private const int MaxPathBytes = 4095;

        /// <summary>
        /// Why <paramref name="path"/> cannot be opened when it is longer than the system allows; null otherwise. Such a
        /// folder looks like a broken link to .NET and a file like a deleted one, so without this both vanish silently.
        /// </summary>
        private static PathTooLongException? TooLong(string path)
        {
            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
            {
                return null; // .NET opens long paths there itself (\\?\ prefixes)
            }

            var bytes = System.Text.Encoding.UTF8.GetByteCount(path);
            return bytes <= MaxPathBytes ? null : new PathTooLongException(
                $"its path is {bytes} bytes long, beyond the {MaxPathBytes} bytes the system opens, so its logs cannot be counted; move or shorten it to count them");
        }

        /// <summary>
        /// The discovered file as the scan sees it, from the walk's stamp when it took one, else asked by path (Linux: one
        /// <c>statx</c>; elsewhere .NET, with the identity left to the cache); false when it is gone since the folder was
        /// listed (an agent's own cleanup deletes old logs while a scan runs): such a file holds nothing to count. A SQLite
        /// database in WAL mode keeps its newest commits in <c>&lt;name&gt;-wal</c> until a checkpoint, so its length and
        /// last write time include that file: -Since pruning must not skip a database whose main file is old but whose
        /// journal is fresh.
        /// </summary>
        public static bool TryStamp(FoundFile file, out FileStamp stamp)
        {
            var database = file.Path.EndsWith(".db", StringComparison.OrdinalIgnoreCase);
            if (!database && file.Stamp is { } known)
            {
                stamp = known;
                return true;
            }

            if (!database && FileIdentity.TryStat(file.Path, out stamp))
            {
                return true;
            }

            try
            {
                var info = new FileInfo(file.Path);
                var length = info.Length;
                var lastWriteUtc = info.LastWriteTimeUtc;
                if (database)
                {
                    var wal = new FileInfo(file.Path + "-wal");
                    if (wal.Exists)
                    {
                        length += wal.Length;
                        if (wal.LastWriteTimeUtc > lastWriteUtc)
                        {
                            lastWriteUtc = wal.LastWriteTimeUtc;
                        }
                    }
                }

                stamp = new FileStamp(length, lastWriteUtc, null);
                return true;
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                stamp = default;
                return false;
            }
        }

        /// <summary>Ordinal path comparison: the one scan order on every OS, so "first file owns a message" is stable.</summary>
        public static int CompareOrdinal(string a, string b) => string.CompareOrdinal(a, b);

        /// <summary>Ordinal comparison of the paths' ends from <paramref name="fromA"/> and <paramref name="fromB"/>.</summary>
        public static int CompareOrdinal(string a, int fromA, string b, int fromB) =>
            a.AsSpan(fromA).SequenceCompareTo(b.AsSpan(fromB));
    }
}
