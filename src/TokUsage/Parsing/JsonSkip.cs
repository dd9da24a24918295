using System;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TokUsage.Primitives;

namespace TokUsage.Parsing
{
    /// <summary>
    /// Passes over a large JSON value (a Claude message's <c>content</c>, a tool result) without tokenizing it, then
    /// hands the rest of the line back to a <see cref="Utf8JsonReader"/> resumed in the same state.
    /// <para>Why: a line that carries usage is mostly content the readers never look at; Utf8JsonReader.Skip() still
    /// tokenizes and validates every string in it, and on a cold process that code runs unoptimized for most of a run.
    /// Finding the end of the value only needs the string boundaries (one vectorized search per string) and bracket
    /// depth. The value itself is not validated — a damaged value is only noticed if its brackets or quotes are cut
    /// (a torn line), which is what damage looks like in these logs; everything outside it is still read by
    /// Utf8JsonReader.</para>
    /// <para>Owned by one thread (one instance per reader); the spans it hands out live until its next call.</para>
    /// </summary>
    internal sealed class JsonSkip
    {
        /// <summary>
        /// Values smaller than this are left to the reader (resuming costs a copy of the line's tail). Small: a typical
        /// assistant line's content is a few hundred bytes of escaped text, which the reader validates byte by byte
        /// (2048 here cost a 4k-file cold run ≈ 0.2 s more on the bench).
        /// </summary>
        public const int MinimumBytes = 128;

        private byte[] _first = new byte[4096];
        private byte[] _second = new byte[4096];
        private bool _usingFirst;

        /// <summary>
        /// Skips the value of the property <paramref name="reader"/> is positioned on. <paramref name="json"/> is the
        /// span the reader reads; both are replaced when the value was passed over here.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public void SkipValue(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> json)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                reader.Skip();
                return;
            }

            var start = (int)reader.BytesConsumed;
            while (start < json.Length && IsWhiteSpace(json[start]))
            {
                start++;
            }

            if (start >= json.Length || (json[start] != (byte)'[' && json[start] != (byte)'{') || json.Length - start < MinimumBytes)
            {
                JsonNames.SkipValue(ref reader);
                return;
            }

            var end = EndOfContainer(json, start);
            if (end < 0)
            {
                throw new JsonException("The line ends inside a value (torn or damaged line).");
            }

            if (end - start < MinimumBytes)
            {
                JsonNames.SkipValue(ref reader);
                return;
            }

            // Resume after the value: the reader state expects a value, so it gets a "null" standing in for it.
            var tail = json.Slice(end);
            _usingFirst = !_usingFirst;
            ref var buffer = ref _usingFirst ? ref _first : ref _second;
            if (buffer.Length < tail.Length + 4)
            {
                buffer = new byte[Math.Max(tail.Length + 4, buffer.Length * 2)];
            }

            "null"u8.CopyTo(buffer);
            tail.CopyTo(buffer.AsSpan(4));
            json = buffer.AsSpan(0, tail.Length + 4);
            reader = new Utf8JsonReader(json, isFinalBlock: true, reader.CurrentState);
            reader.Read();
        }

        /// <summary>Index just past the array or object starting at <paramref name="start"/>; -1 when the input ends first.</summary>
        [MethodImpl(Jit.Optimized)]
        public static int EndOfContainer(ReadOnlySpan<byte> json, int start)
        {
            var depth = 0;
            var i = start;
            while (i < json.Length)
            {
                var b = json[i];
                if (b == (byte)'"')
                {
                    i++;
                    while (true)
                    {
                        // Control characters are not this pass's business (the value is not validated), only the end.
                        i = ByteSearch.IndexOfStringStop(json, i);
                        if (i < 0)
                        {
                            return -1;
                        }

                        if (json[i] == (byte)'\\')
                        {
                            i += 2;
                            continue;
                        }

                        if (json[i] != (byte)'"')
                        {
                            i++;
                            continue;
                        }

                        i++;
                        break;
                    }

                    continue;
                }

                if (b == (byte)'[' || b == (byte)'{')
                {
                    depth++;
                }
                else if (b == (byte)']' || b == (byte)'}')
                {
                    if (--depth == 0)
                    {
                        return i + 1;
                    }
                }

                i++;
            }

            return -1;
        }

        private static bool IsWhiteSpace(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n';
    }
}
