using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using TokUsage.Clients;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// Cross-file deduplication: the first file in emission order owns a message; later copies (resumed sessions,
    /// sub-agent progress echoes) are dropped. One set of claimed keys per client, so equal ids of two clients never collide.
    /// Runs once, on the pipeline thread, in emission order — which is what makes the result deterministic.
    /// Memory: 16 to 32 bytes per distinct message of the run (<see cref="KeyTable"/>), twice that for Claude Code
    /// (its responses are kept too, for the side-chain rule).
    /// </summary>
    internal sealed class DedupGate
    {
        private readonly Dictionary<string, KeyTable> _claimedByClient = new Dictionary<string, KeyTable>();
        private readonly Dictionary<string, string> _familyRoots = new Dictionary<string, string>();
        private readonly Dictionary<string, KeyTable> _responses = new Dictionary<string, KeyTable>();

        /// <summary>
        /// The key a message of a file is claimed under: its own, or, for a client whose sessions fork, scoped to the
        /// session family (<paramref name="scope"/>, from <see cref="FamilyRoot"/>) so that only copies within a family
        /// are duplicates.
        /// </summary>
        [MethodImpl(Jit.Inline)]
        public static MessageKey ClaimKey(in MessageRow row, MessageKey? scope) => scope.HasValue ? row.Key.Scoped(scope.Value) : row.Key;

        /// <summary>
        /// The bytes of the run's logs, by client, before the first file is claimed: what <see cref="MakeRoom"/> projects a
        /// growing table's final size from.
        /// </summary>
        public void Expect(IEnumerable<SourceFile> files)
        {
            foreach (var file in files)
            {
                var client = file.Client.Id;
                _expectedBytes[client] = (_expectedBytes.TryGetValue(client, out var bytes) ? bytes : 0) + file.Length;
            }
        }

        private readonly Dictionary<string, long> _expectedBytes = new Dictionary<string, long>(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _claimedBytes = new Dictionary<string, long>(StringComparer.Ordinal);
        private SourceFile? _lastClaimedSource;

        /// <summary>
        /// Of the bytes expected, the share claimed before a growing table is sized by projection (an eighth). It also bounds
        /// a projection to eight times the keys held: a history whose first logs are unusually dense in messages costs at
        /// most that on its first run, not the 32 times a 32nd allowed.
        /// </summary>
        private const int ProjectAfterShare = 8;

        /// <summary>
        /// Before <paramref name="source"/>'s <paramref name="rows"/> are claimed: when they would make its client's tables
        /// grow, each grows once, to the keys the whole run's logs promise at the rate the logs claimed so far gave keys.
        /// <para>Why: a run without the last run's sizes (the first, or one narrowed by dates or folders) starts its tables
        /// small, and doubling them to a million keys leaves each one's earlier arrays, together as large as the last, as
        /// garbage until a full collection: a cold 16k-file run peaked 22 MB higher than the same run with its tables made at
        /// the right size (docs/performance.md). Before an eighth of the bytes is claimed, the rate says too little, and tables
        /// double as before; a projection short of the end costs one doubling more, one past it memory.</para>
        /// </summary>
        public void MakeRoom(SourceFile source, KeyTable claimed, MessageRows rows)
        {
            var client = source.Client.Id;
            if (!ReferenceEquals(source, _lastClaimedSource))
            {
                _lastClaimedSource = source; // the pieces of one source come one after another: its bytes count once
                _claimedBytes[client] = (_claimedBytes.TryGetValue(client, out var bytes) ? bytes : 0) + source.Length;
            }

            var incoming = rows.Count;
            if (incoming > claimed.Room)
            {
                claimed.Reserve(Projected(client, claimed.Count + incoming));
            }

            if (_responses.TryGetValue(client, out var responses) && incoming > responses.Room)
            {
                responses.Reserve(Projected(client, responses.Count + incoming));
            }
        }

        private int Projected(string client, int needed)
        {
            if (!_expectedBytes.TryGetValue(client, out var expected) || !_claimedBytes.TryGetValue(client, out var claimed)
                || claimed <= 0 || claimed < expected / ProjectAfterShare)
            {
                return needed;
            }

            // No margin: the table's power-of-two size leaves one (on a 16k-file history a tenth more crossed into a table
            // twice the size), and a projection a little short costs the doubling every growth cost before.
            var projected = needed * ((double)expected / claimed);
            return projected >= KeyTable.MostKeys ? KeyTable.MostKeys : Math.Max(needed, (int)projected);
        }

        /// <summary>
        /// Touches every slot that claiming <paramref name="rows"/> will probe first (<see cref="KeyTable.Touch"/>),
        /// before any is claimed. A file's messages are claimed in one burst, and at tens of thousands of messages the
        /// tables no longer fit the processor's cache: touched together, their misses are served side by side instead of
        /// one after another (on a warm 16k-file run the claims had been a fifth of the pipeline thread). Changes nothing.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public void Prepare(string client, KeyTable claimed, MessageRows rows, MessageKey? scope)
        {
            KeyTable? responses = null;
            var folded = 0UL;
            for (var i = 0; i < rows.Count; i++)
            {
                ref var row = ref rows[i];
                if (!row.HasKey)
                {
                    continue;
                }

                folded ^= claimed.Touch(ClaimKey(row, scope));
                if ((row.Flags & RowFlags.ResponseKnown) != 0)
                {
                    folded ^= (responses ??= Responses(client)).Touch(row.Response);
                }
            }

            _touched ^= folded; // kept, so the reads are not left out as unused
        }

        private ulong _touched;

        /// <summary>
        /// Claims one message (<paramref name="row"/>) under <paramref name="key"/> in <paramref name="claimed"/> (the client's set,
        /// <see cref="ClaimedKeysOf"/>) and, for Claude Code, its response: a side-chain line whose response (<c>message.id</c>) an earlier line already counted is a
        /// <c>/btw</c> replay of a parent message under a new <c>requestId</c> and is refused whatever its key (ccusage
        /// #913). Side-chain files are admitted after main transcripts (see the scanner's order), so the parent's own
        /// line is always the one counted. False: the message is a copy.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public bool TryClaim(string client, KeyTable claimed, in MessageKey key, in MessageRow row)
        {
            if ((row.Flags & RowFlags.ResponseKnown) == 0)
            {
                return claimed.Add(key);
            }

            var responses = Responses(client);
            if ((row.Flags & RowFlags.Sidechain) != 0 && responses.Contains(row.Response))
            {
                return false;
            }

            if (!claimed.Add(key))
            {
                return false;
            }

            responses.Add(row.Response);
            return true;
        }

        /// <summary>
        /// Takes the run's tables made ahead and the last run's sizes for tables made on first use (<see cref="GateTables"/>),
        /// before the first file: a table grown from small to a million keys rehashes each key about once more, in random
        /// order — a tenth of a warm run's pipeline thread at 16k files. A wrong size costs only memory (16 bytes a slot) or growth.
        /// </summary>
        public void Adopt(GateTables tables)
        {
            _sizes = tables.Sizes;
            foreach (var made in tables.Claimed)
            {
                _claimedByClient[made.Key] = made.Value;
            }

            foreach (var made in tables.Responses)
            {
                _responses[made.Key] = made.Value;
            }
        }

        private IReadOnlyDictionary<string, int> _sizes = new Dictionary<string, int>();

        /// <summary>
        /// A table made on first use: at the size the last run's table of that name reached (a responses table without
        /// one of its own, from a cache written before responses were sized, takes its client's), else small.
        /// </summary>
        private int SizeOf(string table, string client) =>
            Math.Max(1024, _sizes.TryGetValue(table, out var size) || _sizes.TryGetValue(client, out size) ? size : 0);

        /// <summary>The name under which a client's counted-response table is sized (<see cref="TableSizes"/>).</summary>
        public static string ResponsesTableName(string client) => client + "/responses";

        /// <summary>
        /// How many keys each of the run's tables holds, by table name: a client's claimed keys under its id (how many
        /// messages its logs counted), its counted responses under <see cref="ResponsesTableName"/>. Tables left empty
        /// are left out.
        /// </summary>
        public IReadOnlyDictionary<string, int> TableSizes()
        {
            var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var table in _claimedByClient.Where(t => t.Value.Count > 0))
            {
                sizes[table.Key] = table.Value.Count;
            }

            foreach (var table in _responses.Where(t => t.Value.Count > 0))
            {
                sizes[ResponsesTableName(table.Key)] = table.Value.Count;
            }

            return sizes;
        }

        /// <summary>
        /// The client's table of counted responses. Asked once per message of a file: the last client's table is kept at
        /// hand (a client's id is one string instance), so a message costs a reference test, not a dictionary lookup.
        /// </summary>
        [MethodImpl(Jit.Inline)]
        private KeyTable Responses(string client) =>
            ReferenceEquals(client, _lastResponsesClient) ? _lastResponses! : ResponsesOf(client);

        private KeyTable ResponsesOf(string client)
        {
            if (!_responses.TryGetValue(client, out var seen))
            {
                seen = new KeyTable(SizeOf(ResponsesTableName(client), client));
                _responses.Add(client, seen);
            }

            _lastResponsesClient = client;
            _lastResponses = seen;
            return seen;
        }

        private string? _lastResponsesClient;
        private KeyTable? _lastResponses;

        /// <summary>The client's set of claimed keys (looked up once per file, then claimed with <see cref="KeyTable.Add"/>).</summary>
        public KeyTable ClaimedKeysOf(string client)
        {
            if (!_claimedByClient.TryGetValue(client, out var seen))
            {
                seen = new KeyTable(SizeOf(client, client));
                _claimedByClient.Add(client, seen);
            }

            return seen;
        }

        /// <summary>
        /// The root session of <paramref name="lineage"/>'s family, as far as files admitted so far tell (parents are
        /// normally admitted first: their files are older and sort earlier). Keyed per client; O(sessions) memory.
        /// </summary>
        public string FamilyRoot(string client, SessionLineage lineage)
        {
            var id = client + "\n" + lineage.Session;
            if (_familyRoots.TryGetValue(id, out var known))
            {
                return known;
            }

            var root = lineage.Session;
            if (lineage.Parent != null)
            {
                root = _familyRoots.TryGetValue(client + "\n" + lineage.Parent, out var parentRoot) ? parentRoot : lineage.Parent;
            }

            _familyRoots.Add(id, root);
            return root;
        }
    }
}
