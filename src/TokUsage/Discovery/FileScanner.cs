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
        public static IEnumerable<FileInfo> Walk(string root, Func<string, bool> isWanted, Action<string, Exception> onError)
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
                        if ((sub.Attributes & FileAttributes.ReparsePoint) == 0)
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

        /// <summary>Ordinal path comparison: the one scan order on every OS, so "first file owns a message" is stable.</summary>
        public static int CompareOrdinal(string a, string b) => string.CompareOrdinal(a, b);
    }
}
