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
    }
}
