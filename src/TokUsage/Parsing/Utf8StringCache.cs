using System;
using System.Collections.Generic;
using System.Text;
using TokUsage.Pipeline;

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

        public string Get(ReadOnlySpan<byte> utf8)
        {
            var hash = XxHash64.Hash(utf8, 0);
            if (_entries.TryGetValue(hash, out var hit) && utf8.SequenceEqual(hit.Utf8))
            {
                return hit.Value;
            }

            var value = Encoding.UTF8.GetString(utf8.ToArray());
            if (_entries.Count < MaxEntries)
            {
                _entries[hash] = (utf8.ToArray(), value);
            }

            return value;
        }
    }
}
