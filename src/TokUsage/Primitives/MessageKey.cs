using System;
using System.Runtime.CompilerServices;

namespace TokUsage.Primitives
{
    /// <summary>
    /// Identity of one API message for deduplication: a 128-bit hash of the client's key text (for Claude Code
    /// <c>message.id:requestId</c>). 16 bytes instead of a ~60-character string keeps the seen-set of a million-message
    /// history small; two XXH64 seeds make a false match (≈ n²/2¹²⁹) negligible.
    /// </summary>
    internal readonly struct MessageKey : IEquatable<MessageKey>
    {
        private const ulong SeedA = 0x9E3779B97F4A7C15UL;
        private const ulong SeedB = 0xC2B2AE3D27D4EB4FUL;

        public MessageKey(ulong a, ulong b)
        {
            A = a;
            B = b;
        }

        public ulong A { get; }

        public ulong B { get; }

        /// <summary>Key of the UTF-8 text <paramref name="utf8"/> (already joined by the caller, e.g. id + ':' + requestId).</summary>
        [MethodImpl(Jit.Optimized)]
        public static MessageKey Of(ReadOnlySpan<byte> utf8) => new MessageKey(XxHash64.Hash(utf8, SeedA), XxHash64.Hash(utf8, SeedB));

        /// <summary>Bytes of <see cref="ToBytes"/> and <see cref="FromBytes"/>.</summary>
        public const int Size = 16;

        /// <summary>Writes the key's stored form (A then B, each in this machine's byte order) into <paramref name="destination"/>[0..16).</summary>
        public void CopyTo(byte[] destination)
        {
            BitConverter.GetBytes(A).CopyTo(destination, 0);
            BitConverter.GetBytes(B).CopyTo(destination, 8);
        }

        /// <summary>The key as the usage store and the team database keep it.</summary>
        public byte[] ToBytes()
        {
            var bytes = new byte[Size];
            CopyTo(bytes);
            return bytes;
        }

        /// <summary>The key of a stored form written by <see cref="CopyTo"/>.</summary>
        public static MessageKey FromBytes(byte[] bytes) => new MessageKey(BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8));

        /// <summary>This key within a scope (a session family): equal keys of different scopes differ.</summary>
        public MessageKey Scoped(MessageKey scope) => new MessageKey(A ^ scope.A, B ^ ((scope.B << 29) | (scope.B >> 35)));

        public bool Equals(MessageKey other) => A == other.A && B == other.B;

        public override bool Equals(object? obj) => obj is MessageKey other && Equals(other);

        public override int GetHashCode() => unchecked((int)A ^ (int)(A >> 32));

        public override string ToString() => $"{A:x16}{B:x16}";
    }
}
