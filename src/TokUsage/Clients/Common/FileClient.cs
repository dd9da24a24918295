using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using TokUsage.Discovery;

namespace TokUsage.Clients.Common
{
    /// <summary>Reads one file of a client; see <see cref="IClientSource.Read"/>.</summary>
    internal delegate ParsedFile FileReader(SourceFile file, ReadOptions options, CancellationToken cancel);

    /// <summary>
    /// A client defined by its roots, its file-name rule and its reader — the shape of every file-based agent except the
    /// two with their own classes (Claude Code, Codex). Immutable and thread-safe.
    /// </summary>
    internal sealed class FileClient : IClientSource, ICumulativeCopies, IKeepLatest, IEnclosingMarkers
    {
        private readonly Func<ClientEnvironment, IEnumerable<ScanRoot>> _roots;
        private readonly Func<string, bool> _isUsageFile;
        private readonly FileReader _read;
        private readonly Func<string, string?>? _copyIdentity;

        public FileClient(string id, Func<ClientEnvironment, IEnumerable<ScanRoot>> roots, Func<string, bool> isUsageFile, FileReader read, params string[] markers)
            : this(id, roots, isUsageFile, read, null, markers)
        {
        }

        /// <summary>A client whose files can be copies of one cumulative session file (<see cref="ICumulativeCopies"/>).</summary>
        public FileClient(string id, Func<ClientEnvironment, IEnumerable<ScanRoot>> roots, Func<string, bool> isUsageFile, FileReader read,
            Func<string, string?>? copyIdentity, params string[] markers)
        {
            Id = id;
            Markers = markers;
            _roots = roots;
            _isUsageFile = isUsageFile;
            _read = read;
            _copyIdentity = copyIdentity;
        }

        public string? CopyIdentity(string path) => _copyIdentity?.Invoke(path);

        /// <summary>Set for clients whose keyed records are running totals repeated across files (<see cref="IKeepLatest"/>).</summary>
        public bool KeepsLatest { get; set; }

        /// <summary>Set for clients whose marker folder holds another client's layout (<see cref="IEnclosingMarkers"/>).</summary>
        public bool MarkersEnclose { get; set; }

        public string Id { get; }

        public IReadOnlyList<string> Markers { get; }

        public bool CopiesAreRestamped => false;

        public IReadOnlyList<ScanRoot> DefaultRoots(ClientEnvironment environment) => PathFacts.DistinctByDirectory(_roots(environment), r => r.Directory);

        public bool IsUsageFile(string path) => _isUsageFile(path);

        /// <summary>
        /// Reads with the client's reader. A whole-document format whose document holds a string that is not valid
        /// UTF-8 is one damaged record, as a document that is not JSON is (<see cref="LogFiles.ReadDocument"/>).
        /// </summary>
        public ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            try
            {
                return _read(file, options, cancel);
            }
            catch (InvalidOperationException)
            {
                var damaged = new ParsedFile(file, System.IO.Path.GetFileNameWithoutExtension(file.Path), string.Empty);
                damaged.Skip(1, Parsing.JsonLines.BadString, options.MaxSkippedSamples);
                return damaged;
            }
        }
    }

    /// <summary>Where agents keep data on each OS, from one <see cref="ClientEnvironment"/>.</summary>
    internal static class Roots
    {
        /// <summary>
        /// <c>$VAR</c> (comma-separated list) when set — only those — else <c>~/&lt;homeRelative&gt;</c>; each joined with
        /// <paramref name="below"/>.
        /// </summary>
        public static IEnumerable<ScanRoot> EnvOrHome(ClientEnvironment env, string variable, string homeRelative, string below = "")
        {
            var set = env.GetPathList(variable);
            if (set.Count > 0)
            {
                return set.Select(dir => new ScanRoot(Join(dir, below), variable));
            }

            return new[] { new ScanRoot(Join(Path.Combine(env.Home, homeRelative), below), "default") };
        }

        /// <summary>
        /// tokscale's config folder, where its <c>sync</c> commands save what the agents keep only on their servers
        /// (Trae's usage dumps, Cursor's usage export): <c>$TOKSCALE_CONFIG_DIR</c>, else <c>%APPDATA%\tokscale</c> on
        /// Windows and <c>$XDG_CONFIG_HOME/tokscale</c> or <c>~/.config/tokscale</c> elsewhere.
        /// </summary>
        public static IEnumerable<ScanRoot> TokscaleConfig(ClientEnvironment env, string below)
        {
            var configured = env.Get("TOKSCALE_CONFIG_DIR");
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return new[] { new ScanRoot(Join(configured!, below), "TOKSCALE_CONFIG_DIR") };
            }

            var roots = new List<ScanRoot> { new ScanRoot(Join(Path.Combine(env.Get("XDG_CONFIG_HOME") ?? Path.Combine(env.Home, ".config"), "tokscale"), below), "default") };
            if (env.Get("APPDATA") is { } appData)
            {
                roots.Add(new ScanRoot(Join(Path.Combine(appData, "tokscale"), below), "default"));
            }

            return roots;
        }

        /// <summary>A fixed folder below the home.</summary>
        public static ScanRoot Home(ClientEnvironment env, string relative) => new ScanRoot(Path.Combine(env.Home, relative), "default");

        /// <summary><c>$XDG_DATA_HOME</c> else <c>~/.local/share</c> — the agents use it on every OS.</summary>
        public static string XdgData(ClientEnvironment env) => env.Get("XDG_DATA_HOME") ?? Path.Combine(env.Home, ".local", "share");

        /// <summary>
        /// The per-user application-data folders an Electron/VS Code app may use, all of them (a folder that does not
        /// exist is skipped by the scan): Linux <c>$XDG_CONFIG_HOME</c> or <c>~/.config</c>, macOS
        /// <c>~/Library/Application Support</c>, Windows <c>%APPDATA%</c> (also <c>~/AppData/Roaming</c>).
        /// </summary>
        public static IEnumerable<string> AppData(ClientEnvironment env)
        {
            yield return env.Get("XDG_CONFIG_HOME") ?? Path.Combine(env.Home, ".config");
            yield return Path.Combine(env.Home, "Library", "Application Support");
            var appData = env.Get("APPDATA");
            if (appData != null)
            {
                yield return appData;
            }

            yield return Path.Combine(env.Home, "AppData", "Roaming");
        }

        /// <summary>
        /// Whether the last segment of <paramref name="path"/> is <paramref name="name"/> (any case). Without allocating:
        /// with -Path every file is offered to every client's file rule.
        /// </summary>
        public static bool NameIs(string path, string name) =>
            path.Length > name.Length
                ? path.EndsWith(name, StringComparison.OrdinalIgnoreCase) && IsSeparator(path[path.Length - name.Length - 1])
                : string.Equals(path, name, StringComparison.OrdinalIgnoreCase);

        private static bool IsSeparator(char c) => c == '/' || c == '\\' || c == Path.DirectorySeparatorChar || c == Path.AltDirectorySeparatorChar;

        public static bool HasExtension(string path, string extension) => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase);

        private static string Join(string dir, string below) => below.Length == 0 ? dir : Path.Combine(dir, below);
    }
}
