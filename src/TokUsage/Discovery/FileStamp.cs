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

    /// <summary>
    /// A log file a walk found: its full path, and its stamp when the walk took it while listing the file's folder (Linux:
    /// one <c>statx</c> relative to the open folder, of an entry that is a regular file, not a link). Without a stamp,
    /// <see cref="FileScanner.TryStamp"/> asks by path.
    /// </summary>
    internal readonly struct FoundFile
    {
        public FoundFile(string path, FileStamp? stamp = null)
        {
            Path = path;
            Stamp = stamp;
        }

        public string Path { get; }

        public FileStamp? Stamp { get; }
    }
}
