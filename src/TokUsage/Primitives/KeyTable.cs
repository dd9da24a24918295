using System;
using System.Runtime.CompilerServices;

namespace TokUsage.Primitives
{
    /// <summary>
    /// The one hash table of <see cref="MessageKey"/>s: the dedup gate's set of claimed keys (<see cref="Add"/>,
    /// <see cref="Contains"/>) and a reader's merge index from key to position (<see cref="TryAdd"/>). Open addressing
    /// with linear probing over one array of keys, filled up to 85 %: the keys are already uniform 128-bit hashes, so
    /// their low bits need no further mixing and probes stay short at that load. The all-zero key marks an empty slot;
    /// the real all-zero key, should it occur, is kept aside. A set costs 16 bytes a slot (16 MB at a million messages);
    /// a map allocates its int values beside the keys only when made with <c>withValues</c>.
    /// Why not <c>HashSet</c>/<c>Dictionary</c> over this struct: the framework has no precompiled code for such an
    /// instantiation, so in a short run every lookup would go through unoptimized tier-0 code, and a dictionary's
    /// entries take three times the memory; this one is compiled optimized on first use (<see cref="Jit.Optimized"/>).
    /// Not thread-safe; owned by one thread.
    /// </summary>
    internal sealed class KeyTable
    {
        private const double MaxLoad = 0.85;
        private MessageKey[] _keys;
        private int[]? _values;
        private int _mask;
        private int _limit;
        private bool _hasZero;
        private int _zeroValue;

        /// <summary>The most keys a table is sized for (2^30 slots, 16 GB): a larger capacity asked is taken as this.</summary>
        public const int MostKeys = (int)((1 << 30) * MaxLoad);

        public KeyTable(int capacity = 16, bool withValues = false)
        {
            var size = SlotsFor(capacity);
            _keys = new MessageKey[size];
            _values = withValues ? new int[size] : null;
            _mask = size - 1;
            _limit = (int)(size * MaxLoad);
        }

        public int Count { get; private set; }

        /// <summary>Keys that can still be added before the table grows.</summary>
        public int Room => _limit - Count;

        /// <summary>The table's slots (a power of two): its memory is 16 bytes each, more for a map.</summary>
        public int Slots => _keys.Length;

        private static int SlotsFor(int capacity)
        {
            capacity = Math.Min(capacity, MostKeys);
            var size = 16;
            while (size * MaxLoad < capacity)
            {
                size <<= 1;
            }

            return size;
        }

        /// <summary>
        /// Makes room for <paramref name="keys"/> keys in all, in one move of the keys held, when the table has less:
        /// a caller that knows how many keys are coming spares the table its doublings on the way, each of which leaves
        /// the array before it as garbage for a full collection (see <c>Pipeline.DedupGate.MakeRoom</c>).
        /// </summary>
        public void Reserve(int keys)
        {
            if (keys > _limit)
            {
                Resize(SlotsFor(keys));
            }
        }

        /// <summary>Empties the table and keeps its arrays, for a caller that fills one table per file (a reader's merge index).</summary>
        public void Clear()
        {
            Array.Clear(_keys, 0, _keys.Length);
            if (_values != null)
            {
                Array.Clear(_values, 0, _values.Length);
            }

            Count = 0;
            _hasZero = false;
            _zeroValue = 0;
        }

        /// <summary>
        /// An empty set for about <paramref name="capacity"/> keys whose memory is backed now, on the calling thread
        /// (<see cref="Backed"/>), instead of in the thread that later fills the table (see <c>Pipeline.GateTables</c>).
        /// </summary>
        public static KeyTable Prefaulted(int capacity)
        {
            var table = new KeyTable(capacity);
            Backed(table._keys);
            return table;
        }

