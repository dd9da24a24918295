using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Model;

namespace TokUsage.Clients.Databases
{
    /// <summary>
    /// Goose (<c>goose</c>): <c>sessions.db</c> in <c>$GOOSE_PATH_ROOT/data/sessions</c>, else in Goose's per-OS data
    /// folders (<c>$XDG_DATA_HOME/goose/sessions</c> or <c>~/.local/share/goose/sessions</c>, macOS
    /// <c>~/Library/Application Support/{goose,Block/goose}/sessions</c>, Windows <c>%APPDATA%\Block\goose\data\sessions</c>).
    /// Goose keeps per-session running totals only: <c>accumulated_input_tokens</c>/<c>accumulated_output_tokens</c>
    /// (older rows: <c>input_tokens</c>/<c>output_tokens</c>), the model in <c>model_config_json.model_name</c>. Each
    /// session is one record dated at its <c>created_at</c> (as tokscale dates it), keyed by session id across
    /// databases. One UsageFile per session; Project is the session's <c>working_dir</c>.
    /// </summary>
    internal static class Goose
    {
        public static readonly IClientSource Source = new DatabaseClient("goose",
            Roots,
            path => Common.Roots.NameIs(path, "sessions.db"),
            Read,
            new[] { "goose" });

        private static IEnumerable<ScanRoot> Roots(ClientEnvironment env)
        {
            var set = env.GetPathList("GOOSE_PATH_ROOT");
            if (set.Count > 0)
            {
                return set.Select(dir => new ScanRoot(Path.Combine(dir, "data", "sessions"), "GOOSE_PATH_ROOT", recursive: false));
            }

            var support = Path.Combine(env.Home, "Library", "Application Support");
            var folders = new List<string>
            {
                Path.Combine(Common.Roots.XdgData(env), "goose", "sessions"),
                Path.Combine(support, "goose", "sessions"),
                Path.Combine(support, "Block", "goose", "sessions"),
                Path.Combine(env.Home, ".local", "share", "Block", "goose", "sessions"),
            };
            var appData = env.Get("APPDATA");
            if (appData != null)
            {
                folders.Add(Path.Combine(appData, "Block", "goose", "data", "sessions"));
            }

            return folders.Select(dir => new ScanRoot(dir, "default", recursive: false));
        }

        private static void Read(SqliteConnection db, ParsedFile result, ReadOptions options, CancellationToken cancel)
        {
            Sqlite.TablesWith(db, "sessions", "Goose", result.Source.Path);

            var c = Sqlite.Columns(db, "sessions");
            using var command = db.CreateCommand();
            command.CommandText =
                $"SELECT s.id, {Sqlite.Column(c, "s", "working_dir")}, {Sqlite.Column(c, "s", "created_at")}, {Sqlite.Column(c, "s", "model_config_json")}, " +
                $"{Sqlite.Column(c, "s", "accumulated_input_tokens")}, {Sqlite.Column(c, "s", "accumulated_output_tokens")}, " +
                $"{Sqlite.Column(c, "s", "input_tokens")}, {Sqlite.Column(c, "s", "output_tokens")} FROM sessions s ORDER BY s.rowid";
            using var row = command.ExecuteReader();
            var rows = 0;
            while (row.Read())
            {
                Sqlite.Poll(cancel, ref rows);
                var session = Sqlite.Text(row, 0);
                if (session is null)
                {
                    continue;
                }

                var part = result.Part(session, Sqlite.Text(row, 1) ?? string.Empty);
                string model = "unknown";
                var config = Sqlite.Text(row, 3);
                if (config != null)
                {
                    try
                    {
                        using var document = JsonDocument.Parse(config);
                        model = document.RootElement.ValueKind == JsonValueKind.Object
                            ? JsonValues.String(document.RootElement, "model_name", "model") ?? model
                            : model;
                    }
                    catch (JsonException e)
                    {
                        result.Skip(rows, $"session {session}: model_config_json is not JSON ({e.Message})", options.MaxSkippedSamples, part);
                        continue;
                    }
                }

                var tokens = new TokenCounts
                {
                    Input = row.IsDBNull(4) ? Sqlite.Count(row, 6) : Sqlite.Count(row, 4),
                    Output = row.IsDBNull(5) ? Sqlite.Count(row, 7) : Sqlite.Count(row, 5),
                };
                var when = Sqlite.Instant(row, 2) ?? MessageRecorder.WriteTime(result.Source);
                result.Record(options, when, model, tokens, MessageRecorder.Key("goose:" + session), part: part);
            }
        }
    }
}
