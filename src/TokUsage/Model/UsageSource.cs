using System;

namespace TokUsage
{
    /// <summary>One folder a client's logs are read from: where it came from, whether it exists, what it holds.</summary>
    public sealed class UsageSource
    {
        internal UsageSource(string client, string root, string origin, bool exists, int files, long bytes, DateTimeOffset? lastWrite)
        {
            Client = client;
            Root = root;
            Origin = origin;
            Exists = exists;
            Files = files;
            Bytes = bytes;
            LastWrite = lastWrite;
        }

        /// <summary>Client id (<c>claude</c>, <c>codex</c>, …).</summary>
        public string Client { get; }

        /// <summary>The folder scanned.</summary>
        public string Root { get; }

        /// <summary>Why this folder: <c>default</c>, or the environment variable that named it.</summary>
        public string Origin { get; }

        public bool Exists { get; }

        /// <summary>Usage log files of the client below the folder.</summary>
        public int Files { get; }

        /// <summary>Their total size in bytes.</summary>
        public long Bytes { get; }

        /// <summary>Last write time of the newest of them (UTC); null when there are none.</summary>
        public DateTimeOffset? LastWrite { get; }
    }
}
