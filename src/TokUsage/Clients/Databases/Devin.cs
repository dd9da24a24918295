using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Databases
{
    /// <summary>
    /// Devin CLI (<c>devin-cli</c>): <c>sessions.db</c> in <c>$XDG_DATA_HOME/devin/cli</c> (Windows also
    /// <c>%APPDATA%\devin\cli</c>). Each assistant row of <c>message_nodes</c> (<c>chat_message</c> JSON, <c>created_at</c> in
    /// epoch seconds) carries its call's usage in <c>chat_message.metadata.metrics</c> (<c>input_tokens</c>,
    /// <c>output_tokens</c>, <c>cache_read_tokens</c>, <c>cache_creation_tokens</c>; only <c>num_tokens</c> on older rows,
    /// booked as output) and its model in <c>metadata.generation_model</c>, else the session's <c>model</c> (which can be
    /// the routing mode <c>adaptive</c>: unpriced, listed). One UsageFile per session; the project is the session's
    /// <c>working_directory</c>. Keyed by row. Devin Desktop's event streams carry no reliable usage (tokscale's
    /// finding) and are not read.
    /// </summary>
    internal static class Devin
    {
        public static readonly IClientSource Source = new DatabaseClient("devin-cli",
            env => new[] { new ScanRoot(Path.Combine(Common.Roots.XdgData(env), "devin", "cli"), "default", recursive: false) }
                .Concat(env.Get("APPDATA") is { } appData ? new[] { new ScanRoot(Path.Combine(appData, "devin", "cli"), "default", recursive: false) } : Array.Empty<ScanRoot>()),
            path => Common.Roots.NameIs(path, "sessions.db") && string.Equals(Path.GetFileName(Path.GetDirectoryName(path)), "cli", StringComparison.OrdinalIgnoreCase),
            Read,
            new[] { "devin" });

        private static void Read(SqliteConnection db, ParsedFile result, ReadOptions options, CancellationToken cancel)
        {
            var tables = Sqlite.TablesWith(db, "message_nodes", "Devin", result.Source.Path);

            var s = tables.Contains("sessions") ? Sqlite.Columns(db, "sessions") : new HashSet<string>();
            var join = s.Contains("id") ? " LEFT JOIN sessions s ON s.id = m.session_id" : string.Empty;
            using var command = db.CreateCommand();
            command.CommandText = $"SELECT m.row_id, m.session_id, m.chat_message, m.created_at, {(join.Length > 0 ? Sqlite.Column(s, "s", "model") : "NULL")}, " +
                $"{(join.Length > 0 ? Sqlite.Column(s, "s", "working_directory") : "NULL")} FROM message_nodes m{join} ORDER BY m.row_id";
            using var row = command.ExecuteReader();
            var rows = 0;
            while (row.Read())
            {
                Sqlite.Poll(cancel, ref rows);
                var rowId = row.GetInt64(0);
                var session = Sqlite.Text(row, 1) ?? string.Empty;
                var part = result.Part(session, Sqlite.Text(row, 5) ?? string.Empty);
                var document = row.IsDBNull(2) ? null : Sqlite.Json(row, 2, result, rowId, $"message_nodes row {rowId}: chat_message", options, part);
                if (document is null)
                {
                    continue;
                }

                using (document)
                {
                    var message = document.RootElement;
                    if (message.ValueKind != JsonValueKind.Object || JsonValues.String(message, "role") != "assistant")
                    {
                        continue;
                    }

                    JsonValues.TryObject(message, out var metadata, "metadata");
                    var tokens = default(TokenCounts);
                    if (metadata.ValueKind == JsonValueKind.Object && JsonValues.TryObject(metadata, out var metrics, "metrics"))
                    {
                        tokens = new TokenCounts
                        {
                            Input = JsonValues.Count(metrics, "input_tokens"),
                            Output = JsonValues.Count(metrics, "output_tokens"),
                            CacheRead = JsonValues.Count(metrics, "cache_read_tokens"),
                            CacheWrite = JsonValues.Count(metrics, "cache_creation_tokens"),
                        };
                    }

                    if (metadata.ValueKind == JsonValueKind.Object)
                    {
                        tokens = tokens.OrTotalAsOutput(JsonValues.Count(metadata, "num_tokens"));
                    }

                    var model = (metadata.ValueKind == JsonValueKind.Object ? JsonValues.String(metadata, "generation_model") : null) ?? Sqlite.Text(row, 4) ?? ModelNames.Unknown;
                    var when = Sqlite.Instant(row, 3) ?? MessageRecorder.WriteTime(result.Source);
                    result.Record(options, when, model, tokens, MessageRecorder.Key("devin-cli:" + result.Source.Path + ":" + rowId.ToString(CultureInfo.InvariantCulture)), part: part, line: rowId);
                }
            }
        }
    }
}
