using System;
using System.Collections.Generic;
using System.IO;

namespace TokUsage.Discovery
{
    /// <summary>
    /// Walks a folder tree for a client's log files. Symbolic-link folders below the root are not entered (no cycles);
    /// an unreadable folder is reported through <c>onError</c> and the walk goes on. Only regular files are yielded: a
    /// FIFO or device (which would block or never end) and a symbolic link leading out of the root (a link in a log
    /// folder must not make the module read, say, <c>/etc/shadow</c> as root) go to <c>onPassedOver</c> with the reason.
    /// Runs on the pipeline thread.
    /// </summary>
    internal static class FileScanner
    {
        public static IEnumerable<FileInfo> Walk(string root, Func<string, bool> isWanted, Action<string, Exception> onError, Action<string, string> onPassedOver, bool recursive = true)
        {
            string? realRoot = null;
            var pending = new Stack<DirectoryInfo>();
            pending.Push(new DirectoryInfo(root));
            while (pending.Count > 0)
            {
                var directory = pending.Pop();
                FileSystemInfo[] entries;
                try
                {
                    entries = directory.GetFileSystemInfos();
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.Security.SecurityException)
                {
                    onError(directory.FullName, e);
                    continue;
                }

                foreach (var entry in entries)
                {
                    if (entry is DirectoryInfo sub)
                    {
                        if (recursive && (sub.Attributes & FileAttributes.ReparsePoint) == 0)
                        {
                            pending.Push(sub);
                        }
                    }
                    else if (entry is FileInfo file && isWanted(file.FullName))
                    {
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

                        if (FileKinds.Of(file.FullName) == FileKind.Special)
                        {
                            onPassedOver(file.FullName, FileKinds.SpecialReason);
                            continue;
                        }

                        yield return file;
                    }
                }
            }
        }

        /// <summary>
        /// The discovered file as the scan sees it; false when it is gone since the folder was listed (an agent's own
        /// cleanup deletes old logs while a scan runs): such a file holds nothing to count. A SQLite database in WAL mode
        /// keeps its newest commits in <c>&lt;name&gt;-wal</c> until a checkpoint, so its size and last write time
        /// include that file: -Since pruning must not skip a database whose main file is old but whose journal is fresh.
        /// </summary>
        public static bool TryFacts(FileInfo file, out long length, out DateTime lastWriteUtc)
        {
            try
            {
                file.Refresh();
                length = file.Length;
                lastWriteUtc = file.LastWriteTimeUtc;
                if (file.Name.EndsWith(".db", StringComparison.OrdinalIgnoreCase))
                {
                    var wal = new FileInfo(file.FullName + "-wal");
                    if (wal.Exists)
                    {
                        length += wal.Length;
                        if (wal.LastWriteTimeUtc > lastWriteUtc)
                        {
                            lastWriteUtc = wal.LastWriteTimeUtc;
                        }
                    }
                }

                return true;
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                length = 0;
                lastWriteUtc = default;
                return false;
            }
        }

        /// <summary>Ordinal path comparison: the one scan order on every OS, so "first file owns a message" is stable.</summary>
        public static int CompareOrdinal(string a, string b) => string.CompareOrdinal(a, b);
    }
}
