using System;
using TokUsage.Model;

namespace TokUsage.Aggregation
{
    /// <summary>The per-file facts a fold needs, whether they came from a typed UsageFile or a deserialized one.</summary>
    internal readonly struct FoldSource
    {
        private readonly NameList _unpriced;

        public FoldSource(string client, string sessionId, string project, NameList unpricedModels, string? machine = null, string? user = null)
        {
            Client = client;
            SessionId = sessionId;
            Project = project;
            _unpriced = unpricedModels;
            Machine = machine ?? LocalMachine;
            User = user ?? LocalUser;
        }

        /// <summary>This machine's name: the machine of local logs.</summary>
        public static readonly string LocalMachine = Environment.MachineName;

        /// <summary>This account's name: the user of local logs.</summary>
        public static readonly string LocalUser = Environment.UserName;

        /// <summary>The machine the messages were logged on (the team database's tag; this machine for local logs).</summary>
        public string Machine { get; }

        /// <summary>The user who logged them (the team database's tag; this account for local logs).</summary>
        public string User { get; }

        public string Client { get; }

        public string SessionId { get; }

        public string Project { get; }

        public bool IsUnpriced(string model) => _unpriced.Count > 0 && _unpriced.Contains(model);
    }

    /// <summary>One message as a fold sees it.</summary>
    internal readonly struct FoldEntry
    {
        public FoldEntry(DateTimeOffset timestamp, string model, TokenCounts tokens, decimal cost, CostSource costSource, long messages = 1)
        {
            Messages = messages;
            CostSource = costSource;
            Timestamp = timestamp;
            Model = model;
            Tokens = tokens;
            Cost = cost;
        }

        public DateTimeOffset Timestamp { get; }

        public string Model { get; }

        public TokenCounts Tokens { get; }

        public decimal Cost { get; }

        public CostSource CostSource { get; }

        /// <summary>How many messages this is: 1, or a group's count when the team database summed them (0: a time mark only).</summary>
        public long Messages { get; }
    }
}
