using System;
using System.Runtime.InteropServices;
using System.Collections.Generic;
using System.IO;

namespace TokUsage.Discovery
{
    /// <summary>Path helpers netstandard2.0 lacks.</summary>
    internal static class PathFacts
    {
        private static readonly char[] Separators = { '/', '\\' };

        /// <summary>The segments of <paramref name="path"/> below <paramref name="baseDirectory"/>, or null when it is not below it.</summary>
        public static string[]? SegmentsBelow(string path, string baseDirectory)
        {
            var at = SeparatorBelow(path, baseDirectory);
            return at < 0 ? null : path.Substring(at + 1).Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        }

        /// <summary>
        /// Where <paramref name="path"/>'s part below <paramref name="baseDirectory"/> starts: the index of the separator after
        /// the folder's name (0 below the file system's root <c>/</c>), or -1 when the path is not below the folder.
        /// </summary>
        public static int SeparatorBelow(string path, string baseDirectory)
        {
            var rootLength = baseDirectory.Length;
            while (rootLength > 0 && Array.IndexOf(Separators, baseDirectory[rootLength - 1]) >= 0)
            {
                rootLength--;
            }

            return path.Length > rootLength + 1 && string.Compare(path, 0, baseDirectory, 0, rootLength, PathComparison) == 0
                && Array.IndexOf(Separators, path[rootLength]) >= 0
                ? rootLength
                : -1;
        }

        /// <summary>
        /// The operating system a per-user folder is for, when only one uses it: "macOS" for <c>~/Library/…</c>,
        /// "Windows" for <c>~/AppData/…</c> and the APPDATA/LOCALAPPDATA folders; null for folders every OS may use.
        /// </summary>
        public static string? PlatformOf(string folder, string home, string? appData, string? localAppData)
        {
            var below = SegmentsBelow(folder, home);
            if (below != null && below.Length > 0)
            {
                if (string.Equals(below[0], "Library", StringComparison.Ordinal))
                {
                    return "macOS";
                }

                if (string.Equals(below[0], "AppData", StringComparison.OrdinalIgnoreCase))
                {
                    return "Windows";
                }
            }

            foreach (var windowsFolder in new[] { appData, localAppData })
            {
                if (windowsFolder != null && SegmentsBelow(folder, windowsFolder) != null)
                {
                    return "Windows";
                }
            }

            return null;
        }

        /// <summary>The operating system this process runs on, named as <see cref="PlatformOf"/> names them.</summary>
        public static string CurrentPlatform =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "Windows" : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "macOS" : "Linux";

        /// <summary>The nearest ancestor folder of <paramref name="path"/> named <paramref name="name"/>, or null.</summary>
        public static string? NearestAncestorNamed(string path, string name)
        {
            var directory = Path.GetDirectoryName(path);
            while (!string.IsNullOrEmpty(directory))
            {
                if (string.Equals(Path.GetFileName(directory), name, StringComparison.Ordinal))
                {
                    return directory;
                }

                directory = Path.GetDirectoryName(directory);
            }

            return null;
        }

        /// <summary>Full, separator-trimmed form of a folder path for de-duplicating roots.</summary>
        public static string NormalizeDirectory(string path)
        {
            var full = Path.GetFullPath(path);
            var trimmed = full.TrimEnd(Separators);
            return trimmed.Length > 0 ? trimmed : full; // "/" stays "/"
        }

        /// <summary>
        /// The path with every symbolic link along it resolved (what <c>realpath</c> gives), for telling whether two paths
        /// name one folder and whether a link leads out of a folder. Parts that do not exist are kept as written; a link
        /// loop stops resolving after 40 links, as the kernel does.
        /// </summary>
        public static string RealPath(string path)
        {
            var full = Path.GetFullPath(path);
            var root = Path.GetPathRoot(full) ?? string.Empty;
            var pending = new List<string>(full.Substring(root.Length).Split(Separators, StringSplitOptions.RemoveEmptyEntries));
            var current = root;
            var links = 0;
            while (pending.Count > 0)
            {
                var next = Path.Combine(current, pending[0]);
                pending.RemoveAt(0);
                string? target = null;
                if (links < 40)
                {
                    target = LinkTarget(new FileInfo(next));
                }

                if (target is null)
                {
                    current = next;
                    continue;
                }

                links++;
                var resolved = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
                var resolvedRoot = Path.GetPathRoot(resolved) ?? string.Empty;
                pending.InsertRange(0, resolved.Substring(resolvedRoot.Length).Split(Separators, StringSplitOptions.RemoveEmptyEntries));
                current = resolvedRoot;
            }

            return current.Length > root.Length ? current.TrimEnd(Separators) : current;
        }

        /// <summary>
        /// Where a symbolic link points, as written in the link; null for anything else, and where the runtime cannot
        /// tell (.NET Framework, under Windows PowerShell 5.1, lacks <c>FileSystemInfo.LinkTarget</c>, which this module,
        /// built for netstandard2.0, reaches by reflection).
        /// </summary>
        public static string? LinkTarget(FileSystemInfo entry)
        {
            try
            {
                return LinkTargetProperty is null || (entry.Attributes & FileAttributes.ReparsePoint) == 0 ? null : LinkTargetProperty.GetValue(entry) as string;
            }
            catch (Exception e) when (e is System.Reflection.TargetInvocationException || e is IOException || e is UnauthorizedAccessException)
            {
                return null; // gone or unreadable since it was listed: not a link to follow
            }
        }

        private static readonly System.Reflection.PropertyInfo? LinkTargetProperty = typeof(FileSystemInfo).GetProperty("LinkTarget");

        /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies below it (both already real paths).</summary>
        public static bool IsWithin(string path, string folder) =>
            string.Equals(path.TrimEnd(Separators), folder.TrimEnd(Separators), PathComparison) || SegmentsBelow(path, folder) != null;

        /// <summary>
        /// Removes duplicate folders, keeping the first: the same full path, or one folder reached through a symbolic link
        /// (<c>~/.config/claude</c> linked to <c>~/.claude</c>), which would otherwise be read twice.
        /// </summary>
        public static List<T> DistinctByDirectory<T>(IEnumerable<T> items, Func<T, string> directory)
        {
            var seen = new HashSet<string>(PathComparer);
            var result = new List<T>();
            foreach (var item in items)
            {
                if (seen.Add(RealPath(NormalizeDirectory(directory(item)))))
                {
                    result.Add(item);
                }
            }

            return result;
        }

        /// <summary>Windows paths compare case-insensitively; others exactly.</summary>
        public static StringComparison PathComparison =>
            Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        public static StringComparer PathComparer =>
            Path.DirectorySeparatorChar == '\\' ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
    }
}
