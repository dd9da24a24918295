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
        private readonly Dictionary<ulong, (byte[] Utf8, string Value)> _entries = new Dictionary<ulong, (byte[], string)>();

        // The value returned last: consecutive lines mostly repeat it (one model per session), so most calls end here.
        private byte[] _lastUtf8 = Array.Empty<byte>();
        private string? _last;

        [MethodImpl(Jit.Optimized)]
        public string Get(ReadOnlySpan<byte> utf8)
        {
            if (_last != null && utf8.SequenceEqual(_lastUtf8))
            {
                return _last;
            }

            var hash = XxHash64.Hash(utf8, 0);
            if (_entries.TryGetValue(hash, out var hit) && utf8.SequenceEqual(hit.Utf8))
            {
                (_lastUtf8, _last) = hit;
                return hit.Value;
            }

            var bytes = utf8.ToArray();
            var value = Encoding.UTF8.GetString(bytes);
            if (_entries.Count < MaxEntries)
            {
                _entries[hash] = (bytes, value);
            }

            _lastUtf8 = bytes;
            _last = value;
            return value;
        }
    }
}
