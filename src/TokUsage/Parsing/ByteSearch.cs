using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TokUsage.Primitives;

namespace TokUsage.Parsing
{
    /// <summary>
    /// The byte searches of the per-line paths — the end of a JSON string, a line's newline, a property name a line must
    /// hold to be parsed — vectorized with <see cref="Vector{T}"/> and compiled optimised on first call.
    /// <para>Why not <c>Span.IndexOf</c>/<c>IndexOfAny</c>: they do the same, but as library code they run through .NET's
    /// tiers (precompiled, then instrumented for PGO, then optimised) during most of a fresh process's run: a profile of a
    /// cold 4k-transcript run in a fresh host put 8 % of its samples in the instrumented newline and <c>"usage"</c>
    /// searches and their probes. The string search must also stop at control characters, which a JSON string must not
    /// hold raw. Stateless; thread-safe.</para>
    /// </summary>
    internal static class ByteSearch
    {
        /// <summary>
        /// Index of the first byte at or after <paramref name="start"/> that ends a run of plain string content: a quote,
        /// a backslash or a control character (below 0x20). -1 when there is none.
        /// </summary>
        [MethodImpl(Jit.Inline | Jit.Optimized)]
        public static int IndexOfStringStop(ReadOnlySpan<byte> span, int start)
        {
            var i = start;
            if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian)
            {
                var quote = new Vector<byte>((byte)'"');
                var backslash = new Vector<byte>((byte)'\\');
                var space = new Vector<byte>((byte)' ');
                ref var origin = ref MemoryMarshal.GetReference(span);
                for (var last = span.Length - Vector<byte>.Count; i <= last; i += Vector<byte>.Count)
                {
                    var block = Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i));
                    var stops = Vector.Equals(block, quote) | Vector.Equals(block, backslash) | Vector.LessThan(block, space);
                    if (stops != Vector<byte>.Zero)
                    {
                        return i + FirstLane(stops); // most strings in these lines are short: from the mask, not byte by byte
                    }
                }
            }

            for (; i < span.Length; i++)
            {
                var b = span[i];
                if (b == (byte)'"' || b == (byte)'\\' || b < (byte)' ')
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Index of the first <paramref name="value"/> in <paramref name="span"/>; -1 when there is none.</summary>
        [MethodImpl(Jit.Optimized)]
        public static int IndexOf(ReadOnlySpan<byte> span, byte value)
        {
            var i = 0;
            if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian)
            {
                var wanted = new Vector<byte>(value);
                ref var origin = ref MemoryMarshal.GetReference(span);
                for (var last = span.Length - Vector<byte>.Count; i <= last; i += Vector<byte>.Count)
                {
                    var hits = Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i)), wanted);
                    if (hits != Vector<byte>.Zero)
                    {
                        return i + FirstLane(hits);
                    }
                }
            }

            for (; i < span.Length; i++)
            {
                if (span[i] == value)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>
        /// Whether <paramref name="span"/> holds <paramref name="needle"/> (at least two bytes): blocks are tested for the
        /// needle's first and last byte at once, and only those candidates are compared whole.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static bool Contains(ReadOnlySpan<byte> span, ReadOnlySpan<byte> needle)
        {
            var lastOffset = needle.Length - 1;
            var i = 0;
            if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian)
            {
                var first = new Vector<byte>(needle[0]);
                var last = new Vector<byte>(needle[lastOffset]);
                ref var origin = ref MemoryMarshal.GetReference(span);
                for (var end = span.Length - lastOffset - Vector<byte>.Count; i <= end; i += Vector<byte>.Count)
                {
                    var candidates = Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i)), first)
                        & Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i + lastOffset)), last);
                    if (candidates == Vector<byte>.Zero)
                    {
                        continue;
                    }

                    var lanes = Vector.AsVectorUInt64(candidates);
                    for (var k = 0; k < Vector<ulong>.Count; k++)
                    {
                        for (var lane = lanes[k]; lane != 0;)
                        {
                            var at = LowestByte(lane);
                            if (Matches(span, i + (k * 8) + at, needle))
                            {
                                return true;
                            }

                            lane &= ~(0xFFUL << (at * 8));
                        }
                    }
                }
            }

            for (; i + lastOffset < span.Length; i++)
            {
                if (span[i] == needle[0] && Matches(span, i, needle))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether two byte runs are the same bytes (names against literals, mostly: a length test first). Inlined into the
        /// optimised scans; compiled optimised where a caller that is not (a reader's per-line lambda) calls it.
        /// </summary>
        [MethodImpl(Jit.Inline | Jit.Optimized)]
        public static bool Equal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        [MethodImpl(Jit.Inline)]
        private static bool Matches(ReadOnlySpan<byte> span, int at, ReadOnlySpan<byte> needle)
        {
            for (var j = 0; j < needle.Length; j++)
            {
                if (span[at + j] != needle[j])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Index of the first set byte of a non-zero comparison result.</summary>
        [MethodImpl(Jit.Inline)]
        private static int FirstLane(Vector<byte> hits)
        {
            var lanes = Vector.AsVectorUInt64(hits);
            for (var k = 0; k < Vector<ulong>.Count; k++)
            {
                var lane = lanes[k];
                if (lane != 0)
                {
                    return (k * 8) + LowestByte(lane);
                }
            }

            return -1;
        }

        /// <summary>Index of the lowest non-zero byte of a non-zero little-endian word.</summary>
        [MethodImpl(Jit.Inline)]
        private static int LowestByte(ulong word)
        {
            var index = 0;
            if ((uint)word == 0)
            {
                word >>= 32;
                index = 4;
            }

            if ((word & 0xFFFF) == 0)
            {
                word >>= 16;
                index += 2;
            }

            return (word & 0xFF) == 0 ? index + 1 : index;
        }
    }
}
