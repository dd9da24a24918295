using System.Collections;
using System.Collections.Generic;
using System.Threading;

namespace TokUsage.Model
{
    /// <summary>
    /// A file's messages as <see cref="UsageEntry"/> objects, made from its packed rows on the first read of an item and
    /// kept from then on. Its count needs no objects. Safe to read from several threads at once: the first list made is
    /// the one every reader gets.
    /// </summary>
    internal sealed class EntryList : IReadOnlyList<UsageEntry>
    {
        private readonly MessageRows _rows;
        private UsageEntry[]? _entries;

        public EntryList(MessageRows rows) => _rows = rows;

        public int Count => _rows.Count;

        public UsageEntry this[int index] => Entries()[index];

        public IEnumerator<UsageEntry> GetEnumerator() => ((IEnumerable<UsageEntry>)Entries()).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private UsageEntry[] Entries()
        {
            var made = Volatile.Read(ref _entries);
            if (made != null)
            {
                return made;
            }

            var entries = new UsageEntry[_rows.Count];
            for (var i = 0; i < entries.Length; i++)
            {
                entries[i] = _rows.ToEntry(i);
            }

            return Interlocked.CompareExchange(ref _entries, entries, null) ?? entries;
        }
    }
}
