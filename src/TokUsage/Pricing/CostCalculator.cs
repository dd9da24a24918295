namespace TokUsage.Pricing
{
    /// <summary>
    /// Prices one message the way providers bill it. Long context: when the request's input side (input + cache writes +
    /// cache reads) exceeds a tier threshold, every token of that request is billed at the tier's rates (Anthropic and
    /// Google bill the whole request, not only the excess). Cache writes are split into 5-minute and 1-hour rates.
    /// Rates the table leaves out are derived: Anthropic's cache multipliers (write 1.25×, 1-hour write 2×, read 0.1× of
    /// input); a tier's missing cache rate scales the base cache rate by the tier's input premium (cache prices are
    /// multiples of the input price); a tier's missing output rate stays at base. Pure and thread-safe.
    /// </summary>
    internal static class CostCalculator
    {
        public static decimal Cost(ModelPrice price, in TokenCounts tokens, bool fast)
        {
            var inputSide = tokens.Input + tokens.CacheWrite + tokens.CacheRead;
            PriceTier? tier = null;
            foreach (var t in price.Tiers)
            {
                if (inputSide > t.Above)
                {
                    tier = t;
                }
            }

            var input = price.Input ?? 0m;
            var output = price.Output ?? 0m;
            var cacheWrite = price.CacheWrite ?? (price.IsAnthropic ? input * 1.25m : input);
            var cacheWrite1h = price.CacheWrite1h ?? (price.IsAnthropic ? input * 2m : cacheWrite);
            var cacheRead = price.CacheRead ?? (price.IsAnthropic ? input * 0.1m : input);
            var reasoning = price.Reasoning ?? output;

            if (tier != null)
            {
                var premium = tier.Input.HasValue && input > 0 ? tier.Input.Value / input : 1m;
                input = tier.Input ?? input * premium;
                output = tier.Output ?? output;
                cacheWrite = tier.CacheWrite ?? cacheWrite * premium;
                cacheWrite1h = tier.CacheWrite1h ?? cacheWrite1h * premium;
                cacheRead = tier.CacheRead ?? cacheRead * premium;
                reasoning = output;
            }

            var cost = (tokens.Input * input)
                + (tokens.Output * output)
                + (tokens.Reasoning * reasoning)
                + (tokens.CacheWrite5m * cacheWrite)
                + (tokens.CacheWrite1h * cacheWrite1h)
                + (tokens.CacheRead * cacheRead);

            return fast && price.FastMultiplier.HasValue ? cost * price.FastMultiplier.Value : cost;
        }
    }
}
