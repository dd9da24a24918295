using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;

namespace TokUsage.Model
{
    /// <summary>
    /// What the messages of one kind in a file share: the model as the client logged it, fast mode, the markup on the
    /// table price, and where the cost comes from. A file's messages mostly share one or two kinds, so a row points at
    /// its kind by index instead of carrying them. Immutable; shared between files that copy rows.
    /// </summary>
    internal sealed class RowKind
    {
        public RowKind(string model, bool fast, decimal markup, CostSource costSource, bool priced, bool listed)
        {
            Model = model;
            Fast = fast;
            Markup = markup;
            CostSource = costSource;
            Priced = priced;
            Listed = listed;
        }

        public string Model { get; }

        public bool Fast { get; }

        public decimal Markup { get; }

        public CostSource CostSource { get; }

        /// <summary>False when the model has no price: its cost is 0 and it is named among the file's unpriced models.</summary>
        public bool Priced { get; }

        /// <summary>False for a placeholder that is no model (Claude Code's <c>&lt;synthetic&gt;</c>): left out of the file's models.</summary>
        public bool Listed { get; }

        [MethodImpl(Jit.Inline)]
        public bool Matches(string model, bool fast, decimal markup, CostSource costSource) =>
            Fast == fast && CostSource == costSource && Markup == markup && (ReferenceEquals(Model, model) || string.Equals(Model, model, StringComparison.Ordinal));
    }

    /// <summary>What a row knows about its identity.</summary>
    [Flags]
    internal enum RowFlags : byte
    {
        None = 0,

        /// <summary>The client gave the message an identity (<see cref="MessageRow.Key"/> before the gate).</summary>
        HasKey = 1,

        /// <summary>Claude Code: <see cref="MessageRow.Response"/> is the API response the line reports.</summary>
        ResponseKnown = 2,

        /// <summary>Claude Code: the line is a side-chain line (sub-agent, <c>/btw</c>).</summary>
        Sidechain = 4,

        /// <summary>
        /// <see cref="MessageRow.Key"/> is the identity the dedup gate claimed the message under (what the usage store and
        /// the team database are keyed by), set on the pipeline thread before the row is emitted.
        /// </summary>
        Identified = 8,
    }

    /// <summary>
    /// The sums of one kind's messages in a file (<see cref="MessageRows.ByKind"/>): what the file's own totals are made of,
    /// and what a fold adds at once for a file whose messages all fall in one of its rows.
    /// </summary>
    internal struct KindTotals
    {
        public long Messages;
        public TokenCounts Tokens;
        public decimal Cost;

        /// <summary>UTC ticks of the kind's earliest message (when it has any).</summary>
        public long FirstTicks;

        /// <summary>UTC ticks of the kind's latest message (when it has any).</summary>
        public long LastTicks;
    }

    /// <summary>
    /// One counted message, packed (120 bytes, no object of its own): its time, counts, cost and identities. What the
    /// per-file cache, the readers and the dedup gate hand on, and what a <see cref="UsageFile"/> keeps;
    /// <see cref="UsageEntry"/> objects are made from rows only when a consumer reads <c>Entries</c>.
    /// </summary>
    internal struct MessageRow
    {
        /// <summary>UTC ticks of the message's time.</summary>
        public long Ticks;

        public TokenCounts Tokens;

        public decimal Cost;

        /// <summary>The client's identity of the message (with <see cref="RowFlags.HasKey"/>); after the gate, the key it was claimed under.</summary>
        public MessageKey Key;

        /// <summary>Claude Code's response identity (with <see cref="RowFlags.ResponseKnown"/>).</summary>
        public MessageKey Response;

        /// <summary>Index of the row's <see cref="RowKind"/> in its <see cref="MessageRows"/>.</summary>
        public int Kind;

        /// <summary>0: the file's own session; else the session of a multi-session source it belongs to (its order + 1).</summary>
        public int Part;

        public RowFlags Flags;

        public readonly DateTimeOffset Timestamp
        {
            [MethodImpl(Jit.Inline)]
            get => new DateTimeOffset(Ticks, TimeSpan.Zero);
        }

        public readonly bool HasKey => (Flags & RowFlags.HasKey) != 0;

        /// <summary>Gives the row the identity its client logged (<see cref="RowFlags.HasKey"/>), when there is one.</summary>
        [MethodImpl(Jit.Inline)]
        public void SetClientKey(bool hasKey, in MessageKey key)
        {
            if (hasKey)
            {
                Key = key;
                Flags |= RowFlags.HasKey;
            }
        }
    }

