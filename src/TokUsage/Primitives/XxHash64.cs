using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TokUsage.Primitives
{
    /// <summary>
    /// XXH64 (Yann Collet's xxHash, 64-bit variant) over a byte span. netstandard2.0 has no in-box non-cryptographic
    /// hash and System.IO.Hashing is not in PowerShell's runtime, so the module carries this small, vector-tested one.
    /// </summary>
    internal static class XxHash64
    {
        private const ulong Prime1 = 11400714785074694791UL;
        private const ulong Prime2 = 14029467366897019727UL;
        private const ulong Prime3 = 1609587929392839161UL;
        private const ulong Prime4 = 9650029242287828579UL;
        private const ulong Prime5 = 2870177450012600261UL;

        [MethodImpl(Jit.Optimized)]
        public static ulong Hash(ReadOnlySpan<byte> data, ulong seed)
        {
            var length = data.Length;
            ulong h;
            if (length >= 32)
            {
                var v1 = seed + Prime1 + Prime2;
                var v2 = seed + Prime2;
                var v3 = seed;
                var v4 = seed - Prime1;
                while (data.Length >= 32)
                {
                    v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(data));
                    v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(8)));
                    v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(16)));
                    v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(24)));
                    data = data.Slice(32);
                }

                h = Rotl(v1, 1) + Rotl(v2, 7) + Rotl(v3, 12) + Rotl(v4, 18);
                h = Merge(h, v1);
                h = Merge(h, v2);
                h = Merge(h, v3);
                h = Merge(h, v4);
            }
            else
            {
                h = seed + Prime5;
            }

            h += (ulong)length;
            while (data.Length >= 8)
            {
                h ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data));
                h = (Rotl(h, 27) * Prime1) + Prime4;
                data = data.Slice(8);
            }

            if (data.Length >= 4)
            {
                h ^= BinaryPrimitives.ReadUInt32LittleEndian(data) * Prime1;
                h = (Rotl(h, 23) * Prime2) + Prime3;
                data = data.Slice(4);
            }

            foreach (var b in data)
            {
                h ^= b * Prime5;
                h = Rotl(h, 11) * Prime1;
            }

            h ^= h >> 33;
            h *= Prime2;
            h ^= h >> 29;
            h *= Prime3;
            h ^= h >> 32;
            return h;
        }

        [MethodImpl(Jit.Inline)]
        private static ulong Round(ulong acc, ulong input)
        {
            acc += input * Prime2;
            acc = Rotl(acc, 31);
            return acc * Prime1;
        }

        [MethodImpl(Jit.Inline)]
        private static ulong Merge(ulong acc, ulong val)
        {
            acc ^= Round(0, val);
            return (acc * Prime1) + Prime4;
        }

        [MethodImpl(Jit.Inline)]
        private static ulong Rotl(ulong x, int r) => (x << r) | (x >> (64 - r));
    }
}
