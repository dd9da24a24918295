using System.Runtime.CompilerServices;
using TokUsage.Primitives;
using TokUsage.Model;
namespace TokUsage.Pricing
{
    /// <summary>
    /// The per-token USD rates that actually bill one request: the table's quoted rates with the gaps filled by the
    /// provider's rules. The one place those rules live; both the cost and Get-TokenPrice read it.
    /// </summary>
    internal readonly struct RateCard
    {
        public RateCard(decimal input, decimal output, decimal reasoning, decimal cacheWrite5m, decimal cacheWrite1h, decimal cacheRead)
        {
            Input = input;
            Output = output;
            Reasoning = reasoning;
            CacheWrite5m = cacheWrite5m;
            CacheWrite1h = cacheWrite1h;
            CacheRead = cacheRead;
            Whole = WholeRates.Of(input, output, reasoning, cacheWrite5m, cacheWrite1h, cacheRead);
        }

        public decimal Input { get; }

        public decimal Output { get; }

        public decimal Reasoning { get; }

        public decimal CacheWrite5m { get; }

        public decimal CacheWrite1h { get; }

        public decimal CacheRead { get; }

        /// <summary>The same rates as whole numbers at one scale, when they are small enough (<see cref="WholeRates"/>); else null.</summary>
        public WholeRates? Whole { get; }

        /// <summary>
        /// Base rates. Rates the table leaves out are derived: Anthropic's cache multipliers (5-minute write 1.25×, 1-hour
        /// write 2×, read 0.1× of input); other providers bill cached input at the input rate when no cached rate is quoted
        /// (and have no cache writes, so a write is input); Google creates cached content from input billed at the input
        /// rate (LiteLLM's Gemini "cache creation" figures are storage prices, not write prices); reasoning (thinking)
        /// tokens are output unless a rate is quoted.
        /// </summary>
        public static RateCard Base(ModelPrice price)
        {
            var input = price.Input ?? 0m;
            var output = price.Output ?? 0m;
            var cacheWrite = price.CacheWrite ?? (price.IsAnthropic ? input * 1.25m : input);
            var cacheWrite1h = price.CacheWrite1h ?? (price.IsAnthropic ? input * 2m : cacheWrite);
            var cacheRead = price.CacheRead ?? (price.IsAnthropic ? input * 0.1m : input);
            return new RateCard(input, output, price.Reasoning ?? output, cacheWrite, cacheWrite1h, cacheRead);
        }

        /// <summary>
        /// Rates above a long-context threshold. A tier's missing cache rate scales the base cache rate by the tier's input
        /// premium (cache prices are multiples of the input price); a missing output rate stays at base; reasoning is
        /// billed as the tier's output.
        /// </summary>
        public static RateCard ForTier(ModelPrice price, PriceTier tier)
        {
            var b = Base(price);
            var premium = tier.Input.HasValue && b.Input > 0 ? tier.Input.Value / b.Input : 1m;
            var output = tier.Output ?? b.Output;
            if (price.IsGoogle && price.CacheWrite is null)
            {
                // LiteLLM's Gemini tier "cache creation" figures are storage prices: writes are input at the tier rate.
                var input = tier.Input ?? b.Input * premium;
                return new RateCard(input, output, output, input, input, tier.CacheRead ?? b.CacheRead * premium);
            }

            return new RateCard(
                tier.Input ?? b.Input * premium,
                output,
                output,
                tier.CacheWrite ?? b.CacheWrite5m * premium,
                tier.CacheWrite1h ?? b.CacheWrite1h * premium,
                tier.CacheRead ?? b.CacheRead * premium);
        }

        /// <summary>The index of the highest tier whose threshold the request's input side exceeds; -1 for base rates.</summary>
        [MethodImpl(Jit.Optimized)]
        public static int TierIndex(ModelPrice price, long inputSide)
        {
            var index = -1;
            for (var i = 0; i < price.Tiers.Length; i++)
            {
                if (inputSide > price.Tiers[i].Above)
                {
                    index = i;
                }
            }

            return index;
        }
    }

