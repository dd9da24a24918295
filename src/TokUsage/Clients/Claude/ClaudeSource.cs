using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using TokUsage.Discovery;

namespace TokUsage.Clients.Claude
{
    /// <summary>
    /// Claude Code (<c>claude</c>): transcripts <c>projects/**/*.jsonl</c> (sub-agent files under
    /// <c>&lt;session&gt;/subagents/</c> included) below each config folder: <c>CLAUDE_CONFIG_DIR</c> (comma-separated;
    /// when set, only those), else <c>$XDG_CONFIG_HOME/claude</c> or <c>~/.config/claude</c>, and <c>~/.claude</c>.
    /// </summary>
    internal sealed class ClaudeSource : IClientSource, ISnapshotClient, IAdmissionOrder, ISessionReferences
    {
        public static readonly ClaudeSource Instance = new ClaudeSource();

        private ClaudeSource()
        {
        }

        public IReadOnlyList<string> Markers { get; } = new[] { ".claude", "claude" };

        public bool CopiesAreRestamped => false; // copies keep their original time (resumed sessions, sub-agent echoes)

        public string Id => "claude";

        public IReadOnlyList<ScanRoot> DefaultRoots(ClientEnvironment environment)
        {
            var roots = new List<ScanRoot>();
            var configured = environment.GetPathList("CLAUDE_CONFIG_DIR");
            if (configured.Count > 0)
            {
                foreach (var dir in configured)
                {
                    roots.Add(new ScanRoot(ProjectsFolder(dir), "CLAUDE_CONFIG_DIR"));
                }
            }
            else
            {
                var xdg = environment.Get("XDG_CONFIG_HOME");
                roots.Add(new ScanRoot(ProjectsFolder(Path.Combine(xdg ?? Path.Combine(environment.Home, ".config"), "claude")), "default"));
                roots.Add(new ScanRoot(ProjectsFolder(Path.Combine(environment.Home, ".claude")), "default"));
            }

            return PathFacts.DistinctByDirectory(roots, r => r.Directory);
        }

        public bool IsUsageFile(string path) => path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

        /// <summary>Side-chain transcripts after the main ones, so a parent's line is counted before any replay of it.</summary>
        public int AdmissionRank(string path) => ClaudePaths.IsSideChainFile(path) ? 1 : 0;

        /// <summary>A main transcript <c>&lt;session&gt;.jsonl</c> owns its session; side chains own none.</summary>
        public string? OwnedSession(string path) => ClaudePaths.IsSideChainFile(path) ? null : Path.GetFileNameWithoutExtension(path);

        public ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel) => ClaudeFileReader.Read(file, options, cancel);

        public FileSnapshot ReadSnapshot(SourceFile file, FileSnapshot? resumeFrom, CancellationToken cancel) => ClaudeFileReader.ReadSnapshot(file, resumeFrom, cancel);

        /// <summary>A config folder's <c>projects</c> folder; a path that already names <c>projects</c> is kept.</summary>
        private static string ProjectsFolder(string configDirectory)
        {
            var trimmed = configDirectory.TrimEnd('/', '\\');
            return string.Equals(Path.GetFileName(trimmed), "projects", StringComparison.Ordinal) ? trimmed : Path.Combine(trimmed, "projects");
        }
    }
}
