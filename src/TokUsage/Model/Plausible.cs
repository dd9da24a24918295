using System.Runtime.CompilerServices;

namespace TokUsage.Model
{
    /// <summary>
    /// The bounds past which a logged or configured number is damage, not usage: one rule for every reader, the price
    /// table and price overrides. With them, no sum of tokens or dollars the module makes can overflow in practice, and
    /// the sums that could are checked anyway (<see cref="TokenCounts.Add"/>).
    /// </summary>
    internal static class Plausible
    {
        /// <summary>
        /// The largest token count of one bucket of one message: 10^12, a hundred thousand times the largest context
        /// window sold today. Codex's running session totals stay far below it too.
        /// </summary>
        public const long MaxTokens = 1_000_000_000_000L;

        /// <summary>The largest cost a log may report for one message, in USD.</summary>
        public const decimal MaxMessageCost = 1_000_000m;

        /// <summary>The largest price per token a price table or override may set, in USD (a million dollars per million tokens).</summary>
        public const decimal MaxRatePerToken = 1m;

        /// <summary>The largest multiplier (fast mode, a reseller's markup) a price table or override may set.</summary>
        public const decimal MaxMultiplier = 100m;

        /// <summary>How a count past <see cref="MaxTokens"/> is reported as damage.</summary>
        public const string TokensProblem = "a token count is beyond 10^12 (damaged usage)";

        /// <summary>How a reported cost past <see cref="MaxMessageCost"/> is reported as damage.</summary>
        public const string CostProblem = "a reported cost is beyond $1,000,000 for one message (damaged usage)";

        /// <summary>
        /// A logged dollar amount as a decimal, saturating where decimal ends (an amount that large is damage, which
        /// <see cref="Cost"/> then tells, instead of an OverflowException or a silently dropped cost). Finite, non-negative input.
        /// </summary>
        public static decimal Amount(double value) => value >= 1e28 ? 1e28m : (decimal)value;

        /// <summary>
        /// Whether one count is a count (inlined into the readers' per-line scans, which check every count; this file is
        /// also compiled into the test-data generator, which has no <c>Jit</c>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Count(long count) => count >= 0 && count <= MaxTokens;

        public static bool Counts(in TokenCounts tokens) =>
            Count(tokens.Input) && Count(tokens.Output) && Count(tokens.CacheRead) && Count(tokens.CacheWrite)
            && Count(tokens.CacheWrite1h) && Count(tokens.Reasoning);

        public static bool Cost(decimal? reported) => !(reported > MaxMessageCost);

        public static bool Rate(decimal rate) => rate >= 0 && rate <= MaxRatePerToken;

        public static bool Multiplier(decimal multiplier) => multiplier >= 0 && multiplier <= MaxMultiplier;

        /// <summary>A price field: a multiplier (fast mode, markup) within <see cref="MaxMultiplier"/>, else a rate per token.</summary>
        public static bool Price(decimal value, bool isMultiplier) => isMultiplier ? Multiplier(value) : Rate(value);
    }
}
