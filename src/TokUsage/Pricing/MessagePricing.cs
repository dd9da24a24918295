using System;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Pricing
{
    /// <summary>
    /// The one rule that turns a message's tokens into its cost, for every path a message takes: read from a log
    /// (MessageRecorder), served from the per-file cache (FileSnapshot, SnapshotCodec), restored from the usage store, or summed
    /// by the team database. Stateless; any thread.
    /// </summary>
    internal static class MessagePricing
    {
        /// <summary>
        /// The cost of one message and where it comes from: a positive <paramref name="reportedCost"/> is the provider's
        /// bill and is kept as it is; otherwise <paramref name="quote"/> (the run's price of the model: table, price file
        /// and overrides) computes it, times <paramref name="markup"/> (a reseller's surcharge on list prices, such as Zed's
        /// hosted models); with no quote the message costs 0 with source None (its model is listed as unpriced).
        /// <paramref name="inputSide"/> prices the sums of many requests that share one long-context tier at that tier
        /// (the team report); null: <paramref name="tokens"/> is one request.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static (decimal Cost, CostSource Source) Cost(PriceQuote? quote, in TokenCounts tokens, bool fast, decimal? reportedCost = null, decimal markup = 1m, long? inputSide = null)
        {
            if (reportedCost > 0)
            {
                return (reportedCost.Value, CostSource.Reported);
            }

            if (quote is null)
            {
                return (0m, CostSource.None);
            }

            var cost = CostCalculator.Cost(quote, tokens, fast || quote.Fast, inputSide);
            // Nearly every message has no markup; the cache serves them by the hundred thousand, so the product is skipped.
            return (markup == 1m ? cost : cost * markup, CostSource.Calculated);
        }

        /// <summary>
        /// The priced row of one message (see <see cref="Cost"/>), its kind added to <paramref name="rows"/>: the caller
        /// sets its identities and part, then adds it.
        /// </summary>
        [MethodImpl(Jit.Inline)]
        public static MessageRow Row(MessageRows rows, DateTimeOffset timestamp, string model, in TokenCounts tokens, PriceQuote? quote, bool fast, decimal? reportedCost = null, decimal markup = 1m)
        {
            var (cost, source) = Cost(quote, tokens, fast, reportedCost, markup);
            return new MessageRow { Ticks = timestamp.UtcTicks, Tokens = tokens, Cost = cost, Kind = Kind(rows, model, fast, markup, source) };
        }

        /// <summary>The index in <paramref name="rows"/> of the kind of a message with these fields, added on first use.</summary>
        public static int Kind(MessageRows rows, string model, bool fast, decimal markup, CostSource source) =>
            rows.Kind(model, fast, markup, source, IsPriced(source, model), !ModelNames.IsSynthetic(model));

        /// <summary>
        /// Whether a message counts as priced (its model is not listed among the unpriced): it has a cost source, or it is
        /// the client's <c>&lt;synthetic&gt;</c> placeholder, which is no model to price.
        /// </summary>
        public static bool IsPriced(CostSource source, string model) => source != CostSource.None || ModelNames.IsSynthetic(model);
    }
}
