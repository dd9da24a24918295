using System;
using System.Collections.Generic;

namespace TokUsage.TestData
{
    /// <summary>
    /// Providers' published list prices (USD per million tokens) for the models the generator writes — typed in from
    /// the provider's price page, independent of the module's embedded table — and the provider's billing rules:
    /// whole request at long-context rates above 200k input-side tokens, 5-minute vs 1-hour cache writes, fast mode.
    /// </summary>
    public static class ReferencePrices
    {
        public sealed record Rates(decimal Input, decimal Output, decimal CacheWrite5m, decimal CacheWrite1h, decimal CacheRead);

        public sealed record ModelRates(Rates Base, Rates? LongContext, decimal FastMultiplier);

        public const string Unpriced = "zeta-private-coder-1";
        public const string Synthetic = "<synthetic>";

        public static readonly IReadOnlyDictionary<string, ModelRates> Models = new Dictionary<string, ModelRates>
        {
            ["claude-opus-4-6"] = new(new(5m, 25m, 6.25m, 10m, 0.5m), null, 6m),
            ["claude-sonnet-4-5-20250929"] = new(new(3m, 15m, 3.75m, 6m, 0.3m), new(6m, 22.5m, 7.5m, 12m, 0.6m), 1m),
            ["claude-haiku-4-5-20251001"] = new(new(1m, 5m, 1.25m, 2m, 0.1m), null, 1m),
            ["claude-opus-4-1-20250805"] = new(new(15m, 75m, 18.75m, 30m, 1.5m), null, 1m),
            ["claude-sonnet-4-20250514"] = new(new(3m, 15m, 3.75m, 6m, 0.3m), new(6m, 22.5m, 7.5m, 12m, 0.6m), 1m),

            // OpenAI (no cache writes; cached input at the cached-input rate; reasoning billed as output).
            ["gpt-5-codex"] = new(new(1.25m, 10m, 1.25m, 1.25m, 0.125m), null, 1m),
            ["gpt-5.2-codex"] = new(new(1.75m, 14m, 1.75m, 1.75m, 0.175m), null, 1m),
            ["gpt-5.3-codex"] = new(new(1.75m, 14m, 1.75m, 1.75m, 0.175m), null, 1m),
            ["gpt-5.4-mini"] = new(new(0.75m, 4.5m, 0.75m, 0.75m, 0.075m), null, 1m),

            // Google (thinking tokens billed as output; long context above 200k input for 2.5 Pro).
            ["gemini-2.5-flash"] = new(new(0.3m, 2.5m, 0.3m, 0.3m, 0.03m), null, 1m),
            ["gemini-2.5-pro"] = new(new(1.25m, 10m, 1.25m, 1.25m, 0.125m), new(2.5m, 15m, 2.5m, 2.5m, 0.25m), 1m),
        };

        public static decimal Cost(string model, long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead, bool fast)
        {
            if (!Models.TryGetValue(model, out var m))
            {
                return 0m;
            }

            var rates = m.LongContext != null && input + cacheWrite5m + cacheWrite1h + cacheRead > 200_000 ? m.LongContext : m.Base;
            var perMillion = (input * rates.Input) + (output * rates.Output) + (cacheWrite5m * rates.CacheWrite5m)
                + (cacheWrite1h * rates.CacheWrite1h) + (cacheRead * rates.CacheRead);
            return perMillion / 1_000_000m * (fast ? m.FastMultiplier : 1m);
        }
    }
}
