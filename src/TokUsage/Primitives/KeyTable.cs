using System.Runtime.CompilerServices;

namespace TokUsage.Primitives
{
    /// <summary>
    /// An open-addressing map from <see cref="MessageKey"/> to an int (a reader's merge index: key → position).
    /// Why not <c>Dictionary&lt;MessageKey, int&gt;</c>: the framework has no precompiled code for an instantiation over
    /// this struct, so in a short run every lookup would go through unoptimized tier-0 code; this one is compiled
    /// optimized on first use (<see cref="Jit.Optimized"/>). The keys are already well-mixed 128-bit hashes, so
    /// linear probing on their low bits needs no further mixing. Not thread-safe; owned by one thread.
    /// </summary>
    internal sealed class KeyTable
    {
        private MessageKey[] _keys;
        private int[] _values;
        private bool[] _used;
        private int _mask;

        public KeyTable(int capacity = 16)
        {
            var size = 16;
            while (size < capacity * 2)
            {
                size <<= 1;
            }

            _keys = new MessageKey[size];
            _values = new int[size];
            _used = new bool[size];
            _mask = size - 1;
        }

        public int Count { get; private set; }

        /// <summary>Adds <paramref name="key"/> with <paramref name="value"/>; false (and <paramref name="existing"/> set) when it is already there.</summary>
        [MethodImpl(Jit.Optimized)]
        public bool TryAdd(MessageKey key, int value, out int existing)
        {
            var slot = (int)key.A & _mask;
            while (_used[slot])
            {
                if (_keys[slot].A == key.A && _keys[slot].B == key.B)
                {
                    existing = _values[slot];
                    return false;
                }

                slot = (slot + 1) & _mask;
            }

            _used[slot] = true;
            _keys[slot] = key;
            _values[slot] = value;
            existing = 0;
            if (++Count * 2 > _keys.Length)
            {
                Grow();
            }

            return true;
        }

        [MethodImpl(Jit.Optimized)]
        private void Grow()
        {
            var keys = _keys;
            var values = _values;
            var used = _used;
            _keys = new MessageKey[keys.Length * 2];
            _values = new int[keys.Length * 2];
            _used = new bool[keys.Length * 2];
            _mask = _keys.Length - 1;
            Count = 0;
            for (var i = 0; i < keys.Length; i++)
            {
                if (used[i])
                {
                    TryAdd(keys[i], values[i], out _);
                }
            }
        }
    }
}
