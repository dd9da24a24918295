using System;
using System.Collections.Generic;
using TokUsage.Pricing;

namespace TokUsage
{
    /// <summary>
    /// The effective prices of one model name (Get-TokenPrice): USD per million tokens after the provider's rules filled
    /// the table's gaps and the user's overrides were merged in, the table entry the name resolved to, and why.
    /// </summary>
    public sealed class TokenPrice
    {
        internal TokenPrice(PriceQuote quote)
        {
            var price = quote.Price;
            var rates = RateCard.Base(price);
            Model = quote.Model;
            Entry = quote.Entry;
            Provider = price.Provider;
            Match = quote.Match;
            Input = PerMillion(rates.Input);
            Output = PerMillion(rates.Output);
            CacheRead = PerMillion(rates.CacheRead);
            CacheWrite5m = PerMillion(rates.CacheWrite5m);
            CacheWrite1h = PerMillion(rates.CacheWrite1h);
            Reasoning = PerMillion(rates.Reasoning);
            var tiers = new List<TokenPriceTier>();
            foreach (var tier in price.Tiers)
            {
                tiers.Add(new TokenPriceTier(tier.Above, RateCard.ForTier(price, tier)));
            }

            LongContext = new ItemList<TokenPriceTier>(tiers.ToArray(), ItemList<TokenPriceTier>.Joined);
            FastMultiplier = price.FastMultiplier;
            Multiplier = price.Multiplier;
            ContextWindow = price.ContextWindow;
            Source = quote.Source;
            Override = quote.Override is null ? null : $"{quote.Override.Pattern} ({quote.Override.Origin}: {string.Join(", ", quote.Override.Fields.Keys)})";
            Notes = new ItemList<string>(NotesFor(quote, price), ItemList<string>.Joined);
        }

        /// <summary>The model name asked for (as a log has it).</summary>
        public string Model { get; }

        /// <summary>The price table entry the prices start from; null for an override that prices a name on its own.</summary>
        public string? Entry { get; }

        /// <summary>LiteLLM provider of the entry.</summary>
        public string? Provider { get; }

        /// <summary>How the name found its prices: Exact, Normalized, Contained or Override.</summary>
        public PriceMatch Match { get; }

        /// <summary>Input tokens that were neither read from nor written to the cache, USD per million.</summary>
        public decimal Input { get; }

        public decimal Output { get; }

        /// <summary>Cached input (cache read), USD per million.</summary>
        public decimal CacheRead { get; }

        /// <summary>Cache write with the 5-minute TTL, USD per million.</summary>
        public decimal CacheWrite5m { get; }

        /// <summary>Cache write with the 1-hour TTL, USD per million.</summary>
        public decimal CacheWrite1h { get; }

        /// <summary>Reasoning (thinking) tokens, USD per million.</summary>
        public decimal Reasoning { get; }

        /// <summary>Long-context tiers: above each threshold of input-side tokens, the whole request is billed at the tier's rates.</summary>
        public ItemList<TokenPriceTier> LongContext { get; }

        /// <summary>Multiplier of fast mode (applied where the log marks a request as fast).</summary>
        public decimal? FastMultiplier { get; }

        /// <summary>An override's multiplier on the whole cost (discount or markup).</summary>
        public decimal? Multiplier { get; }

        /// <summary>Context window (max input tokens) per the table.</summary>
        public long? ContextWindow { get; }

        /// <summary>Where the prices come from: embedded snapshot, refreshed table, override.</summary>
        public string Source { get; }

        /// <summary>The override applied (pattern, origin and fields), or null.</summary>
        public string? Override { get; }

        /// <summary>How rates the table does not quote were derived, and the billing rules that apply.</summary>
        public ItemList<string> Notes { get; }

        internal static decimal PerMillion(decimal perToken) => Normalize(perToken * 1_000_000m);

        /// <summary>Drops trailing zeros (3.000000 → 3) so rates print as people write them.</summary>
        private static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;

