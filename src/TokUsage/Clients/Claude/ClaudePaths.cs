using System;
using System.IO;
using System.Runtime.CompilerServices;
using TokUsage.Discovery;
using TokUsage.Primitives;

namespace TokUsage.Clients.Claude
{
    /// <summary>
    /// Session and project of a transcript, from its path below <c>projects/</c> (as ccusage derives them):
    /// <c>&lt;project&gt;/&lt;session&gt;.jsonl</c>; <c>&lt;project…&gt;/&lt;session&gt;/subagents/&lt;agent&gt;.jsonl</c>
    /// (a sub-agent belongs to its parent session); otherwise the parent folder is the session and the folders above it
    /// the project. The project is Claude Code's folder name for the working directory (<c>-home-me-src-app</c>).
    /// </summary>
    internal static class ClaudePaths
    {
        public const string UnknownProject = "unknown";

        /// <summary>
        /// A side-chain transcript: a sub-agent's or a <c>/btw</c> side question's, under <c>&lt;session&gt;/subagents/</c>
        /// or, in older layouts, a flat <c>agent-&lt;id&gt;.jsonl</c> beside the sessions.
        /// </summary>
        /// <remarks>Asked several times per transcript by discovery and session admission: read from the path in place.</remarks>
        [MethodImpl(Jit.Optimized)]
        public static bool IsSideChainFile(string path)
        {
            var name = path.AsSpan(LastSeparator(path.AsSpan()) + 1);
            if (name.StartsWith("agent-".AsSpan(), StringComparison.Ordinal))
            {
                return true;
            }

            var folder = path.AsSpan(0, path.Length - name.Length).TrimEnd(Separators);
            return folder.Slice(LastSeparator(folder) + 1).SequenceEqual("subagents".AsSpan());
        }

        private static readonly char[] Separators = Path.DirectorySeparatorChar == Path.AltDirectorySeparatorChar
            ? new[] { Path.DirectorySeparatorChar }
            : new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar };

        private static int LastSeparator(ReadOnlySpan<char> path) => path.LastIndexOfAny(Separators);

        public static (string SessionId, string Project) SessionAndProject(string path, string scanRoot)
        {
            var stem = Path.GetFileNameWithoutExtension(path);
            var baseDirectory = PathFacts.NearestAncestorNamed(path, "projects") ?? scanRoot;
            var segments = PathFacts.SegmentsBelow(path, baseDirectory);
            if (segments is null || segments.Length < 2)
            {
                var parent = Path.GetFileName(Path.GetDirectoryName(path) ?? string.Empty);
                return (stem, string.IsNullOrEmpty(parent) ? UnknownProject : parent);
            }

            var n = segments.Length;
            if (n == 2)
            {
                return (stem, segments[0]);
            }

            if (n >= 4 && string.Equals(segments[n - 2], "subagents", StringComparison.Ordinal))
            {
                return (segments[n - 3], string.Join("/", segments, 0, n - 3));
            }

            return (segments[n - 2], string.Join("/", segments, 0, n - 2));
        }
    }
}