    /// <summary>
    /// The messages of one file (or session) as packed rows and their kinds: one array per file instead of an object per
    /// message. Filled by one thread (a reader, then the pipeline thread, which it is handed to); read-only once a
    /// <see cref="UsageFile"/> owns it, and then safe to read from any thread.
    /// </summary>
    internal sealed class MessageRows
    {
        private MessageRow[] _rows;
        private readonly List<RowKind> _kinds = new List<RowKind>(2);
        private int _lastKind = -1;
        private KindTotals[]? _byKind;

        public MessageRows(int capacity = 0) => _rows = capacity > 0 ? new MessageRow[capacity] : Array.Empty<MessageRow>();

        public int Count { get; private set; }

        /// <summary>The row at <paramref name="index"/> (below <see cref="Count"/>), by reference.</summary>
        public ref MessageRow this[int index]
        {
            [MethodImpl(Jit.Inline)]
            get
            {
                if ((uint)index >= (uint)Count)
                {
                    throw new ArgumentOutOfRangeException(nameof(index));
                }

                return ref _rows[index];
            }
        }

        [MethodImpl(Jit.Inline)]
        public RowKind KindOf(in MessageRow row) => _kinds[row.Kind];

        /// <summary>The kind at <paramref name="index"/> (an index of <see cref="ByKind"/>).</summary>
        public RowKind KindAt(int index) => _kinds[index];

        /// <summary>
        /// The rows' sums by kind, indexed like the kinds (a kind no row uses any more has no messages): summed on first
        /// read, then kept (the worker that read the file reads them first). Adding or dropping rows forgets the sums; a
        /// row's time, counts, cost or kind changed in place after the first read would not be seen (the dedup gate
        /// changes only a row's key and flags in place).
        /// </summary>
        public KindTotals[] ByKind => _byKind ??= SumByKind();

        /// <summary>The earliest and latest time of the rows (UTC ticks), from their sums by kind; false when there are none.</summary>
        public bool TrySpan(out long firstTicks, out long lastTicks)
        {
            firstTicks = long.MaxValue;
            lastTicks = long.MinValue;
            foreach (var sum in ByKind)
            {
                if (sum.Messages > 0)
                {
                    firstTicks = Math.Min(firstTicks, sum.FirstTicks);
                    lastTicks = Math.Max(lastTicks, sum.LastTicks);
                }
            }

            return firstTicks <= lastTicks;
        }

