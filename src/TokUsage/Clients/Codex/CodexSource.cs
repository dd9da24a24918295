using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using TokUsage.Discovery;

namespace TokUsage.Clients.Codex
{
    /// <summary>
    /// Codex CLI (<c>codex</c>): rollouts <c>sessions/**/*.jsonl</c> and <c>archived_sessions/**/*.jsonl</c> below each
    /// Codex home — <c>CODEX_HOME</c> (comma-separated; when set, only those), else <c>~/.codex</c> on every OS. A home with
    /// neither folder is scanned itself (saved <c>codex exec --json</c> output).
    /// </summary>
    internal sealed class CodexSource : IClientSource, ISnapshotClient
    {
        public static readonly CodexSource Instance = new CodexSource();

        private CodexSource()
        {
        }

        public IReadOnlyList<string> Markers { get; } = new[] { ".codex" };

        public bool CopiesAreRestamped => true; // forks and sub-agents re-stamp the history they copy

        public string Id => "codex";

        public IReadOnlyList<ScanRoot> DefaultRoots(ClientEnvironment environment)
        {
            var homes = environment.GetPathList("CODEX_HOME");
            var origin = homes.Count > 0 ? "CODEX_HOME" : "default";
            if (homes.Count == 0)
            {
                homes = new[] { Path.Combine(environment.Home, ".codex") };
            }

            var roots = new List<ScanRoot>();
            foreach (var home in homes)
            {
                var sessions = Path.Combine(home, "sessions");
                var archived = Path.Combine(home, "archived_sessions");
                if (!Directory.Exists(sessions) && !Directory.Exists(archived) && origin != "default")
                {
                    roots.Add(new ScanRoot(home, origin));
                    continue;
                }

                roots.Add(new ScanRoot(sessions, origin));
                roots.Add(new ScanRoot(archived, origin));
            }

            return PathFacts.DistinctByDirectory(roots, r => r.Directory);
        }

        public bool IsUsageFile(string path) => path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

        public ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel) => CodexFileReader.Read(file, options, cancel);

        public FileSnapshot ReadSnapshot(SourceFile file, FileSnapshot? resumeFrom, CancellationToken cancel) => CodexFileReader.ReadSnapshot(file, resumeFrom, cancel);
    }
}
