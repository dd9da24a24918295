using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using TokUsage.Primitives;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Aggregation
{
    /// <summary>
    /// Adapts Measure-TokenUsage input to the fold: typed <see cref="UsageFile"/> objects directly (the fast path), and
    /// property bags with the same shape — <c>Deserialized.TokUsage.UsageFile</c> after Start-Job, remoting or
    /// Import-Clixml — by property name.
    /// </summary>
    internal static class FoldInputs
    {
        /// <summary>
        /// One usage file as a fold takes it, or null (with <paramref name="problem"/>) for input that is not one: a typed
        /// <see cref="UsageFile"/> keeps its entries (the fast path), a property bag is read by name.
        /// </summary>
        public static UsageInput? Adapt(PSObject input, out string? problem)
        {
            problem = null;
            if (input.BaseObject is UsageFile file)
            {
                return new UsageInput(SourceOf(file), file.TimeZone, file.Rows, null);
            }

            var adapted = FromProperties(input, out problem);
            return adapted is null ? (UsageInput?)null : new UsageInput(adapted.Value.Source, input.Properties["TimeZone"]?.Value?.ToString(), null, adapted.Value.Entries);
        }

        public static FoldSource SourceOf(UsageFile file) => new FoldSource(file.Client, file.SessionId, file.Project, file.UnpricedModels);

        /// <summary>Row <paramref name="index"/> of a typed file's rows as a fold takes it.</summary>
        [MethodImpl(Jit.Inline)]
        public static FoldEntry EntryOf(MessageRows rows, int index)
        {
            ref var row = ref rows[index];
            var kind = rows.KindOf(row);
            return new FoldEntry(row.Timestamp, kind.Model, row.Tokens, row.Cost, kind.CostSource);
        }

        /// <summary>A typed file's rows as a fold takes them, one by one.</summary>
        public static IEnumerable<FoldEntry> EntriesOf(MessageRows rows)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                yield return EntryOf(rows, i);
            }
        }

        /// <summary>Reads a UsageFile-shaped property bag; null (with <paramref name="problem"/>) when it is not one.</summary>
        private static (FoldSource Source, List<FoldEntry> Entries)? FromProperties(PSObject input, out string? problem)
        {
            problem = null;
            var client = Text(input, "Client");
            var session = Text(input, "SessionId");
            var entriesValue = input.Properties["Entries"]?.Value;
            if (client is null || session is null || entriesValue is null)
            {
                problem = "it is not a TokUsage.UsageFile (Get-TokenUsage output): it lacks Client, SessionId or Entries.";
                return null;
            }

            var unpriced = Strings(input.Properties["UnpricedModels"]?.Value);
            var entries = new List<FoldEntry>();
            foreach (var item in Items(entriesValue))
            {
                var entry = PSObject.AsPSObject(item);
                var timestamp = Timestamp(entry.Properties["Timestamp"]?.Value);
                if (timestamp is null)
                {
                    problem = "one of its Entries has no readable Timestamp.";
                    return null;
                }

                TokenCounts tokens;
                decimal cost;
                try
                {
                    tokens = Tokens(Long(entry, "InputTokens"), Long(entry, "OutputTokens"), Long(entry, "CacheReadTokens"), Long(entry, "CacheWriteTokens"), Long(entry, "ReasoningTokens"));
                    cost = LanguagePrimitives.ConvertTo<decimal>(entry.Properties["Cost"]?.Value ?? 0m);
                }
                catch (Exception e) when (e is PSInvalidCastException || e is InvalidCastException || e is OverflowException || e is FormatException)
                {
                    problem = "one of its Entries has a token count or Cost that is not a number.";
                    return null;
                }

                if (!Plausible.Counts(tokens) || cost < 0)
                {
                    problem = "one of its Entries has a negative Cost or a token count that is negative or beyond 10^12.";
                    return null;
                }

                entries.Add(new FoldEntry(timestamp.Value, Text(entry, "Model") ?? ModelNames.Unknown, tokens, cost, Source(entry, unpriced)));
            }

            return (new FoldSource(client, session, Text(input, "Project") ?? string.Empty, new NameList(unpriced)), entries);
        }

        /// <summary>
        /// The entry's CostSource; objects from before it existed carry none, so their cost counts as calculated unless
        /// it is zero for an unpriced model.
        /// </summary>
        private static CostSource Source(PSObject entry, string[] unpriced)
        {
            var value = entry.Properties["CostSource"]?.Value;
            var text = (value is PSObject p ? p.BaseObject : value)?.ToString();
            if (text != null && Enum.TryParse<CostSource>(text, true, out var parsed))
            {
                return parsed;
            }

            var model = Text(entry, "Model");
            return model != null && Array.IndexOf(unpriced, model) >= 0 ? CostSource.None : CostSource.Calculated;
        }

        private static TokenCounts Tokens(long input, long output, long cacheRead, long cacheWrite, long reasoning) =>
            new TokenCounts { Input = input, Output = output, CacheRead = cacheRead, CacheWrite = cacheWrite, Reasoning = reasoning };

        private static string? Text(PSObject o, string name) => o.Properties[name]?.Value?.ToString();

        private static long Long(PSObject o, string name) => LanguagePrimitives.ConvertTo<long>(o.Properties[name]?.Value ?? 0L);

        private static IEnumerable<object> Items(object value)
        {
            var baseValue = value is PSObject pso ? pso.BaseObject : value;
            return baseValue is IEnumerable list && !(baseValue is string) ? list.Cast<object>() : new[] { value };
        }

        private static string[] Strings(object? value) =>
            value is null ? Array.Empty<string>() : Items(value).Select(v => v?.ToString() ?? string.Empty).Where(v => v.Length > 0).ToArray();

        private static DateTimeOffset? IfPlausible(DateTimeOffset instant) => Parsing.Timestamps.IsPlausible(instant) ? instant : (DateTimeOffset?)null;

        /// <summary>A timestamp as DateTimeOffset, DateTime, ISO text, or a deserialized DateTimeOffset property bag.</summary>
        private static DateTimeOffset? Timestamp(object? value)
        {
            var raw = value is PSObject pso ? pso.BaseObject : value;
            switch (raw)
            {
                case DateTimeOffset dto:
                    return IfPlausible(dto.ToUniversalTime());
                case DateTime dt:
                    return IfPlausible(new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()));
                case string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                    return IfPlausible(parsed.ToUniversalTime());
            }

            if (value is PSObject bag && bag.Properties["UtcDateTime"]?.Value is DateTime utc)
            {
                return IfPlausible(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));
            }

            return null;
        }
    }

    /// <summary>One usage file's messages on their way into a fold (see <see cref="FoldInputs.Adapt"/>).</summary>
    internal readonly struct UsageInput
    {
        private readonly MessageRows? _typed;
        private readonly List<FoldEntry>? _adapted;

        public UsageInput(FoldSource source, string? timeZone, MessageRows? typed, List<FoldEntry>? adapted)
        {
            Source = source;
            TimeZone = timeZone;
            _typed = typed;
            _adapted = adapted;
        }

        public FoldSource Source { get; }

        /// <summary>The -TimeZone Get-TokenUsage read the file with (null: local).</summary>
        public string? TimeZone { get; }

        /// <summary>
        /// The rows of the kinds whose model <paramref name="keepModel"/> keeps (asked once per kind, not per message): the
        /// rows themselves when it keeps every kind, else a copy of those rows, in their order.
        /// </summary>
        private static MessageRows KeptRows(MessageRows rows, Func<string, bool> keepModel)
        {
            var byKind = rows.ByKind;
            var kept = new bool[byKind.Length];
            var keptMessages = 0L;
            for (var k = 0; k < byKind.Length; k++)
            {
                kept[k] = byKind[k].Messages > 0 && keepModel(rows.KindAt(k).Model);
                keptMessages += kept[k] ? byKind[k].Messages : 0;
            }

            if (keptMessages == rows.Count)
            {
                return rows;
            }

            var copy = new MessageRows((int)keptMessages);
            for (var i = 0; i < rows.Count; i++)
            {
                if (kept[rows[i].Kind])
                {
                    copy.AddFrom(rows, i);
                }
            }

            return copy;
        }

        /// <summary>Adds the messages to <paramref name="fold"/>: all, or those whose model <paramref name="keepModel"/> keeps.</summary>
        public void FeedTo(IUsageFold fold, Func<string, bool>? keepModel)
        {
            if (_typed != null)
            {
                if (keepModel is null)
                {
                    fold.Add(Source, _typed);
                }
                else
                {
                    fold.Add(Source, KeptRows(_typed, keepModel));
                }
            }
            else
            {
                fold.Add(Source, keepModel is null ? _adapted! : _adapted!.Where(e => keepModel(e.Model)));
            }
        }
    }
}
