using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using TokUsage.Model;

namespace TokUsage.Pricing
{
    /// <summary>A price override that cannot be used, with a message that names where it came from and what to fix.</summary>
    internal sealed class PriceOverrideException : Exception
    {
        public PriceOverrideException(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }

    /// <summary>
    /// One user override for the model names matching <see cref="Pattern"/> (a raw name as the log has it, or a
    /// wildcard pattern with <c>*</c> and <c>?</c>). Rates are USD per million tokens, as Get-TokenPrice shows them.
    /// Fields left null are taken from the entry the override starts from: <see cref="Base"/> when given, else the
    /// entry the name resolves to in the price table. Immutable.
    /// </summary>
    internal sealed class PriceOverride
    {
        /// <summary>The field names users write, case-insensitive (<c>CacheWrite</c> is an alias of <c>CacheWrite5m</c>).</summary>
        public static readonly string[] FieldNames = { "Base", "Input", "Output", "CacheRead", "CacheWrite5m", "CacheWrite1h", "Reasoning", "FastMultiplier", "Multiplier" };

        private readonly Regex? _wildcard;

        private PriceOverride(string pattern, string origin, IReadOnlyDictionary<string, object> fields)
        {
            Pattern = pattern;
            Origin = origin;
            Fields = fields;
            if (pattern.IndexOf('*') >= 0 || pattern.IndexOf('?') >= 0)
            {
                var regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
                _wildcard = new Regex(regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
            }
        }

        public string Pattern { get; }

        /// <summary>Where the override was given: <c>-PriceOverride</c> or the price file's path (both when merged).</summary>
        public string Origin { get; }

        /// <summary>Canonical field name → value (string for Base, decimal otherwise).</summary>
        public IReadOnlyDictionary<string, object> Fields { get; }

        public bool IsWildcard => _wildcard != null;

        /// <summary>Count of literal characters: the more, the more specific a wildcard pattern.</summary>
        public int Specificity => Pattern.Count(c => c != '*' && c != '?');

        public string? Base => Fields.TryGetValue("Base", out var b) ? (string)b : null;

        public bool SetsInputOrOutput => Fields.ContainsKey("Input") || Fields.ContainsKey("Output");

        public bool Matches(string model) => _wildcard is null
            ? string.Equals(Pattern, model, StringComparison.OrdinalIgnoreCase)
            : _wildcard.IsMatch(model);

        /// <summary>Field-by-field merge: this override's fields win over <paramref name="lower"/>'s.</summary>
        public PriceOverride Over(PriceOverride lower)
        {
            var fields = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var f in lower.Fields)
            {
                fields[f.Key] = f.Value;
            }

            foreach (var f in Fields)
            {
                fields[f.Key] = f.Value;
            }

            return new PriceOverride(Pattern, $"{Origin} over {lower.Origin}", fields);
        }

        /// <summary>Applies the rate fields to a copy of <paramref name="start"/>.</summary>
        public ModelPrice ApplyTo(ModelPrice start, string key)
        {
            var price = start.CloneAs(key);
            foreach (var f in Fields)
            {
                if (f.Value is decimal d)
                {
                    var perToken = d / 1_000_000m;
                    switch (f.Key)
                    {
                        case "Input": price.Input = perToken; break;
                        case "Output": price.Output = perToken; break;
                        case "CacheRead": price.CacheRead = perToken; break;
                        case "CacheWrite5m": price.CacheWrite = perToken; break;
                        case "CacheWrite1h": price.CacheWrite1h = perToken; break;
                        case "Reasoning": price.Reasoning = perToken; break;
                        case "FastMultiplier": price.FastMultiplier = d; break;
                        case "Multiplier": price.Multiplier = d; break;
                    }
                }
            }

            return price;
        }

        /// <summary>Builds an override from user-given fields; throws <see cref="PriceOverrideException"/> naming the bad field.</summary>
        public static PriceOverride Create(string pattern, string origin, IEnumerable<KeyValuePair<string, object?>> given)
        {
            if (string.IsNullOrWhiteSpace(pattern))
            {
                throw new PriceOverrideException($"{origin}: a model name is empty.");
            }

            var fields = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var pair in given)
            {
                var name = Canonical(pair.Key)
                    ?? throw new PriceOverrideException($"{origin}['{pattern}']: '{pair.Key}' is not a price field. Use {string.Join(", ", FieldNames)} (rates in USD per million tokens).");
                if (name == "Base")
                {
                    var text = pair.Value?.ToString();
                    if (string.IsNullOrWhiteSpace(text))
                    {
                        throw new PriceOverrideException($"{origin}['{pattern}']: Base must name a price table entry (see Get-TokenPrice).");
                    }

                    fields[name] = text!.Trim();
                    continue;
                }

                if (!TryDecimal(pair.Value, out var value) || value < 0)
                {
                    throw new PriceOverrideException($"{origin}['{pattern}']: {name} must be a number of 0 or more (USD per million tokens for rates), not '{pair.Value}'.");
                }

                var multiplier = name == "FastMultiplier" || name == "Multiplier";
                if (!Plausible.Price(multiplier ? value : value / 1_000_000m, multiplier))
                {
                    throw new PriceOverrideException(multiplier
                        ? $"{origin}['{pattern}']: {name} {pair.Value} is not a plausible multiplier; it must be between 0 and {Plausible.MaxMultiplier}."
                        : $"{origin}['{pattern}']: {name} {pair.Value} is not a plausible rate; rates are USD per million tokens, at most {Plausible.MaxRatePerToken * 1_000_000m:0}.");
                }

                fields[name] = value;
            }

            if (fields.Count == 0)
            {
                throw new PriceOverrideException($"{origin}['{pattern}']: no fields. Give Base and/or rates: {string.Join(", ", FieldNames)}.");
            }

