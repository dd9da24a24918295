using System;
using System.Linq;
using TokUsage.Aggregation;

namespace TokUsage.Hosting
{
    /// <summary>Time zone ids for the -TimeZone completer registered by Public/ArgumentCompleters.ps1.</summary>
    public static class TimeZoneCompletion
    {
        /// <summary>Accepted ids (IANA and Windows) that start with <paramref name="prefix"/>, case-insensitively.</summary>
        public static string[] IdsStartingWith(string? prefix) =>
            TimeZoneResolver.KnownIds().Where(id => id.StartsWith(prefix ?? string.Empty, StringComparison.OrdinalIgnoreCase)).ToArray();
    }
}
