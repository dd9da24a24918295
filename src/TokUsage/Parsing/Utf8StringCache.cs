using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using TokUsage.Primitives;

namespace TokUsage.Parsing
{
    /// <summary>
    /// Turns repeated UTF-8 values (model names, session ids) into shared strings without allocating per occurrence.
    /// Owned by one parser thread; bounded so adversarial input cannot grow it without limit.
    /// </summary>
    internal sealed class Utf8StringCache
    {
        private const int MaxEntries = 4096;
        private const int Slots = 256; // a power of two
        private readonly Dictionary<ulong, (byte[] Utf8, string Value)> _entries = new Dictionary<ulong, (byte[], string)>();

        // The values met most recently, by the low bits of their hash: the few a log repeats (event types, models) are
        // found here by the module's own optimised code, before the dictionary, whose lookups a fresh process runs
        // instrumented for most of a cold run.
        private readonly byte[]?[] _slotUtf8 = new byte[Slots][];
        private readonly string?[] _slotValue = new string[Slots];

        // The value returned last: consecutive lines mostly repeat it (one model per session), so most calls end here.
        private byte[] _lastUtf8 = Array.Empty<byte>();
        private string? _last;

        [MethodImpl(Jit.Optimized)]
        public string Get(ReadOnlySpan<byte> utf8)
        {
            if (_last != null && ByteSearch.Equal(utf8, _lastUtf8))
            {
                return _last;
            }

            var hash = XxHash64.Hash(utf8, 0);
            var slot = (int)(hash & (Slots - 1));
            if (_slotUtf8[slot] is { } recent && ByteSearch.Equal(utf8, recent))
            {
                return Remember(slot, recent, _slotValue[slot]!);
            }

            if (_entries.TryGetValue(hash, out var hit) && ByteSearch.Equal(utf8, hit.Utf8))
            {
                return Remember(slot, hit.Utf8, hit.Value);
            }

            var bytes = utf8.ToArray();
            var value = Encoding.UTF8.GetString(bytes);
            if (_entries.Count < MaxEntries)
            {
                _entries[hash] = (bytes, value);
            }

            return Remember(slot, bytes, value);
        }

        [MethodImpl(Jit.Inline)]
        private string Remember(int slot, byte[] utf8, string value)
        {
            _slotUtf8[slot] = utf8;
            _slotValue[slot] = value;
            _lastUtf8 = utf8;
            _last = value;
            return value;
        }
    }
}
