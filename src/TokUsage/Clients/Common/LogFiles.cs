using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using TokUsage.Parsing;
using TokUsage.Primitives;

namespace TokUsage.Clients.Common
{
    /// <summary>Decides from a line's raw bytes whether it can matter to a reader (cheap byte search before any parsing).</summary>
    internal delegate bool LineFilter(ReadOnlySpan<byte> line);

    /// <summary>Handles a line from its raw bytes when it can (true), else leaves it to the document path (false).</summary>
    internal delegate bool FastLineHandler(ReadOnlySpan<byte> line, long lineNumber);

    /// <summary>Handles a line from its raw bytes: the reason it is damaged, or null when it was read (or had nothing to count).</summary>
    internal delegate string? RawLineHandler(ReadOnlySpan<byte> line, long lineNumber);

    /// <summary>Receives one parsed JSONL line; the element is valid only during the call.</summary>
    internal delegate void LineHandler(JsonElement line, long lineNumber);

    /// <summary>
    /// The file-reading loops every reader shares, with the damage rules of the module: a line that is not a JSON
    /// object is skipped and counted (a torn last line is named as such), the rest of the file still counts; an I/O
    /// failure sets <see cref="ParsedFile.Error"/> and the file counts nothing. Called on worker threads.
    /// </summary>
    internal static class LogFiles
    {
        private static readonly JsonDocumentOptions DocumentOptions = new JsonDocumentOptions { MaxDepth = 256 };
        private static readonly JsonReaderOptions ReaderOptions = new JsonReaderOptions { MaxDepth = 256 };

        /// <summary>
        /// Streams a JSONL file: lines <paramref name="interesting"/> accepts are parsed and handed to
        /// <paramref name="handle"/>; the others are only checked to be object-shaped. False when the file could not be read.
        /// <paramref name="decode"/>, when given, turns the file's stream into the lines' stream (a compressed log); it owns
        /// what it is given.
        /// </summary>
        public static bool ReadLines(SourceFile file, ReadOptions options, ParsedFile result, CancellationToken cancel, LineFilter interesting, LineHandler handle, Func<Stream, Stream>? decode = null)
        {
            var error = ReadLines(file.Path, cancel, interesting, handle, (line, reason) => result.Skip(line, reason, options.MaxSkippedSamples), decode: decode);
            result.Error ??= error;
            return error is null;
        }

        /// <summary>
        /// The same loop reporting damage to <paramref name="skip"/>; returns the I/O failure, or null when the file was
        /// read. <paramref name="fast"/>, when given, is offered each interesting line first and parses it without a
        /// document when it can (it must then apply exactly the rules <paramref name="handle"/> would).
        /// </summary>
        public static Exception? ReadLines(string path, CancellationToken cancel, LineFilter interesting, LineHandler handle, Action<long, string> skip, FastLineHandler? fast = null, Func<Stream, Stream>? decode = null)
        {
            try
            {
                using var stream = decode is null ? Open(path) : decode(Open(path));
                using var lines = new JsonlLineReader(stream, 0, cancel);
                HandleLines(lines, interesting, handle, skip, fast);
                return null;
            }
            catch (Exception e) when (IsReadFailure(e))
            {
                return e;
            }
        }

        /// <summary>
        /// <see cref="ForEachLine"/> with each interesting line offered to <paramref name="fast"/> first, else parsed into a
        /// document for <paramref name="handle"/> (see <see cref="ReadLines(string, CancellationToken, LineFilter, LineHandler, Action{long, string}, FastLineHandler?, Func{Stream, Stream}?)"/>).
        /// </summary>
        public static void HandleLines(JsonlLineReader lines, LineFilter interesting, LineHandler handle, Action<long, string> skip, FastLineHandler? fast = null) =>
            ForEachLine(lines, interesting, (line, number) => fast != null && fast(line, number) ? null : ParseAndHandle(line, number, handle), skip);

        /// <summary>
        /// The one damaged-line loop of the line readers: reads <paramref name="lines"/> to their end; a line over the
        /// size limit, a line <paramref name="interesting"/> passes over that is not object-shaped, and a line
        /// <paramref name="handle"/> names a damage for go to <paramref name="skip"/> (a damaged last line without its
        /// newline as a torn one); blank lines are nothing. Runs on the reading thread; I/O failures propagate.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static void ForEachLine(JsonlLineReader lines, LineFilter interesting, RawLineHandler handle, Action<long, string> skip)
        {
            while (true)
            {
                var read = lines.Read(out var line);
                if (read == LineRead.EndOfFile)
                {
                    return;
                }

                if (read == LineRead.Oversized)
                {
                    skip(lines.LineNumber, $"line longer than {lines.MaxLineBytes / (1024 * 1024)} MB");
                    continue;
                }

                if (JsonLines.IsBlank(line))
                {
                    continue;
                }

                var damage = interesting(line)
                    ? handle(line, lines.LineNumber)
                    : JsonLines.LooksLikeObject(line) ? null : NotAnObject;
                if (damage != null)
                {
                    skip(lines.LineNumber, lines.LastLineTerminated ? damage : "torn last line (file still being written?)");
                }
            }
        }

        private const string NotAnObject = "not a JSON object (damaged line)";