        /// <summary>
        /// Writes one slot per page of a fresh array, so that the operating system maps each page for it by that write.
        /// Otherwise a page's first access is often a probe's read, which maps the shared zero page; the write that
        /// follows then faults again to replace it, and replacing a mapping interrupts every other processor running
        /// the process to flush its address cache (a cold run's growing tables: 7 % of the pipeline thread, 4k files).
        /// An empty slot stays empty.
        /// </summary>
        private static MessageKey[] Backed(MessageKey[] keys)
        {
            var slotsPerPage = Math.Max(1, Environment.SystemPageSize / Unsafe.SizeOf<MessageKey>());
            for (var i = 0; i < keys.Length; i += slotsPerPage)
            {
                keys[i] = default;
            }

            return keys;
        }

        /// <summary>Adds <paramref name="key"/>; false when it is already in the table.</summary>
        [MethodImpl(Jit.Inline)]
        public bool Add(MessageKey key) => TryAdd(key, 0, out _);

        /// <summary>
        /// Reads the slot where a probe for <paramref name="key"/> starts, so that a later <see cref="Add"/> or
        /// <see cref="Contains"/> of it finds the slot in the processor's cache: a caller that knows a batch of keys
        /// touches them all first, and their misses are served side by side instead of one after another. The returned
        /// word means nothing; the caller folds it into a value it keeps, so the read is not left out.
        /// </summary>
        [MethodImpl(Jit.Inline)]
        public ulong Touch(in MessageKey key) => _keys[HomeSlot(key, _mask)].A;

        /// <summary>Whether <paramref name="key"/> is in the table.</summary>
        [MethodImpl(Jit.Optimized)]
        public bool Contains(MessageKey key) => IsEmpty(key) ? _hasZero : !IsEmpty(_keys[SlotOf(_keys, _mask, key)]);

        /// <summary>
        /// Adds <paramref name="key"/> with <paramref name="value"/> (kept only by a table made with values); false, with
        /// the value already held in <paramref name="existing"/>, when the key is already there.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public bool TryAdd(MessageKey key, int value, out int existing)
        {
            if (IsEmpty(key))
            {
                existing = _zeroValue;
                if (_hasZero)
                {
                    return false;
                }

                _hasZero = true;
                _zeroValue = value;
                Count++;
                return true;
            }

            var slot = SlotOf(_keys, _mask, key);
            if (!IsEmpty(_keys[slot]))
            {
                existing = _values is null ? 0 : _values[slot];
                return false;
            }

            _keys[slot] = key;
            if (_values != null)
            {
                _values[slot] = value;
            }

            existing = 0;
            if (++Count > _limit)
            {
                Grow();
            }

            return true;
        }

        private static bool IsEmpty(MessageKey key) => key.A == 0 && key.B == 0;

        /// <summary>The slot a probe for <paramref name="key"/> starts at (linear probing goes on from there).</summary>
        [MethodImpl(Jit.Inline)]
        private static int HomeSlot(in MessageKey key, int mask) => (int)key.A & mask;

        /// <summary>The slot holding <paramref name="key"/>, or the empty slot where it belongs.</summary>
        [MethodImpl(Jit.Optimized)]
        private static int SlotOf(MessageKey[] keys, int mask, MessageKey key)
        {
            var slot = HomeSlot(key, mask);
            while (true)
            {
                var held = keys[slot];
                if ((held.A == key.A && held.B == key.B) || IsEmpty(held))
                {
                    return slot;
                }

                slot = (slot + 1) & mask;
            }
        }

        private void Grow() => Resize(_keys.Length * 2);

        [MethodImpl(Jit.Optimized)]
        private void Resize(int slots)
        {
            var oldKeys = _keys;
            var oldValues = _values;
            var keys = Backed(new MessageKey[slots]);
            var values = oldValues is null ? null : new int[keys.Length];
            var mask = keys.Length - 1;
            for (var i = 0; i < oldKeys.Length; i++)
            {
                if (IsEmpty(oldKeys[i]))
                {
                    continue;
                }

                var slot = SlotOf(keys, mask, oldKeys[i]);
                keys[slot] = oldKeys[i];
                if (values != null)
                {
                    values[slot] = oldValues![i];
                }
            }

            _keys = keys;
            _values = values;
            _mask = mask;
            _limit = (int)(keys.Length * MaxLoad);
        }
    }
}
