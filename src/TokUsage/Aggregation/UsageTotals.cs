using System;
using System.Collections.Generic;
using TokUsage.Aggregation;

namespace TokUsage
{
    /// <summary>
    /// Totals shared by every Measure-TokenUsage row: counted messages, the five disjoint token buckets and cost.
    /// </summary>
    public abstract class UsageTotals
    {
        private protected UsageTotals(UsageAccumulator totals, bool breakdown, string group, bool isTotal)
        {
            IsTotal = isTotal;
            Messages = totals.Messages;
            InputTokens = totals.Tokens.Input;
            OutputTokens = totals.Tokens.Output;
            CacheReadTokens = totals.Tokens.CacheRead;
            CacheWriteTokens = totals.Tokens.CacheWrite;
            ReasoningTokens = totals.Tokens.Reasoning;
            Cost = totals.Cost;
            ReportedCost = totals.ReportedCost;
            CostSource = totals.CostSource;
            Clients = new NameList(totals.SortedClients());
            Models = new NameList(totals.SortedModels());
            Sessions = totals.SessionCount;
            UnpricedModels = new NameList(totals.SortedUnpricedModels());
            Breakdown = breakdown ? totals.ModelBreakdowns(group) : Array.Empty<ModelBreakdown>();
            if (totals.Activity is { } activity)
            {
                ActiveTime = activity.ActiveTime;
                LongestStretch = activity.LongestStretch;
                ActiveDays = activity.ActiveDays;
                LongestStreak = activity.LongestStreak;
                MaxConcurrentSessions = activity.MaxConcurrentSessions;
            }
        }

        /// <summary>
        /// True for the grand-total row Measure-TokenUsage adds after the others (see its -Total parameter): it sums every
        /// other row of the same call, so leave it out when summing rows yourself.
        /// </summary>
        public bool IsTotal { get; }

        /// <summary>Clients whose messages the row counts, sorted.</summary>
        public NameList Clients { get; }

        /// <summary>Models of the counted messages, sorted.</summary>
        public NameList Models { get; }

        /// <summary>Distinct sessions (per client) the row counts.</summary>
        public int Sessions { get; }

        /// <summary>Counted (deduplicated) messages.</summary>
        public long Messages { get; }

        public long InputTokens { get; }

        public long OutputTokens { get; }

        public long CacheReadTokens { get; }

        public long CacheWriteTokens { get; }

        public long ReasoningTokens { get; }

        /// <summary>Sum of the five token buckets.</summary>
        public long TotalTokens => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens + ReasoningTokens;

        /// <summary>USD cost; messages of <see cref="UnpricedModels"/> contribute 0.</summary>
        public decimal Cost { get; }

        /// <summary>The part of <see cref="Cost"/> that logs reported as billed by the provider.</summary>
        public decimal ReportedCost { get; }

        /// <summary>Where <see cref="Cost"/> comes from: Calculated, Reported, Mixed, or None when nothing was priced.</summary>
        public CostSource CostSource { get; }

        /// <summary>Models counted here that have no price (their cost is missing from <see cref="Cost"/>).</summary>
        public NameList UnpricedModels { get; }

        /// <summary>
        /// With -ActiveTime: wall-clock time spent in stretches of activity, where messages (of any session of the row) no
        /// more than -IdleGap apart belong to one stretch; sessions running side by side count once. Else null.
        /// </summary>
        public TimeSpan? ActiveTime { get; }

        /// <summary>With -ActiveTime: the longest stretch of activity. Else null.</summary>
        public TimeSpan? LongestStretch { get; }

        /// <summary>With -ActiveTime: days (in the row's time zone) with at least one message. Else null.</summary>
        public int? ActiveDays { get; }

        /// <summary>With -ActiveTime: the most consecutive days with a message each. Else null.</summary>
        public int? LongestStreak { get; }

        /// <summary>
        /// With -ActiveTime: the most sessions active at one instant, a session being active over its own stretches. Else
        /// null.
        /// </summary>
        public int? MaxConcurrentSessions { get; }

        /// <summary>Per-model split of the row (filled with -Breakdown, else empty), ordered by cost descending.</summary>
        public IReadOnlyList<ModelBreakdown> Breakdown { get; }
    }
}
