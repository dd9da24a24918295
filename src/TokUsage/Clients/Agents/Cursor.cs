using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Sylvan.Data.Csv;
using TokUsage.Clients.Common;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Cursor (<c>cursor</c>) keeps no usage on disk: its dashboard exports it as CSV (Settings → Usage → Export), and
    /// tokscale's <c>cursor sync</c> saves the same export as <c>cursor-cache/usage.csv</c> (or <c>usage.&lt;account&gt;.csv</c>)
    /// in tokscale's config folder, read by default; <c>Get-TokenUsage -Path usage.csv -Client cursor</c> reads an export
    /// saved anywhere. Columns are found by name, so every layout Cursor has used reads the same (<c>Date</c>,
    /// <c>Model</c>, <c>Input (w/ Cache Write)</c> = cache writes, <c>Input (w/o Cache Write)</c> = input,
    /// <c>Cache Read</c>, <c>Output Tokens</c>, <c>Cost</c>; <c>Kind</c>, <c>Max Mode</c> and agent ids are not needed).
    /// A positive <c>Cost</c> is what Cursor charged (reported); <c>$0.00</c> or <c>Included</c> rows are priced at list
    /// price like any subscription usage. Each row is one request, keyed by its content, so overlapping exports count
    /// each request once. One output object per file.
    /// </summary>
    internal static class Cursor
    {
        public static readonly IClientSource Source = new FileClient("cursor",
            env => Roots.TokscaleConfig(env, "cursor-cache"),
            IsExport,
            Read,
            "cursor-cache");

        /// <summary>A CSV file, except tokscale's backups (<c>usage.backup*</c>) and anything under an <c>archive</c> folder.</summary>
        private static bool IsExport(string path) =>
            Roots.HasExtension(path, ".csv")
            && !Path.GetFileName(path).StartsWith("usage.backup", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(Path.GetFileName(Path.GetDirectoryName(path) ?? ""), "archive", StringComparison.OrdinalIgnoreCase);

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var result = new ParsedFile(file, Path.GetFileNameWithoutExtension(file.Path), "");
            try
            {
                using var text = new StreamReader(new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
                using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true });
                var columns = new Columns(csv);
                if (columns.Date < 0 || columns.Model < 0)
                {
                    result.Skip(1, "not a Cursor usage export (no Date and Model columns)", options.MaxSkippedSamples);
                    return result;
                }

                long row = 1;
                while (csv.Read())
                {
                    row++;
                    if ((row & 255) == 0)
                    {
                        cancel.ThrowIfCancellationRequested();
                    }

                    var model = Field(csv, columns.Model);
                    if (string.IsNullOrEmpty(model) || !JsonValues.TryParseText(Field(csv, columns.Date), out var when))
                    {
                        result.Skip(row, "a row without a model or a date", options.MaxSkippedSamples);
                        continue;
                    }

                    if (!TryCount(csv, columns.Input, out var input) || !TryCount(csv, columns.CacheWrite, out var cacheWrite)
                        || !TryCount(csv, columns.CacheRead, out var cacheRead) || !TryCount(csv, columns.Output, out var output))
                    {
                        result.Skip(row, "a token count that is not a number", options.MaxSkippedSamples);
                        continue;
                    }

                    var tokens = new TokenCounts { Input = input, CacheWrite = cacheWrite, CacheRead = cacheRead, Output = output };
                    var cost = Amount(Field(csv, columns.Cost));
                    var key = string.Join("\u001f", "cursor", Field(csv, columns.Date), model, input.ToString(CultureInfo.InvariantCulture),
                        cacheWrite.ToString(CultureInfo.InvariantCulture), cacheRead.ToString(CultureInfo.InvariantCulture),
                        output.ToString(CultureInfo.InvariantCulture), Field(csv, columns.Cost));
                    result.Record(options, when, model!, tokens, MessageRecorder.Key(key), reportedCost: cost, line: row);
                }
            }
            catch (Exception e) when (LogFiles.IsReadFailure(e))
            {
                result.Rows.Clear();
                result.Error = e;
            }
            catch (Exception e) when (e is CsvFormatException || e is FormatException)
            {
                result.Skip(0, "not valid CSV: " + e.Message, options.MaxSkippedSamples);
            }

            return result;
        }

        private static string Field(CsvDataReader csv, int ordinal) =>
            ordinal < 0 || ordinal >= csv.RowFieldCount ? string.Empty : csv.GetString(ordinal).Trim();

        /// <summary>A token count; an empty or missing cell is 0.</summary>
        private static bool TryCount(CsvDataReader csv, int ordinal, out long count)
        {
            var text = Field(csv, ordinal).Replace(",", string.Empty);
            count = 0;
            if (text.Length == 0)
            {
                return true;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value) || double.IsInfinity(value))
            {
                return false;
            }

            count = value <= 0 ? 0 : value >= long.MaxValue ? long.MaxValue : (long)Math.Round(value);
            return true;
        }

        /// <summary><c>$1,234.56</c> as USD; null for <c>Included</c>, empty or other text.</summary>
        private static decimal? Amount(string text)
        {
            var plain = text.Replace("$", string.Empty).Replace(",", string.Empty).Trim();
            return decimal.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0 ? amount : (decimal?)null;
        }

        /// <summary>Column positions by header name (any case); -1 when a layout has no such column.</summary>
        private sealed class Columns
        {
            public Columns(CsvDataReader csv)
            {
                for (var i = 0; i < csv.FieldCount; i++)
                {
                    switch (csv.GetName(i).Trim().ToLowerInvariant())
                    {
                        case "date": Date = i; break;
                        case "model": Model = i; break;
                        case "input (w/ cache write)": CacheWrite = i; break;
                        case "input (w/o cache write)": Input = i; break;
                        case "cache read": CacheRead = i; break;
                        case "output tokens": Output = i; break;
                        case "cost": Cost = Cost < 0 ? i : Cost; break;
                        case "cost to you": Cost = i; break; // the oldest layout: what the user was billed, beside the API cost
                    }
                }
            }

            public int Date { get; } = -1;

            public int Model { get; } = -1;

            public int Input { get; } = -1;

            public int CacheWrite { get; } = -1;

            public int CacheRead { get; } = -1;

            public int Output { get; } = -1;

            public int Cost { get; private set; } = -1;
        }
    }
}
