using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using TokUsage.Pricing;
using TokUsage.Discovery;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Clients
{
    /// <summary>
    /// One coding agent whose logs TokUsage reads: where its files live, which files are its, and how to read one.
    /// Implementations are stateless and thread-safe; <see cref="Read"/> runs on worker threads.
    /// </summary>
    internal interface IClientSource
    {
        /// <summary>Short lowercase id used by -Client and in output (<c>claude</c>, <c>codex</c>, …).</summary>
        string Id { get; }

        /// <summary>
        /// Folder names typical of this client's layout (<c>.codex</c>, <c>.gemini</c>…). When a file under a -Path
        /// folder is a usage file of several clients (any <c>*.jsonl</c>), the client with a marker among the file's
        /// folders reads it.
        /// </summary>
        IReadOnlyList<string> Markers { get; }

        /// <summary>Folders scanned when no -Path is given, with where each came from.</summary>
        IReadOnlyList<ScanRoot> DefaultRoots(ClientEnvironment environment);

        /// <summary>
        /// True when a newer file can hold copies of an older file's messages stamped with a new time (a Codex fork
        /// re-stamps its parent's history with the fork time). -Since then never passes over this client's old files by
        /// their last write: dedup must see the originals, or the copies would count as new usage.
        /// </summary>
        bool CopiesAreRestamped { get; }

        /// <summary>True when a file found under a scanned folder is one of this client's usage logs.</summary>
        bool IsUsageFile(string path);

        /// <summary>Reads one file. Never throws for bad content; I/O failures surface through <see cref="ParsedFile.Error"/>.</summary>
        ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel);
    }

    /// <summary>
    /// A client some of whose files must pass the dedup gate after the others, whatever their paths: Claude Code's
    /// side-chain files (sub-agents, <c>/btw</c> side questions) replay parent messages, and the parent's own line must
    /// be the one counted. Files are admitted by rank, then by path.
    /// </summary>
    internal interface IAdmissionOrder
    {
        /// <summary>0 for most files; higher ranks are admitted later.</summary>
        int AdmissionRank(string path);
    }

    /// <summary>
    /// A client whose files can hold copies of another session's lines that still name that session (a Claude Code
    /// session resumed into a new file starts with the original's lines, their <c>sessionId</c> unchanged). The file of
    /// the session a line names owns its messages, whatever the file names: a file that copies from sessions whose own
    /// files are still to come waits for them (<see cref="ParsedFile.ReferencedSessions"/>).
    /// </summary>
    internal interface ISessionReferences
    {
        /// <summary>The session this file is the own file of (Claude Code: <c>&lt;session&gt;.jsonl</c>); null for others (side chains).</summary>
        string? OwnedSession(string path);
    }

    /// <summary>
    /// A client whose marker folder holds another client's whole layout (Cherry Studio keeps Claude Code transcripts in
    /// <c>CherryStudio/…/.claude/projects</c>): under -Path, a file below its marker is its own even when the other
    /// client's marker (<c>.claude</c>) is nearer to the file.
    /// </summary>
    internal interface IEnclosingMarkers
    {
        /// <summary>True when the client's marker folders enclose another client's layout.</summary>
        bool MarkersEnclose { get; }
    }

    /// <summary>
    /// A client some of whose sources hold many sessions (a database of the whole history): its reader hands on each
    /// session once it is complete, before the source is read to its end, so memory holds the sessions in progress, not
    /// the history (see <see cref="ParsedFile.ReleaseTo"/>). Runs on worker threads, as <see cref="IClientSource.Read"/>.
    /// </summary>
    internal interface IReleasesSessions
    {
        /// <summary>
        /// Reads one source as <see cref="IClientSource.Read"/> does, handing complete sessions to
        /// <paramref name="release"/> as <see cref="ParsedFile.Continued"/> pieces; the result is the last piece.
        /// </summary>
        ParsedFile Read(SourceFile file, ReadOptions options, Action<ParsedFile> release, CancellationToken cancel);
    }

    /// <summary>
    /// A client whose records are snapshots of a running total per key, written again by every later file (Trae's usage
    /// dumps: each sync writes each session's latest usage again): of the records with one key, only the latest counts —
    /// a keep-latest lane, not first-seen. Such files pass the gate after every other file has been read.
    /// </summary>
    internal interface IKeepLatest
    {
        /// <summary>True when this client's keyed records keep only the latest per key.</summary>
        bool KeepsLatest { get; }
    }

    /// <summary>
    /// A client whose session file is a cumulative counter that can exist as several copies (Droid keeps a session's
    /// settings under its project folder, at the sessions root, and in an archive): of the files with one copy identity
    /// only the latest is read (the scanner's keep-latest step), so one counter is never counted twice.
    /// </summary>
    internal interface ICumulativeCopies
    {
        /// <summary>What copies of one session share (Droid: the file name, which is the session id); null: no copies.</summary>
        string? CopyIdentity(string path);
    }

    /// <summary>A folder to scan and why (an environment variable, a default location, a registry file, or -Path).</summary>
    internal sealed class ScanRoot
    {
        public ScanRoot(string directory, string origin, bool recursive = true, string? warning = null)
        {
            Directory = directory;
            Origin = origin;
            Recursive = recursive;
            Warning = warning;
        }

        public string Directory { get; }

        public string Origin { get; }

        /// <summary>
        /// True when the user named this folder for this client (a client's own variable such as CLAUDE_CONFIG_DIR or
        /// AMP_DATA_DIR): a missing folder is then worth a warning. Defaults, folders derived from a variable every
        /// program shares (XDG_DATA_HOME, XDG_CONFIG_HOME, APPDATA, LOCALAPPDATA) and folders a client's own registry
        /// file lists (a project deleted since) are not.
        /// </summary>
        public bool NamedForClient => IsVariableName(Origin) && !SharedOrigins.Contains(Origin);

        private static bool IsVariableName(string origin) =>
            origin.Length > 0 && origin.All(c => (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');

        private static readonly HashSet<string> SharedOrigins = new HashSet<string>(StringComparer.Ordinal)
        {
            "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "APPDATA", "LOCALAPPDATA", "HOME", "USERPROFILE",
        };

        /// <summary>False for a folder whose own files are the logs (a database folder): its subfolders are not walked.</summary>
        public bool Recursive { get; }

        /// <summary>A problem met while finding this root (an unreadable project registry); the scan reports it as a warning.</summary>
        public string? Warning { get; }
    }

    /// <summary>A discovered log file. Immutable.</summary>
    internal sealed class SourceFile
    {
        public SourceFile(IClientSource client, string path, long length, DateTime lastWriteUtc, string scanRoot, long? identity = null)
        {
            Client = client;
            Path = path;
            Length = length;
            LastWriteUtc = lastWriteUtc;
            ScanRoot = scanRoot;
            Identity = identity;
        }

        public IClientSource Client { get; }

        public string Path { get; }

        public long Length { get; }

        public DateTime LastWriteUtc { get; }

        /// <summary>The folder the file was found under (session and project names are derived relative to it).</summary>
        public string ScanRoot { get; }

        /// <summary>The file's identity (<see cref="Discovery.FileIdentity"/>) when discovery learned it with its length; else null.</summary>
        public long? Identity { get; }
    }

    /// <summary>What every reader needs besides the file: pricing and the date window. Shared read-only by workers.</summary>
    internal sealed class ReadOptions
    {
        public ReadOptions(PriceBook prices, DateWindow dates)
        {
            Prices = prices;
            Dates = dates;
        }

        public PriceBook Prices { get; }

        public DateWindow Dates { get; }

        /// <summary>How many damaged lines per file are kept with line number and reason for -Verbose.</summary>
        public int MaxSkippedSamples { get; set; } = DamagedLines.DefaultSampleLimit;

        /// <summary>
        /// Messages a multi-session source holds before complete sessions are handed on (see
        /// <see cref="IReleasesSessions"/>): about 300 bytes each.
        /// </summary>
        public int ReleaseSessionsAt { get; set; } = 32 * 1024;

        /// <summary>
        /// How long a read of an agent's database waits for the agent's write lock before reporting the database as
        /// locked (5 s; <c>TOKUSAGE_SQLITE_BUSY_TIMEOUT_MS</c> changes it for a run).
        /// </summary>
        public TimeSpan DatabaseBusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
    }

    /// <summary>
    /// The API response a Claude Code line reports (<c>message.id</c> alone, hashed) and whether the line is a side-chain
    /// line (<c>isSidechain: true</c>: a sub-agent, or a <c>/btw</c> side question). A <c>/btw</c> transcript re-logs
    /// earlier parent messages with their <c>message.id</c> but a new <c>requestId</c>: the gate drops a side-chain line
    /// whose response was already counted (ccusage #913). Default: unknown (other clients).
    /// </summary>
    internal readonly struct ResponseIdentity
    {
        public ResponseIdentity(MessageKey id, bool sidechain)
        {
            IsKnown = true;
            Id = id;
            Sidechain = sidechain;
        }

        public bool IsKnown { get; }

        public MessageKey Id { get; }

        public bool Sidechain { get; }

        /// <summary>Writes this identity into a row's <see cref="MessageRow.Response"/> and flags.</summary>
        public void ApplyTo(ref MessageRow row)
        {
            if (IsKnown)
            {
                row.Response = Id;
                row.Flags |= Sidechain ? RowFlags.ResponseKnown | RowFlags.Sidechain : RowFlags.ResponseKnown;
            }
        }
    }

    /// <summary>A session's identity and the session it was forked or spawned from (null for an original session).</summary>
    internal sealed class SessionLineage
    {
        public SessionLineage(string session, string? parent)
        {
            Session = session;
            Parent = parent;
        }

        public string Session { get; }

        public string? Parent { get; }
    }

    /// <summary>
    /// One session of a source that holds many (a database): Get-TokenUsage emits one UsageFile per part, so -By Session
    /// and the per-object streaming contract work for databases as for log files. Owned by its <see cref="ParsedFile"/>.
    /// </summary>
    internal sealed class SessionPart
    {
        public SessionPart(string sessionId, string project, int order)
        {
            SessionId = sessionId;
            Project = project;
            Order = order;
        }

        public string SessionId { get; }

        public string Project { get; set; }

        /// <summary>Damaged rows of this session (also counted in the file's <see cref="ParsedFile.Damaged"/>).</summary>
        public long SkippedLines { get; set; }

        /// <summary>Position of first appearance in the source; ties in output order are broken by it.</summary>
        public int Order { get; }
    }

    /// <summary>A damaged line kept for -Verbose.</summary>
    internal readonly struct SkippedLine
    {
        public SkippedLine(long lineNumber, string reason)
        {
            LineNumber = lineNumber;
            Reason = reason;
        }

        public long LineNumber { get; }

        public string Reason { get; }
    }

    /// <summary>
    /// The damaged lines (or rows) of one read: every one counted, the first few kept with number and reason for
    /// -Verbose. The one place of the sampling rule, for readers' snapshots and parsed files alike. Owned by the
    /// thread that reads; handed on with what holds it.
    /// </summary>
    internal sealed class DamagedLines
    {
        /// <summary>How many damaged lines a file keeps with number and reason unless told otherwise (<see cref="ReadOptions.MaxSkippedSamples"/>).</summary>
        public const int DefaultSampleLimit = 10;

        private int _samplesTaken;

        public long Count { get; set; }

        /// <summary>The kept lines; may be moved elsewhere (a released piece), which still counts them as taken.</summary>
        public List<SkippedLine> Samples { get; } = new List<SkippedLine>();

        public void Add(long lineNumber, string reason, int maxSamples = DefaultSampleLimit)
        {
            Count++;
            if (_samplesTaken < maxSamples)
            {
                _samplesTaken++;
                Samples.Add(new SkippedLine(lineNumber, reason));
            }
        }

        /// <summary>Adds <paramref name="other"/>'s count and as many of its samples as <paramref name="maxSamples"/> still allows.</summary>
        public void AddFrom(DamagedLines other, int maxSamples = DefaultSampleLimit)
        {
            Count += other.Count;
            foreach (var sample in other.Samples)
            {
                if (_samplesTaken >= maxSamples)
                {
                    break;
                }

                _samplesTaken++;
                Samples.Add(sample);
            }
        }
    }

    /// <summary>A worker's result for one file; handed to the pipeline thread, which owns it from then on.</summary>
    internal sealed class ParsedFile
    {
        public ParsedFile(SourceFile source, string sessionId, string project)
        {
            Source = source;
            SessionId = sessionId;
            Project = project;
        }

        public SourceFile Source { get; }

        /// <summary>Set by the reader; some formats name their session inside the file.</summary>
        public string SessionId { get; set; }

        public string Project { get; set; }

        /// <summary>The counted messages, packed, with their dedup identities (before the cross-file gate).</summary>
        public MessageRows Rows { get; } = new MessageRows();

        /// <summary>
        /// Set by clients whose sessions fork (Codex): this file's session and the session it was forked or spawned
        /// from. The gate then scopes the entries' keys to the family's root session, so history a child replays from
        /// its parent (or grandparent) collides with the original. Null: keys are used as they are.
        /// </summary>
        public SessionLineage? Lineage { get; set; }

        public DamagedLines Damaged { get; } = new DamagedLines();

        /// <summary>
        /// Sessions whose lines this file copies (Claude Code's resumed sessions; see <see cref="ISessionReferences"/>):
        /// the file passes the gate after those sessions' own files. Empty for most files.
        /// </summary>
        public IReadOnlyList<string> ReferencedSessions { get; set; } = Array.Empty<string>();

        /// <summary>Set when the file could not be read; the file then counts nothing.</summary>
        public Exception? Error { get; set; }

        /// <summary>True when the result came from the cache's record of an unchanged file, without opening the file.</summary>
        public bool FromCache { get; set; }

        /// <summary>The sessions of a multi-session source, in order of first appearance; empty for a log file.</summary>
        public IReadOnlyCollection<SessionPart> Parts => _parts.Values;

        /// <summary>
        /// True on a piece of a source handed on before the source is read to its end (see <see cref="ReleaseTo"/>):
        /// more pieces of the same source follow, the last one with this false.
        /// </summary>
        public bool Continued { get; private set; }

        /// <summary>Sessions handed on in earlier pieces (see <see cref="ReleaseTo"/>).</summary>
        public int ReleasedParts { get; private set; }

        private readonly Dictionary<string, SessionPart> _parts = new Dictionary<string, SessionPart>(StringComparer.Ordinal);
        private readonly Dictionary<int, SessionPart> _partsByRow = new Dictionary<int, SessionPart>();
        private readonly HashSet<int> _closed = new HashSet<int>();
        private Action<ParsedFile>? _release;
        private int _releaseAt;
        private int _partsCreated;

        /// <summary>
        /// Lets the reader hand on complete sessions before the whole source is read, so a database of the whole history
        /// is never held at once: once at least <paramref name="entries"/> messages are held and some belong to sessions
        /// the reader has closed (<see cref="Close"/>), those sessions go to <paramref name="release"/> as a
        /// <see cref="Continued"/> piece. Called on the reading (worker) thread; <paramref name="release"/> may block
        /// until the consumer has taken the previous piece. Without it (readers called directly) the file stays whole.
        /// </summary>
        public void ReleaseTo(Action<ParsedFile> release, int entries)
        {
            _release = release;
            _releaseAt = Math.Max(1, entries);
        }

        /// <summary>
        /// The reader will add nothing more to the session <paramref name="sessionId"/>: it may be handed on (see
        /// <see cref="ReleaseTo"/>). A session seen again after it was handed on becomes a new part.
        /// </summary>
        public void Close(string sessionId)
        {
            if (_release is null || !_parts.TryGetValue(sessionId, out var part))
            {
                return;
            }

            _closed.Add(RowPart(part));
            if (Rows.Count < _releaseAt)
            {
                return;
            }

            var piece = SplitOffClosed();
            // Each pass walks the held messages once; the next waits until they have doubled, so a long session held open
            // while many short ones close costs linear time, not a pass per session.
            _releaseAt = Math.Max(_releaseAt, 2 * Rows.Count);
            _release(piece);
        }

        /// <summary>Moves the closed sessions, their messages, damage counts and the samples so far into a new piece.</summary>
        private ParsedFile SplitOffClosed()
        {
            var piece = new ParsedFile(Source, SessionId, Project) { Continued = true, Lineage = Lineage };
            var kept = 0;
            for (var i = 0; i < Rows.Count; i++)
            {
                if (_closed.Contains(Rows[i].Part))
                {
                    piece.Rows.AddFrom(Rows, i);
                }
                else
                {
                    Rows[kept++] = Rows[i];
                }
            }

            Rows.Truncate(kept);
            foreach (var partRow in _closed)
            {
                var part = _partsByRow[partRow];
                _parts.Remove(part.SessionId);
                _partsByRow.Remove(partRow);
                piece._parts.Add(part.SessionId, part);
                piece._partsByRow.Add(partRow, part);
                piece.Damaged.Count += part.SkippedLines;
            }

            Damaged.Count -= piece.Damaged.Count;
            ReleasedParts += _closed.Count;
            _closed.Clear();
            piece.Damaged.Samples.AddRange(Damaged.Samples);
            Damaged.Samples.Clear();
            return piece;
        }

        /// <summary>The part for a session id, created on first use with <paramref name="project"/>.</summary>
        public SessionPart Part(string sessionId, string project)
        {
            if (!_parts.TryGetValue(sessionId, out var part))
            {
                part = new SessionPart(sessionId, project, _partsCreated++);
                _parts.Add(sessionId, part);
                _partsByRow.Add(RowPart(part), part);
            }
            else if (part.Project.Length == 0 && project.Length > 0)
            {
                part.Project = project;
            }

            return part;
        }

        /// <summary>What a row of <paramref name="part"/> holds in <see cref="MessageRow.Part"/> (0: no part).</summary>
        public static int RowPart(SessionPart? part) => part is null ? 0 : part.Order + 1;

        /// <summary>The session a row belongs to (<see cref="MessageRow.Part"/>): one of <see cref="Parts"/>, or null for the file's own.</summary>
        public SessionPart? PartOf(in MessageRow row) => row.Part == 0 ? null : _partsByRow[row.Part];

        /// <summary>Counts a damaged line or row (against <paramref name="part"/> as well, when the row's session is known).</summary>
        public void Skip(long lineNumber, string reason, int maxSamples, SessionPart? part = null)
        {
            if (part != null)
            {
                part.SkippedLines++;
            }

            Damaged.Add(lineNumber, reason, maxSamples);
        }
    }
}
