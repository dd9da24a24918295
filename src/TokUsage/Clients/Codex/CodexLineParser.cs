using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TokUsage.Clients.Common;
using TokUsage.Parsing;
using TokUsage.Primitives;

namespace TokUsage.Clients.Codex
{
    /// <summary>What <see cref="CodexLineParser.TryParse"/> recognised.</summary>
    internal enum CodexLineKind
    {
        /// <summary>Not understood here: the caller parses the line with <see cref="JsonDocument"/> (and reports damage).</summary>
        Other,

        /// <summary>An <c>event_msg</c> of no interest (neither a token count nor a task start).</summary>
        Ignored,

        TokenCount,
        TaskStarted,
        TurnContext,
    }

    /// <summary>One usage snapshot's fields as logged, before <see cref="CodexFileReader"/> reconciles the spellings.</summary>
    internal struct CodexUsageFields
    {
        public bool Present;
        public long? InputTokens, PromptTokens, Input, CachedInputTokens, CachedTokens, CacheReadInputTokens;
        public long? OutputTokens, CompletionTokens, Output, ReasoningOutputTokens, ReasoningTokens, TotalTokens;
    }

    /// <summary>The parts of a rollout line the reader uses, read in one pass.</summary>
    internal struct CodexLine
    {
        public CodexLineKind Kind;
        public bool HasTimestamp;
        public DateTimeOffset Timestamp;

        /// <summary><c>payload.model</c> / <c>payload.model_name</c> (token count, turn context), or <c>payload.model_info.slug</c>.</summary>
        public string? PayloadModel, PayloadModelName, ModelInfoSlug;

        public bool HasInfo;
        public string? InfoModel, InfoModelName;
        public CodexUsageFields Total, Last;
    }

    /// <summary>
    /// Reads the two line kinds that are most of a rollout's parsed lines — <c>event_msg</c> token counts and
    /// <c>turn_context</c> — without building a <see cref="JsonDocument"/> each, with the same lenient rules as
    /// <see cref="JsonValues"/> (null is absent, counts may be numeric strings, the last duplicate property wins). The
    /// whole line is still read and validated; anything unexpected (another line kind, a damaged line, a property of an
    /// unexpected type) answers <see cref="CodexLineKind.Other"/> so the document path decides, exactly as before.
    /// <para>Two ways, one answer: <see cref="TryScan"/> walks the line by its structure (<see cref="JsonScan"/>), reading
    /// only the values it needs, and gives up when unsure; <see cref="TryParseWithReader"/> reads it token by token with
    /// <see cref="Utf8JsonReader"/> and decides. Why both: on a cold process the library's tokenizer runs as code .NET
    /// instruments for PGO, and with the strings it makes per line that was half of a Codex corpus' cold scan.</para>
    /// <para>Stateless; any thread. The string cache passed in is owned by the caller's thread.</para>
    /// </summary>
    internal static class CodexLineParser
    {
        /// <summary>Reads one line: by its structure when the scan is sure, else with the reader.</summary>
        [MethodImpl(Jit.Optimized)]
        public static CodexLineKind TryParse(ReadOnlySpan<byte> json, out CodexLine line, Utf8StringCache? strings = null) =>
            TryScan(json, strings, out line, out var kind) ? kind : TryParseWithReader(json, out line);

        /// <summary>The reference reading, token by token.</summary>
        [MethodImpl(Jit.Optimized)]
        internal static CodexLineKind TryParseWithReader(ReadOnlySpan<byte> json, out CodexLine line)
        {
            line = default;
            try
            {
                var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return CodexLineKind.Other;
                }

                string? type = null;
                string? payloadType = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (JsonNames.Is(ref reader, "type"u8))
                    {
                        reader.Read();
                        type = Text(ref reader);
                    }
                    else if (JsonNames.Is(ref reader, "timestamp"u8))
                    {
                        reader.Read();
                        line.HasTimestamp = Timestamp(ref reader, out line.Timestamp);
                    }
                    else if (JsonNames.Is(ref reader, "payload"u8))
                    {
                        reader.Read();
                        // The last "payload" wins, as in a document: forget what an earlier one said.
                        ForgetPayload(ref line);
                        payloadType = null;
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            Payload(ref reader, ref line, out payloadType);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    else
                    {
                        JsonNames.SkipValue(ref reader);
                    }
                }

                if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
                {
                    return CodexLineKind.Other; // text after the object: the document path reports it
                }

                return line.Kind = KindOf(type, payloadType);
            }
            catch (JsonException)
            {
                return CodexLineKind.Other;
            }
            catch (InvalidOperationException)
            {
                return CodexLineKind.Other;
            }
        }

