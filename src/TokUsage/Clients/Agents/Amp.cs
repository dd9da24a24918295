using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Amp (<c>amp</c>): one JSON per thread, <c>$AMP_DATA_DIR</c> or <c>$XDG_DATA_HOME/amp</c> (default
    /// <c>~/.local/share/amp</c>), <c>threads/T-*.json</c>. The usage ledger is the bill; each assistant message's usage is
    /// matched to one unconsumed ledger event (by <c>toMessageId</c>, else by equal model and tokens) and counts once;
    /// message usages without a ledger event are added. Amp's credits are not USD; tokens are priced.
    /// </summary>
    internal static class Amp
    {
        public static readonly IClientSource Source = new FileClient("amp",
            env => env.Get("AMP_DATA_DIR") != null
                ? Roots.EnvOrHome(env, "AMP_DATA_DIR", "", "threads")
                : new[] { new ScanRoot(Path.Combine(Roots.XdgData(env), "amp", "threads"), env.Get("XDG_DATA_HOME") != null ? "XDG_DATA_HOME" : "default") },
            path => Path.GetFileName(path).StartsWith("T-", StringComparison.Ordinal) && Roots.HasExtension(path, ".json"),
            Read,
            "amp");

        private sealed class Usage
        {
            public DateTimeOffset? When;
            public string Model = ModelNames.Unknown;
            public TokenCounts Tokens;
            public long? MessageId;
            public bool Consumed;
        }

        /// <summary>Longest offset a message id may add to the thread's creation (ten years of seconds): ids are small counters.</summary>
        private const long MaxMessageOffsetSeconds = 315_576_000;

        /// <summary>
        /// A message without its own time: the thread's creation plus its id in seconds (Amp logs no time for it), or the
        /// creation itself when the id is no small counter (found by fuzzing: a huge id overflowed the date and ended the read).
        /// </summary>
        private static DateTimeOffset Dated(DateTimeOffset created, long? messageId) =>
            messageId is long id && id >= 0 && id <= MaxMessageOffsetSeconds && created.UtcTicks + (id * TimeSpan.TicksPerSecond) < DateTimeOffset.MaxValue.UtcTicks
                ? created.AddSeconds(id)
                : created;

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            using var document = LogFiles.ReadDocument(file, options, result, cancel);
            if (document is null)
            {
                return result;
            }

            var thread = document.RootElement;
            result.SessionId = JsonValues.String(thread, "id") ?? result.SessionId;
            var created = JsonValues.TryTimestamp(thread, out var c, "created") ? c : MessageRecorder.WriteTime(file);

            var ledger = new List<Usage>();
            if (JsonValues.TryObject(thread, out var usageLedger, "usageLedger") && JsonValues.TryArray(usageLedger, "events", out var events))
            {
                foreach (var e in events.EnumerateArray())
                {
                    if (!JsonValues.TryObject(e, out var t, "tokens"))
                    {
                        continue;
                    }

                    ledger.Add(new Usage
                    {
                        When = JsonValues.TryTimestamp(e, out var w, "timestamp") ? w : (DateTimeOffset?)null,
                        Model = JsonValues.String(e, "model") ?? ModelNames.Unknown,
                        Tokens = Tokens(t, "input", "output"),
                        MessageId = JsonValues.TryGet(e, "toMessageId", out var to) && JsonValues.TryCount(to, out var id) ? id : (long?)null,
                    });
                }
            }

            var extra = new List<Usage>();
            var cursor = 0;
            if (JsonValues.TryArray(thread, "messages", out var messages))
            {
                foreach (var m in messages.EnumerateArray())
                {
                    if (JsonValues.String(m, "role") != "assistant" || !JsonValues.TryObject(m, out var u, "usage"))
                    {
                        continue;
                    }

                    var messageId = JsonValues.TryGet(m, "messageId", out var mid) && JsonValues.TryCount(mid, out var n) ? n : (long?)null;
                    var usage = new Usage
                    {
                        Model = JsonValues.String(u, "model") ?? ModelNames.Unknown,
                        Tokens = Tokens(u, "inputTokens", "outputTokens"),
                        MessageId = messageId,
                        When = JsonValues.TryTimestamp(u, out var ut, "timestamp") ? ut : Dated(created, messageId),
                    };
                    var match = Match(ledger, usage, ref cursor);
                    if (match is null)
                    {
                        extra.Add(usage);
                    }
                }
            }

            foreach (var u in ledger)
            {
                result.Record(options, u.When ?? created, u.Model, u.Tokens);
            }

            foreach (var u in extra)
            {
                result.Record(options, u.When ?? created, u.Model, u.Tokens);
            }

            return result;
        }

        private static Usage? Match(List<Usage> ledger, Usage message, ref int cursor)
        {
            foreach (var e in ledger)
            {
                if (!e.Consumed && message.MessageId.HasValue && e.MessageId == message.MessageId)
                {
                    e.Consumed = true;
                    return e;
                }
            }

            for (var i = 0; i < ledger.Count; i++)
            {
                var e = ledger[(cursor + i) % ledger.Count];
                if (!e.Consumed && e.Model == message.Model && e.Tokens.Input == message.Tokens.Input && e.Tokens.Output == message.Tokens.Output
                    && e.Tokens.CacheRead == message.Tokens.CacheRead && e.Tokens.CacheWrite == message.Tokens.CacheWrite)
                {
                    e.Consumed = true;
                    cursor = (cursor + i + 1) % ledger.Count;
                    return e;
                }
            }

            return null;
        }

        private static TokenCounts Tokens(JsonElement t, string input, string output) => new TokenCounts
        {
            Input = JsonValues.Count(t, input),
            Output = JsonValues.Count(t, output),
            CacheRead = JsonValues.Count(t, "cacheReadInputTokens"),
            CacheWrite = JsonValues.Count(t, "cacheCreationInputTokens"),
        };
    }
}
