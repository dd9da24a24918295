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
                for (var last = span.Length - (2 * Vector<byte>.Count); i <= last; i += 2 * Vector<byte>.Count)
                {
                    // Two blocks a test: lines are long, and the newline is found once per line.
                    var low = Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i)), wanted);
                    var high = Vector.Equals(Unsafe.ReadUnaligned<Vector<byte>>(ref Unsafe.Add(ref origin, i + Vector<byte>.Count)), wanted);
                    if ((low | high) != Vector<byte>.Zero)
                    {
                        return low != Vector<byte>.Zero ? i + FirstLane(low) : i + Vector<byte>.Count + FirstLane(high);
                    }
                }

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

        /// <summary>Index of the first set byte of a non-zero comparison result.</summary>
        [MethodImpl(Jit.Inline)]
        internal static int FirstLane(Vector<byte> hits)
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

        /// <summary>Index of the lowest non-zero byte of a non-zero little-endian word of a comparison (each byte 0 or 0xFF).</summary>
        [MethodImpl(Jit.Inline)]
        internal static int LowestByte(ulong word) =>
            (int)(((word & (~word + 1)) * 0x0001020304050607UL) >> 56); // the lowest set bit, 1 << 8k, moves byte 7 - k (= k) to the top
    }
}
