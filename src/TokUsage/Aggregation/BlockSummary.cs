using System;
using TokUsage.Aggregation;

namespace TokUsage
{
    /// <summary>
    /// A billing block of Measure-TokenUsage -By Block: the usage of one window of -BlockHours (5 by default) that starts
    /// at the hour of its first message, as Anthropic's subscription limits count it; or a gap between two blocks.
    /// </summary>
    public sealed class BlockSummary : UsageTotals
    {
        internal BlockSummary(BlockSpan span, UsageAccumulator totals, bool breakdown, string timeZone, bool isTotal = false)
            : base(totals, breakdown, span.Label, isTotal)
        {
            Block = span.Label;
            Start = span.Start;
            End = span.End;
            IsGap = span.IsGap;
            IsActive = span.IsActive;
            Family = span.Family;
            FirstMessage = totals.First;
            LastMessage = totals.Last;
            TimeZone = timeZone;
            Elapsed = span.Elapsed;
            Remaining = span.Remaining;
            TokensPerMinute = span.TokensPerMinute;
            CostPerHour = span.CostPerHour;
            ProjectedTokens = span.ProjectedTokens;
            ProjectedCost = span.ProjectedCost;
            TokenLimit = span.TokenLimit;
            PercentOfLimit = span.PercentOfLimit;
            Status = span.Status;
        }

        /// <summary>The block's start in the report's time zone (<c>yyyy-MM-dd HH:mm</c>), <c>(gap Nh)</c> for a gap of N hours, <c>Total</c> on the total row.</summary>
        public string Block { get; }

        /// <summary>Start of the window (the hour of its first message), in the report's time zone.</summary>
        public DateTimeOffset Start { get; }

        /// <summary>End of the window (Start + -BlockHours), in the report's time zone; for a gap, the next block's start.</summary>
        public DateTimeOffset End { get; }

        /// <summary>
        /// For -Weekly: the model family whose window this is (<c>opus</c>, <c>sonnet</c>, <c>haiku</c> for Claude; other
        /// models by name); null for blocks of all models.
        /// </summary>
        public string? Family { get; }

        /// <summary>A stretch without messages between two blocks.</summary>
        public bool IsGap { get; }

        /// <summary>The window that is open now (now is before End and the last message is less than a window old).</summary>
        public bool IsActive { get; }

        /// <summary>First counted message (UTC).</summary>
        public DateTimeOffset? FirstMessage { get; }

        /// <summary>Last counted message (UTC).</summary>
        public DateTimeOffset? LastMessage { get; }

        /// <summary>Id of the time zone Start and End are shown in.</summary>
        public string TimeZone { get; }

        /// <summary>Active block: time since Start.</summary>
        public TimeSpan? Elapsed { get; }

        /// <summary>Active block: time until End.</summary>
        public TimeSpan? Remaining { get; }

        /// <summary>Tokens per minute between the first and the last message (null when they are under a minute apart).</summary>
        public decimal? TokensPerMinute { get; }

        /// <summary>USD per hour between the first and the last message (null when they are under a minute apart).</summary>
        public decimal? CostPerHour { get; }

        /// <summary>Active block: the tokens at End if the burn rate holds.</summary>
        public long? ProjectedTokens { get; }

        /// <summary>Active block: the cost at End if the burn rate holds.</summary>
        public decimal? ProjectedCost { get; }

        /// <summary>The -TokenLimit in force (for <c>max</c>, the most tokens of a past block).</summary>
        public long? TokenLimit { get; }

        /// <summary>The block's tokens (the active block's projected tokens) as a percentage of TokenLimit.</summary>
        public decimal? PercentOfLimit { get; }

        /// <summary>Against TokenLimit: <c>Ok</c> (under 80 %), <c>Warning</c> (80–100 %), <c>Exceeds</c>; null without a limit, and for gaps.</summary>
        public string? Status { get; }
    }
}
