using System;
using System.Collections.Generic;
using System.Linq;
using TokUsage.Model;
using TokUsage.Pricing;

namespace TokUsage.Aggregation
{
    /// <summary>
    /// Billing blocks (ccusage's <c>blocks</c>): a block starts at the UTC hour of the first message not in an earlier
    /// block and lasts <c>length</c>; a message at or after its end, or one more than <c>length</c> after the message
    /// before it, starts the next. Messages arrive in file order, not time order, so they are summed per UTC hour first —
    /// a block starts and ends on an hour and a gap longer than a block cannot fall inside an hour, so hours hold
    /// everything the blocks need — and the blocks are cut when the rows are asked for. Memory is one accumulator per
    /// hour with usage. Hours are UTC, so daylight-saving changes move no block; the time zone only labels them.
    /// Single-threaded: the pipeline thread.
    /// </summary>
    internal sealed class BlockFold : IUsageFold
    {
        /// <summary>Per family (one family, "", unless windows are per model family): its hours with usage.</summary>
        private readonly SortedDictionary<string, SortedDictionary<long, UsageAccumulator>> _families =
            new SortedDictionary<string, SortedDictionary<long, UsageAccumulator>>(StringComparer.Ordinal);
        private readonly TimeSpan _length;
        private readonly TimeZoneInfo _zone;
        private readonly bool _breakdown;
        private readonly ActivityOptions? _activity;
        private readonly bool _perFamily;
        private string? _lastModel;
        private SortedDictionary<long, UsageAccumulator>? _lastHours;

        /// <param name="perFamily">Cut each model family's windows on their own (<see cref="ModelNames.FamilyOf"/>), as weekly limits count.</param>
        public BlockFold(TimeSpan length, TimeZoneInfo zone, bool breakdown, ActivityOptions? activity = null, bool perFamily = false)
        {
            _activity = activity;
            _length = length;
            _zone = zone;
            _breakdown = breakdown;
            _perFamily = perFamily;
        }

