namespace TokUsage
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

        /// <summary>All tokens; checked, like <see cref="Add"/>: a sum past long.MaxValue throws OverflowException, never wraps.</summary>
        public readonly long Total => checked(Input + Output + CacheRead + CacheWrite + Reasoning);

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
