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
        /// <summary>Made from a packed row when a consumer reads a file's entries (see <see cref="UsageFile.Entries"/>).</summary>
        internal UsageEntry(DateTimeOffset timestamp, string model, in TokenCounts tokens, decimal cost, CostSource costSource)
        {
            CostSource = costSource;
            Timestamp = timestamp;
            Model = model;
            InputTokens = tokens.Input;
            OutputTokens = tokens.Output;
            CacheReadTokens = tokens.CacheRead;
            CacheWriteTokens = tokens.CacheWrite;
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
    }
}
