namespace TokUsage.Model
{
    /// <summary>
    /// The five disjoint token buckets of one message, plus the 1-hour share of cache writes that pricing needs.
    /// A value type so parsers and folds can carry it without allocating.
    /// </summary>
    internal struct TokenCounts
    {
        public long Input;
        public long Output;
        public long CacheRead;
        /// <summary>All cache writes (5-minute + 1-hour).</summary>
        public long CacheWrite;
        /// <summary>The part of <see cref="CacheWrite"/> written with the 1-hour TTL (priced higher).</summary>
        public long CacheWrite1h;
        public long Reasoning;

        /// <summary>
        /// All tokens. Readers may hold counts past <see cref="Plausible.MaxTokens"/> until <see cref="Plausible"/> judges
        /// them damage, so a total of such counts is long.MaxValue (itself past the bound), never a wrapped sum.
        /// </summary>
        public readonly long Total =>
            Input <= Plausible.MaxTokens && Output <= Plausible.MaxTokens && CacheRead <= Plausible.MaxTokens && CacheWrite <= Plausible.MaxTokens && Reasoning <= Plausible.MaxTokens
                ? Input + Output + CacheRead + CacheWrite + Reasoning
                : long.MaxValue;

        public readonly long CacheWrite5m => CacheWrite - CacheWrite1h;

        /// <summary>Merges another observation of the same message: per-field maximum (streamed lines only grow).</summary>
        public void MaxWith(in TokenCounts other)
        {
            if (other.Input > Input) Input = other.Input;
            if (other.Output > Output) Output = other.Output;
            if (other.CacheRead > CacheRead) CacheRead = other.CacheRead;
            if (other.CacheWrite > CacheWrite) CacheWrite = other.CacheWrite;
            if (other.CacheWrite1h > CacheWrite1h) CacheWrite1h = other.CacheWrite1h;
            if (other.Reasoning > Reasoning) Reasoning = other.Reasoning;
        }

        /// <summary>
        /// Adds another message's or group's counts. Checked: readers keep each count within <see cref="Plausible.MaxTokens"/>,
        /// so only an absurd history (millions of maximal messages) could overflow, and then it throws instead of wrapping.
        /// </summary>
        /// <summary>
        /// Adds another request's counts inside a reader (a thread's requests): a sum past long.MaxValue stays there, so
        /// <see cref="Plausible"/> then reports the record as damage.
        /// </summary>
        public void AddSaturating(in TokenCounts other)
        {
            Input = Saturating(Input, other.Input);
            Output = Saturating(Output, other.Output);
            CacheRead = Saturating(CacheRead, other.CacheRead);
            CacheWrite = Saturating(CacheWrite, other.CacheWrite);
            CacheWrite1h = Saturating(CacheWrite1h, other.CacheWrite1h);
            Reasoning = Saturating(Reasoning, other.Reasoning);
        }

        private static long Saturating(long a, long b) => b > 0 && a > long.MaxValue - b ? long.MaxValue : a + b;

        public void Add(in TokenCounts other)
        {
            checked
            {
                Input += other.Input;
                Output += other.Output;
                CacheRead += other.CacheRead;
                CacheWrite += other.CacheWrite;
                CacheWrite1h += other.CacheWrite1h;
                Reasoning += other.Reasoning;
            }
        }
    }
}