            return new PriceOverride(pattern.Trim(), origin, fields);
        }

        private static string? Canonical(string name)
        {
            if (string.Equals(name, "CacheWrite", StringComparison.OrdinalIgnoreCase))
            {
                return "CacheWrite5m";
            }

            return FieldNames.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>Doubles at or past this (and NaN) have no decimal value.</summary>
        private const double DecimalLimit = 7.9e28;

        private static bool TryDecimal(object? value, out decimal result)
        {
            result = 0m;
            switch (value)
            {
                case null:
                    return false;
                case decimal d:
                    result = d;
                    return true;
                case double f when Math.Abs(f) < DecimalLimit:
                    result = (decimal)f;
                    return true;
                case float f when Math.Abs(f) < DecimalLimit:
                    result = (decimal)f;
                    return true;
                case int _:
                case long _:
                case short _:
                case byte _:
                    result = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                    return true;
                case string s:
                    return decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// The user's overrides: the price file's, with -PriceOverride's merged over them field by field. A name takes the
    /// override whose pattern equals it (case-insensitive); failing that, the most specific wildcard pattern that
    /// matches it. Immutable and thread-safe.
    /// </summary>
    internal sealed class PriceOverrideSet
    {
        public static readonly PriceOverrideSet Empty = new PriceOverrideSet(Array.Empty<PriceOverride>());

        private readonly Dictionary<string, PriceOverride> _exact;
        private readonly PriceOverride[] _wildcards;

        public PriceOverrideSet(IEnumerable<PriceOverride> overrides)
        {
            All = overrides.ToArray();
            _exact = new Dictionary<string, PriceOverride>(StringComparer.OrdinalIgnoreCase);
            foreach (var o in All.Where(o => !o.IsWildcard))
            {
                _exact[o.Pattern] = o;
            }

            _wildcards = All.Where(o => o.IsWildcard)
                .OrderByDescending(o => o.Specificity)
                .ThenBy(o => o.Pattern, StringComparer.Ordinal)
                .ToArray();
        }

        public IReadOnlyList<PriceOverride> All { get; }

        public bool IsEmpty => All.Count == 0;

        public PriceOverride? Match(string model)
        {
            if (All.Count == 0)
            {
                return null;
            }

            if (_exact.TryGetValue(model, out var exact))
            {
                return exact;
            }

            foreach (var w in _wildcards)
            {
                if (w.Matches(model))
                {
                    return w;
                }
            }

            return null;
        }

        /// <summary>Merges <paramref name="higher"/> over this set: same pattern (case-insensitive) merges field by field.</summary>
        public PriceOverrideSet With(PriceOverrideSet higher)
        {
            if (higher.IsEmpty)
            {
                return this;
            }

            var merged = new Dictionary<string, PriceOverride>(StringComparer.OrdinalIgnoreCase);
            foreach (var o in All)
            {
                merged[o.Pattern] = o;
            }

            foreach (var o in higher.All)
            {
                merged[o.Pattern] = merged.TryGetValue(o.Pattern, out var lower) ? o.Over(lower) : o;
            }

            return new PriceOverrideSet(merged.Values);
        }

        /// <summary>Overrides from a dictionary of model name → dictionary of fields (what -PriceOverride carries).</summary>
        public static PriceOverrideSet FromDictionary(IDictionary models, string origin)
        {
            var list = new List<PriceOverride>();
            foreach (DictionaryEntry entry in models)
            {
                var pattern = entry.Key?.ToString() ?? string.Empty;
                if (!(entry.Value is IDictionary fields))
                {
                    throw new PriceOverrideException($"{origin}['{pattern}']: the value must be a hashtable of fields, for example @{{ Input = 3; Output = 15 }} or @{{ Base = 'claude-sonnet-4-5' }}.");
                }

                list.Add(PriceOverride.Create(pattern, origin, fields.Cast<DictionaryEntry>().Select(f => new KeyValuePair<string, object?>(f.Key?.ToString() ?? string.Empty, f.Value))));
            }

            return new PriceOverrideSet(list);
        }

        /// <summary>
        /// Overrides from the user's price file, <c>{"models": {"name": {"Input": 3, ...}}}</c>; <see cref="Empty"/> when
        /// the file does not exist. A file that exists but cannot be used throws: a silently ignored override would
        /// make every cost after it wrong.
        /// </summary>
        public static PriceOverrideSet FromFile(string path)
        {
            byte[] bytes;
            try
            {
                if (!File.Exists(path))
                {
                    return Empty;
                }

                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PriceOverrideException($"Cannot read the price file '{path}': {e.Message}", e);
            }

            try
            {
                using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Object)
                {
                    throw new PriceOverrideException($"The price file '{path}' must be a JSON object with a \"models\" object: {{\"models\": {{\"my-model\": {{\"Input\": 3, \"Output\": 15}}}}}}.");
                }

                var list = new List<PriceOverride>();
                foreach (var model in models.EnumerateObject())
                {
                    if (model.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw new PriceOverrideException($"{path}['{model.Name}']: the value must be an object of fields.");
                    }

                    list.Add(PriceOverride.Create(model.Name, path, model.Value.EnumerateObject().Select(f => new KeyValuePair<string, object?>(f.Name, JsonValue(f.Value)))));
                }

                return new PriceOverrideSet(list);
            }
            catch (JsonException e)
            {
                throw new PriceOverrideException($"The price file '{path}' is not valid JSON: {e.Message}", e);
            }
        }

        private static object? JsonValue(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDecimal(out var d) ? d : (object)value.GetRawText(),
            JsonValueKind.String => value.GetString(),
            _ => value.GetRawText(),
        };
    }
}
