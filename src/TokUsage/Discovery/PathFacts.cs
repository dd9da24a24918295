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
            var root = baseDirectory.TrimEnd(Separators);
            if (path.Length <= root.Length + 1 || !path.StartsWith(root, PathComparison) || Array.IndexOf(Separators, path[root.Length]) < 0)
            {
                return null;
            }

            return path.Substring(root.Length + 1).Split(Separators, StringSplitOptions.RemoveEmptyEntries);
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

        /// <summary>Removes duplicate folders (same full path), keeping the first.</summary>
        public static List<T> DistinctByDirectory<T>(IEnumerable<T> items, Func<T, string> directory)
        {
            var seen = new HashSet<string>(PathComparer);
            var result = new List<T>();
            foreach (var item in items)
            {
                if (seen.Add(NormalizeDirectory(directory(item))))
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
