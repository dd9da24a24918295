using System;
using TokUsage.Aggregation;
using TokUsage.Model;

namespace TokUsage
{
    /// <summary>A calendar period (day, week, month or hour in the chosen time zone) of Measure-TokenUsage.</summary>
    public sealed class PeriodSummary : UsageTotals
    {
        internal PeriodSummary(UsageGrouping by, string period, DateTimeOffset periodStart, string timeZone, UsageAccumulator totals, bool breakdown, bool isTotal = false)
            : base(totals, breakdown, period, isTotal)
        {
            By = by;
            Period = period;
            PeriodStart = periodStart;
            TimeZone = timeZone;
        }

        /// <summary>Day, Week, Month or Hour.</summary>
        public UsageGrouping By { get; }

        /// <summary>
        /// The period label: <c>yyyy-MM-dd</c> (day; week start for weeks), <c>yyyy-MM</c>, or <c>yyyy-MM-dd HH:00</c>;
        /// <c>Total</c> on the total row.
        /// </summary>
        public string Period { get; }

        /// <summary>Start of the period in <see cref="TimeZone"/> (of the first period on the total row).</summary>
        public DateTimeOffset PeriodStart { get; }

        /// <summary>Id of the time zone the periods were cut in.</summary>
        public string TimeZone { get; }
    }

    /// <summary>A project, model or client row of Measure-TokenUsage.</summary>
    public sealed class GroupSummary : UsageTotals
    {
        internal GroupSummary(UsageGrouping by, string name, UsageAccumulator totals, bool breakdown, bool isTotal = false)
            : base(totals, breakdown, name, isTotal)
        {
            By = by;
            Name = name;
            Start = totals.First;
            End = totals.Last;
        }

        /// <summary>Project, Model or Client.</summary>
        public UsageGrouping By { get; }

        /// <summary>The project (its working directory where the logs name it), model or client id; <c>Total</c> on the total row.</summary>
        public string Name { get; }

        /// <summary>First counted message (UTC).</summary>
        public DateTimeOffset? Start { get; }

        /// <summary>Last counted message (UTC).</summary>
        public DateTimeOffset? End { get; }
    }

    /// <summary>A session row of Measure-TokenUsage: one client session, sub-agent files included.</summary>
    public sealed class SessionSummary : UsageTotals
    {
        internal SessionSummary(string client, string sessionId, string project, int files, UsageAccumulator totals, bool breakdown, bool isTotal = false)
            : base(totals, breakdown, sessionId, isTotal)
        {
            Client = client;
            SessionId = sessionId;
            Project = project;
            Files = files;
            Start = totals.First ?? default;
            End = totals.Last ?? default;
        }

        /// <summary>Client id; empty on the total row.</summary>
        public string Client { get; }

        /// <summary>Session id; empty on the total row.</summary>
        public string SessionId { get; }

        /// <summary>Project the session ran in; <c>Total</c> on the total row.</summary>
        public string Project { get; }

        /// <summary>First counted message (UTC).</summary>
        public DateTimeOffset Start { get; }

        /// <summary>Last counted message (UTC).</summary>
        public DateTimeOffset End { get; }

        /// <summary>Time from the first to the last counted message.</summary>
        public TimeSpan Duration => End - Start;

        /// <summary>Usage files (main transcript, sub-agents, resumed copies) that contributed.</summary>
        public int Files { get; }
    }

    /// <summary>One model's share of a Measure-TokenUsage row (-Breakdown).</summary>
    public sealed class ModelBreakdown
    {
        internal ModelBreakdown(string group, string model, long messages, TokenCounts tokens, decimal cost, bool priced)
        {
            Group = group;
            Model = model;
            Messages = messages;
            InputTokens = tokens.Input;
            OutputTokens = tokens.Output;
            CacheReadTokens = tokens.CacheRead;
            CacheWriteTokens = tokens.CacheWrite;
            ReasoningTokens = tokens.Reasoning;
            Cost = cost;
            Priced = priced;
        }

        /// <summary>The row this split belongs to: its period, session id, project, model or client (<c>Total</c> for the total row).</summary>
        public string Group { get; }

        public string Model { get; }

        public long Messages { get; }

        public long InputTokens { get; }

        public long OutputTokens { get; }

        public long CacheReadTokens { get; }

        public long CacheWriteTokens { get; }

        public long ReasoningTokens { get; }

        public long TotalTokens => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens + ReasoningTokens;

        public decimal Cost { get; }

        /// <summary>False when the model has no price (its <see cref="Cost"/> is 0).</summary>
        public bool Priced { get; }
    }
}
