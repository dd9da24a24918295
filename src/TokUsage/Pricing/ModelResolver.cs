using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace TokUsage.Pricing
{
    /// <summary>
    /// Maps a logged model name to a price table entry. Order: exact key; then normalised spellings (provider prefixes,
    /// Bedrock/Vertex decorations, <c>4.5</c> → <c>4-5</c>, date suffixes); then a boundary-aware containment match where
    /// a version never widens (<c>claude-opus-4</c> must not price <c>claude-opus-4-5</c>) and the longest key wins.
    /// Thread-safe: results are memoised per name in a concurrent dictionary.
    /// </summary>
    internal sealed class ModelResolver
    {
        private static readonly Regex DateSuffix = new Regex(@"[-@]\d{8}$", RegexOptions.CultureInvariant);
        private static readonly Regex BedrockVersion = new Regex(@"-v\d+(:\d+)?$", RegexOptions.CultureInvariant);
        private static readonly Regex DottedVersion = new Regex(@"(?<=\d)\.(?=\d)", RegexOptions.CultureInvariant);
        private static readonly Regex BedrockRegion = new Regex(@"^(us|eu|apac|au|jp|global|us-gov)\.", RegexOptions.CultureInvariant);
        private static readonly Regex DateThenEnd = new Regex(@"^[-@]\d{8}$", RegexOptions.CultureInvariant);

        private readonly PriceTable _table;
        private readonly ConcurrentDictionary<string, ModelPrice?> _memo = new ConcurrentDictionary<string, ModelPrice?>(StringComparer.Ordinal);
        private readonly string[] _bareKeys;

        public ModelResolver(PriceTable table)
        {
            _table = table;
            _bareKeys = table.Models.Keys.Where(k => k.IndexOf('/') < 0).Select(k => k.ToLowerInvariant()).Distinct().ToArray();
        }

        /// <summary>The entry that prices <paramref name="model"/>, or null when none does.</summary>
        public ModelPrice? Resolve(string model) => _memo.GetOrAdd(model, Find);

        private ModelPrice? Find(string model)
        {
            if (_table.Models.TryGetValue(model, out var exact))
            {
                return exact;
            }

            foreach (var candidate in Spellings(model))
            {
                if (_table.Models.TryGetValue(candidate, out var price))
                {
                    return price;
                }
            }

            return Contained(Spellings(model).LastOrDefault() ?? model.ToLowerInvariant());
        }

        /// <summary>Progressively normalised spellings of a logged name, most specific first.</summary>
        internal static IEnumerable<string> Spellings(string model)
        {
            var name = model.Trim().ToLowerInvariant();
            if (name.StartsWith("[", StringComparison.Ordinal) && name.IndexOf("] ", StringComparison.Ordinal) > 0)
            {
                name = name.Substring(name.IndexOf("] ", StringComparison.Ordinal) + 2);
                yield return name;
            }

            var slash = name.LastIndexOf('/');
            if (slash >= 0 && slash < name.Length - 1)
            {
                name = name.Substring(slash + 1);
                yield return name;
            }

            var bedrock = BedrockRegion.Replace(name, string.Empty);
            if (bedrock.StartsWith("anthropic.", StringComparison.Ordinal))
            {
                bedrock = bedrock.Substring("anthropic.".Length);
            }

            if (bedrock != name)
            {
                name = bedrock;
                yield return name;
            }

            var unversioned = BedrockVersion.Replace(name, string.Empty);
            if (unversioned != name)
            {
                name = unversioned;
                yield return name;
            }

            var dashed = DottedVersion.Replace(name, "-").Replace('@', '-');
            if (dashed != name)
            {
                name = dashed;
                yield return name;
            }

            var undated = DateSuffix.Replace(name, string.Empty);
            if (undated != name)
            {
                yield return undated;
            }
        }

        private ModelPrice? Contained(string name)
        {
            string? best = null;
            foreach (var key in _bareKeys)
            {
                if ((best is null || key.Length > best.Length) && (ContainsAtBoundary(name, key) || IsUndatedFormOf(name, key)))
                {
                    best = key;
                }
            }

            return best is null ? null : _table.Models[best];
        }

        /// <summary>
        /// True when <paramref name="key"/> occurs in <paramref name="name"/> between non-alphanumeric boundaries, and a
        /// key ending in a digit is not followed by more version digits (<c>-5</c>, <c>.5</c>) other than an 8-digit date.
        /// </summary>
        internal static bool ContainsAtBoundary(string name, string key)
        {
            for (var at = name.IndexOf(key, StringComparison.Ordinal); at >= 0; at = name.IndexOf(key, at + 1, StringComparison.Ordinal))
            {
                var end = at + key.Length;
                if (at > 0 && char.IsLetterOrDigit(name[at - 1]))
                {
                    continue;
                }

                if (end < name.Length && char.IsLetterOrDigit(name[end]))
                {
                    continue;
                }

                if (char.IsDigit(key[key.Length - 1]) && end + 1 < name.Length && (name[end] == '-' || name[end] == '.') && char.IsDigit(name[end + 1]))
                {
                    var digits = 0;
                    while (end + 1 + digits < name.Length && char.IsDigit(name[end + 1 + digits]))
                    {
                        digits++;
                    }

                    if (digits != 8)
                    {
                        continue;
                    }
                }

                return true;
            }

            return false;
        }

        /// <summary>True when the key is the name plus a date (<c>claude-opus-4</c> → <c>claude-opus-4-20250514</c>).</summary>
        private static bool IsUndatedFormOf(string name, string key) =>
            key.Length > name.Length && key.StartsWith(name, StringComparison.Ordinal) && DateThenEnd.IsMatch(key.Substring(name.Length));
    }
}
