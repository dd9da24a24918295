using System;
using System.Collections.Generic;
using System.Threading;
using TokUsage.Pricing;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Clients
{
    /// <summary>
    /// A client whose reader can produce a <see cref="FileSnapshot"/>: the file's messages before pricing, plus, for
    /// append-only logs, where and in which state reading stopped. Such clients are cached per file; the others are read
    /// every run. Implementations are stateless and thread-safe (called on worker threads).
    /// </summary>
    internal interface ISnapshotClient
    {
        /// <summary>
        /// Reads <paramref name="file"/> whole, or only its bytes after <paramref name="resumeFrom"/>'s
        /// <see cref="FileSnapshot.ResumeOffset"/> when that is given (the caller has checked that the bytes before it are
        /// unchanged). Returns a new snapshot; <paramref name="resumeFrom"/> is not modified.
        /// </summary>
        FileSnapshot ReadSnapshot(SourceFile file, FileSnapshot? resumeFrom, CancellationToken cancel);
    }

    /// <summary>
    /// One counted message before pricing: what a price change needs to re-cost it. Mutable while its reader merges
    /// streamed copies of the message; owned by one thread at a time. Readers take them from their thread's spares
    /// (<see cref="Fresh"/>), which <see cref="FileSnapshot.Consume"/> refills: a cold run made one object a message
    /// (155 MB at 16k files, docs/performance.md), each garbage once its file was priced. A scan's worker threads end
    /// with its run, and their spares with them.
    /// </summary>
    internal sealed class RawMessage
    {
        /// <summary>The most spare messages a thread keeps (≈ 0.8 MB): a longer session's are left to the collector.</summary>
        private const int SparesKept = 4096;

        [ThreadStatic]
        private static Stack<RawMessage>? t_spares;

        public bool HasKey;
        public MessageKey Key;
        public DateTimeOffset Timestamp;
        public string Model = ModelNames.Unknown;
        public TokenCounts Tokens;
        public bool Fast;

        /// <summary>Claude Code: the response (<c>message.id</c>) and side-chain flag of the message (<see cref="ResponseIdentity"/>).</summary>
        public ResponseIdentity Response;

        /// <summary>Largest single-line total merged into this message (Claude: which copy's timestamp and model win).</summary>
        public long BestTotal;

        public RawMessage Clone() => (RawMessage)MemberwiseClone();

        /// <summary>A message with every field at its default, from the calling thread's spares when it has one.</summary>
        public static RawMessage Fresh()
        {
            var spares = t_spares;
            if (spares is null || spares.Count == 0)
            {
                return new RawMessage();
            }

            var message = spares.Pop();
            message.HasKey = false;
            message.Key = default;
            message.Timestamp = default;
            message.Model = ModelNames.Unknown;
            message.Tokens = default;
            message.Fast = false;
            message.Response = default;
            message.BestTotal = 0;
            return message;
        }

        /// <summary>Moves <paramref name="messages"/>, which nothing else holds, to the calling thread's spares.</summary>
        public static void Spare(List<RawMessage> messages)
        {
            var spares = t_spares ??= new Stack<RawMessage>();
            for (var i = 0; i < messages.Count && spares.Count < SparesKept; i++)
            {
                spares.Push(messages[i]);
            }

            messages.Clear();
        }
    }

    /// <summary>
    /// What a reader got out of one file, unpriced: the file's session, damage and messages, and for a log that is only
    /// ever appended to, the byte offset just past its last complete line (<see cref="ResumeOffset"/>) and the line
    /// number there, so the next run reads only what was appended. Immutable once returned by a reader (a resumed read
    /// copies what it extends); safe to price on any thread.
    /// </summary>
    internal sealed class FileSnapshot
    {
        public FileSnapshot(string sessionId, string project)
        {
            SessionId = sessionId;
            Project = project;
        }

        public string SessionId { get; set; }

        public string Project { get; set; }

        /// <summary>True for clients whose sessions fork (Codex): the parsed file carries a lineage with <see cref="Parent"/>.</summary>
        public bool HasLineage { get; set; }

        public string? Parent { get; set; }

        public DamagedLines Damaged { get; } = new DamagedLines();

        public List<RawMessage> Messages { get; } = new List<RawMessage>();

        /// <summary>
        /// Other sessions this file holds lines of (Claude Code: the session ids that copied lines name; a resumed
        /// session's file starts with the original's lines). Ordered, at most <see cref="ReferencedSessionLimit"/>.
        /// </summary>
        public List<string> ReferencedSessions { get; } = new List<string>();

        /// <summary>How many other sessions a file's snapshot names; past it, the rest are not kept (resumes of resumes are short chains).</summary>
        public const int ReferencedSessionLimit = 32;

        /// <summary>Adds a session this file copies lines from (see <see cref="ReferencedSessions"/>).</summary>
        public void Reference(string session)
        {
            if (ReferencedSessions.Count < ReferencedSessionLimit && !ReferencedSessions.Contains(session))
            {
                ReferencedSessions.Add(session);
            }
        }

        /// <summary>Offset just past the last newline-terminated line the state covers; -1 when the file cannot be resumed.</summary>
        public long ResumeOffset { get; set; } = -1;

        /// <summary>Lines up to <see cref="ResumeOffset"/> (so damaged-line numbers stay right after a resumed read).</summary>
        public long ResumeLine { get; set; }

        /// <summary>
        /// <see cref="Parsing.JsonlLineReader.PrefixHash"/> of the bytes up to <see cref="ResumeOffset"/>, as the reader
        /// that made this snapshot read them: the cache resumes only when the file's prefix still hashes to it.
        /// </summary>
        public ulong PrefixHash { get; set; }

        /// <summary>
        /// What a resumable reader had learned by <see cref="ResumeOffset"/> that its messages do not say (Codex: the
        /// session's identity, whether it is a sub-agent still replaying its parent, the running total, the current model),
        /// in the reader's own encoding, at most <see cref="MaxReaderState"/> bytes. Opaque to the cache, which keeps it
        /// with the record; the reader that wrote it checks it when resuming. Null for readers that need none.
        /// </summary>
        public byte[]? ReaderState { get; set; }

        /// <summary>The largest <see cref="ReaderState"/> a record may hold (the cache refuses larger ones as damaged).</summary>
        public const int MaxReaderState = 64 * 1024;

        /// <summary>Set when the file could not be read; such a snapshot is never cached.</summary>
        public Exception? Error { get; set; }

        /// <summary>A copy to extend with appended lines: messages are cloned, since merging mutates them.</summary>
        public FileSnapshot CopyForResume()
        {
            var copy = new FileSnapshot(SessionId, Project)
            {
                HasLineage = HasLineage,
                Parent = Parent,
                ResumeOffset = ResumeOffset,
                ResumeLine = ResumeLine,
                PrefixHash = PrefixHash,
                ReaderState = ReaderState,
            };
            copy.Damaged.AddFrom(Damaged);
            copy.ReferencedSessions.AddRange(ReferencedSessions);
            foreach (var message in Messages)
            {
                copy.Messages.Add(message.Clone());
            }

            return copy;
        }

        /// <summary>
        /// <see cref="ToParsed"/>, then gives the messages to the calling thread's spares (<see cref="RawMessage.Fresh"/>):
        /// for the reader's or the cache's own snapshot, which nothing else holds, once it is encoded. It is empty after.
        /// </summary>
        public ParsedFile Consume(SourceFile file, ReadOptions options)
        {
            var parsed = ToParsed(file, options);
            RawMessage.Spare(Messages);
            return parsed;
        }

        /// <summary>Prices the messages with this run's prices into the scanner's per-file result.</summary>
        [MethodImpl(Jit.Optimized)]
        public ParsedFile ToParsed(SourceFile file, ReadOptions options)
        {
            var result = new ParsedFile(file, SessionId, Project) { Error = Error };
            result.Damaged.AddFrom(Damaged, options.MaxSkippedSamples);

            if (HasLineage)
            {
                result.Lineage = new SessionLineage(SessionId, Parent);
            }

            result.ReferencedSessions = ReferencedSessions;

            result.Rows.EnsureCapacity(Messages.Count);
            string? model = null;
            PriceQuote? quote = null;
            foreach (var m in Messages)
            {
                if (!ReferenceEquals(m.Model, model))
                {
                    // Messages of a file mostly share a model (and its string): resolved once per run of equal models.
                    model = m.Model;
                    quote = options.Prices.Resolve(model);
                }

                var row = MessagePricing.Row(result.Rows, m.Timestamp, m.Model, m.Tokens, quote, m.Fast);
                row.SetClientKey(m.HasKey, m.Key);
                m.Response.ApplyTo(ref row);
                result.Rows.Add(row);
            }

            return result;
        }
    }
}
