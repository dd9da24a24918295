using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Parsing;
using TokUsage.Primitives;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Codex
{
    /// <summary>
    /// Reads one Codex rollout on a worker thread. The billed increment of a <c>token_count</c> event is its
    /// <c>last_token_usage</c>; <c>total_token_usage</c> (the session's running total) only decides whether the event is
    /// new: an unchanged total is a re-emitted snapshot and a total that went back is a stale out-of-order one — neither
    /// counts. With totals only, the increment is the monotonic difference. Every counted event is keyed by its running
    /// total, and the key is scoped to the session family (<see cref="ParsedFile.Lineage"/>), so a fork that copies its
    /// parent's history, a sub-agent that replays it, and an archived copy of a session all count it once.
    /// Sub-agent rollouts also skip the replay burst they start with (events stamped with the spawn second).
    /// Buckets are made disjoint: Codex reports cached input inside input and reasoning inside output.
    /// </summary>
    internal static class CodexFileReader
    {
        public static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel) =>
            ReadSnapshot(file, null, cancel).Consume(file, options);

        /// <summary>
        /// Reads the rollout whole, or from <paramref name="resumeFrom"/>'s offset on: a rollout's early lines decide how
        /// later ones count (its session and parent, a sub-agent's replay of its parent, the running total, the current
        /// model), so a resumable snapshot keeps that state (<see cref="FileSnapshot.ReaderState"/>) and a resumed read
        /// goes on from it, counting exactly what a whole read would. A snapshot is not resumable when the rollout ends in
        /// a torn line or when an event without a time was counted at the file's write time (which an append changes).
        /// A missing or damaged state throws <see cref="InvalidDataException"/> (the cache then reads the file whole).
        /// <paramref name="streamingParser"/>: token counts and turn contexts are read by <see cref="CodexLineParser"/>
        /// (always, in use), or else as documents (tests compare the two).
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static FileSnapshot ReadSnapshot(SourceFile file, FileSnapshot? resumeFrom, CancellationToken cancel, bool streamingParser = true)
        {
            var result = resumeFrom is null ? new FileSnapshot("", "") { HasLineage = true, ResumeOffset = 0 } : resumeFrom.CopyForResume();
            var state = new State(file, result.Messages, (line, reason) => result.Damaged.Add(line, reason));
            if (resumeFrom != null)
            {
                state.Restore(resumeFrom.ReaderState);
            }

            LogFiles.ReadAppendable(file, result, cancel, lines =>
                LogFiles.HandleLines(lines, MayMatter, state.Line, (line, reason) => result.Damaged.Add(line, reason), streamingParser ? state.TryStreamingParse : null));
            if (result.Error != null)
            {
                result.Messages.Clear();
                return result;
            }

            result.SessionId = state.SessionId ?? Path.GetFileNameWithoutExtension(file.Path);
            result.Project = state.Cwd ?? "";
            result.Parent = state.Parent;
            if (state.UsedFileTime)
            {
                result.ResumeOffset = -1;
            }

            result.ReaderState = result.ResumeOffset >= 0 ? state.Save() : null;
            if (result.ReaderState?.Length > FileSnapshot.MaxReaderState)
            {
                // Absurd names (a working directory of megabytes): the record could not hold the state; read whole next time.
                result.ReaderState = null;
                result.ResumeOffset = -1;
            }

            return result;
        }

        /// <summary>
        /// Lines worth parsing: those naming one of the events the reader uses, except conversation items
        /// (<c>response_item</c>, <c>compacted</c>), which carry no usage but often mention those names in tool output and
        /// are the bulk of a rollout's bytes (so they are recognised first, by their opening bytes, before any search of
        /// the whole line). Skipped lines are still checked to be object-shaped.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static bool MayMatter(ReadOnlySpan<byte> line) =>
            !IsConversationItem(line)
            && (TokenCount.IsIn(line) || TurnContext.IsIn(line) || SessionMeta.IsIn(line) || TaskStarted.IsIn(line) || JsonLines.UsageName.IsIn(line));

        private static readonly Needle TokenCount = new Needle("token_count"), TurnContext = new Needle("turn_context"),
            SessionMeta = new Needle("session_meta"), TaskStarted = new Needle("task_started");

        /// <summary>
        /// True when the line's top-level <c>type</c> is <c>response_item</c> or <c>compacted</c>. Reads top-level
        /// properties only, up to <c>type</c> (which Codex writes before <c>payload</c>); anything unexpected answers false,
        /// so the line is parsed in full and damage is reported as usual. By structure (<see cref="JsonScan"/>); where the
        /// scan is unsure (an escaped name or value, damage), <see cref="IsConversationItemByReader"/> answers.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        internal static bool IsConversationItem(ReadOnlySpan<byte> line)
        {
            var open = JsonScan.SkipWhiteSpace(line, 0);
            if (open >= line.Length || line[open] != (byte)'{')
            {
                return false;
            }

            var walk = new JsonObjectWalk(line, open);
            while (walk.Next(out var name, out var value))
            {
                if (ByteSearch.Equal(name, "type"u8))
                {
                    if (value[0] != (byte)'"')
                    {
                        return false;
                    }

                    var raw = value.Slice(1, value.Length - 2);
                    return raw.IndexOf((byte)'\\') >= 0 ? IsConversationItemByReader(line) : ByteSearch.Equal(raw, "response_item"u8) || ByteSearch.Equal(raw, "compacted"u8);
                }

                if (value[0] == (byte)'{' || value[0] == (byte)'[')
                {
                    return false; // a container before "type": not the rollout layout, parse the line
                }
            }

            // The object ended without a type, or the scan was unsure of it (an escaped name, damage): the reader decides.
            return !walk.Ended && IsConversationItemByReader(line);
        }

        /// <summary><see cref="IsConversationItem"/> token by token (escaped names and values, damaged lines).</summary>
        internal static bool IsConversationItemByReader(ReadOnlySpan<byte> line)
        {
            try
            {
                var reader = new Utf8JsonReader(line);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (JsonNames.Is(ref reader, "type"u8))
                    {
                        return reader.Read() && reader.TokenType == JsonTokenType.String
                            && (JsonNames.Is(ref reader, "response_item"u8) || JsonNames.Is(ref reader, "compacted"u8));
                    }

                    if (!reader.Read() || (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray))
                    {
                        return false; // a container before "type": not the rollout layout, parse the line
                    }
                }
            }
            catch (JsonException)
            {
            }

            return false;
        }

        /// <summary>One usage snapshot as Codex logs it (cached ⊂ input, reasoning ⊂ output).</summary>
        private readonly struct CodexUsage : IEquatable<CodexUsage>
        {
            public CodexUsage(long input, long cached, long output, long reasoning, long total)
            {
                Input = input;
                Cached = Math.Min(cached, input);
                Output = output;
                Reasoning = Math.Min(reasoning, output);
                Total = total > 0 ? total : input + output;
            }

            public long Input { get; }
            public long Cached { get; }
            public long Output { get; }
            public long Reasoning { get; }
            public long Total { get; }

            public bool IsZero => Input == 0 && Output == 0 && Total == 0;

            public bool IsPlausible => Plausible.Count(Input) && Plausible.Count(Output) && Plausible.Count(Total);

            [MethodImpl(Jit.Optimized)]
            public static bool TryRead(JsonElement parent, string name, out CodexUsage usage)
            {
                usage = default;
                if (!JsonValues.TryObject(parent, out var u, name))
                {
                    return false;
                }

                usage = new CodexUsage(
                    JsonValues.Count(u, "input_tokens", "prompt_tokens", "input"),
                    Math.Max(JsonValues.Count(u, "cached_input_tokens", "cached_tokens"), JsonValues.Count(u, "cache_read_input_tokens")),
                    JsonValues.Count(u, "output_tokens", "completion_tokens", "output"),
                    JsonValues.Count(u, "reasoning_output_tokens", "reasoning_tokens"),
                    JsonValues.Count(u, "total_tokens"));
                return true;
            }

            /// <summary>The snapshot from fields read by <see cref="CodexLineParser"/> (spellings reconciled as <see cref="TryRead"/> does).</summary>
            public static CodexUsage From(in CodexUsageFields u) => new CodexUsage(
                u.InputTokens ?? u.PromptTokens ?? u.Input ?? 0,
                Math.Max(u.CachedInputTokens ?? u.CachedTokens ?? 0, u.CacheReadInputTokens ?? 0),
                u.OutputTokens ?? u.CompletionTokens ?? u.Output ?? 0,
                u.ReasoningOutputTokens ?? u.ReasoningTokens ?? 0,
                u.TotalTokens ?? 0);

            /// <summary>This snapshot minus an earlier one, field by field, never below zero.</summary>
            [MethodImpl(Jit.Optimized)]
            public CodexUsage Minus(in CodexUsage earlier) => new CodexUsage(
                Math.Max(0, Input - earlier.Input), Math.Max(0, Cached - earlier.Cached), Math.Max(0, Output - earlier.Output),
                Math.Max(0, Reasoning - earlier.Reasoning), Math.Max(0, Total - earlier.Total));

            public TokenCounts ToCounts() => new TokenCounts
            {
                Input = Input - Cached,
                CacheRead = Cached,
                Output = Output - Reasoning,
                Reasoning = Reasoning,
            };

            /// <summary>
            /// The dedup key of a counted event: the UTF-8 text <c>prefix:[ticks:]input:cached:output:reasoning:total</c>,
            /// hashed without making the string (the keys stored by earlier versions are these same bytes).
            /// </summary>
            [MethodImpl(Jit.Optimized)]
            public MessageKey Key(byte prefix, long? ticks)
            {
                Span<byte> text = stackalloc byte[2 + (7 * 21)];
                text[0] = prefix;
                text[1] = (byte)':';
                var length = 2;
                if (ticks.HasValue)
                {
                    length = Append(text, length, ticks.Value);
                }

                length = Append(text, length, Input);
                length = Append(text, length, Cached);
                length = Append(text, length, Output);
                length = Append(text, length, Reasoning);
                length = Append(text, length, Total);
                return MessageKey.Of(text.Slice(0, length - 1)); // without the last separator
            }

            private static int Append(Span<byte> text, int length, long value)
            {
                System.Buffers.Text.Utf8Formatter.TryFormat(value, text.Slice(length), out var written);
                text[length + written] = (byte)':';
                return length + written + 1;
            }

            public bool Equals(CodexUsage other) =>
                Input == other.Input && Cached == other.Cached && Output == other.Output && Reasoning == other.Reasoning && Total == other.Total;
        }

        /// <summary>Per-file parse state; owned by the worker reading the file.</summary>
        private sealed class State
        {
            private readonly SourceFile _file;
            private readonly Action<long, string> _skip;
            private long _lineNumber;
            private bool _sawMeta;
            private bool _subagent;
            private long? _replaySecond;
            private bool _replayOver;
            private string? _model;
            private CodexUsage? _previousTotal;
            private readonly List<RawMessage> _messages;
            private int _unmodelled; // messages at the end of _messages still waiting for a model (they say Unknown until then)

            // Type and model names, repeated on most lines: one cache per worker thread, kept across files.
            [ThreadStatic]
            private static Utf8StringCache? _threadStrings;

            private readonly Utf8StringCache _strings = _threadStrings ??= new Utf8StringCache();

            /// <param name="messages">Receives each counted event (the snapshot's list, owned by the same worker).</param>
            /// <param name="skip">Counts a damaged line (a token count past <see cref="Plausible.MaxTokens"/>).</param>
            public State(SourceFile file, List<RawMessage> messages, Action<long, string> skip)
            {
                _file = file;
                _messages = messages;
                _skip = skip;
            }

            public string? SessionId { get; private set; }
            public string? Parent { get; private set; }
            public string? Cwd { get; private set; }

            /// <summary>Whether an event was stamped with the file's write time (it had none of its own).</summary>
            public bool UsedFileTime { get; private set; }

            private DateTimeOffset FileTime()
            {
                UsedFileTime = true;
                return MessageRecorder.WriteTime(_file);
            }

            /// <summary>The state a resumed read goes on from, in <see cref="Restore"/>'s encoding.</summary>
            public byte[] Save()
            {
                using var buffer = new MemoryStream();
                using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8))
                {
                    w.Write(StateEncoding);
                    w.Write(_sawMeta);
                    w.Write(_subagent);
                    w.Write(_replayOver);
                    w.Write(_replaySecond.HasValue);
                    w.Write(_replaySecond ?? 0);
                    WriteNullable(w, _model);
                    WriteNullable(w, SessionId);
                    WriteNullable(w, Cwd);
                    WriteNullable(w, Parent);
                    var previous = _previousTotal ?? default;
                    w.Write(_previousTotal.HasValue);
                    w.Write(previous.Input);
                    w.Write(previous.Cached);
                    w.Write(previous.Output);
                    w.Write(previous.Reasoning);
                    w.Write(previous.Total);
                    w.Write(_unmodelled);
                }

                return buffer.ToArray();
            }

            /// <summary>Goes on from a <see cref="Save"/>d state; <see cref="InvalidDataException"/> when it is missing or damaged.</summary>
            public void Restore(byte[]? saved)
            {
                if (saved is null)
                {
                    throw new InvalidDataException("no Codex reader state to resume from");
                }

                try
                {
                    using var r = new BinaryReader(new MemoryStream(saved, writable: false), System.Text.Encoding.UTF8);
                    if (r.ReadByte() != StateEncoding)
                    {
                        throw new InvalidDataException("Codex reader state of another encoding");
                    }

                    _sawMeta = r.ReadBoolean();
                    _subagent = r.ReadBoolean();
                    _replayOver = r.ReadBoolean();
                    var hasReplay = r.ReadBoolean();
                    var replay = r.ReadInt64();
                    _replaySecond = hasReplay ? replay : null;
                    _model = ReadNullable(r);
                    SessionId = ReadNullable(r);
                    Cwd = ReadNullable(r);
                    Parent = ReadNullable(r);
                    var hasPrevious = r.ReadBoolean();
                    var previous = new CodexUsage(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
                    _previousTotal = hasPrevious ? previous : null;
                    _unmodelled = r.ReadInt32();
                    if (_unmodelled < 0 || _unmodelled > _messages.Count || (hasPrevious && !previous.IsPlausible) || r.BaseStream.Position != saved.Length)
                    {
                        throw new InvalidDataException("Codex reader state out of range");
                    }
                }
                catch (Exception e) when (e is EndOfStreamException || e is IOException || e is ArgumentException || e is FormatException)
                {
                    throw new InvalidDataException("Codex reader state damaged", e);
                }
            }

            /// <summary>The version of <see cref="Save"/>'s layout.</summary>
            private const byte StateEncoding = 1;

            private static void WriteNullable(BinaryWriter w, string? value)
            {
                w.Write(value != null);
                w.Write(value ?? "");
            }

            private static string? ReadNullable(BinaryReader r)
            {
                var present = r.ReadBoolean();
                var value = r.ReadString();
                return present ? value : null;
            }

            /// <summary>Handles the line without a document when <see cref="CodexLineParser"/> understands it.</summary>
            [MethodImpl(Jit.Optimized)]
            public bool TryStreamingParse(ReadOnlySpan<byte> json, long lineNumber)
            {
                if (CodexLineParser.TryParse(json, out var line, _strings) == CodexLineKind.Other)
                {
                    return false;
                }

                _lineNumber = lineNumber;
                Line(line);
                return true;
            }

            [MethodImpl(Jit.Optimized)]
            public void Line(JsonElement line, long lineNumber)
            {
                _lineNumber = lineNumber;
                var type = JsonValues.String(line, "type");
                JsonValues.TryObject(line, out var payload, "payload");
                switch (type)
                {
                    case "session_meta":
                        Meta(payload);
                        return;
                    case "turn_context":
                        SetModel(JsonValues.String(payload, "model", "model_name") ?? (JsonValues.TryObject(payload, out var info, "model_info") ? JsonValues.String(info, "slug") : null));
                        return;
                    case "event_msg":
                        var kind = JsonValues.String(payload, "type");
                        if (kind == "token_count")
                        {
                            TokenCount(line, payload);
                        }
                        else if (kind == "task_started" && _replaySecond.HasValue)
                        {
                            _replayOver = true;
                        }

                        return;
                    case "response_item":
                    case "compacted":
                        return;
                }

                ReadExecJsonLine(line);
            }

            [MethodImpl(Jit.Optimized)]
            private void Meta(JsonElement payload)
            {
                if (_sawMeta)
                {
                    return; // a fork's copy of its parent's meta line
                }

                _sawMeta = true;
                SessionId = JsonValues.String(payload, "id");
                Cwd = JsonValues.String(payload, "cwd");
                Parent = JsonValues.String(payload, "forked_from_id");
                if (JsonValues.TryObject(payload, out var spawn, "source", "subagent", "thread_spawn"))
                {
                    _subagent = true;
                    Parent ??= JsonValues.String(spawn, "parent_thread_id");
                }
            }

            [MethodImpl(Jit.Optimized)]
            private void SetModel(string? model)
            {
                if (model is null)
                {
                    return;
                }

                _model = model;
                for (var i = _messages.Count - _unmodelled; i < _messages.Count; i++)
                {
                    _messages[i].Model = model;
                }

                _unmodelled = 0;
            }

            [MethodImpl(Jit.Optimized)]
            private void TokenCount(JsonElement line, JsonElement payload)
            {
                if (!JsonValues.TryObject(payload, out var info, "info"))
                {
                    return; // rate-limit-only event
                }

                var model = JsonValues.String(payload, "model", "model_name") ?? JsonValues.String(info, "model", "model_name");
                var hasTotal = CodexUsage.TryRead(info, "total_token_usage", out var total);
                var hasLast = CodexUsage.TryRead(info, "last_token_usage", out var last);
                TokenCount(model, Timestamp(line), hasTotal, total, hasLast, last);
            }

            /// <summary>A line read by <see cref="CodexLineParser"/>: the same rules as the document path.</summary>
            [MethodImpl(Jit.Optimized)]
            public void Line(in CodexLine line)
            {
                switch (line.Kind)
                {
                    case CodexLineKind.TurnContext:
                        SetModel(line.PayloadModel ?? line.PayloadModelName ?? line.ModelInfoSlug);
                        return;
                    case CodexLineKind.TaskStarted:
                        if (_replaySecond.HasValue)
                        {
                            _replayOver = true;
                        }

                        return;
                    case CodexLineKind.TokenCount when line.HasInfo:
                        TokenCount(
                            line.PayloadModel ?? line.PayloadModelName ?? line.InfoModel ?? line.InfoModelName,
                            line.HasTimestamp ? line.Timestamp : FileTime(),
                            line.Total.Present,
                            CodexUsage.From(line.Total),
                            line.Last.Present,
                            CodexUsage.From(line.Last));
                        return;
                }
            }

            [MethodImpl(Jit.Optimized)]
            private void TokenCount(string? model, DateTimeOffset timestamp, bool hasTotal, CodexUsage total, bool hasLast, CodexUsage last)
            {
                if ((hasTotal && !total.IsPlausible) || (hasLast && !last.IsPlausible))
                {
                    _skip(_lineNumber, Plausible.TokensProblem);
                    return;
                }

                SetModel(model);
                if (_subagent && !_replayOver && hasTotal)
                {
                    // A spawned sub-agent's rollout starts by re-emitting its parent's events, all stamped with the spawn
                    // second: they advance the baseline but are the parent's usage.
                    var second = timestamp.ToUnixTimeSeconds();
                    _replaySecond ??= second;
                    if (second == _replaySecond)
                    {
                        _previousTotal = total;
                        return;
                    }

                    _replayOver = true;
                }

                CodexUsage increment;
                if (hasTotal)
                {
                    var previous = _previousTotal;
                    if (previous.HasValue && total.Equals(previous.Value))
                    {
                        return; // re-emitted snapshot
                    }

                    if (previous.HasValue && total.Total < previous.Value.Total)
                    {
                        var stale = total.Total * 50 >= previous.Value.Total * 49 || (hasLast && total.Total + (2 * last.Total) >= previous.Value.Total);
                        if (stale || !hasLast)
                        {
                            if (!hasLast)
                            {
                                _previousTotal = total; // totals-only log restarted: new baseline
                            }

                            return;
                        }
                    }

                    increment = hasLast ? last : previous.HasValue ? total.Minus(previous.Value) : total;
                    _previousTotal = total;
                }
                else if (hasLast)
                {
                    increment = last;
                }
                else
                {
                    return;
                }

                if (increment.IsZero)
                {
                    return;
                }

                Add(timestamp, increment, hasTotal ? total.Key((byte)'t', null) : increment.Key((byte)'l', timestamp.UtcTicks));
            }

            private static readonly string[] HeadlessHolders = { "data", "result", "response" };

            /// <summary><c>codex exec --json</c> output: a usage object on a non-rollout line.</summary>
            [MethodImpl(Jit.Optimized)]
            private void ReadExecJsonLine(JsonElement line)
            {
                // The usage sits on the line or in its data/result/response object, and that object's own time and
                // model (data.timestamp, data.model_name) are the message's when the line has none.
                var holder = line;
                var found = CodexUsage.TryRead(line, "usage", out var usage);
                foreach (var name in HeadlessHolders)
                {
                    if (found)
                    {
                        break;
                    }

                    found = JsonValues.TryObject(line, out holder, name) && CodexUsage.TryRead(holder, "usage", out usage);
                }

                if (!found || usage.IsZero)
                {
                    return;
                }

                if (!usage.IsPlausible)
                {
                    _skip(_lineNumber, Plausible.TokensProblem);
                    return;
                }

                SetModel(JsonValues.String(line, "model", "model_name") ?? JsonValues.String(holder, "model", "model_name"));
                var timestamp = JsonValues.TryTimestamp(line, out var t, "timestamp", "created_at", "createdAt")
                    || JsonValues.TryTimestamp(holder, out t, "timestamp", "created_at", "createdAt") ? t : FileTime();
                Add(timestamp, usage, usage.Key((byte)'h', timestamp.UtcTicks));
            }

            [MethodImpl(Jit.Optimized)]
            private void Add(DateTimeOffset timestamp, in CodexUsage usage, MessageKey key)
            {
                var tokens = usage.ToCounts();
                if (tokens.Total == 0)
                {
                    return; // as MessageRecorder.Record: no tokens, no message
                }

                var message = RawMessage.Fresh();
                message.HasKey = true;
                message.Key = key;
                message.Timestamp = timestamp.ToUniversalTime();
                message.Model = _model ?? ModelNames.Unknown;
                message.Tokens = tokens;
                _messages.Add(message);
                if (_model is null)
                {
                    _unmodelled++;
                }
            }

            [MethodImpl(Jit.Optimized)]
            private DateTimeOffset Timestamp(JsonElement line) =>
                JsonValues.TryTimestamp(line, out var t, "timestamp") ? t : FileTime();
        }
    }
}
