using System;
using System.Collections.Generic;
using System.IO;

namespace TokUsage.Discovery
{
    /// <summary>
    /// Walks a folder tree for a client's log files. Symbolic-link folders below the root are not entered (no cycles);
    /// an unreadable folder is reported through <c>onError</c> and the walk goes on. Runs on the pipeline thread.
    /// </summary>
    internal static class FileScanner
    {
        public static IEnumerable<FileInfo> Walk(string root, Func<string, bool> isWanted, Action<string, Exception> onError, bool recursive = true)
        {
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
                        yield return file;
                    }
                }
            }
        }

        /// <summary>
        /// The discovered file as the scan sees it. A SQLite database in WAL mode keeps its newest commits in
        /// <c>&lt;name&gt;-wal</c> until a checkpoint, so its size and last write time include that file: -Since pruning
        /// must not skip a database whose main file is old but whose journal is fresh.
        /// </summary>
        public static (long Length, DateTime LastWriteUtc) Facts(FileInfo file)
        {
            var length = file.Length;
            var lastWrite = file.LastWriteTimeUtc;
            if (file.Name.EndsWith(".db", StringComparison.OrdinalIgnoreCase))
            {
                var wal = new FileInfo(file.FullName + "-wal");
                if (wal.Exists)
                {
                    length += wal.Length;
                    if (wal.LastWriteTimeUtc > lastWrite)
                    {
                        lastWrite = wal.LastWriteTimeUtc;
                    }
                }
            }

            return (length, lastWrite);
        }

        /// <summary>Ordinal path comparison: the one scan order on every OS, so "first file owns a message" is stable.</summary>
        public static int CompareOrdinal(string a, string b) => string.CompareOrdinal(a, b);
    }
}
