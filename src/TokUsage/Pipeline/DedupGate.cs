using System.Collections.Generic;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// Cross-file deduplication: the first file in emission order owns a message; later copies (resumed sessions,
    /// sub-agent progress echoes) are dropped. One lane per client, so equal ids of two clients never collide.
    /// Runs once, on the pipeline thread, in emission order — which is what makes the result deterministic.
    /// Memory: 16 bytes (plus set overhead) per distinct message of the run.
    /// </summary>
    internal sealed class DedupGate
    {
        private readonly Dictionary<string, HashSet<MessageKey>> _lanes = new Dictionary<string, HashSet<MessageKey>>();

        /// <summary>Claims <paramref name="key"/> for the caller; false when an earlier file already owns it.</summary>
        public bool TryClaim(string client, MessageKey key)
        {
            if (!_lanes.TryGetValue(client, out var seen))
            {
                seen = new HashSet<MessageKey>();
                _lanes.Add(client, seen);
            }

            return seen.Add(key);
        }
    }
}
