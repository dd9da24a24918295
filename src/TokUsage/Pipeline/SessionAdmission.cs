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
        // One state a session that has its own file in the run: how many of its files (its copies under other folders
        // too) are still to pass, and the files waiting for them. A file maps to its own session's state, found once from
        // its path here (the path rule made a string a file each time it was asked: a warm 16k-file run, 4 % of the
        // pipeline thread); the session's name is kept once, however many folders hold a copy.
        private readonly Dictionary<(string Client, string Session), SessionState> _sessions = new Dictionary<(string, string), SessionState>();
        private readonly Dictionary<SourceFile, SessionState?> _owned = new Dictionary<SourceFile, SessionState?>();
        private readonly List<Waiting> _waiting = new List<Waiting>();

        /// <param name="files">Every file of the run, in emission order.</param>
        public SessionAdmission(IEnumerable<SourceFile> files)
        {
            foreach (var file in files)
            {
                SessionState? state = null;
                if (OwnedByPath(file) is { } key)
                {
                    if (!_sessions.TryGetValue(key, out state))
                    {
                        state = new SessionState();
                        _sessions.Add(key, state);
                    }

                    state.Pending++;
                }

                _owned[file] = state;
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
                if (_sessions.TryGetValue((client, session), out var state) && state != own && state.Pending > 0)
                {
                    waiting.Remaining++;
                    (state.Waiters ??= new List<Waiting>()).Add(waiting);
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
                if (!(Owned(parsed.Source) is { } state) || state.Pending <= 0 || --state.Pending > 0 || state.Waiters is null)
                {
                    continue;
                }

                var released = state.Waiters;
                state.Waiters = null;
                foreach (var other in released)
                {
                    if (!other.Passed && --other.Remaining == 0)
                    {
                        passing.Enqueue(other);
                    }
                }
            }
        }

        /// <summary>The state of the session whose own file <paramref name="file"/> is, if any (see <see cref="ISessionReferences"/>).</summary>
        private SessionState? Owned(SourceFile file)
        {
            if (_owned.TryGetValue(file, out var state))
            {
                return state;
            }

            // A file the admission was not built with (every caller passes the run's own): its session's state if the run
            // has one, else none.
            return OwnedByPath(file) is { } key && _sessions.TryGetValue(key, out state) ? state : null;
        }

        private static (string Client, string Session)? OwnedByPath(SourceFile file) =>
            file.Client is ISessionReferences references && references.OwnedSession(file.Path) is { } session ? (file.Client.Id, session) : ((string, string)?)null;

        private sealed class SessionState
        {
            /// <summary>The session's own files still to pass.</summary>
            public int Pending { get; set; }

            /// <summary>Files waiting for the session's own files to pass; null when none is.</summary>
            public List<Waiting>? Waiters { get; set; }
        }

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
