using System;
using System.Globalization;
using System.IO;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Parsing;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// DeepSeek Harness (<c>dsh</c>): <c>$DSH_HOME</c> or <c>~/.dsh</c>, <c>sessions/&lt;encoded cwd&gt;/&lt;session id&gt;/session.jsonl.zstd</c>
    /// (or <c>session.jsonl</c> when compression is off: the content decides, by the zstd frame magic, not the name).
    /// An append-only event stream, one zstd frame per flush: a torn last frame (the session is being written) keeps
    /// what decodes and is counted as one damaged line. The <c>session</c> event gives the id, the working directory and
    /// <c>seedLength</c> — a fork copies its parent's first events verbatim and only events at or after that <c>seq</c>
    /// are its own. <c>assistant/message</c> and <c>compaction/summary</c> (the summarize call of a compaction: real spend,
    /// apart from the loop steps) carry <c>data.usage</c> (<c>inputTokens</c> uncached, <c>cacheReadTokens</c>,
    /// <c>cacheWriteTokens</c>, <c>outputTokens</c> with <c>reasoningTokens</c> inside it, so output is taken net of
    /// reasoning) and the serving model in <c>data.message.source</c>, else the last <c>request/header</c>'s. Times are
    /// epoch milliseconds. A message is identified by its <c>message.id</c> (a fork copies it, so the copy counts once
    /// whatever the files), else its <c>seq</c>, with its time, model and counts. DSH logs no cost: tokens are priced.
    /// Rules from tokscale's <c>dsh.rs</c>.
    /// </summary>
    internal static class Dsh
    {
        private static readonly byte[] ZstdMagic = { 0x28, 0xB5, 0x2F, 0xFD };

        public static readonly IClientSource Source = new FileClient("dsh",
            env => Roots.EnvOrHome(env, "DSH_HOME", ".dsh", "sessions"),
            path => Roots.NameIs(path, "session.jsonl.zstd") || Roots.NameIs(path, "session.jsonl"),
            Read,
            ".dsh");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileName(Path.GetDirectoryName(file.Path) ?? "") is { Length: > 0 } folder ? folder : "unknown", "");
            long seedLength = 0;
            string? fallbackModel = null;
            ZstdPrefixStream? zstd = null;
            LogFiles.ReadLines(file, options, result, cancel,
                line => line.IndexOf("\"usage\""u8) >= 0 || line.IndexOf("\"session\""u8) >= 0 || line.IndexOf("request/header"u8) >= 0,
                (line, number) =>
                {
                    var type = JsonValues.String(line, "type");
                    switch (type)
                    {
                        case "session":
                            result.SessionId = JsonValues.String(line, "id") ?? result.SessionId;
                            result.Project = JsonValues.String(line, "cwd") ?? result.Project;
                            seedLength = Math.Max(0, JsonValues.Count(line, "seedLength"));
                            break;
                        case "request/header":
                            if (JsonValues.TryObject(line, out var config, "data", "header", "config"))
                            {
                                fallbackModel = JsonValues.String(config, "model") ?? fallbackModel;
                            }

                            break;
                        case "assistant/message":
                        case "compaction/summary":
                            var seq = JsonValues.TryGet(line, "seq", out var seqValue) && seqValue.ValueKind == System.Text.Json.JsonValueKind.Number && seqValue.TryGetInt64(out var s) ? s : (long?)null;
                            if (seq < seedLength || !JsonValues.TryObject(line, out var usage, "data", "usage"))
                            {
                                return; // the parent's work, copied by a fork; or a call that logged no usage
                            }

                            var time = JsonValues.Count(line, "time");
                            if (time <= 0 || !JsonValues.TryEpoch(time, out var when))
                            {
                                return;
                            }

                            var reasoning = JsonValues.Count(usage, "reasoningTokens");
                            var tokens = new TokenCounts
                            {
                                Input = JsonValues.Count(usage, "inputTokens"),
                                Output = Math.Max(0, JsonValues.Count(usage, "outputTokens") - reasoning),
                                CacheRead = JsonValues.Count(usage, "cacheReadTokens"),
                                CacheWrite = JsonValues.Count(usage, "cacheWriteTokens"),
                                Reasoning = reasoning,
                            };
                            var model = JsonValues.TryObject(line, out var source, "data", "message", "source") ? JsonValues.String(source, "model") : null;
                            var id = JsonValues.TryObject(line, out var message, "data", "message") ? JsonValues.String(message, "id")?.Trim() : null;
                            var identity = !string.IsNullOrEmpty(id) ? "msg:" + id
                                : seq.HasValue ? "seq:" + seq.Value.ToString(CultureInfo.InvariantCulture)
                                : "sid:" + result.SessionId;
                            var kind = type == "compaction/summary" ? "summary" : "step";
                            model = model ?? fallbackModel ?? ModelNames.Unknown;
                            result.Record(options, when, model, tokens,
                                MessageRecorder.ContentKey(tokens, "dsh", kind, identity, time.ToString(CultureInfo.InvariantCulture), model), line: number);
                            break;
                    }
                },
                raw => Decode(raw, out zstd));

            if (zstd != null && zstd.Torn && zstd.EndedWithNewline)
            {
                // A torn final frame that cut between lines: the lines it held are lost to this read (the next one gets them).
                result.Skip(0, "torn zstd frame at the end (file still being written?)", options.MaxSkippedSamples);
            }

            return result;
        }

        /// <summary>The lines' stream: the file itself, or its zstd frames decoded when it starts with the frame magic.</summary>
        private static Stream Decode(Stream raw, out ZstdPrefixStream? zstd)
        {
            zstd = null;
            var head = new byte[ZstdMagic.Length];
            var read = 0;
            int n;
            while (read < head.Length && (n = raw.Read(head, read, head.Length - read)) > 0)
            {
                read += n;
            }

            raw.Seek(0, SeekOrigin.Begin);
            if (read < head.Length || head[0] != ZstdMagic[0] || head[1] != ZstdMagic[1] || head[2] != ZstdMagic[2] || head[3] != ZstdMagic[3])
            {
                return raw;
            }

            zstd = new ZstdPrefixStream(raw);
            return zstd;
        }
    }
}
