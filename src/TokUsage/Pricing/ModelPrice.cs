namespace TokUsage.Pricing
{
    /// <summary>Per-token USD rates of one price table entry, as the table gives them (null = not quoted).</summary>
    internal class PriceRates
    {
        /// <summary>Copies every rate of <paramref name="other"/> onto this object.</summary>
        public void CopyRatesFrom(PriceRates other)
        {
            Input = other.Input;
            Output = other.Output;
            CacheWrite = other.CacheWrite;
            CacheWrite1h = other.CacheWrite1h;
            CacheRead = other.CacheRead;
        }

        public decimal? Input { get; set; }
        public decimal? Output { get; set; }
        /// <summary>Cache write with the default (5-minute) TTL.</summary>
        public decimal? CacheWrite { get; set; }
        /// <summary>Cache write with the 1-hour TTL.</summary>
        public decimal? CacheWrite1h { get; set; }
        public decimal? CacheRead { get; set; }
    }

    /// <summary>Premium rates that apply to a whole request once its input side exceeds <see cref="Above"/> tokens.</summary>
    internal sealed class PriceTier : PriceRates
    {
        public long Above { get; set; }
    }

    /// <summary>One price table entry. Immutable after load; shared by all threads.</summary>
    internal sealed class ModelPrice : PriceRates
    {
        public ModelPrice(string key) => Key = key;

        /// <summary>A copy under another key (the start of an override's field-by-field merge).</summary>
        public ModelPrice CloneAs(string key)
        {
            var copy = new ModelPrice(key)
            {
                Provider = Provider,
                Reasoning = Reasoning,
                ContextWindow = ContextWindow,
                FastMultiplier = FastMultiplier,
                Multiplier = Multiplier,
                Tiers = Tiers,
            };
            copy.CopyRatesFrom(this);
            return copy;
        }

        /// <summary>The table key the model resolved to (what Get-TokenPrice will show).</summary>
        public string Key { get; }

        /// <summary>LiteLLM provider of the entry (for example <c>anthropic</c>).</summary>
        public string? Provider { get; set; }

        /// <summary>Reasoning-token rate where the table quotes one apart from output.</summary>
        public decimal? Reasoning { get; set; }

        /// <summary>Context window (max input tokens).</summary>
        public long? ContextWindow { get; set; }

        /// <summary>Long-context tiers, ascending by threshold.</summary>
        public PriceTier[] Tiers { get; set; } = System.Array.Empty<PriceTier>();

        /// <summary>Multiplier of the provider's fast/priority mode where the log marks a request as fast.</summary>
        public decimal? FastMultiplier { get; set; }

        /// <summary>Factor applied to the whole cost (an override's negotiated discount or a reseller's markup); null = 1.</summary>
        public decimal? Multiplier { get; set; }

        /// <summary>Google's Gemini entries (Gemini API and Vertex AI): cached content is created from input billed as input.</summary>
        public bool IsGoogle => Provider == "gemini" || (Provider?.StartsWith("vertex_ai-language", System.StringComparison.Ordinal) ?? false)
            || Key.IndexOf("gemini", System.StringComparison.OrdinalIgnoreCase) >= 0;

        public bool IsAnthropic => Provider == "anthropic" || Key.IndexOf("claude", System.StringComparison.OrdinalIgnoreCase) >= 0;
    }
}
