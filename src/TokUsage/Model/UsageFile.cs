using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage
{
    /// <summary>
    /// The usage of one log file (or database) of one client, after deduplication: what Get-TokenUsage emits.
    /// Token buckets are disjoint; <see cref="TotalTokens"/> is their sum. Immutable once emitted.
    /// </summary>
    public sealed class UsageFile
    {
        [MethodImpl(Jit.Optimized)]
        internal UsageFile(
            string client,
            string path,
            string sessionId,
            string project,
            IReadOnlyList<UsageEntry> entries,
            string[] models,
            string[] unpricedModels,
            long skippedLines,
            bool archived = false)
        {
            Archived = archived;
            Client = client;
            Path = path;
            SessionId = sessionId;
            Project = project;
            EntryRows = entries;
            Entries = new ItemList<UsageEntry>(entries, list => list.Count == 1 ? "1 message" : $"{list.Count} messages");
            Models = new NameList(models);
            UnpricedModels = new NameList(unpricedModels);
            SkippedLines = skippedLines;

            var start = DateTimeOffset.MaxValue;
            var end = DateTimeOffset.MinValue;
            foreach (var e in entries)
            {
                if (e.Timestamp < start) start = e.Timestamp;
                if (e.Timestamp > end) end = e.Timestamp;
                checked
                {
                    InputTokens += e.InputTokens;
                    OutputTokens += e.OutputTokens;
                    CacheReadTokens += e.CacheReadTokens;
                    CacheWriteTokens += e.CacheWriteTokens;
                    ReasoningTokens += e.ReasoningTokens;
                }

                Cost += e.Cost;
                CostSource = CostSources.Combine(CostSource, e.CostSource);
                if (e.CostSource == CostSource.Reported)
                {
                    ReportedCost += e.Cost;
                }
            }

            Start = entries.Count > 0 ? start : (DateTimeOffset?)null;
            End = entries.Count > 0 ? end : (DateTimeOffset?)null;
        }

        /// <summary>Client id (for example <c>claude</c>).</summary>
        public string Client { get; }

        /// <summary>Full path of the log file.</summary>
        public string Path { get; }

        /// <summary>Session the file belongs to (sub-agent files belong to their parent session).</summary>
        public string SessionId { get; }

        /// <summary>Project the session ran in, as the client names it.</summary>
        public string Project { get; }

        /// <summary>Timestamp (UTC) of the first counted message.</summary>
        public DateTimeOffset? Start { get; }

        /// <summary>Timestamp (UTC) of the last counted message.</summary>
        public DateTimeOffset? End { get; }

        /// <summary>Distinct models of the counted messages, sorted.</summary>
        public NameList Models { get; }

        /// <summary>Number of counted (deduplicated) messages.</summary>
        public int Messages => Entries.Count;

        public long InputTokens { get; }

        public long OutputTokens { get; }

        public long CacheReadTokens { get; }

        public long CacheWriteTokens { get; }

        public long ReasoningTokens { get; }

        /// <summary>Sum of the five token buckets.</summary>
        public long TotalTokens => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens + ReasoningTokens;

        /// <summary>USD cost of the counted messages; messages of <see cref="UnpricedModels"/> contribute 0.</summary>
        public decimal Cost { get; }

        /// <summary>The part of <see cref="Cost"/> the log reported as billed by the provider (kept, not recalculated).</summary>
        public decimal ReportedCost { get; }

        /// <summary>Where <see cref="Cost"/> comes from: Calculated, Reported, Mixed, or None when nothing was priced.</summary>
        public CostSource CostSource { get; }

        /// <summary>Models of this file that have no price: their tokens are counted, their cost is not.</summary>
        public NameList UnpricedModels { get; }

        /// <summary>Lines that were damaged (not JSON, torn, wrong types) and skipped; -Verbose names them.</summary>
        public long SkippedLines { get; }

        /// <summary>
        /// True when these messages come from the usage store (Save-TokenUsage) because no log holds them any more: the
        /// agent deleted the log (Claude Code's <c>cleanupPeriodDays</c>) or it was moved. <see cref="Path"/> is the log
        /// they were saved from.
        /// </summary>
        public bool Archived { get; }

        /// <summary>
        /// The time zone the user chose for this run (-TimeZone of Get-TokenUsage), or null for the local zone.
        /// Measure-TokenUsage cuts days in it unless it is given a zone of its own. Set before the object is emitted.
        /// </summary>
        public string? TimeZone { get; internal set; }

        /// <summary>The same rows as <see cref="Entries"/>, unwrapped, for the fold's loop.</summary>
        internal IReadOnlyList<UsageEntry> EntryRows { get; }

        /// <summary>
        /// True when every message carries the dedup key Get-TokenUsage gave it (objects read back from CSV, JSON or
        /// Clixml lose them): only such objects can be kept in a store or the team database without counting twice.
        /// </summary>
        internal bool AllIdentified
        {
            get
            {
                foreach (var entry in EntryRows)
                {
                    if (!entry.HasKey)
                    {
                        return false;
                    }
                }

                return true;
            }
        }

        /// <summary>The counted messages, one row each.</summary>
        public IReadOnlyList<UsageEntry> Entries { get; }
    }
}
