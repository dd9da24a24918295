using System;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TokUsage.Primitives;

namespace TokUsage.Parsing
{
    /// <summary>
    /// Property-name tests and value skips for the hot readers, inlined into their optimized loops.
    /// <para>Why not <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> and <see cref="Utf8JsonReader.Skip"/>
    /// directly: every call into System.Text.Json runs that library's code through .NET's tiers (precompiled, then
    /// instrumented for PGO, then optimized), and on a cold run of a few seconds much of it is spent in the instrumented
    /// tier. Comparing an unescaped name's bytes here, and reading a scalar value with one Read, keeps most property
    /// tests out of the library; escaped names and containers still go to it, so the results are the same.</para>
    /// </summary>
    internal static class JsonNames
    {
        /// <summary>Whether the property name (or string value) the reader is on is <paramref name="name"/>.</summary>
        [MethodImpl(Jit.Inline)]
        public static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> name) =>
            reader.ValueIsEscaped ? reader.ValueTextEquals(name) : ByteSearch.Equal(reader.ValueSpan, name);

        /// <summary>Skips the value of the property the reader is on (positioned on its name).</summary>
        [MethodImpl(Jit.Inline)]
        public static void SkipValue(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject || reader.TokenType == JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }
    }
}
