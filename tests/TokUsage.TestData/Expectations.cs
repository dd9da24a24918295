using System;
using System.Collections.Generic;
using System.Linq;

namespace TokUsage.TestData
{
    /// <summary>One API message the generator wrote, as it must be counted (once, by <see cref="OwnerFile"/>).</summary>
    public sealed class ExpectedMessage
    {
        public string Client { get; init; } = "claude";
        public required string Id { get; init; }
        public required string RequestId { get; init; }
        public required DateTimeOffset Timestamp { get; init; }
        public required string Model { get; init; }
        public long Input { get; init; }
        public long Output { get; init; }
        public long CacheRead { get; init; }
        public long CacheWrite5m { get; init; }
        public long CacheWrite1h { get; init; }
        public long Reasoning { get; init; }
        public bool Fast { get; init; }

        /// <summary>The first file (ordinal path order) holding a copy: the file that counts the message.</summary>
        public required string OwnerFile { get; set; }
        public required string SessionId { get; set; }
        public required string Project { get; set; }

        public long CacheWrite => CacheWrite5m + CacheWrite1h;
        public long Total => Input + Output + CacheRead + CacheWrite + Reasoning;

        /// <summary>A cost the client logged that is the provider's bill; when set it is the cost.</summary>
        public decimal? ReportedCost { get; init; }

        /// <summary>A reseller's surcharge on list prices (Zed's hosted models: 1.1).</summary>
        public decimal Markup { get; init; } = 1m;

        /// <summary>Reasoning is billed at the output rate.</summary>
        public decimal Cost => ReportedCost ?? ReferencePrices.Cost(Model, Input, Output + Reasoning, CacheWrite5m, CacheWrite1h, CacheRead, Fast) * Markup;
    }

    /// <summary>Totals of a set of expected messages.</summary>
    public sealed record ExpectedTotals(long Messages, long Input, long Output, long CacheRead, long CacheWrite, decimal Cost, long Reasoning = 0)
    {
        public long Total => Input + Output + CacheRead + CacheWrite + Reasoning;

        public static ExpectedTotals Of(IEnumerable<ExpectedMessage> messages)
        {
            long n = 0, i = 0, o = 0, cr = 0, cw = 0, r = 0;
            decimal cost = 0;
            foreach (var m in messages)
            {
                n++;
                i += m.Input;
                o += m.Output;
                cr += m.CacheRead;
                cw += m.CacheWrite;
                r += m.Reasoning;
                cost += m.Cost;
            }

            return new ExpectedTotals(n, i, o, cr, cw, cost, r);
        }
    }

    public static class ExpectedReports
    {
        /// <summary>Expected rows of a daily report in <paramref name="zone"/>, keyed yyyy-MM-dd.</summary>
        public static SortedDictionary<string, ExpectedTotals> ByDay(IEnumerable<ExpectedMessage> messages, TimeZoneInfo zone) =>
            new(messages.GroupBy(m => TimeZoneInfo.ConvertTime(m.Timestamp, zone).ToString("yyyy-MM-dd"))
                .ToDictionary(g => g.Key, g => ExpectedTotals.Of(g)), StringComparer.Ordinal);

        /// <summary>Expected session rows, keyed by session id.</summary>
        public static SortedDictionary<string, ExpectedTotals> BySession(IEnumerable<ExpectedMessage> messages) =>
            new(messages.GroupBy(m => m.SessionId).ToDictionary(g => g.Key, g => ExpectedTotals.Of(g)), StringComparer.Ordinal);

        /// <summary>Expected per-file totals, keyed by owner file path.</summary>
        public static SortedDictionary<string, ExpectedTotals> ByFile(IEnumerable<ExpectedMessage> messages) =>
            new(messages.GroupBy(m => m.OwnerFile).ToDictionary(g => g.Key, g => ExpectedTotals.Of(g)), StringComparer.Ordinal);
    }
}
