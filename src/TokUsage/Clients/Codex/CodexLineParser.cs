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
    /// <c>turn_context</c> — with <see cref="Utf8JsonReader"/> instead of building a <see cref="JsonDocument"/> each, with
    /// the same lenient rules as <see cref="JsonValues"/> (null is absent, counts may be numeric strings, the last
    /// duplicate property wins). The whole line is still read and validated; anything unexpected (another line kind, a
    /// damaged line, a property of an unexpected type) answers <see cref="CodexLineKind.Other"/> so the document path
    /// decides, exactly as before. Stateless; any thread.
    /// </summary>
    internal static class CodexLineParser
    {
        [MethodImpl(Jit.Optimized)]
        public static CodexLineKind TryParse(ReadOnlySpan<byte> json, out CodexLine line)
        {
            line = default;
            try
            {
                var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
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
                        line.PayloadModel = line.PayloadModelName = line.ModelInfoSlug = line.InfoModel = line.InfoModelName = null;
                        line.HasInfo = false;
                        line.Total = line.Last = default;
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

                switch (type)
                {
                    case "turn_context":
                        return line.Kind = CodexLineKind.TurnContext;
                    case "event_msg":
                        return line.Kind = payloadType == "token_count" ? CodexLineKind.TokenCount : payloadType == "task_started" ? CodexLineKind.TaskStarted : CodexLineKind.Ignored;
                    default:
                        return CodexLineKind.Other;
                }
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
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ref var field = ref Field(ref reader, ref u, out var known);
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

        private static ref long? Field(ref Utf8JsonReader reader, ref CodexUsageFields u, out bool known)
        {
            known = true;
            if (JsonNames.Is(ref reader, "input_tokens"u8)) return ref u.InputTokens;
            if (JsonNames.Is(ref reader, "cached_input_tokens"u8)) return ref u.CachedInputTokens;
            if (JsonNames.Is(ref reader, "output_tokens"u8)) return ref u.OutputTokens;
            if (JsonNames.Is(ref reader, "reasoning_output_tokens"u8)) return ref u.ReasoningOutputTokens;
            if (JsonNames.Is(ref reader, "total_tokens"u8)) return ref u.TotalTokens;
            if (JsonNames.Is(ref reader, "prompt_tokens"u8)) return ref u.PromptTokens;
            if (JsonNames.Is(ref reader, "input"u8)) return ref u.Input;
            if (JsonNames.Is(ref reader, "cached_tokens"u8)) return ref u.CachedTokens;
            if (JsonNames.Is(ref reader, "cache_read_input_tokens"u8)) return ref u.CacheReadInputTokens;
            if (JsonNames.Is(ref reader, "completion_tokens"u8)) return ref u.CompletionTokens;
            if (JsonNames.Is(ref reader, "output"u8)) return ref u.Output;
            if (JsonNames.Is(ref reader, "reasoning_tokens"u8)) return ref u.ReasoningTokens;
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
