using System;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TokUsage.Primitives;

namespace TokUsage.Parsing
{
    /// <summary>What <see cref="JsonScan.NextName"/> found.</summary>
    internal enum ScanStep
    {
        /// <summary>A property: its raw name and value spans were returned.</summary>
        Property,

        /// <summary>The object's closing brace.</summary>
        End,

        /// <summary>Anything else: malformed, torn, or a shape the scan leaves to <see cref="Utf8JsonReader"/> (an escaped name).</summary>
        Unsure,
    }

    /// <summary>
    /// One object's properties by structure, as a loop: <c>while (walk.Next(out var name, out var value)) { … }</c>, then
    /// <see cref="Ended"/> says whether the walk stopped at the object's closing brace (sure) or because the scan was
    /// unsure (<see cref="ScanStep.Unsure"/>: the caller falls back to its reader). Spans point into the walked bytes.
    /// <para>A caller that reads inside an object value walks into it instead of taking its span: after
    /// <see cref="NextName"/>, <see cref="Enter"/> gives a walk over the value and <see cref="Leave"/> continues after it,
    /// so the value's bytes are read once, not once to find its end and again to read it. Any other value is taken with
    /// <see cref="Value"/>. Both ways judge a value alike: a walk that ends at the value's closing brace has found the end
    /// <see cref="JsonScan.EndOfValue"/> finds, and has checked at least what it checks.</para>
    /// </summary>
    internal ref struct JsonObjectWalk
    {
        private readonly ReadOnlySpan<byte> _json;
        private int _position;
        private bool _first;

        /// <param name="json">The bytes holding the object.</param>
        /// <param name="open">Index of the object's <c>{</c> (0 for a value span the scan handed out).</param>
        public JsonObjectWalk(ReadOnlySpan<byte> json, int open = 0)
        {
            _json = json;
            _position = open + 1;
            _first = true;
            Ended = false;
        }

        /// <summary>True once the walk reached the object's closing brace.</summary>
        public bool Ended { get; private set; }

        /// <summary>
        /// Index just past what the walk has read (past the closing brace once <see cref="Ended"/>; at the pending value's
        /// first byte after <see cref="NextName"/>).
        /// </summary>
        public readonly int Position => _position;

        /// <summary>Whether the value <see cref="NextName"/> stopped at is an object (so <see cref="Enter"/> may walk it).</summary>
        public readonly bool ValueIsObject => _position < _json.Length && _json[_position] == (byte)'{';

        /// <summary>The next property's raw (unescaped) name and its value's bytes; false at the end or when unsure.</summary>
        [MethodImpl(Jit.Inline)]
        public bool Next(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
        {
            if (NextName(out name))
            {
                return Value(out value);
            }

            value = default;
            return false;
        }

        /// <summary>
        /// The next property's raw (unescaped) name, stopping at its value; false at the end or when unsure. Exactly one of
        /// <see cref="Value"/> or <see cref="Enter"/> (then <see cref="Leave"/>) must follow before the next call.
        /// </summary>
        [MethodImpl(Jit.Inline)]
        public bool NextName(out ReadOnlySpan<byte> name)
        {
            var step = JsonScan.NextName(_json, ref _position, _first, out name);
            _first = false;
            if (step != ScanStep.Property)
            {
                Ended = step == ScanStep.End;
                return false;
            }

            return true;
        }

        /// <summary>The pending value's bytes, the walk continuing after it; false when it is malformed or cut (unsure).</summary>
        [MethodImpl(Jit.Inline)]
        public bool Value(out ReadOnlySpan<byte> value)
        {
            var end = JsonScan.EndOfValue(_json, _position);
            if (end < 0)
            {
                value = default;
                return false;
            }

            value = _json.Slice(_position, end - _position);
            _position = end;
            return true;
        }

        /// <summary>A walk over the pending value, which <see cref="ValueIsObject"/> said is an object.</summary>
        public readonly JsonObjectWalk Enter() => new JsonObjectWalk(_json, _position);

        /// <summary>Continues after the value <paramref name="inner"/> walked to its closing brace (its <see cref="Ended"/>).</summary>
        public void Leave(in JsonObjectWalk inner) => _position = inner.Position;
    }

    /// <summary>
    /// Walks the properties of a JSON object by its structure, handing out each property's raw name and value span,
    /// so that a line reader can give <see cref="Utf8JsonReader"/> only the few values it needs.
    /// <para>Why: a transcript line carries ~45 tokens of which a usage reader needs ~15. Tokenizing all of them through
    /// System.Text.Json costs most of a cold run, much of it in code .NET has not optimized yet (its tiers instrument
    /// hot library code for PGO first); this scan is optimized from its first call.</para>
    /// <para>Contract: the scan is conservative. It accepts only what <see cref="Utf8JsonReader"/> accepts for the parts
    /// it validates — scalars (strings with their escapes and control characters, the number grammar, the three literals),
    /// names, colons, commas, whitespace, and containers under <see cref="JsonSkip.MinimumBytes"/> (validated throughout,
    /// as the reader path's reader validates them). Larger containers are passed over as <see cref="JsonSkip"/> does: only their strings and brackets must be
    /// whole. Whenever it is not sure — an escaped property name, any malformed byte — it answers
    /// <see cref="ScanStep.Unsure"/> and the caller reads the line with <see cref="Utf8JsonReader"/> instead, which
    /// decides and explains. Stateless; thread-safe.</para>
    /// </summary>
    internal static class JsonScan
    {
        /// <summary>
        /// From <paramref name="position"/> (just after the object's <c>{</c> or after the previous property's value),
        /// finds the next property's name; on <see cref="ScanStep.Property"/>, <paramref name="position"/> is its value's
        /// first byte (not yet judged). <paramref name="first"/> is true for the first call on an object.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static ScanStep NextName(ReadOnlySpan<byte> json, scoped ref int position, bool first, out ReadOnlySpan<byte> name)
        {
            name = default;
            var i = SkipWhiteSpace(json, position);
            if (i >= json.Length)
            {
                return ScanStep.Unsure;
            }

            if (json[i] == (byte)'}')
            {
                position = i + 1;
                return ScanStep.End;
            }

            if (!first)
            {
                if (json[i] != (byte)',')
                {
                    return ScanStep.Unsure;
                }

                i = SkipWhiteSpace(json, i + 1);
                if (i >= json.Length)
                {
                    return ScanStep.Unsure;
                }
            }

            if (json[i] != (byte)'"')
            {
                return ScanStep.Unsure;
            }

            var nameEnd = EndOfString(json, i, out var escaped);
            if (nameEnd < 0 || escaped)
            {
                return ScanStep.Unsure;
            }

            name = json.Slice(i + 1, nameEnd - i - 2);
            i = SkipWhiteSpace(json, nameEnd);
            if (i >= json.Length || json[i] != (byte)':')
            {
                return ScanStep.Unsure;
            }

            position = SkipWhiteSpace(json, i + 1);
            return ScanStep.Property;
        }

        /// <summary>Index just past the value starting at <paramref name="start"/>; -1 when it is malformed or cut.</summary>
        [MethodImpl(Jit.Optimized)]
        public static int EndOfValue(ReadOnlySpan<byte> json, int start)
        {
            if (start >= json.Length)
            {
                return -1;
            }

            switch (json[start])
            {
                case (byte)'"':
                    return EndOfString(json, start, out _);
                case (byte)'{':
                case (byte)'[':
                    var end = JsonSkip.EndOfContainer(json, start);
                    return end < 0 || end - start >= JsonSkip.MinimumBytes ? end : EndOfValidValue(json.Slice(0, end), start, 1);
                case (byte)'t':
                    return Literal(json, start, "true"u8);
                case (byte)'f':
                    return Literal(json, start, "false"u8);
                case (byte)'n':
                    return Literal(json, start, "null"u8);
                default:
                    return EndOfNumber(json, start);
            }
        }

        /// <summary>
        /// Index just past the value starting at <paramref name="start"/>, validated throughout as
        /// <see cref="Utf8JsonReader"/> would (grammar, strings, numbers, literals; at most 64 levels deep, far more than
        /// a small container can hold); -1 when it is not valid.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        private static int EndOfValidValue(ReadOnlySpan<byte> json, int start, int depth)
        {
            if (start >= json.Length)
            {
                return -1;
            }

            var open = json[start];
            if (open != (byte)'{' && open != (byte)'[')
            {
                return open == (byte)'"' ? EndOfString(json, start, out _) : EndOfValue(json, start);
            }

            if (depth > 64)
            {
                return -1;
            }

            var close = open == (byte)'{' ? (byte)'}' : (byte)']';
            var i = SkipWhiteSpace(json, start + 1);
            if (i < json.Length && json[i] == close)
            {
                return i + 1;
            }

            while (i < json.Length)
            {
                if (open == (byte)'{')
                {
                    if (json[i] != (byte)'"')
                    {
                        return -1;
                    }

                    i = EndOfString(json, i, out _);
                    if (i < 0)
                    {
                        return -1;
                    }

                    i = SkipWhiteSpace(json, i);
                    if (i >= json.Length || json[i] != (byte)':')
                    {
                        return -1;
                    }

                    i = SkipWhiteSpace(json, i + 1);
                }

                i = EndOfValidValue(json, i, depth + 1);
                if (i < 0)
                {
                    return -1;
                }

                i = SkipWhiteSpace(json, i);
                if (i >= json.Length)
                {
                    return -1;
                }

                if (json[i] == close)
                {
                    return i + 1;
                }

                if (json[i] != (byte)',')
                {
                    return -1;
                }

                i = SkipWhiteSpace(json, i + 1);
            }

            return -1;
        }

        /// <summary>
        /// Index just past the string whose opening quote is at <paramref name="start"/>; -1 when it is cut, holds a
        /// raw control character or an invalid escape. <paramref name="escaped"/>: whether it holds escapes.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static int EndOfString(ReadOnlySpan<byte> json, int start, out bool escaped)
        {
            escaped = false;
            var i = start + 1;
            while ((i = ByteSearch.IndexOfStringStop(json, i)) >= 0)
            {
                var b = json[i];
                if (b == (byte)'"')
                {
                    return i + 1;
                }

                if (b < 0x20)
                {
                    return -1;
                }

                if (b == (byte)'\\')
                {
                    escaped = true;
                    if (i + 1 >= json.Length)
                    {
                        return -1;
                    }

                    switch (json[i + 1])
                    {
                        case (byte)'"':
                        case (byte)'\\':
                        case (byte)'/':
                        case (byte)'b':
                        case (byte)'f':
                        case (byte)'n':
                        case (byte)'r':
                        case (byte)'t':
                            i += 2;
                            continue;
                        case (byte)'u':
                            if (i + 5 >= json.Length || !IsHex(json[i + 2]) || !IsHex(json[i + 3]) || !IsHex(json[i + 4]) || !IsHex(json[i + 5]))
                            {
                                return -1;
                            }

                            i += 6;
                            continue;
                        default:
                            return -1;
                    }
                }
            }

            return -1;
        }

        /// <summary>The JSON number grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>, then a delimiter.</summary>
        [MethodImpl(Jit.Optimized)]
        public static int EndOfNumber(ReadOnlySpan<byte> json, int start)
        {
            var i = start;
            if (i < json.Length && json[i] == (byte)'-')
            {
                i++;
            }

            if (i >= json.Length || !IsDigit(json[i]))
            {
                return -1;
            }

            if (json[i] == (byte)'0')
            {
                i++;
            }
            else
            {
                while (i < json.Length && IsDigit(json[i]))
                {
                    i++;
                }
            }

            if (i < json.Length && json[i] == (byte)'.')
            {
                i++;
                if (i >= json.Length || !IsDigit(json[i]))
                {
                    return -1;
                }

                while (i < json.Length && IsDigit(json[i]))
                {
                    i++;
                }
            }

            if (i < json.Length && (json[i] == (byte)'e' || json[i] == (byte)'E'))
            {
                i++;
                if (i < json.Length && (json[i] == (byte)'+' || json[i] == (byte)'-'))
                {
                    i++;
                }

                if (i >= json.Length || !IsDigit(json[i]))
                {
                    return -1;
                }

                while (i < json.Length && IsDigit(json[i]))
                {
                    i++;
                }
            }

            return EndsToken(json, i) ? i : -1;
        }

        [MethodImpl(Jit.Optimized)]
        public static int SkipWhiteSpace(ReadOnlySpan<byte> json, int i)
        {
            while (i < json.Length && IsWhiteSpace(json[i]))
            {
                i++;
            }

            return i;
        }

        /// <summary>
        /// The number a value holds when it is plain: decimal digits only, at most 18 of them (so it cannot overflow).
        /// False for anything else (a sign, a fraction, an exponent, <c>null</c>, a string), which callers read another way.
        /// </summary>
        [MethodImpl(Jit.Inline)]
        public static bool TryPlainDigits(ReadOnlySpan<byte> value, out long number)
        {
            number = 0;
            if (value.Length == 0 || value.Length > 18)
            {
                return false;
            }

            foreach (var b in value)
            {
                var digit = (uint)(b - '0');
                if (digit > 9)
                {
                    return false;
                }

                number = (number * 10) + digit;
            }

            return true;
        }

        /// <summary>
        /// Whether a value the scan passed over is also valid to <see cref="Utf8JsonReader.Skip"/>: scalars were validated
        /// by the scan; a container of any size is validated here by a reader.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static bool IsValidValue(ReadOnlySpan<byte> value) => IsWellFormed(value) || IsValidJson(value);

        /// <summary>
        /// Whether a value the scan passed over is valid by the scan's own rules: scalars were validated by the scan, a
        /// container is validated here throughout (at most 64 levels deep). False means "not sure": a container nested
        /// deeper, or one <see cref="Utf8JsonReader"/> would reject; a caller that must answer exactly asks the reader.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static bool IsWellFormed(ReadOnlySpan<byte> value) =>
            (value[0] != (byte)'{' && value[0] != (byte)'[') || EndOfValidValue(value, 0, 1) == value.Length;

        /// <summary>Whether the bytes are one complete JSON value (a reader validates them).</summary>
        [MethodImpl(Jit.Optimized)]
        private static bool IsValidJson(ReadOnlySpan<byte> value)
        {
            try
            {
                var reader = new Utf8JsonReader(value, new JsonReaderOptions { MaxDepth = 512 });
                return reader.Read() && reader.TrySkip() && !reader.Read();
            }
            catch (JsonException)
            {
                return false;
            }
        }

        [MethodImpl(Jit.Inline)]
        private static int Literal(ReadOnlySpan<byte> json, int start, ReadOnlySpan<byte> literal) =>
            json.Length - start >= literal.Length && ByteSearch.Equal(json.Slice(start, literal.Length), literal) && EndsToken(json, start + literal.Length)
                ? start + literal.Length
                : -1;

        /// <summary>A number or literal ends at the end of input or before whitespace or a structural character.</summary>
        [MethodImpl(Jit.Inline)]
        private static bool EndsToken(ReadOnlySpan<byte> json, int i) =>
            i >= json.Length || IsWhiteSpace(json[i]) || json[i] == (byte)',' || json[i] == (byte)'}' || json[i] == (byte)']';

        [MethodImpl(Jit.Inline)]
        private static bool IsWhiteSpace(byte b) => b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n';

        [MethodImpl(Jit.Inline)]
        private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

        [MethodImpl(Jit.Inline)]
        private static bool IsHex(byte b) => (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 5;
    }
}
