using System;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TokUsage.Parsing;
using TokUsage.Primitives;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Claude
{
    /// <summary>What one transcript line is.</summary>
    internal enum LineKind
    {
        /// <summary>A well-formed line without API usage (user turns, tool results, summaries, snapshots).</summary>
        NoUsage,

        /// <summary>An assistant message with usage (top level, or nested in a sub-agent <c>progress</c> line).</summary>
        Usage,

        /// <summary>A line that is not JSON, is torn, or carries usage with missing or wrongly typed fields.</summary>
        Damaged,
    }

    /// <summary>One observation of an API message in a Claude Code transcript.</summary>
    internal struct ClaudeMessage
    {
        public bool HasKey;
        public MessageKey Key;
        public DateTimeOffset Timestamp;
        public string Model;
        public TokenCounts Tokens;
        public bool Fast;

        /// <summary>The response (<c>message.id</c> alone) and the line's <c>isSidechain</c>; unknown without a message id.</summary>
        public ResponseIdentity Response;
    }

    /// <summary>
    /// Parses Claude Code transcript lines with <see cref="Utf8JsonReader"/>: only the fields usage needs are read,
    /// content arrays are skipped token by token without being materialised, and model names come from a per-parser
    /// intern cache. Recognises both shapes that carry usage:
    /// <c>{"timestamp","requestId","message":{"id","model","usage":{…}}}</c> and the Claude Code 2.x sub-agent echo
    /// <c>{"type":"progress","data":{"message":{"timestamp","requestId","message":{…}}}}</c>.
    /// Owned by one thread.
    /// </summary>
    internal sealed class ClaudeLineParser
    {
        private readonly Utf8StringCache _strings = new Utf8StringCache();
        private readonly Fields _top = new Fields();
        private readonly Fields _nested = new Fields();
        private readonly JsonSkip _skip = new JsonSkip();
        private byte[] _key = new byte[128];

        /// <summary>
        /// The <c>sessionId</c> of the line last parsed (its top level; unescaped UTF-8), empty when it has none. Valid
        /// until the next parse. A resumed session's file starts with the original session's lines, which keep its id.
        /// </summary>
        public ReadOnlySpan<byte> LineSessionId => _top.SessionId.AsSpan(0, _top.SessionIdLength);

        /// <summary>Lines this parser's structural scan decided (the rest went to the reader): the fast path's share, for tests.</summary>
        internal long ScannedLines { get; private set; }

        /// <summary>Cheap test for lines that may carry usage: they contain the property name <c>"usage"</c>.</summary>
        [MethodImpl(Jit.Optimized)]
        public static bool MayHaveUsage(ReadOnlySpan<byte> line) => JsonLines.UsageName.IsIn(line);

        /// <summary>
        /// Parses one line: by its structure first (<see cref="JsonScan"/>, reading only the values usage needs), and when
        /// that scan is not sure — damage, escaped names — with <see cref="ParseWithReader"/>, which decides and says why.
        /// Both give the same answer for every line (tested); the scan is the fast way to it.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public LineKind Parse(ReadOnlySpan<byte> line, out ClaudeMessage message, out string? damage)
        {
            _top.Reset();
            _nested.Reset();
            bool scanned;
            try
            {
                scanned = Scan(line);
            }
            catch (Exception e) when (e is JsonException || e is InvalidOperationException)
            {
                scanned = false;
            }

            if (scanned)
            {
                ScannedLines++;
                return Finish(out message, out damage);
            }

            return ParseWithReader(line, out message, out damage);
        }

        /// <summary>Parses one line token by token with <see cref="Utf8JsonReader"/> (the reference for <see cref="Parse"/>).</summary>
        [MethodImpl(Jit.Optimized)]
        internal LineKind ParseWithReader(ReadOnlySpan<byte> line, out ClaudeMessage message, out string? damage)
        {
            message = default;
            damage = null;
            _top.Reset();
            _nested.Reset();
            try
            {
                var json = line;
                var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 512 });
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    damage = "not a JSON object";
                    return LineKind.Damaged;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (JsonNames.Is(ref reader, "data"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            ReadData(ref reader, ref json);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    else if (!ReadEnvelopeProperty(ref reader, ref json, _top))
                    {
                        _skip.SkipValue(ref reader, ref json);
                    }
                }

                if (reader.TokenType != JsonTokenType.EndObject)
                {
                    damage = "not valid JSON";
                    return LineKind.Damaged;
                }

                if (reader.BytesConsumed < json.Length && JsonScan.SkipWhiteSpace(json, (int)reader.BytesConsumed) < json.Length)
                {
                    damage = JsonLines.MoreThanOneValue;
                    return LineKind.Damaged;
                }
            }
            catch (JsonException)
            {
                damage = "not valid JSON (torn or damaged line)";
                return LineKind.Damaged;
            }
            catch (InvalidOperationException)
            {
                // Thrown when a string value we decode is not valid UTF-8, or escapes a lone UTF-16 surrogate.
                damage = "not valid JSON (a string is not valid UTF-8 or UTF-16)";
                return LineKind.Damaged;
            }

            return Finish(out message, out damage);
        }

        /// <summary>Turns the fields a parse found into the line's kind and message.</summary>
        [MethodImpl(Jit.Optimized)]
        private LineKind Finish(out ClaudeMessage message, out string? damage)
        {
            message = default;
            damage = null;
            Fields source;
            if (_top.HasUsage)
            {
                source = _top;
            }
            else if (_nested.HasUsage)
            {
                source = _nested;
                if (!_nested.HasTimestamp)
                {
                    _nested.HasTimestamp = _top.HasTimestamp;
                    _nested.TimestampInvalid = _top.TimestampInvalid;
                    _nested.Timestamp = _top.Timestamp;
                }
            }
            else
            {
                return LineKind.NoUsage;
            }

            if (source.UsageProblem != null)
            {
                damage = source.UsageProblem;
                return LineKind.Damaged;
            }

            if (!source.HasInput || !source.HasOutput)
            {
                damage = "usage without input_tokens or output_tokens";
                return LineKind.Damaged;
            }

            if (!source.HasTimestamp || source.TimestampInvalid)
            {
                damage = "usage without a valid timestamp";
                return LineKind.Damaged;
            }

            var cacheWrite = Math.Max(source.CacheCreation, source.Ephemeral5m + source.Ephemeral1h);
            message.Tokens = new TokenCounts
            {
                Input = source.Input,
                Output = source.Output,
                CacheRead = source.CacheRead,
                CacheWrite = cacheWrite,
                CacheWrite1h = Math.Min(source.Ephemeral1h, cacheWrite),
            };
            message.Timestamp = source.Timestamp.ToUniversalTime();
            message.Model = source.Model ?? ModelNames.Unknown;
            message.Fast = source.Fast;
            if (source.IdLength > 0)
            {
                message.HasKey = true;
                message.Key = KeyOf(source);
                message.Response = new ResponseIdentity(MessageKey.Of(source.Id.AsSpan(0, source.IdLength)), source.Sidechain);
            }

            return LineKind.Usage;
        }

        /// <summary>
        /// The structural parse: fills the fields like <see cref="ParseWithReader"/> does; false when the scan is not
        /// sure of the line (the fields are then partly filled and must be reset).
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private bool Scan(ReadOnlySpan<byte> line)
        {
            var open = JsonScan.SkipWhiteSpace(line, 0);
            if (open >= line.Length || line[open] != (byte)'{')
            {
                return false;
            }

            var walk = new JsonObjectWalk(line, open);
            while (walk.NextName(out var name))
            {
                if (ByteSearch.Equal(name, "data"u8))
                {
                    if (walk.ValueIsObject)
                    {
                        var data = walk.Enter();
                        if (!ScanData(ref data))
                        {
                            return false;
                        }

                        walk.Leave(data);
                    }
                    else if (!walk.Value(out var value) || !JsonScan.IsValidValue(value))
                    {
                        // Where the reader path would Skip() a value of an unexpected type (which validates it), so does the scan.
                        return false;
                    }
                }
                else if (!ScanEnvelopeProperty(ref walk, name, _top))
                {
                    return false;
                }
            }

            // Anything but white space after the line's object (two records glued together, CR-only line ends) is left
            // to the reader path, which reports the line as damaged.
            return walk.Ended && JsonScan.SkipWhiteSpace(line, walk.Position) == line.Length;
        }

        /// <summary>The <c>data</c> object of a progress line (see <see cref="ReadData"/>), walked from its opening brace.</summary>
        [MethodImpl(Jit.Optimized)]
        private bool ScanData(ref JsonObjectWalk walk)
        {
            while (walk.NextName(out var name))
            {
                if (!ByteSearch.Equal(name, "message"u8) || !walk.ValueIsObject)
                {
                    // Where the reader path would Skip() a value of an unexpected type (which validates it), so does the scan.
                    if (!walk.Value(out var value) || (ByteSearch.Equal(name, "message"u8) && !JsonScan.IsValidValue(value)))
                    {
                        return false;
                    }

                    continue;
                }

                var envelope = walk.Enter();
                while (envelope.NextName(out var innerName))
                {
                    if (!ScanEnvelopeProperty(ref envelope, innerName, _nested))
                    {
                        return false;
                    }
                }

                if (!envelope.Ended)
                {
                    return false;
                }

                walk.Leave(envelope);
            }

            return walk.Ended;
        }

        /// <summary>
        /// A timestamp value's instant as <see cref="Utf8JsonReader.TryGetDateTimeOffset"/> reads it: the usual shape from
        /// its bytes (<see cref="Timestamps.TryParseUtc"/>, which gives the same instant), any other by the reader.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static bool TryTimestamp(ReadOnlySpan<byte> value, out DateTimeOffset timestamp)
        {
            timestamp = default;
            if (value[0] != (byte)'"')
            {
                return false;
            }

            if (Timestamps.TryParseUtc(value.Slice(1, value.Length - 2), out timestamp))
            {
                return true;
            }

            var reader = new Utf8JsonReader(value);
            return reader.Read() && reader.TryGetDateTimeOffset(out timestamp);
        }

        /// <summary>One envelope property (see <see cref="ReadEnvelopeProperty"/>); false when not sure.</summary>
        [MethodImpl(Jit.Optimized)]
        private bool ScanEnvelopeProperty(ref JsonObjectWalk walk, ReadOnlySpan<byte> name, Fields f)
        {
            if (ByteSearch.Equal(name, "message"u8) && walk.ValueIsObject)
            {
                var message = walk.Enter();
                if (!ScanMessage(ref message, f))
                {
                    return false;
                }

                walk.Leave(message);
                return true;
            }

            if (!walk.Value(out var value))
            {
                return false;
            }

            if (ByteSearch.Equal(name, "timestamp"u8))
            {
                f.HasTimestamp = true;
                if (TryTimestamp(value, out var timestamp) && Timestamps.IsPlausible(timestamp))
                {
                    f.Timestamp = timestamp;
                }
                else
                {
                    f.TimestampInvalid = true;
                    return JsonScan.IsValidValue(value);
                }
            }
            else if (ByteSearch.Equal(name, "requestId"u8))
            {
                if (value[0] != (byte)'"')
                {
                    return JsonScan.IsValidValue(value);
                }

                f.RequestIdLength = CopyString(value, ref f.RequestId);
            }
            else if (ByteSearch.Equal(name, "message"u8))
            {
                return JsonScan.IsValidValue(value); // not an object (an object was walked above)
            }
            else if (ByteSearch.Equal(name, "isSidechain"u8))
            {
                f.Sidechain = ByteSearch.Equal(value, "true"u8);
                return f.Sidechain || ByteSearch.Equal(value, "false"u8) || JsonScan.IsValidValue(value);
            }
            else if (ByteSearch.Equal(name, "sessionId"u8))
            {
                if (value[0] != (byte)'"')
                {
                    return JsonScan.IsValidValue(value);
                }

                f.SessionIdLength = CopyString(value, ref f.SessionId);
            }

            return true;
        }

        /// <summary>The <c>message</c> object (see <see cref="ReadMessage"/>), walked from its opening brace; false when not sure.</summary>
        [MethodImpl(Jit.Optimized)]
        private bool ScanMessage(ref JsonObjectWalk walk, Fields f)
        {
            while (walk.NextName(out var name))
            {
                if (ByteSearch.Equal(name, "usage"u8) && walk.ValueIsObject)
                {
                    f.HasUsage = true;
                    var usage = walk.Enter();
                    if (ScanUsage(ref usage, f))
                    {
                        walk.Leave(usage);
                        continue;
                    }

                    // An unusual usage object: the reader reads it and names what is wrong.
                    if (!walk.Value(out var whole))
                    {
                        return false;
                    }

                    var reader = new Utf8JsonReader(whole, new JsonReaderOptions { MaxDepth = 512 });
                    reader.Read();
                    ReadUsage(ref reader, f);
                    continue;
                }

                if (!walk.Value(out var value))
                {
                    return false;
                }

                if (ByteSearch.Equal(name, "id"u8) || ByteSearch.Equal(name, "model"u8) || ByteSearch.Equal(name, "usage"u8))
                {
                    if (value[0] != (name[0] == (byte)'u' ? (byte)'{' : (byte)'"') && !JsonScan.IsValidValue(value))
                    {
                        return false;
                    }
                }

                if (ByteSearch.Equal(name, "id"u8))
                {
                    if (value[0] == (byte)'"')
                    {
                        f.IdLength = CopyString(value, ref f.Id);
                    }
                }
                else if (ByteSearch.Equal(name, "model"u8))
                {
                    if (value[0] == (byte)'"')
                    {
                        var raw = value.Slice(1, value.Length - 2);
                        if (HasBackslash(raw))
                        {
                            var reader = new Utf8JsonReader(value);
                            reader.Read();
                            f.Model = reader.GetString();
                        }
                        else
                        {
                            f.Model = _strings.Get(raw);
                        }
                    }
                }
            }

            return walk.Ended;
        }

        /// <summary>
        /// The usage object by structure (walked from its opening brace), for the common shape: counts that are plain non-negative integers or null.
        /// Anything else (a count that is negative, fractional, a string; an escaped speed) returns false without
        /// touching <paramref name="f"/>, and <see cref="ReadUsage"/> reads the object instead and names the problem.
        /// Containers inside usage are validated, as the reader would.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static bool ScanUsage(ref JsonObjectWalk walk, Fields f)
        {
            var u = new UsageFields(f);
            while (walk.Next(out var name, out var value))
            {
                bool known;
                if (ByteSearch.Equal(name, "input_tokens"u8))
                {
                    known = PlainCount(value, out u.HasInput, out u.Input);
                }
                else if (ByteSearch.Equal(name, "output_tokens"u8))
                {
                    known = PlainCount(value, out u.HasOutput, out u.Output);
                }
                else if (ByteSearch.Equal(name, "cache_read_input_tokens"u8))
                {
                    known = PlainCount(value, out _, out u.CacheRead);
                }
                else if (ByteSearch.Equal(name, "cache_creation_input_tokens"u8))
                {
                    known = PlainCount(value, out _, out u.CacheCreation);
                }
                else if (ByteSearch.Equal(name, "cache_creation"u8) && value[0] == (byte)'{')
                {
                    known = ScanCacheCreation(value, ref u);
                }
                else if (ByteSearch.Equal(name, "speed"u8) && value[0] == (byte)'"')
                {
                    var raw = value.Slice(1, value.Length - 2);
                    known = !HasBackslash(raw);
                    u.Fast = ByteSearch.Equal(raw, "fast"u8);
                }
                else
                {
                    known = JsonScan.IsValidValue(value);
                    if (ByteSearch.Equal(name, "speed"u8))
                    {
                        u.Fast = false;
                    }
                }

                if (!known)
                {
                    return false;
                }
            }

            if (walk.Ended)
            {
                u.CopyTo(f);
            }

            return walk.Ended;
        }

        [MethodImpl(Jit.Optimized)]
        private static bool ScanCacheCreation(ReadOnlySpan<byte> creation, ref UsageFields u)
        {
            var walk = new JsonObjectWalk(creation);
            while (walk.Next(out var name, out var value))
            {
                var known = ByteSearch.Equal(name, "ephemeral_5m_input_tokens"u8) ? PlainCount(value, out _, out u.Ephemeral5m)
                    : ByteSearch.Equal(name, "ephemeral_1h_input_tokens"u8) ? PlainCount(value, out _, out u.Ephemeral1h)
                    : JsonScan.IsValidValue(value);
                if (!known)
                {
                    return false;
                }
            }

            return walk.Ended;
        }

        /// <summary>
        /// A count as <see cref="ReadCount"/> reads it, when it is plain: digits (at most 18, so no overflow) within
        /// <see cref="Plausible.MaxTokens"/>, or null. False for anything else, which the reader path then judges.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static bool PlainCount(ReadOnlySpan<byte> value, out bool present, out long count)
        {
            present = false;
            count = 0;
            if (ByteSearch.Equal(value, "null"u8))
            {
                return true;
            }

            if (!JsonScan.TryPlainDigits(value, out count))
            {
                return false;
            }

            present = true;
            return Plausible.Count(count);
        }

        /// <summary>The usage fields of <see cref="Fields"/>, changed together only when a structural read succeeds.</summary>
        private struct UsageFields
        {
            public bool HasInput;
            public bool HasOutput;
            public long Input;
            public long Output;
            public long CacheRead;
            public long CacheCreation;
            public long Ephemeral5m;
            public long Ephemeral1h;
            public bool Fast;

            public UsageFields(Fields f)
            {
                HasInput = f.HasInput;
                HasOutput = f.HasOutput;
                Input = f.Input;
                Output = f.Output;
                CacheRead = f.CacheRead;
                CacheCreation = f.CacheCreation;
                Ephemeral5m = f.Ephemeral5m;
                Ephemeral1h = f.Ephemeral1h;
                Fast = f.Fast;
            }

            public readonly void CopyTo(Fields f)
            {
                f.HasInput = HasInput;
                f.HasOutput = HasOutput;
                f.Input = Input;
                f.Output = Output;
                f.CacheRead = CacheRead;
                f.CacheCreation = CacheCreation;
                f.Ephemeral5m = Ephemeral5m;
                f.Ephemeral1h = Ephemeral1h;
                f.Fast = Fast;
            }
        }

        /// <summary>Copies a JSON string value (quotes included in <paramref name="value"/>) unescaped into <paramref name="target"/>.</summary>
        [MethodImpl(Jit.Optimized)]
        private static int CopyString(ReadOnlySpan<byte> value, ref byte[] target)
        {
            var raw = value.Slice(1, value.Length - 2);
            if (target.Length < raw.Length)
            {
                target = new byte[Math.Max(raw.Length, target.Length * 2)];
            }

            if (!HasBackslash(raw))
            {
                return CopyRaw(raw, target);
            }

            var reader = new Utf8JsonReader(value);
            reader.Read();
            return reader.CopyString(target);
        }

        [MethodImpl(Jit.Optimized)]
        private static bool HasBackslash(ReadOnlySpan<byte> raw)
        {
            foreach (var b in raw)
            {
                if (b == (byte)'\\')
                {
                    return true;
                }
            }

            return false;
        }

        [MethodImpl(Jit.Optimized)]
        private MessageKey KeyOf(Fields f)
        {
            var length = f.IdLength + 1 + f.RequestIdLength;
            if (_key.Length < length)
            {
                _key = new byte[length * 2];
            }

            f.Id.AsSpan(0, f.IdLength).CopyTo(_key);
            _key[f.IdLength] = (byte)':';
            f.RequestId.AsSpan(0, f.RequestIdLength).CopyTo(_key.AsSpan(f.IdLength + 1));
            return MessageKey.Of(_key.AsSpan(0, length));
        }

        /// <summary>The <c>data</c> object of a progress line: its <c>message</c> is a nested envelope.</summary>
        [MethodImpl(Jit.Optimized)]
        private void ReadData(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (JsonNames.Is(ref reader, "message"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            if (!ReadEnvelopeProperty(ref reader, ref json, _nested))
                            {
                                _skip.SkipValue(ref reader, ref json);
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    _skip.SkipValue(ref reader, ref json);
                }
            }
        }

        /// <summary>Reads one envelope property (positioned on its name); false when the property is not ours.</summary>
        [MethodImpl(Jit.Optimized)]
        private bool ReadEnvelopeProperty(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json, Fields f)
        {
            if (JsonNames.Is(ref reader, "timestamp"u8))
            {
                reader.Read();
                f.HasTimestamp = true;
                if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var timestamp) && Timestamps.IsPlausible(timestamp))
                {
                    f.Timestamp = timestamp;
                }
                else
                {
                    f.TimestampInvalid = true;
                    reader.Skip();
                }

                return true;
            }

            if (JsonNames.Is(ref reader, "requestId"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    f.RequestIdLength = CopyString(ref reader, ref f.RequestId);
                }
                else
                {
                    reader.Skip();
                }

                return true;
            }

            if (JsonNames.Is(ref reader, "message"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadMessage(ref reader, ref json, f);
                }
                else
                {
                    reader.Skip();
                }

                return true;
            }

            if (JsonNames.Is(ref reader, "isSidechain"u8))
            {
                reader.Read();
                f.Sidechain = reader.TokenType == JsonTokenType.True;
                reader.Skip();
                return true;
            }

            if (JsonNames.Is(ref reader, "sessionId"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    f.SessionIdLength = CopyString(ref reader, ref f.SessionId);
                }
                else
                {
                    reader.Skip();
                }

                return true;
            }

            return false;
        }

        [MethodImpl(Jit.Optimized)]
        private void ReadMessage(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json, Fields f)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (JsonNames.Is(ref reader, "id"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        f.IdLength = CopyString(ref reader, ref f.Id);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (JsonNames.Is(ref reader, "model"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        f.Model = reader.ValueIsEscaped ? reader.GetString() : _strings.Get(reader.ValueSpan);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (JsonNames.Is(ref reader, "usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        f.HasUsage = true;
                        ReadUsage(ref reader, f);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    _skip.SkipValue(ref reader, ref json);
                }
            }
        }

        [MethodImpl(Jit.Optimized)]
        private static void ReadUsage(ref Utf8JsonReader reader, Fields f)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (JsonNames.Is(ref reader, "input_tokens"u8))
                {
                    f.HasInput = ReadCount(ref reader, f, "input_tokens", out f.Input);
                }
                else if (JsonNames.Is(ref reader, "output_tokens"u8))
                {
                    f.HasOutput = ReadCount(ref reader, f, "output_tokens", out f.Output);
                }
                else if (JsonNames.Is(ref reader, "cache_read_input_tokens"u8))
                {
                    ReadCount(ref reader, f, "cache_read_input_tokens", out f.CacheRead);
                }
                else if (JsonNames.Is(ref reader, "cache_creation_input_tokens"u8))
                {
                    ReadCount(ref reader, f, "cache_creation_input_tokens", out f.CacheCreation);
                }
                else if (JsonNames.Is(ref reader, "cache_creation"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (JsonNames.Is(ref reader, "ephemeral_5m_input_tokens"u8))
                        {
                            ReadCount(ref reader, f, "ephemeral_5m_input_tokens", out f.Ephemeral5m);
                        }
                        else if (JsonNames.Is(ref reader, "ephemeral_1h_input_tokens"u8))
                        {
                            ReadCount(ref reader, f, "ephemeral_1h_input_tokens", out f.Ephemeral1h);
                        }
                        else
                        {
                            JsonNames.SkipValue(ref reader);
                        }
                    }
                }
                else if (JsonNames.Is(ref reader, "speed"u8))
                {
                    reader.Read();
                    f.Fast = reader.TokenType == JsonTokenType.String && JsonNames.Is(ref reader, "fast"u8);
                    reader.Skip();
                }
                else
                {
                    JsonNames.SkipValue(ref reader);
                }
            }
        }

        /// <summary>
        /// Reads a token count: a non-negative integer within <see cref="Plausible.MaxTokens"/>. null counts as absent (0);
        /// anything else marks the usage damaged. Returns true when a number was present.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static bool ReadCount(ref Utf8JsonReader reader, Fields f, string name, out long value)
        {
            reader.Read();
            value = 0;
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) && Plausible.Count(number))
            {
                value = number;
                return true;
            }

            if (reader.TokenType != JsonTokenType.Null)
            {
                f.UsageProblem ??= $"usage field {name} is not a non-negative integer up to 10^12";
                reader.Skip();
            }

            return false;
        }

        [MethodImpl(Jit.Optimized)]
        private static int CopyString(ref Utf8JsonReader reader, ref byte[] target)
        {
            var needed = reader.ValueSpan.Length;
            if (target.Length < needed)
            {
                target = new byte[Math.Max(needed, target.Length * 2)];
            }

            return reader.ValueIsEscaped ? reader.CopyString(target) : CopyRaw(reader.ValueSpan, target);
        }

        [MethodImpl(Jit.Optimized)]
        private static int CopyRaw(ReadOnlySpan<byte> value, byte[] target)
        {
            value.CopyTo(target);
            return value.Length;
        }

        /// <summary>The envelope fields of one parse; reused between lines to avoid allocation.</summary>
        private sealed class Fields
        {
            public bool HasTimestamp;
            public bool TimestampInvalid;
            public DateTimeOffset Timestamp;
            public byte[] RequestId = new byte[64];
            public int RequestIdLength;
            public byte[] Id = new byte[64];
            public int IdLength;
            public string? Model;
            public bool HasUsage;
            public bool HasInput;
            public bool HasOutput;
            public long Input;
            public long Output;
            public long CacheRead;
            public long CacheCreation;
            public long Ephemeral5m;
            public long Ephemeral1h;
            public bool Fast;
            public bool Sidechain;
            public byte[] SessionId = new byte[64];
            public int SessionIdLength;
            public string? UsageProblem;

            [MethodImpl(Jit.Inline)]
            public void Reset()
            {
                HasTimestamp = TimestampInvalid = HasUsage = HasInput = HasOutput = Fast = Sidechain = false;
                Timestamp = default;
                RequestIdLength = IdLength = SessionIdLength = 0;
                Model = null;
                Input = Output = CacheRead = CacheCreation = Ephemeral5m = Ephemeral1h = 0;
                UsageProblem = null;
            }
        }
    }
}
