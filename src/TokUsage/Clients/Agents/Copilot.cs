using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// GitHub Copilot CLI (<c>copilot</c>): OpenTelemetry file export, <c>~/.copilot/otel/*.jsonl</c> and the folder of
    /// <c>$COPILOT_OTEL_FILE_EXPORTER_PATH</c> (export must be on: <c>COPILOT_OTEL_ENABLED=true</c>,
    /// <c>COPILOT_OTEL_EXPORTER_TYPE=file</c>). One request can be reported by several records: the <c>chat</c> span is the
    /// truth; inference-details logs, agent-turn logs and <c>invoke_agent</c> summary spans count only when no
    /// higher-ranked record shares their trace or response id. A span written twice (same trace and span id) counts
    /// once. OpenTelemetry's input count includes cache reads, which are taken out. Copilot's own cost attribute is not
    /// a USD bill; tokens are priced. Copilot chat in VS Code and its forks is read too (<see cref="CopilotChat"/>).
    /// </summary>
    internal static class Copilot
    {
        public static readonly IClientSource Source = new FileClient("copilot",
            env => new[] { Roots.Home(env, Path.Combine(".copilot", "otel")) }.Concat(ExporterFolder(env)).Concat(CopilotChat.Roots(env)),
            path => CopilotChat.IsSession(path) || (Roots.HasExtension(path, ".jsonl") && !CopilotChat.IsInEditorStorage(path)),
            (file, options, cancel) => CopilotChat.IsSession(file.Path) ? CopilotChat.Read(file, options, cancel) : Read(file, options, cancel),
            ".copilot", "otel", "chatSessions", "emptyWindowChatSessions");

        private static IEnumerable<ScanRoot> ExporterFolder(ClientEnvironment env)
        {
            var file = env.Get("COPILOT_OTEL_FILE_EXPORTER_PATH");
            var folder = file is null ? null : Path.GetDirectoryName(env.ExpandHome(file));
            return string.IsNullOrEmpty(folder) ? Array.Empty<ScanRoot>() : new[] { new ScanRoot(folder!, "COPILOT_OTEL_FILE_EXPORTER_PATH") };
        }

        private sealed class Span
        {
            public int Rank;
            public string Trace = "";
            public string? Response;
            public string? Conversation;
            public DateTimeOffset When;
            public string Model = ModelNames.Unknown;
            public TokenCounts Tokens;
        }

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            var spans = new Dictionary<string, Span>(StringComparer.Ordinal);
            var fallback = MessageRecorder.WriteTime(file);
            var ok = LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("gen_ai.usage"u8) >= 0, (line, number) =>
            {
                if (!TryAttributes(line, out var attributes))
                {
                    return;
                }

                var rank = Rank(attributes, line);
                if (rank < 0)
                {
                    return;
                }

                var input = Count(attributes, "gen_ai.usage.input_tokens");
                var cacheRead = Math.Min(input, Count(attributes, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"));
                var span = new Span
                {
                    Rank = rank,
                    Trace = JsonValues.String(line, "traceId") ?? (JsonValues.TryObject(line, out var context, "spanContext") ? JsonValues.String(context, "traceId") : null) ?? "",
                    Response = Text(attributes, "gen_ai.response.id"),
                    Conversation = Text(attributes, "gen_ai.conversation.id", "copilot_chat.session_id", "copilot_chat.chat_session_id", "session.id"),
                    When = Time(line) ?? fallback,
                    Model = Text(attributes, "gen_ai.response.model", "gen_ai.request.model") ?? ModelNames.Unknown,
                    Tokens = new TokenCounts
                    {
                        Input = input - cacheRead,
                        CacheRead = cacheRead,
                        CacheWrite = Count(attributes, "gen_ai.usage.cache_write.input_tokens", "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_write_input_tokens", "gen_ai.usage.cache_creation_input_tokens"),
                        Output = Count(attributes, "gen_ai.usage.output_tokens"),
                        Reasoning = Count(attributes, "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens"),
                    }.OrTotalAsOutput(Count(attributes, "gen_ai.usage.total_tokens")),
                };
                var spanId = JsonValues.String(line, "spanId") ?? (JsonValues.TryObject(line, out var c2, "spanContext") ? JsonValues.String(c2, "spanId") : null);
                var key = span.Trace.Length > 0 && spanId != null ? span.Trace + ":" + spanId : "line:" + number;
                if (!spans.TryGetValue(key, out var earlier) || span.Tokens.Total > earlier.Tokens.Total)
                {
                    spans[key] = span;
                }
            });

            if (!ok)
            {
                return result;
            }

            var best = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var span in spans.Values)
            {
                foreach (var id in Ids(span))
                {
                    best[id] = best.TryGetValue(id, out var rank) ? Math.Min(rank, span.Rank) : span.Rank;
                }
            }

            foreach (var span in spans.Values.OrderBy(s => s.When))
            {
                if (Ids(span).Any(id => best[id] < span.Rank))
                {
                    continue; // a better record of the same request or trace is counted
                }

                if (span.Conversation != null && result.SessionId == Path.GetFileNameWithoutExtension(file.Path))
                {
                    result.SessionId = span.Conversation;
                }

                result.Record(options, span.When, span.Model, span.Tokens);
            }

            return result;
        }

        private static IEnumerable<string> Ids(Span span)
        {
            if (span.Trace.Length > 0)
            {
                yield return "t:" + span.Trace;
            }

            if (span.Response != null)
            {
                yield return "r:" + span.Response;
            }
        }

        /// <summary>0 chat span, 1 inference-details log, 2 agent-turn log, 3 invoke_agent summary; -1 not a usage record.</summary>
        private static int Rank(JsonElement attributes, JsonElement line)
        {
            var operation = Text(attributes, "gen_ai.operation.name");
            var eventName = Text(attributes, "event.name") ?? JsonValues.String(line, "name") ?? "";
            if (operation == "chat")
            {
                return 0;
            }

            if (eventName == "gen_ai.client.inference.operation.details")
            {
                return 1;
            }

            if (eventName.IndexOf("turn", StringComparison.OrdinalIgnoreCase) >= 0 && operation != "invoke_agent" && operation != "execute_tool")
            {
                return 2;
            }

            return operation == "invoke_agent" ? 3 : -1;
        }

        /// <summary>Attributes as a flat object (<c>{"k": v}</c>) or the OTLP list form (<c>[{"key","value":{"intValue"}}]</c>).</summary>
        private static bool TryAttributes(JsonElement line, out JsonElement attributes)
        {
            if (JsonValues.TryGet(line, "attributes", out attributes) && (attributes.ValueKind == JsonValueKind.Object || attributes.ValueKind == JsonValueKind.Array))
            {
                return true;
            }

            return false;
        }

        private static bool TryAttribute(JsonElement attributes, string name, out JsonElement value)
        {
            if (attributes.ValueKind == JsonValueKind.Object)
            {
                return JsonValues.TryGet(attributes, name, out value);
            }

            foreach (var a in attributes.EnumerateArray())
            {
                if (JsonValues.String(a, "key") == name && JsonValues.TryObject(a, out var v, "value"))
                {
                    foreach (var p in v.EnumerateObject())
                    {
                        value = p.Value;
                        return true;
                    }
                }
            }

            value = default;
            return false;
        }

        private static long Count(JsonElement attributes, params string[] names)
        {
            foreach (var name in names)
            {
                if (TryAttribute(attributes, name, out var v) && JsonValues.TryCount(v, out var n))
                {
                    return n;
                }
            }

            return 0;
        }

        private static string? Text(JsonElement attributes, params string[] names)
        {
            foreach (var name in names)
            {
                if (TryAttribute(attributes, name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()))
                {
                    return v.GetString();
                }
            }

            return null;
        }

        /// <summary>Start of the record: <c>[seconds, nanos]</c> pairs, epoch numbers (ns, ms or s) or RFC 3339 text.</summary>
        private static DateTimeOffset? Time(JsonElement line)
        {
            foreach (var name in new[] { "startTime", "hrTime", "timestamp", "timeUnixNano", "startTimeUnixNano", "observedTimestamp", "endTime" })
            {
                if (!JsonValues.TryGet(line, name, out var v))
                {
                    continue;
                }

                if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2 && JsonValues.TryCount(v[0], out var s) && JsonValues.TryCount(v[1], out var ns))
                {
                    // [seconds, nanoseconds] (OpenTelemetry's hrTime), in seconds: an absurd pair is no time (found by
                    // fuzzing: the product wrapped, or left DateTimeOffset's range and ended the file's read).
                    var seconds = s + (ns / 1e9);
                    return seconds < 1e11 && JsonValues.TryEpoch(seconds, out var hr) ? hr : (DateTimeOffset?)null;
                }

                if (JsonValues.TryCount(v, out var n))
                {
                    var epoch = n >= 1_000_000_000_000_000L ? n / 1_000_000d : n; // nanoseconds → ms
                    if (JsonValues.TryEpoch(epoch, out var t))
                    {
                        return t;
                    }
                }

                if (JsonValues.TryTimestamp(v, out var parsed))
                {
                    return parsed;
                }
            }

            return null;
        }
    }
}