    /// <summary>
    /// Prices one message the way providers bill it. Long context: when the request's input side (input + cache writes +
    /// cache reads) exceeds a tier threshold, every token of that request is billed at the tier's rates (Anthropic,
    /// Google and OpenAI bill the whole request, not only the excess). Cache writes are split into 5-minute and 1-hour
    /// rates. Fast mode multiplies by the entry's fast multiplier; an override's multiplier applies last. Pure and
    /// thread-safe.
    /// </summary>
    internal static class CostCalculator
    {
        public static decimal Cost(ModelPrice price, in TokenCounts tokens, bool fast) => Cost(price, RateCard.Base(price), tokens, fast);

        /// <summary>The same with the price's base rates already worked out (<see cref="PriceQuote.BaseRates"/>: once per model, not per message).</summary>
        [MethodImpl(Jit.Optimized)]
        public static decimal Cost(ModelPrice price, in RateCard baseRates, in TokenCounts tokens, bool fast) =>
            Cost(price, baseRates, tokens, fast, InputSide(tokens));

        /// <summary>A request's input side, which picks its tier: its input, cache writes and cache reads.</summary>
        [MethodImpl(Jit.Inline)]
        public static long InputSide(in TokenCounts tokens) => tokens.Input + tokens.CacheWrite + tokens.CacheRead;

        /// <summary>
        /// The cost of <paramref name="tokens"/> billed at the rates of a request whose input side is
        /// <paramref name="inputSide"/>: the same rule for the sums of many requests of one tier (the team report prices
        /// what the database summed, each sum within one tier).
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static decimal Cost(ModelPrice price, in RateCard baseRates, in TokenCounts tokens, bool fast, long inputSide)
        {
            var tier = price.Tiers.Length == 0 ? -1 : RateCard.TierIndex(price, inputSide);
            return Priced(price, tier < 0 ? baseRates : RateCard.ForTier(price, price.Tiers[tier]), tokens, fast);
        }

        /// <summary>
        /// The same for a quote, whose base and tier rates are worked out once per model (<see cref="PriceQuote"/>); the
        /// request's input side is the message's own unless given (a sum of many requests of one tier).
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static decimal Cost(PriceQuote quote, in TokenCounts tokens, bool fast, long? inputSide = null)
        {
            var price = quote.Price;
            var tier = price.Tiers.Length == 0 ? -1 : RateCard.TierIndex(price, inputSide ?? InputSide(tokens));
            return Priced(price, tier < 0 ? quote.BaseRates : quote.TierRates[tier], tokens, fast);
        }

        /// <summary>The cost of <paramref name="tokens"/> at the rates of their request's tier, with fast mode and the override's multiplier.</summary>
        [MethodImpl(Jit.Optimized)]
        private static decimal Priced(ModelPrice price, in RateCard rates, in TokenCounts tokens, bool fast)
        {
            var cost = rates.Whole is { } whole && whole.TryCost(tokens, out var summed) ? summed : DecimalCost(rates, tokens);
            if (fast && price.FastMultiplier.HasValue)
            {
                cost *= price.FastMultiplier.Value;
            }

            return price.Multiplier.HasValue ? cost * price.Multiplier.Value : cost;
        }

        /// <summary>The cost of <paramref name="tokens"/> at <paramref name="rates"/> in decimal arithmetic: the definition <see cref="WholeRates.TryCost"/> must equal.</summary>
        internal static decimal DecimalCost(in RateCard rates, in TokenCounts tokens) =>
            (tokens.Input * rates.Input)
                + (tokens.Output * rates.Output)
                + (tokens.Reasoning * rates.Reasoning)
                + (tokens.CacheWrite5m * rates.CacheWrite5m)
                + (tokens.CacheWrite1h * rates.CacheWrite1h)
                + (tokens.CacheRead * rates.CacheRead);
    }