        public void Add(in FoldSource source, MessageRows rows)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                Add(source, FoldInputs.EntryOf(rows, i));
            }
        }

        public void Add(in FoldSource source, IEnumerable<FoldEntry> entries)
        {
            foreach (var entry in entries)
            {
                Add(source, entry);
            }
        }

        public void Add(in FoldSource source, in FoldEntry entry)
        {
            var hours = HoursOf(entry.Model);
            var hour = entry.Timestamp.UtcTicks / TimeSpan.TicksPerHour;
            if (!hours.TryGetValue(hour, out var totals))
            {
                totals = new UsageAccumulator(_activity);
                hours.Add(hour, totals);
            }

            totals.Add(source, entry);
        }

        private SortedDictionary<long, UsageAccumulator> HoursOf(string model)
        {
            if (_lastHours != null && (!_perFamily || ReferenceEquals(model, _lastModel)))
            {
                return _lastHours;
            }

            var family = _perFamily ? ModelNames.FamilyOf(model) : string.Empty;
            if (!_families.TryGetValue(family, out var hours))
            {
                hours = new SortedDictionary<long, UsageAccumulator>();
                _families.Add(family, hours);
            }

            _lastModel = model;
            _lastHours = hours;
            return hours;
        }

        /// <summary>
        /// The blocks in time order with the gaps between them (per family, families in ordinal order), then (when
        /// <paramref name="withTotal"/>) a total row of all blocks. <paramref name="now"/> decides the active block;
        /// <paramref name="limit"/> is a token count, or -1 for the most tokens of a past block of the same family
        /// (<c>-TokenLimit max</c>), or null.
        /// </summary>
        public IEnumerable<BlockSummary> Results(bool withTotal, DateTimeOffset now, long? limit)
        {
            var rows = new List<BlockSummary>();
            var total = new UsageAccumulator(_activity);
            DateTimeOffset? first = null, last = null;
            foreach (var family in _families)
            {
                var blocks = Cut(family.Value);
                bool Active((DateTimeOffset Start, UsageAccumulator Totals) b) => now >= b.Start && now < b.Start + _length && now - b.Totals.Last!.Value < _length;
                var effectiveLimit = limit == -1
                    ? blocks.Where(b => !Active(b)).Select(b => (long?)b.Totals.Tokens.Total).DefaultIfEmpty(null).Max()
                    : limit;
                var familyName = _perFamily ? family.Key : null;
                for (var i = 0; i < blocks.Count; i++)
                {
                    var (start, totals) = blocks[i];
                    if (i > 0 && start > blocks[i - 1].Start + _length)
                    {
                        var gapStart = blocks[i - 1].Start + _length;
                        var hours = (start - gapStart).TotalHours;
                        var gap = new BlockSpan($"(gap {hours.ToString("0", System.Globalization.CultureInfo.InvariantCulture)}h)", Local(gapStart), Local(start)) { IsGap = true, Family = familyName };
                        rows.Add(new BlockSummary(gap, new UsageAccumulator(), _breakdown, _zone.Id));
                    }

                    rows.Add(new BlockSummary(Span(start, totals, Active(blocks[i]), now, effectiveLimit, familyName), totals, _breakdown, _zone.Id));
                    total.MergeFrom(totals);
                    first = first is null || start < first ? start : first;
                    last = last is null || start > last ? start : last;
                }
            }

            if (withTotal && first != null)
            {
                var span = new BlockSpan(UsageFold.TotalLabel, Local(first.Value), Local(last!.Value + _length));
                rows.Add(new BlockSummary(span, total, _breakdown, _zone.Id, isTotal: true));
            }

            return rows;
        }

        /// <summary>
        /// One family's blocks: a block starts at the hour of the first message not in an earlier block; a message at or
        /// after its end, or more than a block's length after the message before it, starts the next.
        /// </summary>
        private List<(DateTimeOffset Start, UsageAccumulator Totals)> Cut(SortedDictionary<long, UsageAccumulator> hours)
        {
            var blocks = new List<(DateTimeOffset Start, UsageAccumulator Totals)>();
            foreach (var hour in hours)
            {
                var first = hour.Value.First!.Value;
                if (blocks.Count == 0 || first >= blocks[blocks.Count - 1].Start + _length || first - blocks[blocks.Count - 1].Totals.Last!.Value > _length)
                {
                    blocks.Add((new DateTimeOffset(hour.Key * TimeSpan.TicksPerHour, TimeSpan.Zero), new UsageAccumulator(_activity)));
                }

                blocks[blocks.Count - 1].Totals.MergeFrom(hour.Value);
            }

            return blocks;
        }

        private BlockSpan Span(DateTimeOffset start, UsageAccumulator totals, bool active, DateTimeOffset now, long? limit, string? family)
        {
            var local = Local(start);
            var span = new BlockSpan(local.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), local, Local(start + _length)) { IsActive = active, Family = family };
            var minutes = (decimal)(totals.Last!.Value - totals.First!.Value).TotalMinutes;
            if (minutes >= 1)
            {
                span.TokensPerMinute = Math.Round(totals.Tokens.Total / minutes, 2);
                span.CostPerHour = Math.Round(totals.Cost / minutes * 60, 4);
            }

            long tokens = totals.Tokens.Total;
            if (active)
            {
                span.Elapsed = now - start;
                span.Remaining = start + _length - now;
                var left = (decimal)span.Remaining.Value.TotalMinutes;
                span.ProjectedTokens = span.TokensPerMinute is { } rate ? tokens + (long)Math.Round(rate * left) : tokens;
                span.ProjectedCost = span.CostPerHour is { } perHour ? totals.Cost + Math.Round(perHour * left / 60, 4) : totals.Cost;
                tokens = span.ProjectedTokens.Value;
            }

            if (limit is { } l && l > 0)
            {
                span.TokenLimit = l;
                span.PercentOfLimit = Math.Round(100m * tokens / l, 1);
                span.Status = span.PercentOfLimit > 100 ? "Exceeds" : span.PercentOfLimit >= 80 ? "Warning" : "Ok";
            }

            return span;
        }

        private DateTimeOffset Local(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, _zone);
    }

    /// <summary>A fold Measure-TokenUsage feeds one input object at a time (the pipeline thread).</summary>
    internal interface IUsageFold
    {
        /// <summary>A typed file's messages.</summary>
        void Add(in FoldSource source, MessageRows rows);

        /// <summary>An adapted property bag's messages.</summary>
        void Add(in FoldSource source, IEnumerable<FoldEntry> entries);
    }

    /// <summary>What a block row says beyond its totals (filled by <see cref="BlockFold"/>).</summary>
    internal sealed class BlockSpan
    {
        public BlockSpan(string label, DateTimeOffset start, DateTimeOffset end)
        {
            Label = label;
            Start = start;
            End = end;
        }

        public string Label { get; }

        public DateTimeOffset Start { get; }

        public DateTimeOffset End { get; }

        public bool IsGap { get; set; }

        public bool IsActive { get; set; }

        /// <summary>The model family of a per-family window (weekly limits), else null.</summary>
        public string? Family { get; set; }

        public TimeSpan? Elapsed { get; set; }

        public TimeSpan? Remaining { get; set; }

        public decimal? TokensPerMinute { get; set; }

        public decimal? CostPerHour { get; set; }

        public long? ProjectedTokens { get; set; }

        public decimal? ProjectedCost { get; set; }

        public long? TokenLimit { get; set; }

        public decimal? PercentOfLimit { get; set; }

        public string? Status { get; set; }
    }
}
