using System.Collections.Generic;
using TokUsage.Clients;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// Decides when a parsed file passes the dedup gate: in emission order, except that a file copying lines of
    /// sessions whose own files are still to come (<see cref="ParsedFile.ReferencedSessions"/>, a resumed Claude Code
    /// session) waits until those files have passed, so the session that wrote a message first keeps it whatever the
    /// file names. Waiting files are released in the order they arrived; files still waiting at the end (two sessions
    /// copying each other) pass in that order too — deterministic. Memory: an entry a file (its own session), and the
    /// waiting files, at most those between a resumed file and its original in emission order. Pipeline thread only.
    /// </summary>
    internal sealed class SessionAdmission
    {
        private readonly Dictionary<(string Client, string Session), int> _pending = new Dictionary<(string, string), int>();
        private readonly Dictionary<(string Client, string Session), List<Waiting>> _waitingFor = new Dictionary<(string, string), List<Waiting>>();
        private readonly List<Waiting> _waiting = new List<Waiting>();

        // Each file's own session, found once from its path here and looked up by the file (reference identity) when it
        // is offered and when it passes: the path rule and its string were made three times a file (a warm 16k-file run:
        // 4 % of the pipeline thread).
        private readonly Dictionary<SourceFile, (string Client, string Session)?> _owned = new Dictionary<SourceFile, (string, string)?>();

        /// <param name="files">Every file of the run, in emission order.</param>
        public SessionAdmission(IEnumerable<SourceFile> files)
        {
            foreach (var file in files)
            {
                var owned = OwnedByPath(file);
                _owned[file] = owned;
                if (owned is { } key)
                {
                    _pending[key] = _pending.TryGetValue(key, out var n) ? n + 1 : 1;
                }
            }
        }

        /// <summary>Takes the next parsed file in emission order; returns the files that may pass the gate now, in order.</summary>
        public IEnumerable<ParsedFile> Offer(ParsedFile parsed)
        {
            var ready = new List<ParsedFile>();
            var client = parsed.Source.Client.Id;
            var own = Owned(parsed.Source);
            var waiting = new Waiting(parsed);
            foreach (var session in parsed.ReferencedSessions)
            {
                var key = (client, session);
                if (own != key && _pending.TryGetValue(key, out var n) && n > 0)
                {
                    waiting.Remaining++;
                    if (!_waitingFor.TryGetValue(key, out var list))
                    {
                        list = new List<Waiting>();
                        _waitingFor.Add(key, list);
                    }

                    list.Add(waiting);
                }
            }

            if (waiting.Remaining > 0)
            {
                _waiting.Add(waiting);
            }
            else
            {
                Pass(waiting, ready);
            }

            return ready;
        }

        /// <summary>The files still waiting at the end of the run (their originals copy them back), in arrival order.</summary>
        public IEnumerable<ParsedFile> Drain()
        {
            var ready = new List<ParsedFile>();
            foreach (var file in _waiting)
            {
                if (!file.Passed)
                {
                    file.Remaining = 0;
                    Pass(file, ready);
                }
            }

            _waiting.Clear();
            return ready;
        }

        /// <summary>
        /// Lets <paramref name="first"/> pass, then every file its passing releases, and theirs in turn — iteratively, so
        /// a crafted chain of thousands of resumed files cannot exhaust the stack.
        /// </summary>
        private void Pass(Waiting first, List<ParsedFile> ready)
        {
            var passing = new Queue<Waiting>();
            passing.Enqueue(first);
            while (passing.Count > 0)
            {
                var file = passing.Dequeue();
                var parsed = file.Parsed!;
                file.Passed = true; // still listed in _waiting: Drain skips files that passed
                file.Parsed = null; // the consumer owns it now; the waiting list must not keep it alive
                ready.Add(parsed);
                if (!(Owned(parsed.Source) is { } key) || !_pending.TryGetValue(key, out var n))
                {
                    continue;
                }

                _pending[key] = --n;
                if (n > 0 || !_waitingFor.TryGetValue(key, out var released))
                {
                    continue;
                }

                _waitingFor.Remove(key);
                foreach (var other in released)
                {
                    if (!other.Passed && --other.Remaining == 0)
                    {
                        passing.Enqueue(other);
                    }
                }
            }
        }

        /// <summary>The session whose own file <paramref name="file"/> is, if any (see <see cref="ISessionReferences"/>).</summary>
        private (string Client, string Session)? Owned(SourceFile file) =>
            _owned.TryGetValue(file, out var key) ? key : OwnedByPath(file);

        private static (string Client, string Session)? OwnedByPath(SourceFile file) =>
            file.Client is ISessionReferences references && references.OwnedSession(file.Path) is { } session ? (file.Client.Id, session) : ((string, string)?)null;

        private sealed class Waiting
        {
            public Waiting(ParsedFile parsed) => Parsed = parsed;

            /// <summary>The file until it passes; null after (the consumer has it).</summary>
            public ParsedFile? Parsed { get; set; }

            public int Remaining { get; set; }

            public bool Passed { get; set; }
        }
    }
}
