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

        /// <summary>
        /// A model's rates; <paramref name="LongContext"/> bills the whole request once its input side exceeds
        /// <paramref name="Threshold"/>; <paramref name="NameSaysFast"/> marks a name like <c>claude-opus-4-6-fast</c>.
        /// </summary>
        public sealed record ModelRates(Rates Base, Rates? LongContext, decimal FastMultiplier, long Threshold = 200_000, bool NameSaysFast = false);

        public const string Unpriced = "zeta-private-coder-1";
        public const string Synthetic = "<synthetic>";

        public static readonly IReadOnlyDictionary<string, ModelRates> Models = new Dictionary<string, ModelRates>
        {
            ["claude-opus-4-6"] = new(new(5m, 25m, 6.25m, 10m, 0.5m), null, 6m),
            ["claude-sonnet-4-5-20250929"] = new(new(3m, 15m, 3.75m, 6m, 0.3m), new(6m, 22.5m, 7.5m, 12m, 0.6m), 1m),
            ["claude-sonnet-4-5"] = new(new(3m, 15m, 3.75m, 6m, 0.3m), new(6m, 22.5m, 7.5m, 12m, 0.6m), 1m),
            // Xiaomi MiMo V2.5 Pro as OpenRouter lists it (LiteLLM's only entry): cache writes free, 1M context.
            ["mimo-v2.5-pro"] = new(new(1m, 3m, 0m, 0m, 0.2m), null, 1m, Threshold: 1_048_576),
            // MiniMax M2.5 as MiniMax lists it (cache reads 0.1x, writes 1.25x of input).
            ["MiniMax-M2.5"] = new(new(0.3m, 1.2m, 0.375m, 0.375m, 0.03m), null, 1m, Threshold: 1_000_000),
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

        /// <summary>
        /// Model strings as real logs carry them (prefixes, Bedrock/Vertex spellings, pi tags, effort tiers, variants),
        /// with the provider's list prices per million tokens typed in from the price pages (LiteLLM snapshot
        /// 2026-07-24 where the page and LiteLLM agree; rates LiteLLM leaves out follow docs/pricing.md: Anthropic
        /// writes 1.25x/2x and reads 0.1x input, other providers' cache writes and unquoted cached input at the input
        /// rate). Long context is whole-request above the threshold.
        /// </summary>
        public static readonly IReadOnlyDictionary<string, ModelRates> RealModelStrings = new Dictionary<string, ModelRates>
        {
            ["claude-sonnet-4-5-20250929"] = new(new(3m, 15m, 3.75m, 6m, 0.3m), new(6m, 22.5m, 7.5m, 12m, 0.6m), 1m),
            ["claude-sonnet-4.5-20250929"] = new(new(3m, 15m, 3.75m, 6m, 0.3m), new(6m, 22.5m, 7.5m, 12m, 0.6m), 1m),
            ["anthropic/claude-opus-4.5"] = new(new(5m, 25m, 6.25m, 10m, 0.5m), null, 1m),
            ["claude-opus-4-6"] = new(new(5m, 25m, 6.25m, 10m, 0.5m), null, 6m),
            ["claude-opus-4-6-fast"] = new(new(5m, 25m, 6.25m, 10m, 0.5m), null, 6m, NameSaysFast: true),
            ["claude-haiku-4-5"] = new(new(1m, 5m, 1.25m, 2m, 0.1m), null, 1m),
            ["CLAUDE-HAIKU-4-5-20251001"] = new(new(1m, 5m, 1.25m, 2m, 0.1m), null, 1m),
            ["claude-opus-4-1"] = new(new(15m, 75m, 18.75m, 30m, 1.5m), null, 1m),
            ["claude-sonnet-4-0"] = new(new(3m, 15m, 3.75m, 6m, 0.3m), new(6m, 22.5m, 7.5m, 12m, 0.6m), 1m),
            ["claude-3-7-sonnet-20250219"] = new(new(3m, 15m, 3.75m, 6m, 0.3m), null, 1m),
            ["[pi] claude-opus-4-5"] = new(new(5m, 25m, 6.25m, 10m, 0.5m), null, 1m),
            ["anthropic/claude-4-6-sonnet"] = new(new(3m, 15m, 3.75m, 6m, 0.3m), null, 1m),
            ["claude-opus-4-8"] = new(new(5m, 25m, 6.25m, 10m, 0.5m), null, 2m),
            ["gpt-5"] = new(new(1.25m, 10m, 1.25m, 1.25m, 0.125m), null, 1m),
            ["gpt-5-codex"] = new(new(1.25m, 10m, 1.25m, 1.25m, 0.125m), null, 1m),
            ["gpt-5.1-codex-max-xhigh"] = new(new(1.25m, 10m, 1.25m, 1.25m, 0.125m), null, 1m),
            ["gpt-5.2-codex"] = new(new(1.75m, 14m, 1.75m, 1.75m, 0.175m), null, 1m),
            ["[pi] gpt-5.4"] = new(new(2.5m, 15m, 2.5m, 2.5m, 0.25m), new(5m, 22.5m, 5m, 5m, 0.5m), 1m, Threshold: 272_000),
            ["gpt-5.4 (high)"] = new(new(2.5m, 15m, 2.5m, 2.5m, 0.25m), new(5m, 22.5m, 5m, 5m, 0.5m), 1m, Threshold: 272_000),
            ["openai/gpt-5.5"] = new(new(5m, 30m, 5m, 5m, 0.5m), new(10m, 45m, 10m, 10m, 1m), 1m, Threshold: 272_000),
            ["gpt-5.4-mini"] = new(new(0.75m, 4.5m, 0.75m, 0.75m, 0.075m), null, 1m),
            ["o3"] = new(new(2m, 8m, 2m, 2m, 0.5m), null, 1m),
            ["o4-mini"] = new(new(1.1m, 4.4m, 1.1m, 1.1m, 0.275m), null, 1m),
            ["gpt-4.1"] = new(new(2m, 8m, 2m, 2m, 0.5m), null, 1m),
            // Google bills the input that creates cached content at the input rate (no separate write price).
            ["gemini-2.5-pro"] = new(new(1.25m, 10m, 1.25m, 1.25m, 0.125m), new(2.5m, 15m, 2.5m, 2.5m, 0.25m), 1m),
            ["google/gemini-2.5-flash"] = new(new(0.3m, 2.5m, 0.3m, 0.3m, 0.03m), null, 1m),
            ["gemini-3-pro-preview"] = new(new(2m, 12m, 2m, 2m, 0.2m), new(4m, 18m, 4m, 4m, 0.4m), 1m),
            ["grok-code-fast-1"] = new(new(0.2m, 1.5m, 0.2m, 0.2m, 0.02m), null, 1m),
            ["glm-4.6"] = new(new(0.6m, 2.2m, 0m, 0m, 0.11m), null, 1m),
            ["kimi-k2-thinking"] = new(new(0.6m, 2.5m, 0.6m, 0.6m, 0.15m), null, 1m),
            ["MiniMax-M2"] = new(new(0.3m, 1.2m, 0.375m, 0.375m, 0.03m), null, 1m),
            ["deepseek-chat"] = new(new(0.28m, 0.42m, 0.28m, 0.28m, 0.028m), null, 1m),
            ["devstral-medium-2507"] = new(new(0.4m, 2m, 0.4m, 0.4m, 0.4m), null, 1m),
            ["qwen3-coder-plus"] = new(new(1m, 5m, 1m, 1m, 1m), null, 1m),
        };

        public static decimal Cost(string model, long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead, bool fast)
        {
            if (!Models.TryGetValue(model, out var m) && !RealModelStrings.TryGetValue(model, out m))
            {
                return 0m;
            }

            var rates = m.LongContext != null && input + cacheWrite5m + cacheWrite1h + cacheRead > m.Threshold ? m.LongContext : m.Base;
            var perMillion = (input * rates.Input) + (output * rates.Output) + (cacheWrite5m * rates.CacheWrite5m)
                + (cacheWrite1h * rates.CacheWrite1h) + (cacheRead * rates.CacheRead);
            return perMillion / 1_000_000m * (fast || m.NameSaysFast ? m.FastMultiplier : 1m);
        }
    }
}
