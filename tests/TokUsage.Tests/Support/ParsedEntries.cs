using System.Collections.Generic;
using TokUsage.Clients;
using TokUsage.Primitives;

namespace TokUsage.Tests.Support
{
    /// <summary>A reader's counted message as tests look at it: the public entry made from its row, its session and identity.</summary>
    internal sealed class ParsedEntry
    {
        public ParsedEntry(UsageEntry entry, SessionPart? part, bool hasKey, MessageKey key)
        {
            Entry = entry;
            Part = part;
            HasKey = hasKey;
            Key = key;
        }

        public UsageEntry Entry { get; }

        public SessionPart? Part { get; }

        public bool HasKey { get; }

        public MessageKey Key { get; }
    }

    internal static class ParsedEntries
    {
        /// <summary>The messages a reader recorded in <paramref name="parsed"/>, in the order it recorded them.</summary>
        public static List<ParsedEntry> Entries(this ParsedFile parsed)
        {
            var entries = new List<ParsedEntry>(parsed.Rows.Count);
            for (var i = 0; i < parsed.Rows.Count; i++)
            {
                var row = parsed.Rows[i];
                entries.Add(new ParsedEntry(parsed.Rows.ToEntry(i), parsed.PartOf(row), row.HasKey, row.Key));
            }

            return entries;
        }
    }
}
