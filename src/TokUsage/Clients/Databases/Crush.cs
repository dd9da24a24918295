using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients.Common;
using TokUsage.Discovery;

namespace TokUsage.Clients.Databases
{
    /// <summary>
    /// Crush (<c>crush</c>): one <c>crush.db</c> per project, in the project's data folder (<c>&lt;project&gt;/.crush</c>),
    /// listed in <c>projects.json</c> of Crush's global data folder (<c>$CRUSH_GLOBAL_DATA</c>, else
    /// <c>$XDG_DATA_HOME/crush</c> or <c>~/.local/share/crush</c>, Windows <c>%LOCALAPPDATA%\crush</c>).
    /// <para>Crush records no per-request tokens: a session's <c>prompt_tokens</c>/<c>completion_tokens</c> are overwritten
    /// by each request (the current context size, not a total), so counting them would be wrong. Its <c>cost</c> is the
    /// running total of what the session was charged, sub-agent sessions included (Crush adds a child session's cost to
    /// its parent). So each root session is one cost-only record (zero tokens, Reported cost) dated at its last update,
    /// labelled with the session's most used model (else <c>session-total</c>). One UsageFile per session.</para>
    /// </summary>
    internal static class Crush
    {
        public const string SessionTotalModel = "session-total";

        public static readonly IClientSource Source = new DatabaseClient("crush",
            Roots,
            path => Common.Roots.NameIs(path, "crush.db"),
            Read,
            new[] { ".crush", "crush" });

        private static IEnumerable<ScanRoot> Roots(ClientEnvironment env)
        {
            var globals = new List<(string Folder, string Origin)>();
            var configured = env.Get("CRUSH_GLOBAL_DATA");
            if (configured != null)
            {
                globals.Add((configured, "CRUSH_GLOBAL_DATA"));
            }
            else
            {
                globals.Add((Path.Combine(Common.Roots.XdgData(env), "crush"), "default"));
                var local = env.Get("LOCALAPPDATA");
                if (local != null)
                {
                    globals.Add((Path.Combine(local, "crush"), "default"));
                }
            }

            foreach (var (folder, origin) in globals)
            {
                var registry = Path.Combine(folder, "projects.json");
                var projects = new List<string>();
                string? problem = null;
                if (File.Exists(registry))
                {
                    try
                    {
                        projects = DataFolders(File.ReadAllBytes(registry));
                    }
                    catch (Exception e) when (e is JsonException || LogFiles.IsReadFailure(e))
                    {
                        problem = $"Cannot read Crush's project list '{registry}' ({e.Message}); no crush.db of its projects is read. Name them with -Path.";
                    }
                }

                // The global folder itself may hold a database (Crush run outside any project).
                yield return new ScanRoot(folder, origin, recursive: false, warning: problem);
                foreach (var dataFolder in projects)
                {
                    yield return new ScanRoot(dataFolder, registry, recursive: false);
                }
            }
        }

        /// <summary>The data folders of <c>projects.json</c>: each project's <c>data_dir</c> (relative ones against its <c>path</c>).</summary>
        internal static List<string> DataFolders(byte[] registry)
        {
            var folders = new List<string>();
            using var document = JsonDocument.Parse(registry);
            if (!JsonValues.TryArray(document.RootElement, "projects", out var projects))
            {
                return folders;
            }

            foreach (var project in projects.EnumerateArray())
            {
                if (project.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var path = JsonValues.String(project, "path");
                var data = JsonValues.String(project, "data_dir") ?? ".crush";
                if (!Path.IsPathRooted(data))
                {
                    if (path is null)
                    {
                        continue;
                    }

                    data = Path.Combine(path, data);
                }

                folders.Add(data);
            }

            return folders;
        }

        private static void Read(SqliteConnection db, ParsedFile result, ReadOptions options, CancellationToken cancel)
        {
            var tables = Sqlite.TablesWith(db, "sessions", "Crush", result.Source.Path);

            var folder = Path.GetDirectoryName(result.Source.Path) ?? string.Empty;
            var project = string.Equals(Path.GetFileName(folder), ".crush", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(folder) ?? folder : folder;
            var models = MainModels(db, tables);
            var s = Sqlite.Columns(db, "sessions");
            var rootOnly = s.Contains("parent_session_id") ? " WHERE s.parent_session_id IS NULL OR s.parent_session_id = ''" : string.Empty;
            using var command = db.CreateCommand();
            command.CommandText =
                $"SELECT s.id, {Sqlite.Column(s, "s", "cost")}, {Sqlite.Column(s, "s", "updated_at")}, {Sqlite.Column(s, "s", "created_at")} " +
                $"FROM sessions s{rootOnly} ORDER BY s.rowid";
            using var row = command.ExecuteReader();
            var rows = 0;
            while (row.Read())
            {
                Sqlite.Poll(cancel, ref rows);
                var session = Sqlite.Text(row, 0);
                var cost = Sqlite.Amount(row, 1);
                if (session is null || !(cost > 0))
                {
                    continue;
                }

                var when = Sqlite.Instant(row, 2) ?? Sqlite.Instant(row, 3) ?? MessageRecorder.WriteTime(result.Source);
                var model = models.TryGetValue(session, out var main) ? main : SessionTotalModel;
                result.Record(options, when, model, default, MessageRecorder.Key("crush:" + session), reportedCost: cost, part: result.Part(session, project));
            }
        }

        /// <summary>Per session, the model of most of its assistant messages (ties: the first in ordinal order).</summary>
        private static Dictionary<string, string> MainModels(SqliteConnection db, HashSet<string> tables)
        {
            var main = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!tables.Contains("messages"))
            {
                return main;
            }

            var m = Sqlite.Columns(db, "messages");
            if (!m.Contains("model") || !m.Contains("session_id"))
            {
                return main;
            }

            var role = m.Contains("role") ? " AND role = 'assistant'" : string.Empty;
            using var command = db.CreateCommand();
            command.CommandText = $"SELECT session_id, model, COUNT(*) AS n FROM messages WHERE model IS NOT NULL AND model <> ''{role} GROUP BY session_id, model ORDER BY session_id, n DESC, model";
            using var row = command.ExecuteReader();
            while (row.Read())
            {
                var session = Sqlite.Text(row, 0);
                var model = Sqlite.Text(row, 1);
                if (session != null && model != null && !main.ContainsKey(session))
                {
                    main.Add(session, model);
                }
            }

            return main;
        }
    }
}
