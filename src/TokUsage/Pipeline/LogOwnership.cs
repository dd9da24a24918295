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
    /// Which client reads a log file, and which files the clients' default folders hold: the one rule Get-TokenUsage
    /// reads by and Get-TokenUsageSource counts by, so the two never disagree. A file belongs to the client, of all
    /// clients, whose marker folder (<c>.claude</c>, <c>.codex</c>, <c>.gemini</c>…) is nearest to it; a client whose
    /// marker folder encloses another's layout (<see cref="IEnclosingMarkers"/>) wins wherever its marker is. Stateless;
    /// the caller's thread.
    /// </summary>
    internal static class LogOwnership
    {
        /// <summary>A file found in a client's default folder, given to the client that reads it.</summary>
        public readonly struct Found
        {
            public Found(IClientSource client, FoundFile file, ScanRoot root)
            {
                Client = client;
                File = file;
                Root = root;
            }

            public IClientSource Client { get; }

            public FoundFile File { get; }

            public ScanRoot Root { get; }
        }

        /// <summary>
        /// Walks every default folder of <paramref name="clients"/>: <paramref name="onRoot"/> hears of each folder (and
        /// whether it exists) before it is walked; the files come back by full path, each under the one client (and that
        /// client's folder) that reads it. A file two clients' folders both hold goes to the client whose marker is nearer.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static Dictionary<string, Found> WalkDefaultFolders(
            IEnumerable<IClientSource> clients,
            ClientEnvironment environment,
            Action<IClientSource, ScanRoot, bool> onRoot,
            Action<string, Exception> onError,
            Action<string, string> onPassedOver,
            Action? onFolder = null)
        {
            var byPath = new Dictionary<string, Found>(PathFacts.PathComparer);
            foreach (var client in clients)
            {
                foreach (var root in client.DefaultRoots(environment))
                {
                    var exists = Directory.Exists(root.Directory);
                    onRoot(client, root, exists);
                    if (!exists)
                    {
                        continue;
                    }

                    foreach (var file in FileScanner.Walk(root.Directory, client.IsUsageFile, onError, onPassedOver, root.Recursive, onFolder))
                    {
                        if (!byPath.TryGetValue(file.Path, out var earlier) || Nearer(client, earlier.Client, file.Path))
                        {
                            byPath[file.Path] = new Found(client, file, root);
                        }
                    }
                }
            }

            return byPath;
        }

        /// <summary>Whether <paramref name="client"/>'s marker is nearer to the file than <paramref name="other"/>'s.</summary>
        public static bool Nearer(IClientSource client, IClientSource other, string path)
        {
            var folders = Folders(path);
            return MarkerDepth(client, folders) > MarkerDepth(other, folders);
        }

        /// <summary>
        /// The client among <paramref name="candidates"/> that reads a file under -Path: the file's owner of all clients;
        /// when that client is not a candidate, nobody here reads it and <paramref name="foreign"/> names its owner. A file
        /// under no client's folders goes to the first candidate (registry order) that reads its kind of file.
        /// </summary>
        public static IClientSource? Owner(string path, IReadOnlyList<IClientSource> candidates, out IClientSource? foreign)
        {
            foreign = null;
            IClientSource? marked = null;
            var markedDepth = -1;
            string[]? folders = null; // split once per file, not once per client that reads its kind of file
            foreach (var client in ClientRegistry.All)
            {
                if (client.IsUsageFile(path))
                {
                    var depth = MarkerDepth(client, folders ??= Folders(path));
                    if (depth >= 0 && client is IEnclosingMarkers enclosing && enclosing.MarkersEnclose)
                    {
                        depth = int.MaxValue; // its folder holds the other client's layout: nearer markers inside it are its own
                    }

                    if (depth > markedDepth)
                    {
                        marked = client;
                        markedDepth = depth;
                    }
                }
            }

            if (marked != null)
            {
                var candidate = candidates.FirstOrDefault(c => c.Id == marked.Id);
                if (candidate != null)
                {
                    return candidate;
                }

                foreign = marked;
                return null;
            }

            return candidates.FirstOrDefault(c => c.IsUsageFile(path));
        }

        /// <summary>The folder names of a file's path, outermost first.</summary>
        private static string[] Folders(string path) => (Path.GetDirectoryName(path) ?? "").Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);

        /// <summary>Index of the deepest of <paramref name="folders"/> that is one of the client's markers; -1 when none is.</summary>
        private static int MarkerDepth(IClientSource client, string[] folders)
        {
            var markers = client.Markers;
            for (var i = folders.Length - 1; i >= 0; i--)
            {
                for (var m = 0; m < markers.Count; m++)
                {
                    if (string.Equals(markers[m], folders[i], StringComparison.OrdinalIgnoreCase))
                    {
                        return i;
                    }
                }
            }

            return -1;
        }
    }
}
