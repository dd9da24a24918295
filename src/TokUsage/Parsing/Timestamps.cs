using System;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;

namespace TokUsage.Parsing
{
    /// <summary>
    /// The one rule for which logged instants are times at all. Go's zero time (<c>0001-01-01T00:00:00Z</c>, which Codex
    /// writes for unset times) and anything before 1970 or after 9998 is a placeholder or damage: a reader treats it
    /// as a missing timestamp (the line is skipped and counted), so no fold ever converts an instant that has no
    /// calendar day in a zone east of UTC.
    /// </summary>
    internal static class Timestamps
    {
        private static readonly DateTimeOffset Earliest = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
        private static readonly DateTimeOffset Latest = new DateTimeOffset(9998, 12, 31, 0, 0, 0, TimeSpan.Zero);

        [MethodImpl(Jit.Inline)]
        public static bool IsPlausible(DateTimeOffset instant) => instant >= Earliest && instant <= Latest;

        /// <summary>
        /// Reads the one shape agents write almost always, <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}]Z</c>, from its UTF-8 bytes
        /// without making a string: the instant <see cref="DateTimeOffset.TryParse(string, IFormatProvider, System.Globalization.DateTimeStyles, out DateTimeOffset)"/>
        /// gives for the same text (invariant culture, as UTC). False when the bytes are not exactly that shape or name
        /// no calendar time (month 13, February 30, hour 24, second 60): the caller then parses the text in general.
        /// Plausibility is not judged here.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static bool TryParseUtc(ReadOnlySpan<byte> text, out DateTimeOffset instant)
        {
            instant = default;
            if (text.Length < 20 || text.Length > 28 || text[4] != (byte)'-' || text[7] != (byte)'-' || text[10] != (byte)'T'
                || text[13] != (byte)':' || text[16] != (byte)':' || text[text.Length - 1] != (byte)'Z')
            {
                return false;
            }

            if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
                || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
            {
                return false;
            }

            var fractionDigits = text.Length - 21; // between the '.' at 19 and the 'Z'
            var ticks = 0;
            if (text.Length == 20)
            {
                fractionDigits = 0;
            }
            else if (text[19] != (byte)'.' || fractionDigits < 1 || !Digits(text, 20, fractionDigits, out ticks))
            {
                return false;
            }

            for (var i = fractionDigits; i < 7; i++)
            {
                ticks *= 10;
            }

            if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }

            instant = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks), TimeSpan.Zero);
            return true;
        }

        [MethodImpl(Jit.Inline)]
        private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
        {
            value = 0;
            for (var i = start; i < start + count; i++)
            {
                var digit = (uint)(text[i] - '0');
                if (digit > 9)
                {
                    return false;
                }

                value = (value * 10) + (int)digit;
            }

            return true;
        }
    }
}
