using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using TokUsage.Model;

namespace TokUsage.Pricing
{
    /// <summary>
    /// A model price table in the compact format of <see cref="LiteLlmConverter"/>: the LiteLLM snapshot compiled into
    /// the module, or one Update-TokenPrice stored. Immutable after load and safe to share between threads and runspaces.
    /// </summary>
    internal sealed class PriceTable
    {
        private const string EmbeddedResource = "TokUsage.Pricing.litellm-prices.json";
        private static readonly Lazy<PriceTable> EmbeddedTable = new Lazy<PriceTable>(LoadEmbedded);

        private PriceTable(Dictionary<string, ModelPrice> models, string snapshot, string? path, RefreshInfo? refresh)
        {
            Models = models;
            Snapshot = snapshot;
            Path = path;
            Refresh = refresh;
            Source = refresh is null
                ? $"LiteLLM snapshot {snapshot} (embedded)"
                : $"LiteLLM {refresh.Retrieved.UtcDateTime:yyyy-MM-dd} (Update-TokenPrice, {path})";
        }

        /// <summary>The table embedded in the module.</summary>
        public static PriceTable Embedded => EmbeddedTable.Value;

        /// <summary>Entries by model key, case-insensitive.</summary>
        public IReadOnlyDictionary<string, ModelPrice> Models { get; }

        /// <summary>Where the prices come from, for display (for example "LiteLLM snapshot 2026-07-24 (embedded)").</summary>
        public string Source { get; }

        /// <summary>Date (yyyy-MM-dd) of the prices: the snapshot's, or the day a refreshed table was downloaded.</summary>
        public string Snapshot { get; }

        /// <summary>File the table was loaded from; null for the embedded table.</summary>
        public string? Path { get; }

        /// <summary>Download facts of a refreshed table; null for the embedded one.</summary>
        public RefreshInfo? Refresh { get; }

        /// <summary>
        /// Parses a table in the compact format. <paramref name="path"/> is the file it came from (null when embedded).
        /// Throws <see cref="JsonException"/>, <see cref="KeyNotFoundException"/> or <see cref="InvalidOperationException"/>
        /// on a damaged table.
        /// </summary>
        public static PriceTable Parse(byte[] utf8, string? path)
        {
            var models = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
            using var doc = JsonDocument.Parse(utf8);
            var root = doc.RootElement;
            var snapshot = root.TryGetProperty("snapshot", out var s) ? s.GetString() : null;
            RefreshInfo? refresh = null;
            if (root.TryGetProperty("retrieved", out var retrieved) && retrieved.TryGetDateTimeOffset(out var when))
            {
                var uri = root.TryGetProperty("uri", out var u) ? u.GetString() : null;
                var etag = root.TryGetProperty("etag", out var t) ? t.GetString() : null;
                refresh = new RefreshInfo(uri ?? "unknown", when, etag);
            }

            foreach (var entry in root.GetProperty("models").EnumerateObject())
            {
                var price = new ModelPrice(entry.Name);
                var e = entry.Value;
                price.Provider = e.TryGetProperty("p", out var p) ? p.GetString() : null;
                ReadRates(e, price);
                price.Reasoning = Rate(e, "r");
                price.ContextWindow = e.TryGetProperty("ctx", out var ctx) && ctx.TryGetInt64(out var window) ? window : (long?)null;
                price.FastMultiplier = Rate(e, "fast");
                if (e.TryGetProperty("tiers", out var tiers))
                {
                    var list = new List<PriceTier>();
                    foreach (var t in tiers.EnumerateArray())
                    {
                        var tier = new PriceTier { Above = t.GetProperty("above").GetInt64() };
                        ReadRates(t, tier);
                        list.Add(tier);
                    }

                    list.Sort((a, b) => a.Above.CompareTo(b.Above));
                    price.Tiers = list.ToArray();
                }

                models[entry.Name] = price;
            }

            return new PriceTable(models, snapshot ?? "unknown", path, refresh);
        }

        private static PriceTable LoadEmbedded()
        {
            using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream(EmbeddedResource)
                ?? throw new InvalidOperationException($"The module is damaged: resource {EmbeddedResource} is missing.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return Parse(buffer.ToArray(), null);
        }

        private static void ReadRates(JsonElement e, PriceRates rates)
        {
            rates.Input = Rate(e, "i");
            rates.Output = Rate(e, "o");
            rates.CacheWrite = Rate(e, "cw");
            rates.CacheWrite1h = Rate(e, "cw1h");
            rates.CacheRead = Rate(e, "cr");
        }

        /// <summary>
        /// A rate of the compact table; absent is null. One past the <see cref="Plausible"/> bounds means the file was
        /// edited or damaged since it was written (the converter refuses such rates): the whole table is refused.
        /// </summary>
        private static decimal? Rate(JsonElement e, string name)
        {
            if (!e.TryGetProperty(name, out var v))
            {
                return null;
            }

            var multiplier = name == "fast";
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d) || !Plausible.Price(d, multiplier))
            {
                throw new InvalidDataException($"the rate '{name}' is {v.GetRawText()}, not a plausible {(multiplier ? "multiplier" : "price per token")}");
            }

            return d;
        }
    }
}
