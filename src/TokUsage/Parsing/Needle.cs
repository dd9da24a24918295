using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using TokUsage.Primitives;

namespace TokUsage.Parsing
{
    /// <summary>
    /// A byte string the line readers look for in every line before parsing it (<c>"usage"</c>, Codex's event names).
    /// Blocks of a line are tested for two of its bytes at once and only those candidates are compared whole; the two are
    /// chosen once, as the needle's rarest in JSON logs, because a common pair makes every block a candidate (a quoted
    /// name starts and ends with a quote: in generated transcripts, <c>"…"</c> six bytes apart occurs 6.5 times as often
    /// as <c>"usage"</c> itself, <c>u…g</c> 1.5 times). Vectorized with <see cref="Vector{T}"/> and compiled optimised on
    /// first call, for the reason <see cref="ByteSearch"/> gives. Immutable; thread-safe.
    /// </summary>
    internal sealed class Needle
    {
        /// <summary>Bytes of JSON logs, most common first (English text, JSON punctuation, identifiers); any other is rarer.</summary>
        private const string Common = " e\"taoinsr:,ldchu_m-pfg0y1b2.wv/k";

        private readonly byte[] _bytes;
        private readonly int _first;
        private readonly int _second;

        public Needle(string text)
        {
            _bytes = Encoding.UTF8.GetBytes(text);
            if (_bytes.Length == 0)
            {
                throw new ArgumentException("A needle has at least one byte.", nameof(text));
            }

            // The two rarest positions (the earlier on a tie), in order; one position for a one-byte needle.
            var rarest = 0;
            for (var i = 1; i < _bytes.Length; i++)
            {
                rarest = Rank(_bytes[i]) > Rank(_bytes[rarest]) ? i : rarest;
            }

            var next = rarest == 0 ? Math.Min(1, _bytes.Length - 1) : 0;
            for (var i = 0; i < _bytes.Length; i++)
            {
                next = i != rarest && Rank(_bytes[i]) > Rank(_bytes[next]) ? i : next;
            }

            _first = Math.Min(rarest, next);
            _second = Math.Max(rarest, next);
        }

        /// <summary>Whether <paramref name="span"/> holds the needle.</summary>
        [MethodImpl(Jit.Optimized)]
        public bool IsIn(ReadOnlySpan<byte> span)
        {
            ReadOnlySpan<byte> needle = _bytes;
            var length = needle.Length;
            var i = 0;
            if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian)
            {
                var first = new Vector<byte>(needle[_first]);
                var second = new Vector<byte>(needle[_second]);
                ref var origin = ref MemoryMarshal.GetReference(span);
                for (var end = span.Length - length - Vector<byte>.Count + 1; i <= end; i += Vector<byte>.Count)
                {
                    var candidates = Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i + _first)), first)
                        & Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i + _second)), second);
                    if (candidates == Vector<byte>.Zero)
                    {
                        continue;
                    }

                    var lanes = Vector.AsVectorUInt64(candidates);
                    for (var k = 0; k < Vector<ulong>.Count; k++)
                    {
                        for (var lane = lanes[k]; lane != 0;)
                        {
                            var at = ByteSearch.LowestByte(lane);
                            if (ByteSearch.Equal(span.Slice(i + (k * 8) + at, length), needle))
                            {
                                return true;
                            }

                            lane &= ~(0xFFUL << (at * 8));
                        }
                    }
                }
            }

            for (; i + length <= span.Length; i++)
            {
                if (span[i + _first] == needle[_first] && ByteSearch.Equal(span.Slice(i, length), needle))
                {
                    return true;
                }
            }

            return false;
        }

        private static int Rank(byte b)
        {
            var common = b < 0x80 ? Common.IndexOf((char)b) : -1;
            return common < 0 ? Common.Length : common;
        }
    }
}
