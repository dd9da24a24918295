using System;
using TokUsage.Model;

namespace TokUsage
{
    /// <summary>
    /// One deduplicated API message of a usage file: what the provider billed for one request.
    /// The five token buckets are disjoint; <see cref="TotalTokens"/> is their sum.
    /// </summary>
    public sealed class UsageEntry
    {
        internal UsageEntry(DateTimeOffset timestamp, string model, TokenCounts tokens, decimal cost, CostSource costSource, bool fast = false, decimal markup = 1m)
        {
            Fast = fast;
            Markup = markup;
            CostSource = costSource;
            Timestamp = timestamp;
            Model = model;
            InputTokens = tokens.Input;
            OutputTokens = tokens.Output;
            CacheReadTokens = tokens.CacheRead;
            CacheWriteTokens = tokens.CacheWrite;
            CacheWrite1hTokens = tokens.CacheWrite1h;
            ReasoningTokens = tokens.Reasoning;
            Cost = cost;
        }

        /// <summary>When the message was logged, in UTC.</summary>
        public DateTimeOffset Timestamp { get; }

        /// <summary>The model name as the client logged it.</summary>
        public string Model { get; }

        /// <summary>Input tokens that were neither read from nor written to the prompt cache.</summary>
        public long InputTokens { get; }

        /// <summary>Visible output tokens (reasoning excluded where the client reports it separately).</summary>
        public long OutputTokens { get; }

        /// <summary>Input tokens served from the prompt cache.</summary>
        public long CacheReadTokens { get; }

        /// <summary>Input tokens written to the prompt cache (5-minute and 1-hour writes together).</summary>
        public long CacheWriteTokens { get; }

        /// <summary>Reasoning (thinking) tokens where the client reports them apart from output.</summary>
        public long ReasoningTokens { get; }

        /// <summary>Sum of the five token buckets.</summary>
        public long TotalTokens => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens + ReasoningTokens;

        /// <summary>USD cost of the message; 0 when its model has no price.</summary>
        public decimal Cost { get; }

        /// <summary>Where <see cref="Cost"/> comes from: the log (the provider's bill), the price table, or nowhere (unpriced).</summary>
        public CostSource CostSource { get; }

        /// <summary>Of <see cref="CacheWriteTokens"/>, those written for an hour (priced higher), kept so the usage store can reprice it.</summary>
        internal long CacheWrite1hTokens { get; }

        /// <summary>The counts as the pricing rule takes them.</summary>
        internal TokenCounts Counts => new TokenCounts
        {
            Input = InputTokens, Output = OutputTokens, CacheRead = CacheReadTokens, CacheWrite = CacheWriteTokens, CacheWrite1h = CacheWrite1hTokens, Reasoning = ReasoningTokens,
        };

        /// <summary>Priced at the model's fast-mode rates (how the usage store reprices it).</summary>
        internal bool Fast { get; }

        /// <summary>Factor on the table price (Zed's hosted markup; 1 elsewhere), kept so the usage store can reprice it.</summary>
        internal decimal Markup { get; }
    }
}
