using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TokUsage.Hosting;

namespace TokUsage.Parsing
{
    /// <summary>
    /// The byte search inside JSON strings, vectorized with <see cref="Vector{T}"/> and inlined into the optimized scans
    /// that call it.
    /// <para>Why not <c>Span.IndexOfAny</c>: it would do the same, but as library code it runs through .NET's tiers
    /// (precompiled, instrumented for PGO, then optimized) during most of a cold run, and it cannot also stop at control
    /// characters, which a JSON string must not hold raw. Stateless; thread-safe.</para>
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
                        // Most strings in these lines are short: find the stop from the mask, not byte by byte.
                        return i + FirstSet(stops);
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

        /// <summary>Index of the first <paramref name="value"/> at or after <paramref name="start"/>; -1 when there is none.</summary>
        [MethodImpl(Jit.Inline | Jit.Optimized)]
        public static int IndexOf(ReadOnlySpan<byte> span, int start, byte value)
        {
            var i = start;
            if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian)
            {
                var target = new Vector<byte>(value);
                ref var origin = ref MemoryMarshal.GetReference(span);
                for (var last = span.Length - Vector<byte>.Count; i <= last; i += Vector<byte>.Count)
                {
                    var hits = Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i)), target);
                    if (hits != Vector<byte>.Zero)
                    {
                        return i + FirstSet(hits);
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
        /// Whether <paramref name="needle"/> (at least 4 bytes) occurs in <paramref name="span"/>. Blocks are filtered on the
        /// needle's second and second-to-last bytes (for <c>"usage"</c>: <c>u</c> and <c>e</c> four apart, rare in JSON
        /// outside that name), and each candidate is compared whole.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static bool Contains(ReadOnlySpan<byte> span, ReadOnlySpan<byte> needle)
        {
            var n = needle.Length;
            var i = 0;
            if (Vector.IsHardwareAccelerated && BitConverter.IsLittleEndian && n >= 4)
            {
                var second = new Vector<byte>(needle[1]);
                var secondLast = new Vector<byte>(needle[n - 2]);
                ref var origin = ref MemoryMarshal.GetReference(span);
                for (var last = span.Length - n - Vector<byte>.Count + 1; i <= last; i += Vector<byte>.Count)
                {
                    var hits = Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i + 1)), second)
                        & Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i + n - 2)), secondLast);
                    if (hits == Vector<byte>.Zero)
                    {
                        continue;
                    }

                    for (var k = 0; k < Vector<byte>.Count; k++)
                    {
                        if (hits[k] != 0 && span.Slice(i + k, n).SequenceEqual(needle))
                        {
                            return true;
                        }
                    }
                }
            }

            for (var last = span.Length - n; i <= last; i++)
            {
                if (span[i] == needle[0] && span.Slice(i, n).SequenceEqual(needle))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Index of the first set byte of a non-zero comparison result.</summary>
        [MethodImpl(Jit.Inline)]
        private static int FirstSet(Vector<byte> hits)
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
