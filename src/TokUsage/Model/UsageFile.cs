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
        /// <param name="rows">The file's counted messages, in time order, identified; owned by the file from now on.</param>
        [MethodImpl(Jit.Optimized)]
        internal UsageFile(string client, string path, string sessionId, string project, MessageRows rows, long skippedLines, bool archived = false)
        {
            Archived = archived;
            Client = client;
            Path = path;
            SessionId = sessionId;
            Project = project;
            Rows = rows;
            Entries = new ItemList<UsageEntry>(new EntryList(rows), list => list.Count == 1 ? "1 message" : $"{list.Count} messages");
            rows.Models(out var listed, out var unpriced);
            Models = new NameList(listed);
            UnpricedModels = new NameList(unpriced);
            SkippedLines = skippedLines;

            var tokens = default(TokenCounts);
            var byKind = rows.ByKind;
            for (var k = 0; k < byKind.Length; k++)
            {
                ref readonly var sum = ref byKind[k];
                if (sum.Messages == 0)
                {
                    continue;
                }

                var kind = rows.KindAt(k);
                tokens.Add(sum.Tokens);
                Cost += sum.Cost;
                CostSource = CostSources.Combine(CostSource, kind.CostSource);
                if (kind.CostSource == CostSource.Reported)
                {
                    ReportedCost += sum.Cost;
                }
            }

            InputTokens = tokens.Input;
            OutputTokens = tokens.Output;
            CacheReadTokens = tokens.CacheRead;
            CacheWriteTokens = tokens.CacheWrite;
            ReasoningTokens = tokens.Reasoning;
            if (rows.TrySpan(out var start, out var end))
            {
                Start = new DateTimeOffset(start, TimeSpan.Zero);
                End = new DateTimeOffset(end, TimeSpan.Zero);
            }
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
        public int Messages => Rows.Count;

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

        /// <summary>The counted messages as packed rows: what folds, the usage store and the team database read.</summary>
        internal MessageRows Rows { get; }

        /// <summary>
        /// True when every message carries the dedup key Get-TokenUsage claimed it under: only such objects can be kept in
        /// a store or the team database without counting twice.
        /// </summary>
        internal bool AllIdentified
        {
            get
            {
                for (var i = 0; i < Rows.Count; i++)
                {
                    if ((Rows[i].Flags & RowFlags.Identified) == 0)
                    {
                        return false;
                    }
                }

                return true;
            }
        }

        /// <summary>
        /// The counted messages, one object each, in time order. Made from the packed rows when first read (folds and
        /// totals do not need them), then kept: reading them twice gives the same objects.
        /// </summary>
        public IReadOnlyList<UsageEntry> Entries { get; }
    }
}
