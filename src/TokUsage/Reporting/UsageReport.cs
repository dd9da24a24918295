using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TokUsage.Model;
using TokUsage.Aggregation;

namespace TokUsage.Reporting
{
    /// <summary>
    /// The visual report (Export-TokenUsageReport): folds usage as it streams into the rows its views show — days, days by
    /// client and by model, months, projects, sessions, models and 5-hour blocks, each the fold Measure-TokenUsage uses, so
    /// every number equals its row there — and writes one self-contained HTML file: the page template (inline CSS and
    /// script, no network) with the rows as JSON inside it. Memory is the folds' (proportional to the rows). Single-threaded:
    /// the pipeline thread.
    /// </summary>
    internal sealed class UsageReport : IUsageFold
    {
        /// <summary>Days the stacked daily charts show (the most recent active ones).</summary>
        public const int ChartDays = 90;

        private const string DataMarker = "/*USAGE-DATA*/";

        private readonly TimeZoneInfo _zone;
        private readonly int _top;
        private readonly MultiKeyFold _days;
        private readonly MultiKeyFold _daysByClient;
        private readonly MultiKeyFold _daysByModel;
        private readonly MultiKeyFold _months;
        private readonly MultiKeyFold _projects;
        private readonly MultiKeyFold _sessions;
        private readonly MultiKeyFold _models;
        private readonly BlockFold _blocks;
        private readonly IUsageFold[] _all;

        /// <param name="top">How many projects, sessions and recent blocks the tables list.</param>
        public UsageReport(TimeZoneInfo zone, int top)
        {
            _zone = zone;
            _top = top;
            MultiKeyFold Fold(params UsageGrouping[] by) => new MultiKeyFold(by, zone, DayOfWeek.Monday, breakdown: false);
            _days = Fold(UsageGrouping.Day);
            _daysByClient = Fold(UsageGrouping.Day, UsageGrouping.Client);
            _daysByModel = Fold(UsageGrouping.Day, UsageGrouping.Model);
            _months = Fold(UsageGrouping.Month);
            _projects = Fold(UsageGrouping.Project);
            _sessions = Fold(UsageGrouping.Session);
            _models = Fold(UsageGrouping.Model);
            _blocks = new BlockFold(TimeSpan.FromHours(5), zone, breakdown: false);
            _all = new IUsageFold[] { _days, _daysByClient, _daysByModel, _months, _projects, _sessions, _models, _blocks };
        }

        public void Add(in FoldSource source, MessageRows rows)
        {
            foreach (var fold in _all)
            {
                fold.Add(source, rows);
            }
        }

        public void Add(in FoldSource source, IEnumerable<FoldEntry> entries)
        {
            var list = entries as IReadOnlyList<FoldEntry> ?? entries.ToList();
            foreach (var fold in _all)
            {
                fold.Add(source, list);
            }
        }

        /// <summary>Writes the page to <paramref name="output"/> (UTF-8); <paramref name="now"/> marks the active block and the page's date.</summary>
        public void Write(Stream output, DateTimeOffset now)
        {
            var template = Template();
            var at = template.IndexOf(DataMarker, StringComparison.Ordinal);
            var head = Encoding.UTF8.GetBytes(template.Substring(0, at));
            var tail = Encoding.UTF8.GetBytes(template.Substring(at + DataMarker.Length));
            output.Write(head, 0, head.Length);
            // The default encoder escapes <, > and & (and non-ASCII), so no name in the data can end the script element.
            using (var json = new Utf8JsonWriter(output))
            {
                WriteData(json, now);
            }

            output.Write(tail, 0, tail.Length);
        }

