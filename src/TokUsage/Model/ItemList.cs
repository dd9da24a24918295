using System;
using System.Collections;
using System.Collections.Generic;

namespace TokUsage
{
    /// <summary>
    /// A read-only list on an output object whose text reads well where PowerShell writes a value as text (Export-Csv
    /// cells, string expansion): a short summary or the items joined, never a type name. It enumerates, indexes and
    /// serializes as a list. Wraps the list it is given without copying; immutable once the object is emitted.
    /// </summary>
    public sealed class ItemList<T> : IReadOnlyList<T>
    {
        private readonly IReadOnlyList<T> _items;
        private readonly Func<IReadOnlyList<T>, string> _text;

        internal ItemList(IReadOnlyList<T> items, Func<IReadOnlyList<T>, string> text)
        {
            _items = items;
            _text = text;
        }

        public int Count => _items.Count;

        public T this[int index] => _items[index];

        public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

        public override string ToString() => _text(_items);

        /// <summary>Items joined by <c>"; "</c>.</summary>
        internal static string Joined(IReadOnlyList<T> items) => string.Join("; ", items);
    }
}