        /// <summary>Parses one line into a document for <paramref name="handle"/>; the damage, or null when it was handled.</summary>
        private static string? ParseAndHandle(ReadOnlySpan<byte> line, long lineNumber, LineHandler handle)
        {
            JsonDocument document;
            long consumed;
            try
            {
                var reader = new Utf8JsonReader(line, ReaderOptions);
                document = JsonDocument.ParseValue(ref reader);
                consumed = reader.BytesConsumed;
            }
            catch (JsonException e)
            {
                return "invalid JSON: " + e.Message;
            }

            using (document)
            {
                if (JsonScan.SkipWhiteSpace(line, (int)consumed) < line.Length)
                {
                    return JsonLines.MoreThanOneValue;
                }

                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return NotAnObject;
                }

                try
                {
                    handle(document.RootElement, lineNumber);
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return JsonLines.BadString;
                }
            }
        }

        /// <summary>
        /// Parses a whole JSON file whose root is <paramref name="root"/> (a session object, or an array of messages): the
        /// one preamble of the readers of such files. Null when it could not be read (<see cref="ParsedFile.Error"/> set),
        /// is not valid JSON, or has another root (counted as one damaged line either way: agents rewrite these files in
        /// place, so a half-written one is expected, and a file of another shape holds nothing this reader can count).
        /// The caller disposes the document.
        /// </summary>
        public static JsonDocument? ReadDocument(SourceFile file, ReadOptions options, ParsedFile result, CancellationToken cancel, JsonValueKind root = JsonValueKind.Object)
        {
            try
            {
                cancel.ThrowIfCancellationRequested();
                using var stream = Open(file.Path);
                var document = JsonDocument.Parse(stream, DocumentOptions);
                if (document.RootElement.ValueKind != root)
                {
                    result.Skip(1, $"not a JSON {(root == JsonValueKind.Array ? "array" : "object")} (another file in the agent's folder, or damaged)", options.MaxSkippedSamples);
                    document.Dispose();
                    return null;
                }

                return document;
            }
            catch (JsonException e)
            {
                result.Skip(e.LineNumber.HasValue ? e.LineNumber.Value + 1 : 1, "invalid JSON file (damaged, or being rewritten): " + e.Message, options.MaxSkippedSamples);
                return null;
            }
            catch (Exception e) when (IsReadFailure(e))
            {
                result.Error = e;
                return null;
            }
        }

        /// <summary>Parses a JSON file that accompanies a log (settings, history); a missing or damaged one is null, not an error.</summary>
        public static JsonDocument? ReadCompanion(string path, CancellationToken cancel)
        {
            try
            {
                if (!File.Exists(path))
                {
                    return null;
                }

                using var stream = Open(path);
                return JsonDocument.Parse(stream, DocumentOptions);
            }
            catch (Exception e) when (e is JsonException || IsReadFailure(e))
            {
                cancel.ThrowIfCancellationRequested();
                return null;
            }
        }

        /// <summary>
        /// How recently a log must have been written for a read to prove its prefix: to hash every line it passes, so
        /// that the next run can read only what is appended (<see cref="JsonlLineReader.PrefixHash"/>). A log left alone
        /// longer is a finished session; should it grow after all, it is read whole once, and proven from then on. The
        /// hash is a tenth of reading a log, and most of a history is old (docs/performance.md).
        /// </summary>
        public static readonly TimeSpan StillWritten = TimeSpan.FromDays(7);

        /// <summary>Whether a read of <paramref name="file"/> should prove its prefix (<see cref="StillWritten"/>).</summary>
        public static bool MayStillGrow(SourceFile file) => DateTime.UtcNow - file.LastWriteUtc < StillWritten;

        /// <summary>
        /// Reads an append-only log from <paramref name="snapshot"/>'s <see cref="FileSnapshot.ResumeOffset"/> (0: from the
        /// start) with <paramref name="read"/>, then records where the next run may resume: just past the last complete
        /// line, with the line count and the prefix hash there; or -1 when the log ends in a torn line, or was read from
        /// the start without proving its prefix (<see cref="MayStillGrow"/>): the next run that finds it changed reads it
        /// whole. A resumed read always proves what it adds, extending the proof it resumes from. An I/O failure becomes
        /// <see cref="FileSnapshot.Error"/>. The reading thread owns the snapshot.
        /// </summary>
        public static void ReadAppendable(SourceFile file, FileSnapshot snapshot, CancellationToken cancel, Action<JsonlLineReader> read)
        {
            try
            {
                using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                var start = snapshot.ResumeOffset;
                var proving = start > 0 || MayStillGrow(file);
                stream.Position = start;
                using var lines = new JsonlLineReader(stream, start, cancel, firstLineNumber: snapshot.ResumeLine,
                    prefixHash: !proving ? (ulong?)null : start == 0 ? JsonlLineReader.EmptyPrefixHash : snapshot.PrefixHash);
                read(lines);

                // Resumable only when the state covers exactly the bytes up to the last complete line, proven.
                snapshot.ResumeOffset = proving && (lines.LastLineTerminated || lines.LineNumber == snapshot.ResumeLine) ? lines.CompleteOffset : -1;
                snapshot.ResumeLine = lines.LineNumber;
                snapshot.PrefixHash = lines.PrefixHash;
            }
            catch (Exception e) when (IsReadFailure(e))
            {
                snapshot.Error = e;
            }
        }

        public static bool IsReadFailure(Exception e) => e is IOException || e is UnauthorizedAccessException || e is System.Security.SecurityException;

        private static FileStream Open(string path) =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);

    }
}
