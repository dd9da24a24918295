using System.Runtime.CompilerServices;
using TokUsage.Primitives;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// The dedup gate's set of claimed <see cref="MessageKey"/>s: open addressing over one array of keys, 16 bytes a
    /// slot, filled up to 85 % (linear probing stays short at that load because the keys are already uniform 128-bit
    /// hashes). The all-zero key marks an empty slot; the real all-zero key, should it ever occur, is kept aside. At a
    /// million messages that is 16 MB (and 24 MB while growing), where a map with values and flags at half load took
    /// three times as much. Not thread-safe; owned by the pipeline thread.
    /// </summary>
    internal sealed class KeySet
    {
        private MessageKey[] _keys;
        private int _mask;
        private int _limit;
        private bool _hasZero;

        public KeySet(int capacity = 1024)
        {
            var size = 16;
            while (size * 0.85 < capacity)
            {
                size <<= 1;
            }

            _keys = new MessageKey[size];
            _mask = size - 1;
            _limit = (int)(size * 0.85);
        }

        public int Count { get; private set; }

        /// <summary>Adds <paramref name="key"/>; false when it is already in the set.</summary>
        [MethodImpl(Jit.Optimized)]
        public bool Add(MessageKey key)
        {
            if (key.A == 0 && key.B == 0)
            {
                if (_hasZero)
                {
                    return false;
                }

                _hasZero = true;
                Count++;
                return true;
            }

            var keys = _keys;
            var slot = (int)key.A & _mask;
            while (true)
            {
                var held = keys[slot];
                if (held.A == key.A && held.B == key.B)
                {
                    return false;
                }

                if (held.A == 0 && held.B == 0)
                {
                    break;
                }

                slot = (slot + 1) & _mask;
            }

            keys[slot] = key;
            if (++Count > _limit)
            {
                Grow();
            }

            return true;
        }

        /// <summary>Whether <paramref name="key"/> is in the set.</summary>
        [MethodImpl(Jit.Optimized)]
        public bool Contains(MessageKey key)
        {
            if (key.A == 0 && key.B == 0)
            {
                return _hasZero;
            }

            var keys = _keys;
            var slot = (int)key.A & _mask;
            while (true)
            {
                var held = keys[slot];
                if (held.A == key.A && held.B == key.B)
                {
                    return true;
                }

                if (held.A == 0 && held.B == 0)
                {
                    return false;
                }

                slot = (slot + 1) & _mask;
            }
        }

        [MethodImpl(Jit.Optimized)]
        private void Grow()
        {
            var old = _keys;
            var keys = new MessageKey[old.Length * 2];
            var mask = keys.Length - 1;
            foreach (var key in old)
            {
                if (key.A == 0 && key.B == 0)
                {
                    continue;
                }

                var slot = (int)key.A & mask;
                while (keys[slot].A != 0 || keys[slot].B != 0)
                {
                    slot = (slot + 1) & mask;
                }

                keys[slot] = key;
            }

            _keys = keys;
            _mask = mask;
            _limit = (int)(keys.Length * 0.85);
        }
    }
}
