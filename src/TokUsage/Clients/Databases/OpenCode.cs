using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Model;

namespace TokUsage.Clients.Databases
{
    /// <summary>
    /// OpenCode (<c>opencode</c>) and its fork Kilo CLI (<c>kilo</c>).
    /// <para>OpenCode ≥ 1.2 keeps messages in SQLite: <c>opencode.db</c> and per-channel <c>opencode-&lt;channel&gt;.db</c>
    /// in its data folder (<c>$OPENCODE_DATA_DIR</c>, else <c>$XDG_DATA_HOME/opencode</c> or <c>~/.local/share/opencode</c>
    /// on every OS). Two schemas: <c>message(id, session_id, data)</c> with <c>session(directory, title)</c>, and the newer
    /// <c>session_message(id, session_id, type, data)</c> with <c>session_v2</c>; both are read when both exist. Older
    /// releases wrote one JSON file per message under <c>storage/message/&lt;session&gt;/</c>; OpenCode copies them into
    /// the database on upgrade but leaves the files, so they are read too and a message counts once (the database,
    /// sorted first, owns it: the key is the message id in both).</para>
    /// <para>Fork copies: forking a session copies its messages under new row ids; within one database, rows that agree
    /// on every usage field (created/completed time, model, provider, the five token counts, cost, agent) collapse into
    /// the first, unless both carry different embedded message ids.</para>
    /// <para>Cost: a positive <c>cost</c> is what OpenCode charged and is kept (Reported); zero (subscriptions) is priced.</para>
    /// <para>Output: one UsageFile per session of a database (a database holds the whole history; one object for it
    /// would make -By Session meaningless), one per legacy message file. A session is handed on as soon as the read has
    /// passed its last row, so a database of the whole history is never held whole.</para>
    /// </summary>
    internal static class OpenCode
    {
        private static readonly Regex OpenCodeDatabase = new Regex(@"^opencode(-[A-Za-z0-9._-]+)?\.db$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static readonly Regex KiloDatabase = new Regex(@"^kilo(-[A-Za-z0-9._-]+)?\.db$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        public static readonly IClientSource Source = new DatabaseClient("opencode",
            env => DataFolders(env, "OPENCODE_DATA_DIR", "opencode").SelectMany(root => new[]
            {
                new ScanRoot(root.Directory, root.Origin, recursive: false),
                new ScanRoot(Path.Combine(root.Directory, "storage", "message"), root.Origin),
            }),
            path => OpenCodeDatabase.IsMatch(Path.GetFileName(path)),
            (db, result, options, cancel) => ReadDatabase(db, result, options, cancel),
            new[] { "opencode" },
            IsLegacyMessageFile,
            ReadLegacyFile);

        public static readonly IClientSource Kilo = new DatabaseClient("kilo",
            env => DataFolders(env, "KILO_DATA_DIR", "kilo").Select(root => new ScanRoot(root.Directory, root.Origin, recursive: false)),
            path => KiloDatabase.IsMatch(Path.GetFileName(path)),
            (db, result, options, cancel) => ReadDatabase(db, result, options, cancel),
            new[] { "kilo" });

        private static readonly Regex MiMoDatabase = new Regex(@"^mimocode(-[A-Za-z0-9._-]+)?\.db$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        /// <summary>
        /// MiMo Code (<c>micode</c>; Xiaomi's CLI and desktop share the store): OpenCode's message schema in
        /// <c>$XDG_DATA_HOME/mimocode/mimocode.db</c> and per-channel <c>mimocode-&lt;channel&gt;.db</c>. A message copied
        /// into another channel's database keeps its embedded id and counts once (as OpenCode's).
        /// </summary>
        public static readonly IClientSource MiMo = new DatabaseClient("micode",
            env => new[] { new ScanRoot(Path.Combine(Roots.XdgData(env), "mimocode"), "default", recursive: false) },
            path => MiMoDatabase.IsMatch(Path.GetFileName(path)),
            (db, result, options, cancel) => ReadDatabase(db, result, options, cancel),
            new[] { "mimocode" });

        private static IEnumerable<ScanRoot> DataFolders(ClientEnvironment env, string variable, string folder)
        {
            var set = env.GetPathList(variable);
            return set.Count > 0
                ? set.Select(dir => new ScanRoot(dir, variable))
                : new[] { new ScanRoot(Path.Combine(Roots.XdgData(env), folder), "default") };
        }

        /// <summary><c>storage/message/&lt;session&gt;/&lt;message&gt;.json</c>.</summary>
        private static bool IsLegacyMessageFile(string path)
        {
            if (!Roots.HasExtension(path, ".json"))
            {
                return false;
            }

            var session = Path.GetDirectoryName(path);
            var message = session is null ? null : Path.GetDirectoryName(session);
            var storage = message is null ? null : Path.GetDirectoryName(message);
            return message != null && storage != null
                && string.Equals(Path.GetFileName(message), "message", StringComparison.OrdinalIgnoreCase)
                && string.Equals(Path.GetFileName(storage), "storage", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>One tables group: the message table, how to tell assistant rows, and the session table to join.</summary>
        private sealed class Schema
        {
            public Schema(string messages, string? sessions)
            {
                Messages = messages;
                Sessions = sessions;
            }

            public string Messages { get; }

            public string? Sessions { get; }
        }

        private static void ReadDatabase(SqliteConnection db, ParsedFile result, ReadOptions options, CancellationToken cancel)
        {
            var tables = Sqlite.Tables(db);
            var schemas = new List<Schema>();
            if (tables.Contains("session_message"))
            {
                schemas.Add(new Schema("session_message", tables.Contains("session_v2") ? "session_v2" : tables.Contains("session") ? "session" : null));
            }

            if (tables.Contains("message"))
            {
                schemas.Add(new Schema("message", tables.Contains("session") ? "session" : null));
            }

            if (schemas.Count == 0)
            {
                throw new UnsupportedSchemaException(
                    $"'{result.Source.Path}' has neither an OpenCode 'message' nor a 'session_message' table; its schema is not one TokUsage knows.");
            }

            // One read transaction: the sessions' last rows (below) and the rows themselves come from one snapshot of a
            // database OpenCode may be writing to.
            Sqlite.BeginSnapshot(db);

            // Fork copies collapse across both tables of the database, never across databases (another database's
            // identical row is another channel's message, caught by its message id at the gate if it is the same).
            var seen = new Dictionary<(ulong, ulong), ulong>();
            for (var i = 0; i < schemas.Count; i++)
            {
                ReadTable(db, schemas[i], result, options, cancel, seen, last: i == schemas.Count - 1);
            }
        }

        /// <summary>
        /// The sessions of <paramref name="table"/> by the row id of their last message, ascending: once the read passes a
        /// session's last row the session is complete and can be handed on (<see cref="ParsedFile.Close"/>). Empty when
        /// the table has no session column (its sessions are then complete only at the end).
        /// </summary>
        private static List<(long LastRow, string Session)> SessionEnds(SqliteConnection db, string table, HashSet<string> columns, string where, CancellationToken cancel)
        {
            var ends = new List<(long, string)>();
            if (!columns.Contains("session_id"))
            {
                return ends;
            }

            using var command = db.CreateCommand();
            command.CommandText = $"SELECT m.session_id, MAX(m.rowid) FROM \"{table}\" m{where} GROUP BY m.session_id ORDER BY 2";
            using var row = command.ExecuteReader();
            var rows = 0;
            while (row.Read())
            {
                Sqlite.Poll(cancel, ref rows);
                if (Sqlite.Text(row, 0) is { } session && !row.IsDBNull(1))
                {
                    ends.Add((row.GetInt64(1), session));
                }
            }

            return ends;
        }

        /// <param name="last">True for the database's last table: its sessions are handed on as they complete (sessions
        /// met in an earlier table and not in this one are complete when it starts).</param>
        private static void ReadTable(SqliteConnection db, Schema schema, ParsedFile result, ReadOptions options, CancellationToken cancel, Dictionary<(ulong, ulong), ulong> seen, bool last)
        {
            var columns = Sqlite.Columns(db, schema.Messages);
            if (!columns.Contains("data"))
            {
                throw new UnsupportedSchemaException($"'{result.Source.Path}': table '{schema.Messages}' has no 'data' column; its schema is not one TokUsage knows.");
            }

            var sessionColumns = schema.Sessions is null ? new HashSet<string>() : Sqlite.Columns(db, schema.Sessions);
            var join = schema.Sessions != null && columns.Contains("session_id") && sessionColumns.Contains("id")
                ? $" LEFT JOIN \"{schema.Sessions}\" s ON s.id = m.session_id"
                : string.Empty;
            var directory = join.Length > 0 ? Sqlite.Column(sessionColumns, "s", "directory") : "NULL";
            var where = columns.Contains("type") ? " WHERE m.\"type\" = 'assistant'" : string.Empty;
            var ends = last ? SessionEnds(db, schema.Messages, columns, where, cancel) : new List<(long LastRow, string Session)>();
            var nextEnd = 0;
            if (last && result.Parts.Count > 0)
            {
                var here = new HashSet<string>(ends.Select(e => e.Session), StringComparer.Ordinal);
                foreach (var earlier in result.Parts.Where(p => !here.Contains(p.SessionId)).Select(p => p.SessionId).ToList())
                {
                    result.Close(earlier);
                }
            }

            using var command = db.CreateCommand();
            command.CommandText =
                $"SELECT m.rowid, {Sqlite.Column(columns, "m", "id")}, {Sqlite.Column(columns, "m", "session_id")}, m.data, {directory} " +
                $"FROM \"{schema.Messages}\" m{join}{where} ORDER BY m.rowid";
            using var row = command.ExecuteReader();
            var rows = 0;
            while (row.Read())
            {
                Sqlite.Poll(cancel, ref rows);
                var rowNumber = row.GetInt64(0);
                while (nextEnd < ends.Count && ends[nextEnd].LastRow < rowNumber)
                {
                    result.Close(ends[nextEnd++].Session); // rows come in row id order: that session has no more
                }

                var rowId = Sqlite.Text(row, 1);
                var sessionId = Sqlite.Text(row, 2);
                var project = Sqlite.Text(row, 4) ?? string.Empty;
                var part = sessionId is null ? null : result.Part(sessionId, project);
                if (row.IsDBNull(3))
                {
                    result.Skip(rowNumber, $"{schema.Messages} row {rowId ?? rowNumber.ToString(CultureInfo.InvariantCulture)}: no data", options.MaxSkippedSamples, part);
                    continue;
                }

                var document = Sqlite.Json(row, 3, result, rowNumber, $"{schema.Messages} row {rowId ?? rowNumber.ToString(CultureInfo.InvariantCulture)}: data", options, part);
                if (document is null)
                {
                    continue;
                }

                using (document)
                {
                    var message = document.RootElement;
                    if (message.ValueKind != JsonValueKind.Object)
                    {
                        result.Skip(rowNumber, $"{schema.Messages} row {rowId}: data is not a JSON object", options.MaxSkippedSamples, part);
                        continue;
                    }

                    if (part is null)
                    {
                        var embeddedSession = JsonValues.String(message, "sessionID", "session_id");
                        part = result.Part(embeddedSession ?? string.Empty, project.Length > 0 ? project : ProjectOf(message));
                    }
                    else if (part.Project.Length == 0)
                    {
                        part.Project = ProjectOf(message);
                    }

                    try
                    {
                        RecordMessage(message, rowId, result, options, part, seen);
                    }
                    catch (InvalidOperationException)
                    {
                        result.Skip(rowNumber, $"{schema.Messages} row {rowId}: {Parsing.JsonLines.BadString}", options.MaxSkippedSamples, part);
                    }
                }
            }
        }

        /// <summary>
        /// Records one message payload when it is an assistant message with usage. <paramref name="seen"/> holds the
        /// database's fingerprints (null for a legacy file, which never has fork copies): 128 bits of hash per message and
        /// 64 of its embedded id (0: none), so a database of a million messages keeps ~40 MB of them, not the ~300 MB the
        /// fingerprint strings took.
        /// </summary>
        private static void RecordMessage(JsonElement message, string? rowId, ParsedFile result, ReadOptions options, SessionPart? part, Dictionary<(ulong, ulong), ulong>? seen)
        {
            var role = JsonValues.String(message, "role");
            if (role != null && !string.Equals(role, "assistant", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (!JsonValues.TryObject(message, out var usage, "tokens"))
            {
                return;
            }

            JsonValues.TryObject(message, out var nestedModel, "model");
            var model = JsonValues.String(message, "modelID") ?? (nestedModel.ValueKind == JsonValueKind.Object ? JsonValues.String(nestedModel, "id", "modelID") : null) ?? "unknown";
            var provider = JsonValues.String(message, "providerID") ?? (nestedModel.ValueKind == JsonValueKind.Object ? JsonValues.String(nestedModel, "providerID") : null);
            var tokens = new TokenCounts
            {
                Input = JsonValues.Count(usage, "input"),
                Output = JsonValues.Count(usage, "output"),
                Reasoning = JsonValues.Count(usage, "reasoning"),
            };
            if (JsonValues.TryObject(usage, out var cache, "cache"))
            {
                tokens.CacheRead = JsonValues.Count(cache, "read");
                tokens.CacheWrite = JsonValues.Count(cache, "write");
            }

            JsonValues.TryObject(message, out var time, "time");
            var created = time.ValueKind == JsonValueKind.Object && JsonValues.TryGet(time, "created", out var c) ? c.GetRawText() : string.Empty;
            var completed = time.ValueKind == JsonValueKind.Object && JsonValues.TryGet(time, "completed", out var d) ? d.GetRawText() : string.Empty;
            var cost = JsonValues.Amount(message, "cost");
            var embeddedId = JsonValues.String(message, "id");

            if (seen != null)
            {
                var fingerprint = string.Join("\u001f", created, completed, model, provider ?? string.Empty,
                    tokens.Input.ToString(CultureInfo.InvariantCulture), tokens.Output.ToString(CultureInfo.InvariantCulture),
                    tokens.Reasoning.ToString(CultureInfo.InvariantCulture), tokens.CacheRead.ToString(CultureInfo.InvariantCulture),
                    tokens.CacheWrite.ToString(CultureInfo.InvariantCulture), cost?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                    JsonValues.String(message, "mode", "agent") ?? string.Empty);
                var bytes = System.Text.Encoding.UTF8.GetBytes(fingerprint);
                var key = (Primitives.XxHash64.Hash(bytes, 0x6F70656E636F6465UL), Primitives.XxHash64.Hash(bytes, 0x666F726B636F7079UL));
                var id = embeddedId is null ? 0UL : Primitives.XxHash64.Hash(System.Text.Encoding.UTF8.GetBytes(embeddedId), 0x69UL) | 1UL;
                if (seen.TryGetValue(key, out var firstId))
                {
                    if (id == 0 || firstId == 0 || id == firstId)
                    {
                        return; // a fork copy of a message already recorded from this database
                    }
                }
                else
                {
                    seen.Add(key, id);
                }
            }

            var when = time.ValueKind == JsonValueKind.Object && JsonValues.TryTimestamp(time, out var t, "created") ? t : MessageRecorder.WriteTime(result.Source);
            var identity = embeddedId ?? rowId;
            result.Record(options, when, model, tokens, identity is null ? (Primitives.MessageKey?)null : MessageRecorder.Key("message:" + identity),
                reportedCost: cost, part: part);
        }

        private static string ProjectOf(JsonElement message) =>
            JsonValues.TryObject(message, out var path, "path") ? JsonValues.String(path, "root", "cwd") ?? string.Empty : string.Empty;

        /// <summary>A legacy <c>storage/message/&lt;session&gt;/&lt;message&gt;.json</c> file: one message.</summary>
        private static ParsedFile ReadLegacyFile(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var sessionFolder = Path.GetFileName(Path.GetDirectoryName(file.Path) ?? string.Empty);
            var result = new ParsedFile(file, sessionFolder, string.Empty);
            using var document = LogFiles.ReadDocument(file, options, result, cancel);
            if (document is null)
            {
                return result;
            }

            var message = document.RootElement;
            result.SessionId = JsonValues.String(message, "sessionID") ?? sessionFolder;
            result.Project = ProjectOf(message);

            // OpenCode wrote a legacy message complete only once it finished: usage with both cache counts, and times.
            if (!JsonValues.TryObject(message, out var usage, "tokens") || !JsonValues.TryObject(usage, out var cache, "cache")
                || !JsonValues.TryGet(cache, "read", out _) || !JsonValues.TryGet(cache, "write", out _) || !JsonValues.TryObject(message, out _, "time"))
            {
                return result;
            }

            RecordMessage(message, Path.GetFileNameWithoutExtension(file.Path), result, options, part: null, seen: null);
            return result;
        }
    }
}
