using System;

namespace TokUsage.Discovery
{
    /// <summary>
    /// What one stat of a log tells a run: its length and last write time (unchanged-file test, -Since pruning) and, where
    /// the same call gives it, its <see cref="FileIdentity"/> (null: the cache asks <see cref="FileIdentity.Of"/> itself).
    /// </summary>
    internal readonly struct FileStamp
    {
        public FileStamp(long length, DateTime lastWriteUtc, long? identity)
        {
            Length = length;
            LastWriteUtc = lastWriteUtc;
            Identity = identity;
        }

        public long Length { get; }

        public DateTime LastWriteUtc { get; }

        public long? Identity { get; }
    }
}