        /// <summary>Whether the rows are in time order (equal times allowed).</summary>
        public bool InTimeOrder()
        {
            for (var i = 1; i < Count; i++)
            {
                if (_rows[i].Ticks < _rows[i - 1].Ticks)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The cost the agent logged for a row as the provider's bill, or null when it was computed from prices.</summary>
        public decimal? ReportedCostOf(in MessageRow row) => KindOf(row).CostSource == CostSource.Reported ? row.Cost : (decimal?)null;

        /// <summary>Makes room for <paramref name="capacity"/> rows in all.</summary>
        [MethodImpl(Jit.Optimized)]
        public void EnsureCapacity(int capacity)
        {
            if (capacity > _rows.Length)
            {
                Array.Resize(ref _rows, capacity);
            }
        }

        /// <summary>The index of the kind with these fields, added on first use (with <paramref name="priced"/> and <paramref name="listed"/>).</summary>
        [MethodImpl(Jit.Optimized)]
        public int Kind(string model, bool fast, decimal markup, CostSource costSource, bool priced, bool listed)
        {
            var index = IndexOfKind(model, fast, markup, costSource);
            return index >= 0 ? index : AddKind(new RowKind(model, fast, markup, costSource, priced, listed));
        }

        /// <summary>The index here of <paramref name="kind"/> (another file's), shared, added on first use.</summary>
        public int Kind(RowKind kind)
        {
            var index = IndexOfKind(kind.Model, kind.Fast, kind.Markup, kind.CostSource);
            return index >= 0 ? index : AddKind(kind);
        }

        /// <summary>The index of the kind with these fields, the last one found asked first; -1 when there is none.</summary>
        [MethodImpl(Jit.Inline)]
        private int IndexOfKind(string model, bool fast, decimal markup, CostSource costSource)
        {
            if (_lastKind >= 0 && _kinds[_lastKind].Matches(model, fast, markup, costSource))
            {
                return _lastKind;
            }

            for (var i = 0; i < _kinds.Count; i++)
            {
                if (_kinds[i].Matches(model, fast, markup, costSource))
                {
                    return _lastKind = i;
                }
            }

            return -1;
        }

        private int AddKind(RowKind kind)
        {
            _kinds.Add(kind);
            return _lastKind = _kinds.Count - 1;
        }

        /// <summary>Appends <paramref name="row"/>, whose <see cref="MessageRow.Kind"/> is an index from <see cref="Kind(string, bool, decimal, CostSource, bool, bool)"/>.</summary>
        [MethodImpl(Jit.Inline)]
        public void Add(in MessageRow row)
        {
            if (Count == _rows.Length)
            {
                Array.Resize(ref _rows, Math.Max(4, _rows.Length * 2));
            }

            _rows[Count++] = row;
            _byKind = null;
        }

        /// <summary>Appends row <paramref name="index"/> of <paramref name="source"/> (another file's), with its kind.</summary>
        public void AddFrom(MessageRows source, int index)
        {
            var row = source[index];
            row.Kind = Kind(source._kinds[row.Kind]);
            Add(row);
        }

        /// <summary>
        /// Keeps the first <paramref name="count"/> rows (after the caller moved the ones it keeps to the front). Keeping
        /// them all keeps the sums by kind made before (<see cref="ByKind"/>): a caller that keeps every row has moved none.
        /// </summary>
        public void Truncate(int count)
        {
            if ((uint)count > (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }

            if (count != Count)
            {
                Count = count;
                _byKind = null;
            }
        }

        public void Clear()
        {
            Count = 0;
            _byKind = null;
        }

        private KindTotals[] SumByKind()
        {
            var sums = new KindTotals[_kinds.Count];
            SumByKind(0, Count - 1, sums);
            return sums;
        }

        /// <summary>
        /// Sums rows <paramref name="first"/> to <paramref name="last"/> (inclusive) by kind into <paramref name="sums"/>
        /// (indexed like the kinds, at least as long; cleared first): the one rule for a file's sums and a part of its rows'.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public void SumByKind(int first, int last, KindTotals[] sums)
        {
            Array.Clear(sums, 0, sums.Length);
            for (var i = first; i <= last; i++)
            {
                ref var row = ref this[i];
                ref var sum = ref sums[row.Kind];
                if (sum.Messages++ == 0)
                {
                    sum.FirstTicks = sum.LastTicks = row.Ticks;
                }
                else if (row.Ticks < sum.FirstTicks)
                {
                    sum.FirstTicks = row.Ticks;
                }
                else if (row.Ticks > sum.LastTicks)
                {
                    sum.LastTicks = row.Ticks;
                }

                sum.Tokens.Add(row.Tokens);
                sum.Cost += row.Cost;
            }
        }

        /// <summary>Orders the rows by time, stably (equal times keep their order), unless they already are.</summary>
        public void SortByTime()
        {
            if (InTimeOrder())
            {
                return;
            }

            var order = new (long Ticks, int Index)[Count];
            for (var i = 0; i < Count; i++)
            {
                order[i] = (_rows[i].Ticks, i);
            }

            Array.Sort(order);
            var rows = new MessageRow[Count];
            for (var i = 0; i < Count; i++)
            {
                rows[i] = _rows[order[i].Index];
            }

            _rows = rows;
        }

        /// <summary>
        /// The distinct models of the rows, sorted: those named among a file's models (<see cref="RowKind.Listed"/>) and
        /// those that have no price, from the sums by kind (<see cref="ByKind"/>). Once per file: no delegate, no list.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public void Models(out string[] listed, out string[] unpriced)
        {
            var byKind = ByKind;
            string[]? listedNames = null;
            string[]? unpricedNames = null;
            int listedCount = 0, unpricedCount = 0;
            for (var k = 0; k < byKind.Length; k++)
            {
                if (byKind[k].Messages == 0)
                {
                    continue;
                }

                var kind = _kinds[k];
                if (kind.Listed)
                {
                    AddName(ref listedNames, ref listedCount, kind.Model, byKind.Length);
                }

                if (!kind.Priced)
                {
                    AddName(ref unpricedNames, ref unpricedCount, kind.Model, byKind.Length);
                }
            }

            listed = Sorted(listedNames, listedCount);
            unpriced = Sorted(unpricedNames, unpricedCount);
        }

        private static void AddName(ref string[]? names, ref int count, string name, int capacity)
        {
            for (var i = 0; i < count; i++)
            {
                if (string.Equals(names![i], name, StringComparison.Ordinal))
                {
                    return;
                }
            }

            (names ??= new string[capacity])[count++] = name;
        }

        private static string[] Sorted(string[]? names, int count)
        {
            if (names is null)
            {
                return Array.Empty<string>();
            }

            if (count < names.Length)
            {
                Array.Resize(ref names, count);
            }

            if (count > 1)
            {
                Array.Sort(names, StringComparer.Ordinal);
            }

            return names;
        }

        /// <summary>Row <paramref name="index"/> as the public message object (made on demand; see <see cref="UsageFile.Entries"/>).</summary>
        public UsageEntry ToEntry(int index)
        {
            ref var row = ref this[index];
            var kind = _kinds[row.Kind];
            return new UsageEntry(row.Timestamp, kind.Model, row.Tokens, row.Cost, kind.CostSource);
        }
    }
}
