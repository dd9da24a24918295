using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Aggregation
{
    /// <summary>
    /// Running totals of one Measure-TokenUsage group. Holds sums and small distinct sets (clients, models, sessions),
    /// never the messages, so a fold's memory is proportional to its groups. Single-threaded (the pipeline thread).
    /// </summary>
    internal sealed class UsageAccumulator
    {
        private readonly HashSet<string> _clients = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<(string Client, string Session)> _sessions = new HashSet<(string, string)>();
        private readonly Dictionary<string, ModelTotals> _models = new Dictionary<string, ModelTotals>(StringComparer.Ordinal);

        private string? _lastSession;
        private string? _lastClient;
        private string? _lastModel;
        private ModelTotals? _lastModelTotals;

        public TokenCounts Tokens;
        public long Messages;
        public decimal Cost;
        public decimal ReportedCost;
        public CostSource CostSource;
        public DateTimeOffset? First;
        public DateTimeOffset? Last;

        public UsageAccumulator(ActivityOptions? activity = null)
        {
            Activity = activity is null ? null : new ActivityTracker(activity);
        }

        public int SessionCount => _sessions.Count;

        /// <summary>The row's stretches of activity, when Measure-TokenUsage -ActiveTime asked for them.</summary>
        public ActivityTracker? Activity { get; }

        [MethodImpl(Jit.Optimized)]
        public void Add(in FoldSource source, in FoldEntry entry)
        {
            Tokens.Add(entry.Tokens);
            Messages += entry.Messages;
            Cost += entry.Cost;
            CostSource = CostSources.Combine(CostSource, entry.CostSource);
            if (entry.CostSource == CostSource.Reported)
            {
                ReportedCost += entry.Cost;
            }

            if (First is null || entry.Timestamp < First) First = entry.Timestamp;
            if (Last is null || entry.Timestamp > Last) Last = entry.Timestamp;
            Activity?.Add(source, entry.Timestamp);
            // Consecutive messages mostly come from one file and model: the sets are only touched when those change.
            if (!ReferenceEquals(source.SessionId, _lastSession) || !ReferenceEquals(source.Client, _lastClient))
            {
                _lastSession = source.SessionId;
                _lastClient = source.Client;
                _clients.Add(source.Client);
                _sessions.Add((source.Client, source.SessionId));
            }

            ModelTotals? model;
            if (ReferenceEquals(entry.Model, _lastModel))
            {
                model = _lastModelTotals!;
            }
            else if (!_models.TryGetValue(entry.Model, out model))
            {
                model = new ModelTotals(source.IsUnpriced(entry.Model));
                _models.Add(entry.Model, model);
            }

            _lastModel = entry.Model;
            _lastModelTotals = model;
            if (!model.Unpriced && source.IsUnpriced(entry.Model))
            {
                model.Unpriced = true;
            }

            model.Tokens.Add(entry.Tokens);
            model.Messages += entry.Messages;
            model.Cost += entry.Cost;
        }

        /// <summary>
        /// Adds the sums of many messages of one kind (<paramref name="entry"/>: its count, and its earliest time) whose latest
        /// time is <paramref name="last"/>. Not for a group that measures activity: that needs every message's time.
        /// </summary>
        public void Add(in FoldSource source, in FoldEntry entry, DateTimeOffset last)
        {
            Add(source, entry);
            if (Last is null || last > Last) Last = last;
        }

        /// <summary>Adds another group's totals to these (the total row is made from the groups, not per message).</summary>
        public void MergeFrom(UsageAccumulator other)
        {
            if (other.Messages == 0)
            {
                return;
            }

            Tokens.Add(other.Tokens);
            Messages += other.Messages;
            Cost += other.Cost;
            ReportedCost += other.ReportedCost;
            CostSource = CostSources.Combine(CostSource, other.CostSource);
            if (First is null || other.First < First) First = other.First;
            if (Last is null || other.Last > Last) Last = other.Last;
            _clients.UnionWith(other._clients);
            _sessions.UnionWith(other._sessions);
            if (other.Activity != null)
            {
                Activity?.MergeFrom(other.Activity);
            }

            foreach (var pair in other._models)
            {
                if (!_models.TryGetValue(pair.Key, out var model))
                {
                    model = new ModelTotals(pair.Value.Unpriced);
                    _models.Add(pair.Key, model);
                }

                model.Unpriced |= pair.Value.Unpriced;
                model.Tokens.Add(pair.Value.Tokens);
                model.Messages += pair.Value.Messages;
                model.Cost += pair.Value.Cost;
            }
        }

        public string[] SortedClients() => Sorted(_clients);

        /// <summary>Models of the group; the client-generated placeholder <c>&lt;synthetic&gt;</c> is not a model.</summary>
        public string[] SortedModels() => Sorted(_models.Keys.Where(m => !ModelNames.IsSynthetic(m)));

        public string[] SortedUnpricedModels() => Sorted(_models.Where(m => m.Value.Unpriced).Select(m => m.Key));

        /// <summary>The per-model split of the group labelled <paramref name="group"/>, by cost descending.</summary>
        public ModelBreakdown[] ModelBreakdowns(string group) => _models
            .Where(m => !ModelNames.IsSynthetic(m.Key) || m.Value.Tokens.Total > 0)
            .OrderByDescending(m => m.Value.Cost)
            .ThenBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => new ModelBreakdown(group, m.Key, m.Value.Messages, m.Value.Tokens, m.Value.Cost, !m.Value.Unpriced))
            .ToArray();

        private static string[] Sorted(IEnumerable<string> values)
        {
            var result = values.ToArray();
            Array.Sort(result, StringComparer.Ordinal);
            return result;
        }

        private sealed class ModelTotals
        {
            public ModelTotals(bool unpriced) => Unpriced = unpriced;

            public TokenCounts Tokens;
            public long Messages;
            public decimal Cost;
            public bool Unpriced;
        }
    }
}
