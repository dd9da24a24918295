using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Model;

namespace TokUsage.Clients.Databases
{
    /// <summary>
    /// Zed's agent (<c>zed</c>): <c>threads.db</c> in <c>$XDG_DATA_HOME/zed/threads</c> (or <c>~/.local/share/zed/threads</c>),
    /// macOS <c>~/Library/Application Support/Zed/threads</c>, Windows <c>%LOCALAPPDATA%\Zed\threads</c>. Table
    /// <c>threads(id, summary, updated_at, data_type, data[, folder_paths])</c>; <c>data</c> is the thread as JSON,
    /// zstd-compressed when <c>data_type</c> is <c>zstd</c>. Zed keeps no per-request timestamps: a thread is one record
    /// per its model, dated at <c>updated_at</c>, with <c>cumulative_token_usage</c> (else the sum of
    /// <c>request_token_usage</c>). Models of the hosted provider <c>zed.dev</c> cost list price + 10 % (Zed's
    /// surcharge); other providers (the user's own keys, local models) are priced as they are. One UsageFile per thread;
    /// Project is the thread's first folder.
    /// </summary>
    internal static class Zed
    {
        /// <summary>Zed's surcharge on list prices for the models it hosts.</summary>
        public const decimal HostedMarkup = 1.1m;

        public static readonly IClientSource Source = new DatabaseClient("zed",
            Roots,
            path => Common.Roots.NameIs(path, "threads.db"),
            Read,
            new[] { "zed", "Zed" });

        private static IEnumerable<ScanRoot> Roots(ClientEnvironment env)
        {
            yield return new ScanRoot(Path.Combine(Common.Roots.XdgData(env), "zed", "threads"), "default", recursive: false);
            yield return new ScanRoot(Path.Combine(env.Home, "Library", "Application Support", "Zed", "threads"), "default", recursive: false);
            var local = env.Get("LOCALAPPDATA");
            if (local != null)
            {
                yield return new ScanRoot(Path.Combine(local, "Zed", "threads"), "default", recursive: false);
            }
        }

        private static void Read(SqliteConnection db, ParsedFile result, ReadOptions options, CancellationToken cancel)
        {
            Sqlite.TablesWith(db, "threads", "Zed", result.Source.Path);

            var c = Sqlite.Columns(db, "threads");
            using var command = db.CreateCommand();
            command.CommandText =
                $"SELECT t.rowid, t.id, {Sqlite.Column(c, "t", "updated_at")}, {Sqlite.Column(c, "t", "data_type")}, t.data, {Sqlite.Column(c, "t", "folder_paths")} " +
                "FROM threads t ORDER BY t.rowid";
            using var row = command.ExecuteReader();
            var rows = 0;
            while (row.Read())
            {
                Sqlite.Poll(cancel, ref rows);
                var rowNumber = row.GetInt64(0);
                var thread = Sqlite.Text(row, 1) ?? rowNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var folders = Sqlite.Text(row, 5);
                var part = result.Part(thread, folders is null ? string.Empty : folders.Split('\n')[0].Trim());
                if (row.IsDBNull(4))
                {
                    continue;
                }

                JsonDocument document;
                try
                {
                    var data = row.GetFieldValue<byte[]>(4);
                    if (string.Equals(Sqlite.Text(row, 3), "zstd", StringComparison.OrdinalIgnoreCase))
                    {
                        data = Decompress(data);
                    }

                    document = JsonDocument.Parse(data);
                }
                catch (Exception e) when (e is JsonException || e is ZstdSharp.ZstdException || e is InvalidDataException)
                {
                    result.Skip(rowNumber, $"thread {thread}: data is not readable ({e.Message})", options.MaxSkippedSamples, part);
                    continue;
                }

                using (document)
                {
                    var root = document.RootElement;
                    if (root.ValueKind != JsonValueKind.Object)
                    {
                        result.Skip(rowNumber, $"thread {thread}: data is not a JSON object", options.MaxSkippedSamples, part);
                        continue;
                    }

                    var model = "unknown";
                    var hosted = false;
                    TokenCounts tokens;
                    DateTimeOffset when;
                    try
                    {
                        if (JsonValues.TryObject(root, out var configured, "model"))
                        {
                            model = JsonValues.String(configured, "model", "id") ?? model;
                            hosted = string.Equals(JsonValues.String(configured, "provider"), "zed.dev", StringComparison.OrdinalIgnoreCase);
                        }

                        tokens = Usage(root);
                        when = Sqlite.Instant(row, 2)
                            ?? (JsonValues.TryTimestamp(root, out var updated, "updated_at") ? updated : MessageRecorder.WriteTime(result.Source));
                    }
                    catch (InvalidOperationException)
                    {
                        result.Skip(rowNumber, $"thread {thread}: {Parsing.JsonLines.BadString}", options.MaxSkippedSamples, part);
                        continue;
                    }

                    result.Record(options, when, model, tokens, MessageRecorder.Key("zed:" + thread), part: part, markup: hosted ? HostedMarkup : 1m);
                }
            }
        }

        /// <summary>The thread's total usage: its running total, else the sum of its per-request usage (a map or, in old threads, a list).</summary>
        private static TokenCounts Usage(JsonElement thread)
        {
            if (JsonValues.TryObject(thread, out var cumulative, "cumulative_token_usage"))
            {
                return Tokens(cumulative);
            }

            var total = default(TokenCounts);
            if (JsonValues.TryGet(thread, "request_token_usage", out var requests))
            {
                if (requests.ValueKind == JsonValueKind.Object)
                {
                    foreach (var request in requests.EnumerateObject())
                    {
                        total.AddSaturating(Tokens(request.Value));
                    }
                }
                else if (requests.ValueKind == JsonValueKind.Array)
                {
                    foreach (var request in requests.EnumerateArray())
                    {
                        total.AddSaturating(Tokens(request));
                    }
                }
            }

            return total;
        }

        private static TokenCounts Tokens(JsonElement usage) => usage.ValueKind != JsonValueKind.Object ? default : new TokenCounts
        {
            Input = JsonValues.Count(usage, "input_tokens"),
            Output = JsonValues.Count(usage, "output_tokens"),
            CacheWrite = JsonValues.Count(usage, "cache_creation_input_tokens"),
            CacheRead = JsonValues.Count(usage, "cache_read_input_tokens"),
        };

        private static byte[] Decompress(byte[] compressed)
        {
            using var input = new MemoryStream(compressed, writable: false);
            using var zstd = new ZstdSharp.DecompressionStream(input);
            using var output = new MemoryStream(compressed.Length * 4);
            zstd.CopyTo(output);
            return output.ToArray();
        }
    }
}
