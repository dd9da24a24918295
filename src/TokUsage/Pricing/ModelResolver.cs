using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace TokUsage.Pricing
{
    /// <summary>How a logged model name found its price table entry (shown by Get-TokenPrice).</summary>
    public enum PriceMatch
    {
        /// <summary>The name is a table key.</summary>
        Exact,

        /// <summary>A normalised spelling is a table key or a provider entry's model name (prefixes, decorations, dates, suffixes removed).</summary>
        Normalized,

        /// <summary>A table key occurs in the name at word boundaries without widening its version.</summary>
        Contained,

        /// <summary>A user override (price file or -PriceOverride) prices the name.</summary>
        Override,
    }

    /// <summary>A table entry a logged name resolved to, how, and whether the name itself says "fast mode".</summary>
    internal sealed class ModelMatch
    {
        public ModelMatch(ModelPrice price, PriceMatch kind, bool fast)
        {
            Price = price;
            Kind = kind;
            Fast = fast;
        }

        public ModelPrice Price { get; }

        public PriceMatch Kind { get; }

        /// <summary>The name carried a <c>-fast</c> suffix that had to be removed to find the entry.</summary>
        public bool Fast { get; }
    }

    /// <summary>
    /// Maps a logged model name to a price table entry. Order: exact key; then normalised spellings, each looked up as a
    /// key or as the model part of a provider key (<c>xai/grok-code-fast-1</c> prices <c>grok-code-fast-1</c>; the
    /// model's author beats a reseller); then the same with effort/variant suffixes removed; then a boundary-aware
    /// containment match where a version never widens (<c>claude-opus-4</c> must not price <c>claude-opus-4-5</c>) and
    /// the longest name wins. Routing labels (<c>auto</c>, <c>*-default</c>) are never priced: they name no model.
    /// Thread-safe: results are memoised per name in a concurrent dictionary.
    /// </summary>
    internal sealed class ModelResolver
    {
        private static readonly Regex DateSuffix = new Regex(@"[-@]\d{8}$", RegexOptions.CultureInvariant);
        private static readonly Regex BedrockVersion = new Regex(@"-v\d+(:\d+)?$", RegexOptions.CultureInvariant);
        private static readonly Regex DottedVersion = new Regex(@"(?<=\d)\.(?=\d)", RegexOptions.CultureInvariant);
        private static readonly Regex BedrockRegion = new Regex(@"^(us|eu|apac|au|jp|global|us-gov)\.", RegexOptions.CultureInvariant);
        private static readonly Regex DateThenEnd = new Regex(@"^[-@]\d{8}$", RegexOptions.CultureInvariant);
        private static readonly Regex EffortTier = new Regex(@"\s*\((minimal|low|medium|high|xhigh|max|auto|none)\)$", RegexOptions.CultureInvariant);
        private static readonly Regex VariantSuffix = new Regex(@"-(thinking|think|reasoning|high|xhigh|low|medium|minimal|max-effort|latest|preview)$", RegexOptions.CultureInvariant);
        private static readonly Regex FamilyLast = new Regex(@"^claude-(\d+)(-\d+)?-(opus|sonnet|haiku)(.*)$", RegexOptions.CultureInvariant);
        private static readonly Regex ClaudeZeroAlias = new Regex(@"^(claude-.*-\d+)-0$", RegexOptions.CultureInvariant);
        private static readonly Regex RoutingLabel = new Regex(@"^(auto|default|router|agent_review|[a-z0-9.]+-default)$", RegexOptions.CultureInvariant);

        /// <summary>Providers that author the models they serve; their entries beat resellers' for a bare model name.</summary>
        private static readonly HashSet<string> Authors = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "anthropic", "openai", "xai", "x-ai", "gemini", "google", "mistral", "mistralai", "deepseek", "zai", "z-ai",
            "moonshot", "moonshotai", "minimax", "dashscope", "qwen", "perplexity", "meta", "meta-llama", "codestral", "amazon-nova", "cohere",
        };

        private readonly PriceTable _table;
        private readonly ConcurrentDictionary<string, ModelMatch?> _memo = new ConcurrentDictionary<string, ModelMatch?>(StringComparer.Ordinal);

        /// <summary>Lower-case names (keys and model parts, plain and with dotted versions dashed) → best key.</summary>
        private readonly Dictionary<string, Candidate> _names = new Dictionary<string, Candidate>(StringComparer.Ordinal);

        public ModelResolver(PriceTable table)
        {
            _table = table;
            foreach (var pair in table.Models)
            {
                if ((pair.Value.Input ?? 0m) == 0m && (pair.Value.Output ?? 0m) == 0m)
                {
                    continue; // $0 rows (local runtimes, placeholders) price only their exact key, never a look-alike name
                }

                var key = pair.Key;
                var lower = key.ToLowerInvariant();
                var slash = lower.LastIndexOf('/');
                var rank = slash < 0 ? 0 : Authors.Contains(lower.Substring(0, lower.IndexOf('/'))) ? 2 : 4;
                var name = slash < 0 ? lower : lower.Substring(slash + 1);
                Index(name, key, rank);
                Index(Dashed(name), key, rank + 1);
            }
        }

        /// <summary>The entry that prices <paramref name="model"/>, or null when none does.</summary>
        public ModelMatch? Resolve(string model) => _memo.GetOrAdd(model, Find);

        /// <summary>True when the name is a routing label that names no model (never priced without an override).</summary>
        public static bool IsRoutingLabel(string model) => RoutingLabel.IsMatch(Clean(model));

        private ModelMatch? Find(string model)
        {
            if (model.Length == 0)
            {
                return null;
            }

            if (_table.Models.TryGetValue(model, out var exact))
            {
                return new ModelMatch(exact, PriceMatch.Exact, false);
            }

            var name = Clean(model);
            if (name.Length == 0 || RoutingLabel.IsMatch(name) || RoutingLabel.IsMatch(LastSegment(name)))
            {
                return null;
            }

            // Bare keys and authors' entries by every spelling, then by containment; resellers' entries only after both.
            return Normalized(name, 3, out var lastSpelling, out var fast)
                ?? (Contained(lastSpelling) is ModelPrice contained ? new ModelMatch(contained, PriceMatch.Contained, fast) : null)
                ?? Normalized(name, int.MaxValue, out _, out _);
        }

        /// <summary>
        /// Looks up each spelling of the name, then of the name with one variant suffix removed, and so on.
        /// <paramref name="lastSpelling"/> is the most normalised spelling tried (for containment).
        /// </summary>
        private ModelMatch? Normalized(string name, int maxRank, out string lastSpelling, out bool fast)
        {
            fast = false;
            lastSpelling = name;
            for (var round = 0; round < 4; round++)
            {
                foreach (var spelling in Spellings(name))
                {
                    lastSpelling = spelling;
                    if (Lookup(spelling, maxRank) is ModelPrice price)
                    {
                        return new ModelMatch(price, PriceMatch.Normalized, fast);
                    }
                }

                var stripped = StripSuffix(lastSpelling, out var wasFast);
                if (stripped is null)
                {
                    break;
                }

                fast |= wasFast;
                name = stripped;
            }

            return null;
        }

        private ModelPrice? Lookup(string name, int maxRank)
        {
            if (_table.Models.TryGetValue(name, out var price))
            {
                return price;
            }

            return _names.TryGetValue(name, out var candidate) && candidate.Rank <= maxRank ? _table.Models[candidate.Key] : null;
        }

        /// <summary>Lower-cased, client tag (<c>[pi] </c>) and effort tier (<c> (high)</c>) removed.</summary>
        private static string Clean(string model)
        {
            var name = model.Trim().ToLowerInvariant();
            if (name.StartsWith("[", StringComparison.Ordinal) && name.IndexOf("] ", StringComparison.Ordinal) > 0)
            {
                name = name.Substring(name.IndexOf("] ", StringComparison.Ordinal) + 2).Trim();
            }

            return EffortTier.Replace(name, string.Empty);
        }

        private static string LastSegment(string name)
        {
            var slash = name.LastIndexOf('/');
            return slash >= 0 && slash < name.Length - 1 ? name.Substring(slash + 1) : name;
        }

        /// <summary>Progressively normalised spellings of a cleaned name, most specific first.</summary>
        internal static IEnumerable<string> Spellings(string cleaned)
        {
            var name = cleaned;
            yield return name;

            var last = LastSegment(name);
            if (last != name)
            {
                name = last;
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

            var dashed = Dashed(name).Replace('@', '-');
            if (dashed != name)
            {
                name = dashed;
                yield return name;
            }

            var undated = DateSuffix.Replace(name, string.Empty);
            if (undated != name)
            {
                name = undated;
                yield return name;
            }

            // Claude 4+ names are family first (claude-sonnet-4-5); some clients log version first (claude-4-5-sonnet).
            var family = FamilyLast.Match(name);
            if (family.Success && int.Parse(family.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 4)
            {
                yield return $"claude-{family.Groups[3].Value}-{family.Groups[1].Value}{family.Groups[2].Value}{family.Groups[4].Value}";
            }
        }

        /// <summary>The name without one trailing variant suffix (<c>-thinking</c>, <c>-high</c>, <c>-fast</c>…), or null.</summary>
        private static string? StripSuffix(string name, out bool fast)
        {
            fast = name.EndsWith("-fast", StringComparison.Ordinal);
            if (fast)
            {
                return name.Substring(0, name.Length - "-fast".Length);
            }

            var zero = ClaudeZeroAlias.Match(name);
            if (zero.Success)
            {
                return zero.Groups[1].Value; // Anthropic's alias claude-sonnet-4-0 is claude-sonnet-4
            }

            var stripped = VariantSuffix.Replace(name, string.Empty);
            return stripped != name && stripped.Length > 0 ? stripped : null;
        }

        private ModelPrice? Contained(string name)
        {
            string? best = null;
            Candidate bestCandidate = default;
            foreach (var pair in _names)
            {
                if (pair.Value.Rank > 3 || pair.Key.Length < 4)
                {
                    continue; // containment only trusts bare keys and model authors' entries
                }

                var longer = best is null || pair.Key.Length > best.Length || (pair.Key.Length == best.Length && pair.Value.IsBetterThan(bestCandidate));
                if (longer && (ContainsAtBoundary(name, pair.Key) || IsUndatedFormOf(name, pair.Key)))
                {
                    best = pair.Key;
                    bestCandidate = pair.Value;
                }
            }

            return best is null ? null : _table.Models[bestCandidate.Key];
        }

        private void Index(string name, string key, int rank)
        {
            var candidate = new Candidate(key, rank);
            if (!_names.TryGetValue(name, out var current) || candidate.IsBetterThan(current))
            {
                _names[name] = candidate;
            }
        }

        private static string Dashed(string name) => DottedVersion.Replace(name, "-");

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

        /// <summary>A table key a name can stand for; lower rank is better (bare, then author, then reseller; exact spelling before dashed).</summary>
        private readonly struct Candidate
        {
            public Candidate(string key, int rank)
            {
                Key = key;
                Rank = rank;
            }

            public string Key { get; }

            public int Rank { get; }

            public bool IsBetterThan(Candidate other) =>
                Rank != other.Rank ? Rank < other.Rank
                : Key.Length != other.Key.Length ? Key.Length < other.Key.Length
                : string.CompareOrdinal(Key, other.Key) < 0;
        }
    }
}