        private static string[] NotesFor(PriceQuote quote, ModelPrice price)
        {
            var notes = new List<string>();
            var anthropic = price.IsAnthropic;
            if (price.IsGoogle && price.CacheWrite is null)
            {
                notes.Add("CacheWrite5m = CacheWrite1h = Input (Google bills the input that creates cached content as input)");
            }
            else if (price.CacheWrite is null)
            {
                notes.Add(anthropic ? "CacheWrite5m = 1.25 × Input (Anthropic's rule; the table quotes none)" : "CacheWrite5m = Input (the table quotes no cache write rate)");
            }

            if (price.CacheWrite1h is null && !(price.IsGoogle && price.CacheWrite is null))
            {
                notes.Add(anthropic ? "CacheWrite1h = 2 × Input (Anthropic's rule; the table quotes none)" : "CacheWrite1h = CacheWrite5m (the table quotes no 1-hour rate)");
            }

            if (price.CacheRead is null)
            {
                notes.Add(anthropic ? "CacheRead = 0.1 × Input (Anthropic's rule; the table quotes none)" : "CacheRead = Input (the table quotes no cached-input rate)");
            }

            if (price.Reasoning is null)
            {
                notes.Add("Reasoning = Output (thinking tokens are billed as output)");
            }

            foreach (var tier in price.Tiers)
            {
                var above = tier.Above.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
                notes.Add($"Above {above} input-side tokens (input + cache read + cache write) the whole request is billed at the LongContext rates");
                var derived = new List<string>();
                if (tier.CacheWrite is null) derived.Add("CacheWrite5m");
                if (tier.CacheWrite1h is null) derived.Add("CacheWrite1h");
                if (tier.CacheRead is null) derived.Add("CacheRead");
                if (derived.Count > 0)
                {
                    notes.Add($"Above {above}: {string.Join(", ", derived)} = base rate × the tier's input premium (the table quotes none)");
                }

                if (tier.Output is null)
                {
                    notes.Add($"Above {above}: Output stays at the base rate (the table quotes no tier rate)");
                }
            }

            if (price.FastMultiplier.HasValue)
            {
                notes.Add($"Fast mode (usage.speed = fast, or a -fast model name) costs {price.FastMultiplier.Value:0.##} ×");
            }

            if (quote.Fast)
            {
                notes.Add($"'{quote.Model}' names fast mode: its requests are billed with the fast multiplier");
            }

            if (price.Multiplier.HasValue)
            {
                notes.Add($"The override multiplies every cost by {price.Multiplier.Value:0.####}");
            }

            return notes.ToArray();
        }
    }

    /// <summary>One long-context tier of a <see cref="TokenPrice"/>, USD per million tokens.</summary>
    public sealed class TokenPriceTier
    {
        internal TokenPriceTier(long above, RateCard rates)
        {
            Above = above;
            Input = TokenPrice.PerMillion(rates.Input);
            Output = TokenPrice.PerMillion(rates.Output);
            CacheRead = TokenPrice.PerMillion(rates.CacheRead);
            CacheWrite5m = TokenPrice.PerMillion(rates.CacheWrite5m);
            CacheWrite1h = TokenPrice.PerMillion(rates.CacheWrite1h);
        }

        /// <summary>The tier applies when a request's input side exceeds this many tokens.</summary>
        public long Above { get; }

        public decimal Input { get; }

        public decimal Output { get; }

        public decimal CacheRead { get; }

        public decimal CacheWrite5m { get; }

        public decimal CacheWrite1h { get; }

        public override string ToString() => $">{Above / 1000}k: {Input}/{Output}";
    }

    /// <summary>The price table Update-TokenPrice stored (or found current).</summary>
    public sealed class PriceTableInfo
    {
        internal PriceTableInfo(PriceTable table, bool changed)
        {
            Source = table.Source;
            Path = table.Path;
            Uri = table.Refresh?.Uri;
            RetrievedAt = table.Refresh?.Retrieved;
            Models = table.Models.Count;
            Changed = changed;
        }

        public string Source { get; }

        /// <summary>The stored file later runs read.</summary>
        public string? Path { get; }

        public string? Uri { get; }

        public DateTimeOffset? RetrievedAt { get; }

        /// <summary>Priced models in the table.</summary>
        public int Models { get; }

        /// <summary>False when the server said the stored table was already current and nothing was written.</summary>
        public bool Changed { get; }
    }
}
