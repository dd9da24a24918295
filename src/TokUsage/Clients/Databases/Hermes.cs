using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Model;

namespace TokUsage.Clients.Databases
{
    /// <summary>
    /// Hermes Agent (<c>hermes</c>): <c>$HERMES_HOME/state.db</c> (else <c>~/.hermes/state.db</c>, on Windows also
    /// <c>%LOCALAPPDATA%\hermes</c>) plus every profile's <c>profiles/&lt;name&gt;/state.db</c>. Hermes stores session
    /// aggregates, not messages: per (session, model, billing provider) rows in <c>session_model_usage</c> when the table
    /// exists, else the <c>sessions</c> row's totals (also for sessions the per-model table does not cover). Each is one
    /// record dated at the session's <c>started_at</c>. Cost: <c>actual_cost_usd</c> when positive, else Hermes'
    /// <c>estimated_cost_usd</c> when positive (both kept as Reported: Hermes prices with the billing provider's rates),
    /// else priced. Keys <c>session:model:provider</c> / <c>session</c>, first database wins (profiles may be copied).
    /// One UsageFile per session; Project is the profile (<c>default</c> for the root home).
    /// </summary>
    internal static class Hermes
    {
        public static readonly IClientSource Source = new DatabaseClient("hermes",
            Roots,
            path => Common.Roots.NameIs(path, "state.db"),
            Read,
            new[] { ".hermes", "hermes" });

        private static IEnumerable<ScanRoot> Roots(ClientEnvironment env)
        {
            var homes = new List<ScanRoot>();
            var set = env.GetPathList("HERMES_HOME");
            if (set.Count > 0)
            {
                homes.AddRange(set.Select(dir => new ScanRoot(dir, "HERMES_HOME")));
            }
            else
            {
                homes.Add(new ScanRoot(Path.Combine(env.Home, ".hermes"), "default"));
                var local = env.Get("LOCALAPPDATA");
                if (local != null)
                {
                    homes.Add(new ScanRoot(Path.Combine(local, "hermes"), "default"));
                }
            }

            foreach (var home in homes)
            {
                yield return new ScanRoot(home.Directory, home.Origin, recursive: false);

                // A HERMES_HOME that is itself a profile (…/profiles/<name>) holds only that profile.
                var parent = Path.GetFileName(Path.GetDirectoryName(home.Directory.TrimEnd('/', '\\')) ?? string.Empty);
                if (!string.Equals(parent, "profiles", StringComparison.OrdinalIgnoreCase))
                {
                    yield return new ScanRoot(Path.Combine(home.Directory, "profiles"), home.Origin);
                }
            }
        }

        private static void Read(SqliteConnection db, ParsedFile result, ReadOptions options, CancellationToken cancel)
        {
            var tables = Sqlite.TablesWith(db, "sessions", "Hermes", result.Source.Path);

            var profileFolder = Path.GetDirectoryName(result.Source.Path) ?? string.Empty;
            var profile = string.Equals(Path.GetFileName(Path.GetDirectoryName(profileFolder) ?? string.Empty), "profiles", StringComparison.OrdinalIgnoreCase)
                ? Path.GetFileName(profileFolder)
                : "default";
            var s = Sqlite.Columns(db, "sessions");
            var covered = new HashSet<string>(StringComparer.Ordinal);
            var rows = 0;

            if (tables.Contains("session_model_usage"))
            {
                var u = Sqlite.Columns(db, "session_model_usage");
                using var command = db.CreateCommand();
                command.CommandText =
                    $"SELECT u.session_id, {Sqlite.Column(u, "u", "model")}, {Sqlite.Column(u, "u", "billing_provider")}, {Sqlite.Column(s, "s", "started_at")}, " +
                    $"{Tokens(u, "u")}, {Sqlite.Column(u, "u", "actual_cost_usd")}, {Sqlite.Column(u, "u", "estimated_cost_usd")} " +
                    "FROM session_model_usage u LEFT JOIN sessions s ON s.id = u.session_id ORDER BY u.rowid";
                using var row = command.ExecuteReader();
                while (row.Read())
                {
                    Sqlite.Poll(cancel, ref rows);
                    var session = Sqlite.Text(row, 0);
                    if (session is null)
                    {
                        continue;
                    }

                    covered.Add(session);
                    var model = Sqlite.Text(row, 1) ?? "unknown";
                    var provider = Sqlite.Text(row, 2);
                    Record(result, options, row, session, model, profile, timeOrdinal: 3, tokensOrdinal: 4, costOrdinal: 9,
                        "hermes:" + session + ":" + model + ":" + (provider ?? "<null>"));
                }
            }

            using (var command = db.CreateCommand())
            {
                command.CommandText =
                    $"SELECT s.id, {Sqlite.Column(s, "s", "model")}, {Sqlite.Column(s, "s", "started_at")}, {Tokens(s, "s")}, " +
                    $"{Sqlite.Column(s, "s", "actual_cost_usd")}, {Sqlite.Column(s, "s", "estimated_cost_usd")} FROM sessions s ORDER BY s.rowid";
                using var row = command.ExecuteReader();
                while (row.Read())
                {
                    Sqlite.Poll(cancel, ref rows);
                    var session = Sqlite.Text(row, 0);
                    if (session is null || covered.Contains(session))
                    {
                        continue;
                    }

                    var model = Sqlite.Text(row, 1);
                    if (model is null)
                    {
                        continue; // a session that never reached a model (Hermes writes the model with the first call)
                    }

                    Record(result, options, row, session, model, profile, timeOrdinal: 2, tokensOrdinal: 3, costOrdinal: 8, "hermes:" + session);
                }
            }
        }

        private static string Tokens(HashSet<string> columns, string alias) => string.Join(", ",
            new[] { "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens" }.Select(c => Sqlite.Column(columns, alias, c)));

        private static void Record(ParsedFile result, ReadOptions options, SqliteDataReader row, string session, string model, string profile,
            int timeOrdinal, int tokensOrdinal, int costOrdinal, string key)
        {
            var tokens = new TokenCounts
            {
                Input = Sqlite.Count(row, tokensOrdinal),
                Output = Sqlite.Count(row, tokensOrdinal + 1),
                CacheRead = Sqlite.Count(row, tokensOrdinal + 2),
                CacheWrite = Sqlite.Count(row, tokensOrdinal + 3),
                Reasoning = Sqlite.Count(row, tokensOrdinal + 4),
            };
            var actual = Sqlite.Amount(row, costOrdinal);
            var reported = actual > 0 ? actual : Sqlite.Amount(row, costOrdinal + 1);
            var when = Sqlite.Instant(row, timeOrdinal) ?? MessageRecorder.WriteTime(result.Source);
            result.Record(options, when, model, tokens, MessageRecorder.Key(key), reportedCost: reported, part: result.Part(session, profile));
        }
    }
}
