using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TokUsage.Primitives;

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
                        var lanes = Vector.AsVectorUInt64(stops);
                        for (var k = 0; k < Vector<ulong>.Count; k++)
                        {
                            var lane = lanes[k];
                            if (lane != 0)
                            {
                                return i + (k * 8) + LowestByte(lane);
                            }
                        }
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
