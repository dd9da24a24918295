using System;

namespace TokUsage
{
    /// <summary>What one Save-TokenUsage run did to the usage store.</summary>
    public sealed class StoreSaveResult
    {
        internal StoreSaveResult(string storePath, long files, long added, long alreadyStored, long archived, long storedMessages, TimeSpan elapsed)
        {
            StorePath = storePath;
            Files = files;
            Added = added;
            AlreadyStored = alreadyStored;
            Archived = archived;
            StoredMessages = storedMessages;
            Elapsed = elapsed;
        }

        /// <summary>The store file.</summary>
        public string StorePath { get; }

        /// <summary>Usage objects whose messages were saved.</summary>
        public long Files { get; }

        /// <summary>Messages the store did not hold before.</summary>
        public long Added { get; }

        /// <summary>Messages it held already (an earlier save, or another file of the same session): not added again.</summary>
        public long AlreadyStored { get; }

        /// <summary>Input objects that came from the store (<see cref="UsageFile.Archived"/>): nothing to save.</summary>
        public long Archived { get; }

        /// <summary>Messages in the store after this save.</summary>
        public long StoredMessages { get; }

        public TimeSpan Elapsed { get; }
    }
}