        private void WriteData(Utf8JsonWriter json, DateTimeOffset now)
        {
            // One pass of the day fold gives the days and, last, their total row.
            var dayRows = _days.Results(true).Select(r => r.Row).ToList();
            var total = dayRows.LastOrDefault();
            var days = dayRows.Where(r => !r.IsTotal).Cast<PeriodSummary>().ToList();
            json.WriteStartObject();
            json.WriteString("generated", TimeZoneInfo.ConvertTime(now, _zone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture));
            json.WriteString("timeZone", _zone.Id);
            json.WriteNumber("chartDays", ChartDays);
            if (days.Count > 0)
            {
                json.WriteString("first", days[0].Period);
                json.WriteString("last", days[days.Count - 1].Period);
            }

            json.WriteStartObject("total");
            json.WriteString("cost", Exact(total?.Cost ?? 0m));
            json.WriteNumber("tokens", total?.TotalTokens ?? 0);
            json.WriteNumber("messages", total?.Messages ?? 0);
            json.WriteNumber("sessions", total?.Sessions ?? 0);
            json.WriteEndObject();

            var byClient = Split(_daysByClient);
            var byModel = Split(_daysByModel);
            json.WriteStartArray("days");
            foreach (var day in days)
            {
                json.WriteStartObject();
                json.WriteString("date", day.Period);
                Totals(json, day);
                Parts(json, "clients", byClient, day.Period);
                Parts(json, "models", byModel, day.Period);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            var clients = byClient.Values.SelectMany(parts => parts).GroupBy(p => p.Name)
                .OrderByDescending(g => g.Sum(p => p.Cost)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList();
            json.WriteStartArray("clients");
            clients.ForEach(json.WriteStringValue);
            json.WriteEndArray();

            var models = Rows(_models).Cast<GroupSummary>().OrderByDescending(m => m.Cost).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
            Table(json, "models", models, m => m.Name, (w, m) => w.WriteBoolean("priced", m.UnpricedModels.Count == 0));
            Table(json, "unpriced", models.Where(m => m.UnpricedModels.Count > 0), m => m.Name, null);
            Table(json, "months", Rows(_months).Cast<PeriodSummary>(), m => m.Period, null);

            var projects = Rows(_projects).Cast<GroupSummary>().ToList();
            json.WriteNumber("projectCount", projects.Count);
            Table(json, "projects", projects.OrderByDescending(p => p.Cost).ThenBy(p => p.Name, StringComparer.Ordinal).Take(_top), p => p.Name, (w, p) => w.WriteNumber("sessions", p.Sessions));

            var sessions = Rows(_sessions).Cast<SessionSummary>().ToList();
            json.WriteNumber("sessionCount", sessions.Count);
            Table(json, "sessions", sessions.OrderByDescending(s => s.Cost).ThenBy(s => s.Start).Take(_top), s => s.SessionId, (w, s) =>
            {
                w.WriteString("client", s.Client);
                w.WriteString("project", s.Project);
                w.WriteString("start", TimeZoneInfo.ConvertTime(s.Start, _zone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
            });

            var blocks = _blocks.Results(false, now, null).Where(b => !b.IsGap).Reverse().Take(_top);
            Table(json, "blocks", blocks, b => b.Block, (w, b) =>
            {
                w.WriteBoolean("active", b.IsActive);
                w.WriteStartArray("models");
                foreach (var model in b.Models)
                {
                    w.WriteStringValue(model);
                }

                w.WriteEndArray();
            });
            json.WriteEndObject();
        }

        private static List<UsageTotals> Rows(MultiKeyFold fold) => fold.Results(false).Select(r => r.Row).ToList();

        /// <summary>Per day label: the splitting key's value and its cost.</summary>
        private static Dictionary<string, List<(string Name, decimal Cost)>> Split(MultiKeyFold fold)
        {
            var parts = new Dictionary<string, List<(string, decimal)>>(StringComparer.Ordinal);
            foreach (var (row, values) in fold.Results(false))
            {
                var day = ((PeriodSummary)row).Period;
                if (!parts.TryGetValue(day, out var list))
                {
                    parts.Add(day, list = new List<(string, decimal)>());
                }

                list.Add((values[0], row.Cost));
            }

            return parts;
        }

        private static void Parts(Utf8JsonWriter json, string name, Dictionary<string, List<(string Name, decimal Cost)>> parts, string day)
        {
            json.WriteStartObject(name);
            if (parts.TryGetValue(day, out var list))
            {
                foreach (var (part, cost) in list)
                {
                    json.WriteString(part, Exact(cost));
                }
            }

            json.WriteEndObject();
        }

        private static void Table<T>(Utf8JsonWriter json, string name, IEnumerable<T> rows, Func<T, string> key, Action<Utf8JsonWriter, T>? more)
            where T : UsageTotals
        {
            json.WriteStartArray(name);
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("key", key(row));
                Totals(json, row);
                more?.Invoke(json, row);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        private static void Totals(Utf8JsonWriter json, UsageTotals row)
        {
            json.WriteString("cost", Exact(row.Cost));
            json.WriteNumber("tokens", row.TotalTokens);
            json.WriteNumber("messages", row.Messages);
        }

        /// <summary>A cost as exact decimal text (the page parses it for charts; the DOM keeps the text).</summary>
        private static string Exact(decimal cost) => cost.ToString(CultureInfo.InvariantCulture);

        private static string Template()
        {
            using var stream = typeof(UsageReport).Assembly.GetManifestResourceStream("TokUsage.Reporting.report.html")
                ?? throw new InvalidOperationException("The report template is missing from the assembly.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }
}
