using System;
using System.Globalization;
using System.Linq;
using TokUsage.Pricing;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Clients.Common
{
    /// <summary>Adds counted messages to a reader's result, priced — the one place readers turn tokens into entries.</summary>
    internal static class MessageRecorder
    {
        /// <summary>
        /// Records one message. Messages with no tokens and no cost are not messages. <paramref name="reportedCost"/> is a
        /// cost the agent logged that is the provider's bill (kept when positive, so the entry counts as priced even when
        /// the model is not in the table); otherwise the cost comes from the price table, times <paramref name="markup"/>
        /// (a reseller's surcharge on list prices, such as Zed's hosted models). <paramref name="part"/> names the session
        /// of a multi-session source. A count or reported cost past the <see cref="Plausible"/> bounds makes the record
        /// damage: skipped and counted against <paramref name="line"/> (the record's line or row; 0 when the format has none).
        /// </summary>
        public static void Record(this ParsedFile result, ReadOptions options, DateTimeOffset timestamp, string model, in TokenCounts tokens,
            MessageKey? key = null, decimal? reportedCost = null, bool fast = false, SessionPart? part = null, decimal markup = 1m, long line = 0)
        {
            if (!Plausible.Counts(tokens) || !Plausible.Cost(reportedCost))
            {
                result.Skip(line, Plausible.Counts(tokens) ? Plausible.CostProblem : Plausible.TokensProblem, options.MaxSkippedSamples, part);
                return;
            }

            if (tokens.Total == 0 && !(reportedCost > 0))
            {
                return;
            }

            var row = MessagePricing.Row(result.Rows, timestamp, model, tokens, reportedCost > 0 ? null : options.Prices.Resolve(model), fast, reportedCost, markup);
            row.SetClientKey(key.HasValue, key.GetValueOrDefault());
            row.Part = ParsedFile.RowPart(part);
            result.Rows.Add(row);
        }

        /// <summary>The cost of one message with the run's prices (<see cref="MessagePricing.Cost"/>).</summary>
        public static (decimal Cost, CostSource Source) Price(ReadOptions options, string model, in TokenCounts tokens, bool fast, decimal? reportedCost = null, decimal markup = 1m, long? inputSide = null) =>
            MessagePricing.Cost(reportedCost > 0 ? null : options.Prices.Resolve(model), tokens, fast, reportedCost, markup, inputSide);

        /// <summary>
        /// The counts of a record that may carry only a total (Qwen and Gemini <c>usageMetadata</c> with only
        /// <c>totalTokenCount</c>, Copilot spans with only <c>gen_ai.usage.total_tokens</c>): when no part is known, the
        /// total is booked as output, as ccusage does — the tokens count, and the cost is the output rate's, an upper
        /// bound (output is the dearest kind). Records with parts are left as they are.
        /// </summary>
        public static TokenCounts OrTotalAsOutput(this TokenCounts counts, long total) =>
            counts.Total == 0 && total > 0 ? new TokenCounts { Output = total } : counts;

        /// <summary>A dedup key from text (the client's own message identity, namespaced by the reader).</summary>
        public static MessageKey Key(string text) => MessageKey.Of(System.Text.Encoding.UTF8.GetBytes(text));

        /// <summary>
        /// A dedup key for a format whose records have no id of their own: the record's identifying
        /// <paramref name="parts"/> (client, session, time, model, place…) and its token counts. A record written again
        /// has the same key; two different records differ in at least one part or count.
        /// </summary>
        public static MessageKey ContentKey(in TokenCounts tokens, params string[] parts) =>
            Key(string.Join(":", parts) + ":" + string.Join(":", new[] { tokens.Input, tokens.Output, tokens.CacheRead, tokens.CacheWrite, tokens.Reasoning }
                .Select(n => n.ToString(CultureInfo.InvariantCulture))));

        /// <summary>The file's last write time as a timestamp of last resort.</summary>
        public static DateTimeOffset WriteTime(SourceFile file) => new DateTimeOffset(DateTime.SpecifyKind(file.LastWriteUtc, DateTimeKind.Utc));
    }
}