    /// <summary>
    /// A rate card's six rates as whole numbers at one decimal scale (rate = mantissa / 10^scale): then a message's cost
    /// is one 64-bit sum of products instead of six decimal products and five decimal sums, a quarter of a warm run's
    /// reading thread when the cache serves hundreds of thousands of messages. The result is the decimal computation's bit
    /// for bit, scale included (<see cref="CostCalculator.DecimalCost"/>): decimal products and sums of these sizes are
    /// exact, a product keeps its rate's scale and a sum the larger of its two, so the decimal result is the exact sum at
    /// the largest of the six scales — which is what the whole-number sum is. Immutable; any thread.
    /// </summary>
    internal sealed class WholeRates
    {
        /// <summary>A rate's mantissa at the common scale stays below this; with tokens below <see cref="TokenBound"/>, six products sum below 2^63.</summary>
        private const long MantissaBound = 1L << 29;

        /// <summary>Counts at or past this (or negative) are priced in decimal arithmetic.</summary>
        private const long TokenBound = 1L << 31;

        private readonly long _input;
        private readonly long _output;
        private readonly long _reasoning;
        private readonly long _cacheWrite5m;
        private readonly long _cacheWrite1h;
        private readonly long _cacheRead;
        private readonly byte _scale;

        private WholeRates(long[] mantissas, byte scale)
        {
            _input = mantissas[0];
            _output = mantissas[1];
            _reasoning = mantissas[2];
            _cacheWrite5m = mantissas[3];
            _cacheWrite1h = mantissas[4];
            _cacheRead = mantissas[5];
            _scale = scale;
        }

        /// <summary>The rates as whole numbers at their largest scale; null when one is negative (or a negative zero) or too large a mantissa at that scale.</summary>
        public static WholeRates? Of(params decimal[] rates)
        {
            var scale = 0;
            foreach (var rate in rates)
            {
                if (rate < 0)
                {
                    return null;
                }

                scale = System.Math.Max(scale, (decimal.GetBits(rate)[3] >> 16) & 0xFF);
            }

            var mantissas = new long[rates.Length];
            for (var i = 0; i < rates.Length; i++)
            {
                var bits = decimal.GetBits(rates[i]);
                if (bits[1] != 0 || bits[2] != 0 || bits[3] < 0)
                {
                    return null; // a large mantissa, or a negative zero (whose products decimal keeps negative)
                }

                var mantissa = (long)(uint)bits[0];
                for (var s = (bits[3] >> 16) & 0xFF; s < scale; s++)
                {
                    mantissa *= 10;
                    if (mantissa >= MantissaBound)
                    {
                        return null;
                    }
                }

                if (mantissa >= MantissaBound)
                {
                    return null;
                }

                mantissas[i] = mantissa;
            }

            return new WholeRates(mantissas, (byte)scale);
        }

        /// <summary>The cost of <paramref name="tokens"/> at these rates, when every count is within bounds; false: price them in decimal.</summary>
        [MethodImpl(Jit.Optimized)]
        public bool TryCost(in TokenCounts tokens, out decimal cost)
        {
            var cacheWrite5m = tokens.CacheWrite5m;
            if ((ulong)tokens.Input >= TokenBound || (ulong)tokens.Output >= TokenBound || (ulong)tokens.Reasoning >= TokenBound
                || (ulong)cacheWrite5m >= TokenBound || (ulong)tokens.CacheWrite1h >= TokenBound || (ulong)tokens.CacheRead >= TokenBound)
            {
                cost = 0m;
                return false;
            }

            var sum = (tokens.Input * _input) + (tokens.Output * _output) + (tokens.Reasoning * _reasoning)
                + (cacheWrite5m * _cacheWrite5m) + (tokens.CacheWrite1h * _cacheWrite1h) + (tokens.CacheRead * _cacheRead);
            cost = new decimal((int)sum, (int)(sum >> 32), 0, false, _scale);
            return true;
        }
    }
}
