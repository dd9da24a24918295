using System;

namespace TokUsage
{
    /// <summary>What one Send-TokenUsage run did to the team database.</summary>
    public sealed class TeamSendResult
    {
        internal TeamSendResult(string database, string machine, string user, long files, long sent, long added, long batches, long retries, long bytes, long peakInFlightBytes, long storedMessages, TimeSpan elapsed)
        {
            Database = database;
            Machine = machine;
            User = user;
            Files = files;
            Sent = sent;
            Added = added;
            Batches = batches;
            Retries = retries;
            Bytes = bytes;
            PeakInFlightBytes = peakInFlightBytes;
            StoredMessages = storedMessages;
            Elapsed = elapsed;
        }

        /// <summary>The database, as <c>name on host:port</c> (never the credentials).</summary>
        public string Database { get; }

        /// <summary>The machine tag of the messages this run added.</summary>
        public string Machine { get; }

        /// <summary>The user tag of the messages this run added.</summary>
        public string User { get; }

        /// <summary>Usage objects whose messages were sent.</summary>
        public long Files { get; }

        /// <summary>Messages sent and confirmed by the database.</summary>
        public long Sent { get; }

        /// <summary>Messages the database did not hold before (the rest were sent before, by this machine or another).</summary>
        public long Added { get; }

        /// <summary>Messages the database held already: not stored again.</summary>
        public long AlreadyStored => Sent - Added;

        /// <summary>Batches written.</summary>
        public long Batches { get; }

        /// <summary>Batches written again after a transient failure.</summary>
        public long Retries { get; }

        /// <summary>Bytes of the batches sent (the size estimate the bounds use; about the rows' size on the wire).</summary>
        public long Bytes { get; }

        /// <summary>The most bytes that were waiting for or on the link at once (bounded by -MaxInFlightBytes).</summary>
        public long PeakInFlightBytes { get; }

        /// <summary>Messages in the team database after this run.</summary>
        public long StoredMessages { get; }

        public TimeSpan Elapsed { get; }
    }
}