        /// <summary>Deeper lines are left to the document path (the reader's limit; the scan is never sure past 64 levels).</summary>
        private const int MaxDepth = 256;

        /// <summary>The one mapping from a line's <c>type</c> and its payload's <c>type</c> to what the line is.</summary>
        private static CodexLineKind KindOf(string? type, string? payloadType) => type switch
        {
            "turn_context" => CodexLineKind.TurnContext,
            "event_msg" => payloadType == "token_count" ? CodexLineKind.TokenCount : payloadType == "task_started" ? CodexLineKind.TaskStarted : CodexLineKind.Ignored,
            _ => CodexLineKind.Other,
        };

        private static void ForgetPayload(ref CodexLine line)
        {
            line.PayloadModel = line.PayloadModelName = line.ModelInfoSlug = line.InfoModel = line.InfoModelName = null;
            line.HasInfo = false;
            line.Total = line.Last = default;
        }

        /// <summary>
        /// The structural reading: true when it is sure, with <paramref name="kind"/> what <see cref="TryParseWithReader"/>
        /// answers and <paramref name="line"/> what it fills; false when not sure (an escaped name, an unusual value, any
        /// damage), and the reader then decides. Values the reader would validate while skipping, the scan validates too.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        internal static bool TryScan(ReadOnlySpan<byte> json, Utf8StringCache? strings, out CodexLine line, out CodexLineKind kind)
        {
            line = default;
            kind = CodexLineKind.Other;
            try
            {
                var open = JsonScan.SkipWhiteSpace(json, 0);
                if (open >= json.Length || json[open] != (byte)'{')
                {
                    return false;
                }

                string? type = null;
                string? payloadType = null;
                var walk = new JsonObjectWalk(json, open);
                while (walk.NextName(out var name))
                {
                    bool sure;
                    if (ByteSearch.Equal(name, "payload"u8))
                    {
                        sure = ScanPayload(ref walk, strings, ref line, out payloadType);
                    }
                    else if (!walk.Value(out var value))
                    {
                        sure = false;
                    }
                    else if (ByteSearch.Equal(name, "type"u8))
                    {
                        sure = ScanString(value, strings, out type);
                    }
                    else if (ByteSearch.Equal(name, "timestamp"u8))
                    {
                        sure = ScanTimestamp(value, out line.HasTimestamp, out line.Timestamp);
                    }
                    else
                    {
                        sure = JsonScan.IsWellFormed(value);
                    }

                    if (!sure)
                    {
                        return false;
                    }
                }

                // Anything but white space after the line's object is left to the reader, which says it is damaged.
                if (!walk.Ended || JsonScan.SkipWhiteSpace(json, walk.Position) != json.Length)
                {
                    return false;
                }

                kind = line.Kind = KindOf(type, payloadType);
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        /// <summary>
        /// The payload (the pending value of <paramref name="parent"/>, as every nested scan here takes its value): an object
        /// walked in place, else judged whole. Forgets what an earlier payload of the line set; false when not sure.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static bool ScanPayload(ref JsonObjectWalk parent, Utf8StringCache? strings, ref CodexLine line, out string? type)
        {
            type = null;
            ForgetPayload(ref line);
            if (!parent.ValueIsObject)
            {
                return TakeWellFormed(ref parent);
            }

            var walk = parent.Enter();
            while (walk.NextName(out var name))
            {
                bool sure;
                if (ByteSearch.Equal(name, "model_info"u8))
                {
                    sure = ScanModelInfo(ref walk, strings, ref line);
                }
                else if (ByteSearch.Equal(name, "info"u8))
                {
                    sure = ScanInfo(ref walk, strings, ref line);
                }
                else if (!walk.Value(out var value))
                {
                    sure = false;
                }
                else if (ByteSearch.Equal(name, "type"u8))
                {
                    sure = ScanString(value, strings, out type);
                }
                else if (ByteSearch.Equal(name, "model"u8))
                {
                    sure = ScanString(value, strings, out line.PayloadModel);
                }
                else if (ByteSearch.Equal(name, "model_name"u8))
                {
                    sure = ScanString(value, strings, out line.PayloadModelName);
                }
                else
                {
                    sure = JsonScan.IsWellFormed(value);
                }

                if (!sure)
                {
                    return false;
                }
            }

            parent.Leave(walk);
            return walk.Ended;
        }

        /// <summary>A <c>model_info</c> value (the pending value of <paramref name="parent"/>): an object walked in place, else judged whole.</summary>
        [MethodImpl(Jit.Optimized)]
        private static bool ScanModelInfo(ref JsonObjectWalk parent, Utf8StringCache? strings, ref CodexLine line)
        {
            line.ModelInfoSlug = null;
            if (!parent.ValueIsObject)
            {
                return TakeWellFormed(ref parent);
            }

            var walk = parent.Enter();
            while (walk.NextName(out var name))
            {
                if (!walk.Value(out var value) || !(ByteSearch.Equal(name, "slug"u8) ? ScanString(value, strings, out line.ModelInfoSlug) : JsonScan.IsWellFormed(value)))
                {
                    return false;
                }
            }

            parent.Leave(walk);
            return walk.Ended;
        }

        /// <summary>An <c>info</c> value (the pending value of <paramref name="parent"/>): an object walked in place, else judged whole.</summary>
        [MethodImpl(Jit.Optimized)]
        private static bool ScanInfo(ref JsonObjectWalk parent, Utf8StringCache? strings, ref CodexLine line)
        {
            line.InfoModel = line.InfoModelName = null;
            line.Total = line.Last = default;
            line.HasInfo = parent.ValueIsObject;
            if (!line.HasInfo)
            {
                return TakeWellFormed(ref parent);
            }

            var walk = parent.Enter();
            while (walk.NextName(out var name))
            {
                bool sure;
                if (ByteSearch.Equal(name, "total_token_usage"u8))
                {
                    sure = ScanUsage(ref walk, out line.Total);
                }
                else if (ByteSearch.Equal(name, "last_token_usage"u8))
                {
                    sure = ScanUsage(ref walk, out line.Last);
                }
                else if (!walk.Value(out var value))
                {
                    sure = false;
                }
                else if (ByteSearch.Equal(name, "model"u8))
                {
                    sure = ScanString(value, strings, out line.InfoModel);
                }
                else if (ByteSearch.Equal(name, "model_name"u8))
                {
                    sure = ScanString(value, strings, out line.InfoModelName);
                }
                else
                {
                    sure = JsonScan.IsWellFormed(value);
                }

                if (!sure)
                {
                    return false;
                }
            }

            parent.Leave(walk);
            return walk.Ended;
        }

        /// <summary>A usage value (the pending value of <paramref name="parent"/>): an object walked in place, else judged whole.</summary>
        [MethodImpl(Jit.Optimized)]
        private static bool ScanUsage(ref JsonObjectWalk parent, out CodexUsageFields u)
        {
            u = default;
            if (!parent.ValueIsObject)
            {
                return TakeWellFormed(ref parent);
            }

            u.Present = true;
            var walk = parent.Enter();
            while (walk.NextName(out var name))
            {
                if (!walk.Value(out var value))
                {
                    return false;
                }

                ref var field = ref Field(name, ref u, out var known);
                if (known)
                {
                    field = ScanCount(value);
                }
                else if (!JsonScan.IsWellFormed(value))
                {
                    return false;
                }
            }

            parent.Leave(walk);
            return walk.Ended;
        }

        /// <summary>Takes the pending value of <paramref name="walk"/>: whether it is well formed (see <see cref="JsonScan.IsWellFormed"/>).</summary>
        [MethodImpl(Jit.Inline)]
        private static bool TakeWellFormed(ref JsonObjectWalk walk) => walk.Value(out var value) && JsonScan.IsWellFormed(value);

        /// <summary>A count as <see cref="Count"/> reads it: plain digits here, anything else by a reader over the value alone.</summary>
        [MethodImpl(Jit.Optimized)]
        private static long? ScanCount(ReadOnlySpan<byte> value)
        {
            if (JsonScan.TryPlainDigits(value, out var count))
            {
                return count;
            }

            var reader = ValueReader(value);
            return Count(ref reader);
        }

        /// <summary>
        /// A string as <see cref="Text(ref Utf8JsonReader)"/> reads it; a plain one (ASCII, no escapes) through the cache
        /// without decoding. False when a container value is not well formed.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static bool ScanString(ReadOnlySpan<byte> value, Utf8StringCache? strings, out string? text)
        {
            text = null;
            if (value[0] != (byte)'"')
            {
                return JsonScan.IsWellFormed(value);
            }

            var raw = value.Slice(1, value.Length - 2);
            foreach (var b in raw)
            {
                if (b == (byte)'\\' || b >= 0x80)
                {
                    var reader = ValueReader(value);
                    text = Text(ref reader);
                    return true;
                }
            }

            // Plain ASCII: the only white space a JSON string holds unescaped is the space.
            while (raw.Length > 0 && raw[0] == (byte)' ')
            {
                raw = raw.Slice(1);
            }

            while (raw.Length > 0 && raw[raw.Length - 1] == (byte)' ')
            {
                raw = raw.Slice(0, raw.Length - 1);
            }

            text = raw.Length == 0 ? null : strings != null ? strings.Get(raw) : System.Text.Encoding.ASCII.GetString(raw.ToArray());
            return true;
        }

        /// <summary>A timestamp as <see cref="Timestamp"/> reads it: the usual UTC text here, anything else by a reader over the value.</summary>
        [MethodImpl(Jit.Optimized)]
        private static bool ScanTimestamp(ReadOnlySpan<byte> value, out bool has, out DateTimeOffset instant)
        {
            if (value[0] == (byte)'{' || value[0] == (byte)'[')
            {
                has = false;
                instant = default;
                return JsonScan.IsWellFormed(value);
            }

            if (value[0] == (byte)'"' && Parsing.Timestamps.TryParseUtc(value.Slice(1, value.Length - 2), out instant))
            {
                has = Parsing.Timestamps.IsPlausible(instant);
                return true;
            }

            var reader = ValueReader(value);
            has = Timestamp(ref reader, out instant);
            return true;
        }

        /// <summary>A reader positioned on a scalar value the scan has found.</summary>
        private static Utf8JsonReader ValueReader(ReadOnlySpan<byte> value)
        {
            var reader = new Utf8JsonReader(value);
            reader.Read();
            return reader;
        }

        private static void Payload(ref Utf8JsonReader reader, ref CodexLine line, out string? type)
        {
            type = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (JsonNames.Is(ref reader, "type"u8))
                {
                    reader.Read();
                    type = Text(ref reader);
                }
                else if (JsonNames.Is(ref reader, "model"u8))
                {
                    reader.Read();
                    line.PayloadModel = Text(ref reader);
                }
                else if (JsonNames.Is(ref reader, "model_name"u8))
                {
                    reader.Read();
                    line.PayloadModelName = Text(ref reader);
                }
                else if (JsonNames.Is(ref reader, "model_info"u8))
                {
                    reader.Read();
                    line.ModelInfoSlug = null;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var slug = JsonNames.Is(ref reader, "slug"u8);
                            reader.Read();
                            if (slug)
                            {
                                line.ModelInfoSlug = Text(ref reader);
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (JsonNames.Is(ref reader, "info"u8))
                {
                    reader.Read();
                    line.InfoModel = line.InfoModelName = null;
                    line.Total = line.Last = default;
                    line.HasInfo = reader.TokenType == JsonTokenType.StartObject;
                    if (line.HasInfo)
                    {
                        Info(ref reader, ref line);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    JsonNames.SkipValue(ref reader);
                }
            }
        }

        private static void Info(ref Utf8JsonReader reader, ref CodexLine line)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (JsonNames.Is(ref reader, "model"u8))
                {
                    reader.Read();
                    line.InfoModel = Text(ref reader);
                }
                else if (JsonNames.Is(ref reader, "model_name"u8))
                {
                    reader.Read();
                    line.InfoModelName = Text(ref reader);
                }
                else if (JsonNames.Is(ref reader, "total_token_usage"u8))
                {
                    reader.Read();
                    line.Total = Usage(ref reader);
                }
                else if (JsonNames.Is(ref reader, "last_token_usage"u8))
                {
                    reader.Read();
                    line.Last = Usage(ref reader);
                }
                else
                {
                    JsonNames.SkipValue(ref reader);
                }
            }
        }

        /// <summary>Longer than the longest usage field name (escaped names are never shorter than their text).</summary>
        private const int MaxFieldName = 64;

        [MethodImpl(Jit.Optimized)]
        private static CodexUsageFields Usage(ref Utf8JsonReader reader)
        {
            var u = default(CodexUsageFields);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return u;
            }

            u.Present = true;
            Span<byte> unescaped = stackalloc byte[MaxFieldName];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Escaped names are compared unescaped; a name longer than any field's is none of them.
                var name = !reader.ValueIsEscaped ? reader.ValueSpan
                    : reader.ValueSpan.Length <= MaxFieldName ? unescaped.Slice(0, reader.CopyString(unescaped)) : ReadOnlySpan<byte>.Empty;
                ref var field = ref Field(name, ref u, out var known);
                reader.Read();
                if (known)
                {
                    field = Count(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }

            return u;
        }

        /// <summary>The field a usage property fills, by its unescaped name; <paramref name="known"/> false for any other name.</summary>
        [MethodImpl(Jit.Optimized)]
        private static ref long? Field(ReadOnlySpan<byte> name, ref CodexUsageFields u, out bool known)
        {
            known = true;
            if (ByteSearch.Equal(name, "input_tokens"u8)) return ref u.InputTokens;
            if (ByteSearch.Equal(name, "cached_input_tokens"u8)) return ref u.CachedInputTokens;
            if (ByteSearch.Equal(name, "output_tokens"u8)) return ref u.OutputTokens;
            if (ByteSearch.Equal(name, "reasoning_output_tokens"u8)) return ref u.ReasoningOutputTokens;
            if (ByteSearch.Equal(name, "total_tokens"u8)) return ref u.TotalTokens;
            if (ByteSearch.Equal(name, "prompt_tokens"u8)) return ref u.PromptTokens;
            if (ByteSearch.Equal(name, "input"u8)) return ref u.Input;
            if (ByteSearch.Equal(name, "cached_tokens"u8)) return ref u.CachedTokens;
            if (ByteSearch.Equal(name, "cache_read_input_tokens"u8)) return ref u.CacheReadInputTokens;
            if (ByteSearch.Equal(name, "completion_tokens"u8)) return ref u.CompletionTokens;
            if (ByteSearch.Equal(name, "output"u8)) return ref u.Output;
            if (ByteSearch.Equal(name, "reasoning_tokens"u8)) return ref u.ReasoningTokens;
            known = false;
            return ref u.Input; // not written: the caller skips the value
        }

        /// <summary><see cref="JsonValues.TryCount"/> on a token: null when absent (null) or not a count.</summary>
        private static long? Count(ref Utf8JsonReader reader)
        {
            double d;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out var count))
                    {
                        return Math.Max(0, count);
                    }

                    d = reader.GetDouble();
                    break;
                case JsonTokenType.String:
                    if (!double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                    {
                        return null;
                    }

                    break;
                default:
                    reader.Skip();
                    return null;
            }

            return d <= 0 || double.IsNaN(d) ? 0 : d >= long.MaxValue ? long.MaxValue : (long)Math.Round(d);
        }

        /// <summary><see cref="JsonValues.String"/> on a token: a non-blank string, trimmed, else null.</summary>
        private static string? Text(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                return null;
            }

            var text = reader.GetString();
            return string.IsNullOrWhiteSpace(text) ? null : text!.Trim();
        }

        /// <summary><see cref="JsonValues.TryTimestamp(JsonElement, out DateTimeOffset)"/> on a token.</summary>
        private static bool Timestamp(ref Utf8JsonReader reader, out DateTimeOffset instant)
        {
            instant = default;
            double epoch;
            if (reader.TokenType == JsonTokenType.Number)
            {
                epoch = reader.GetDouble();
            }
            else if (reader.TokenType == JsonTokenType.String)
            {
                var text = reader.GetString()!.Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out epoch))
                {
                    return JsonValues.TryParseText(text, out instant);
                }
            }
            else
            {
                reader.Skip();
                return false;
            }

            return JsonValues.TryEpoch(epoch, out instant);
        }
    }
}
