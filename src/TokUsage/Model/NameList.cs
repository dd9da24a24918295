using System;
using System.Collections;
using System.Collections.Generic;

namespace TokUsage
{
    /// <summary>
    /// A sorted list of names (models, clients) on an output object. It enumerates, indexes and serializes to JSON as a
    /// list, and its text is the names joined by <c>", "</c>, so Export-Csv and string conversion write a readable cell
    /// instead of a type name. Immutable.
    /// </summary>
    public sealed class NameList : IReadOnlyList<string>
    {
        private readonly string[] _names;

        internal NameList(string[] names) => _names = names;

        internal static NameList Empty { get; } = new NameList(Array.Empty<string>());

        public int Count => _names.Length;

        public string this[int index] => _names[index];

        /// <summary>True when <paramref name="name"/> is in the list (ordinal).</summary>
        public bool Contains(string name) => Array.IndexOf(_names, name) >= 0;

        public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_names).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => _names.GetEnumerator();

        /// <summary>The names joined by <c>", "</c> (what a CSV cell and <c>"$list"</c> show).</summary>
        public override string ToString() => string.Join(", ", _names);
    }
}
