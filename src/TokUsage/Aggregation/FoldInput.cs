using System;
using System.Collections.Generic;

namespace TokUsage
{
    /// <summary>The per-file facts a fold needs, whether they came from a typed UsageFile or a deserialized one.</summary>
    internal readonly struct FoldSource
    {
        private readonly NameList _unpriced;

        public FoldSource(string client, string sessionId, string project, NameList unpricedModels)
        {
            Client = client;
            SessionId = sessionId;
            Project = project;
            _unpriced = unpricedModels;
        }

        public string Client { get; }

        public string SessionId { get; }

        public string Project { get; }

        public bool IsUnpriced(string model) => _unpriced.Count > 0 && _unpriced.Contains(model);
    }

    /// <summary>One message as a fold sees it.</summary>
    internal readonly struct FoldEntry
    {
        public FoldEntry(DateTimeOffset timestamp, string model, TokenCounts tokens, decimal cost, CostSource costSource)
        {
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
    }
}
