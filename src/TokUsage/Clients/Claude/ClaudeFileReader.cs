using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Parsing;
using TokUsage.Primitives;

namespace TokUsage.Clients.Claude
{
    /// <summary>
    /// Reads one Claude Code transcript on a worker thread. Claude Code writes one line per content block of a message,
    /// each repeating the message's usage (growing while streaming), so lines with one <c>message.id:requestId</c> are
    /// merged by per-field maximum; timestamp and model come from the most complete line (earliest on ties). Lines
    /// without a <c>"usage"</c> property name are not parsed, only checked to be object-shaped, so damaged lines are
    /// counted everywhere.
    /// </summary>
    internal static class ClaudeFileReader
    {
        public static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel) =>
            ReadSnapshot(file, null, cancel).Consume(file, options);

        /// <summary>
        /// Reads the transcript whole, or from <paramref name="resumeFrom"/>'s offset on with its messages as the merge
        /// state (streamed copies of a message may straddle the offset). The result is resumable when the file ends with
        /// a complete line; a torn last line makes the next run read the file whole again.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static FileSnapshot ReadSnapshot(SourceFile file, FileSnapshot? resumeFrom, CancellationToken cancel)
        {
            FileSnapshot result;
            var byKey = t_merge ?? new KeyTable(withValues: true);
            t_merge = null; // this file's until it is read
            byKey.Clear();
            var (sessionId, folderProject) = ClaudePaths.SessionAndProject(file.Path, file.ScanRoot);
            if (resumeFrom is null)
            {
                result = new FileSnapshot(sessionId, folderProject) { ResumeOffset = 0 };
            }
            else
            {
                result = resumeFrom.CopyForResume();
                var messages = result.Messages;
                for (var i = 0; i < messages.Count; i++)
                {
                    if (messages[i].HasKey)
                    {
                        byKey.TryAdd(messages[i].Key, i, out _);
                    }
                }
            }

            LogFiles.ReadAppendable(file, result, cancel, lines =>
            {
                var parser = t_parser ?? new ClaudeLineParser();
                t_parser = null; // this file's until it is read
                var ownSession = System.Text.Encoding.UTF8.GetBytes(result.SessionId);
                byte[] lastReferenced = Array.Empty<byte>(); // copied lines come in runs of one session: one string per run
                // The project is the working directory the lines record (its first one); the folder name is the
                // fallback for transcripts that record none yet. A resumed read keeps a project found before.
                var projectFromCwd = result.Project != folderProject;
                LogFiles.ForEachLine(
                    lines,
                    line =>
                    {
                        if (!projectFromCwd)
                        {
                            var cwd = JsonLines.TopLevelCwd(line);
                            if (!string.IsNullOrWhiteSpace(cwd))
                            {
                                result.Project = ProjectNames.FromDirectory(cwd!);
                                projectFromCwd = true;
                            }
                        }

                        return ClaudeLineParser.MayHaveUsage(line);
                    },
                    (line, _) =>
                    {
                        var kind = parser.Parse(line, out var message, out var damage);
                        if (kind == LineKind.Usage)
                        {
                            Merge(result.Messages, byKey, message);
                            var lineSession = parser.LineSessionId;
                            if (lineSession.Length > 0 && !ByteSearch.Equal(lineSession, ownSession) && !ByteSearch.Equal(lineSession, lastReferenced))
                            {
                                lastReferenced = lineSession.ToArray();
                                result.Reference(System.Text.Encoding.UTF8.GetString(lastReferenced));
                            }
                        }

                        return kind == LineKind.Damaged ? damage : null;
                    },
                    (number, reason) => result.Damaged.Add(number, reason));
                t_parser = parser;
            });

            if (byKey.Slots <= MergeSlotsKept)
            {
                t_merge = byKey;
            }

            return result;
        }

        /// <summary>
        /// The worker thread's parser, from one file to the next: its buffers and its cache of model and type names are made
        /// once per thread instead of once per file (≈ 13 KB a file; a cold 16k-file run: 230 MB, docs/performance.md).
        /// A parser's state lives within a line; the name cache is shared by a thread's files as Codex's reader shares its own.
        /// </summary>
        [ThreadStatic]
        private static ClaudeLineParser? t_parser;

        /// <summary>
        /// The worker thread's merge index, from one file to the next, emptied for each: a file's index grew from 16 slots
        /// and was garbage after it (a cold 16k-file run: 73 MB, docs/performance.md). One grown past
        /// <see cref="MergeSlotsKept"/> by a long session is left to the collector, so that emptying it does not cost
        /// each small file after it.
        /// </summary>
        [ThreadStatic]
        private static KeyTable? t_merge;

        /// <summary>The largest merge index a thread keeps (20 KB; a file of up to ≈ 870 messages).</summary>
        private const int MergeSlotsKept = 1024;

        [MethodImpl(Jit.Optimized)]
        private static void Merge(List<RawMessage> messages, KeyTable byKey, in ClaudeMessage message)
        {
            if (message.HasKey && !byKey.TryAdd(message.Key, messages.Count, out var index))
            {
                var merged = messages[index];
                if (message.Tokens.Total > merged.BestTotal)
                {
                    merged.BestTotal = message.Tokens.Total;
                    merged.Timestamp = message.Timestamp;
                    merged.Model = message.Model;
                }

                merged.Tokens.MaxWith(message.Tokens);
                merged.Fast |= message.Fast;
                return;
            }

            var added = RawMessage.Fresh();
            added.HasKey = message.HasKey;
            added.Key = message.Key;
            added.Timestamp = message.Timestamp;
            added.Model = message.Model;
            added.Tokens = message.Tokens;
            added.Fast = message.Fast;
            added.Response = message.Response;
            added.BestTotal = message.Tokens.Total;
            messages.Add(added);
        }
    }
}
