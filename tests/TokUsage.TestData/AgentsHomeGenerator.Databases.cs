using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace TokUsage.TestData
{
    /// <summary>
    /// Real SQLite databases, written with Microsoft.Data.Sqlite in each agent's schema and default location: OpenCode
    /// (the <c>message</c> schema in <c>opencode.db</c>, the <c>session_message</c>/<c>session_v2</c> schema in
    /// <c>opencode-beta.db</c>, fork copies, twins with distinct ids, migrated and unmigrated legacy JSON, damaged rows),
    /// Kilo CLI, Hermes (per-model table, totals fallback, an older profile schema), Goose, Zed (JSON and zstd threads,
    /// hosted and own-key providers) and Crush (cost-only root sessions through projects.json).
    /// </summary>
    public sealed partial class AgentsHomeGenerator
    {
        private void Databases()
        {
            OpenCode();
            Kilo();
            MiMo();
            Devin();
            Hermes();
            Goose();
            Zed();
            Crush();
        }

        private string Data(params string[] parts) => Path.Combine(new[] { _home, ".local", "share" }.Concat(parts).ToArray());

        private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

        // ---- OpenCode and Kilo ----------------------------------------------------------------------------------

        /// <summary>An OpenCode assistant message payload (1.2 stores it without id/sessionID; legacy files carry them).</summary>
        private static JsonObject OpenCodeMessage(DateTimeOffset t, string model, long input, long output, long reasoning, long read, long write,
            decimal cost, string root, bool nested = false, string? id = null, string? session = null)
        {
            var message = new JsonObject
            {
                ["role"] = "assistant",
                ["time"] = new JsonObject { ["created"] = Ms(t), ["completed"] = Ms(t) + 4000 },
                ["mode"] = "build",
                ["path"] = new JsonObject { ["cwd"] = root, ["root"] = root },
                ["cost"] = cost,
                ["tokens"] = new JsonObject
                {
                    ["input"] = input, ["output"] = output, ["reasoning"] = reasoning,
                    ["cache"] = new JsonObject { ["read"] = read, ["write"] = write },
                },
            };
            if (nested)
            {
                message.Remove("role");
                message["model"] = new JsonObject { ["id"] = model, ["providerID"] = "anthropic" };
            }
            else
            {
                message["modelID"] = model;
                message["providerID"] = model.StartsWith("claude", StringComparison.Ordinal) ? "anthropic" : "openai";
            }

            if (id != null)
            {
                message["id"] = id;
            }

            if (session != null)
            {
                message["sessionID"] = session;
            }

            return message;
        }

        private void OpenCode()
        {
            var folder = Data("opencode");
            var main = Path.Combine(folder, "opencode.db");
            var migrated = new List<(string Id, string Session, JsonObject Data)>();
            using (var db = SqliteFiles.Create(main))
            {
                SqliteFiles.Exec(db, """
                    CREATE TABLE session (id text PRIMARY KEY, project_id text NOT NULL, parent_id text, slug text NOT NULL, directory text NOT NULL,
                      title text NOT NULL, version text NOT NULL, time_created integer NOT NULL, time_updated integer NOT NULL);
                    CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                      time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL);
                    CREATE TABLE part (id text PRIMARY KEY, message_id text NOT NULL, session_id text NOT NULL, time_created integer NOT NULL,
                      time_updated integer NOT NULL, data text NOT NULL);
                    """);
                var copies = new List<(string Session, JsonObject Data)>();
                for (var s = 0; s < 4; s++)
                {
                    var session = "ses_a" + s;
                    var root = "/home/me/work/app" + (s % 2);
                    Session(db, session, root, null);
                    for (var i = 0; i < 6; i++)
                    {
                        var t = Time();
                        var id = $"msg_{session}_{i:D2}";
                        SqliteFiles.Exec(db, "INSERT INTO message VALUES ($id, $s, $t, $t, $d)", ("$id", id + "_u"), ("$s", session), ("$t", Ms(t) - 1000),
                            ("$d", new JsonObject { ["role"] = "user", ["time"] = new JsonObject { ["created"] = Ms(t) - 1000 } }.ToJsonString()));
                        var model = Model();
                        long input = N(10, 3000), output = N(10, 2000), reasoning = model.StartsWith("gpt", StringComparison.Ordinal) ? N(0, 500) : 0, read = N(0, 80_000), write = N(0, 5000);
                        decimal? reported = i % 3 == 0 ? Math.Round((decimal)_rng.NextDouble(), 4) + 0.0001m : null;
                        var data = OpenCodeMessage(t, model, input, output, reasoning, read, write, reported ?? 0m, root);
                        SqliteFiles.Exec(db, "INSERT INTO message VALUES ($id, $s, $t, $t, $d)", ("$id", id), ("$s", session), ("$t", Ms(t)), ("$d", data.ToJsonString()));
                        Expect("opencode", main, session, root, t, model, input, output, read, write, reasoning, reported);
                        if (s == 0 && i < 3)
                        {
                            copies.Add((session, data));
                        }

                        if (s == 1 && i < 4)
                        {
                            migrated.Add((id, session, (JsonObject)data.DeepClone()));
                        }
                    }
                }

                // A fork: OpenCode copies the parent's messages into the new session under new ids — counted once.
                Session(db, "ses_fork", "/home/me/work/app0", "ses_a0");
                var n = 0;
                foreach (var (_, data) in copies)
                {
                    SqliteFiles.Exec(db, "INSERT INTO message VALUES ($id, 'ses_fork', 0, 0, $d)", ("$id", "msg_fork_" + n++), ("$d", data.ToJsonString()));
                }

                // Twins: same usage, different embedded ids — two real messages.
                var twinTime = Time();
                foreach (var twin in new[] { "msg_twin_1", "msg_twin_2" })
                {
                    var data = OpenCodeMessage(twinTime, "claude-haiku-4-5-20251001", 100, 50, 0, 1000, 0, 0m, "/home/me/work/app0", id: twin);
                    SqliteFiles.Exec(db, "INSERT INTO message VALUES ($id, 'ses_a0', 0, 0, $d)", ("$id", twin + "_row"), ("$d", data.ToJsonString()));
                    Expect("opencode", main, "ses_a0", "/home/me/work/app0", twinTime, "claude-haiku-4-5-20251001", 100, 50, 1000);
                }

                // In progress (no usage yet) and damaged rows.
                SqliteFiles.Exec(db, "INSERT INTO message VALUES ('msg_pending', 'ses_a2', 0, 0, $d)",
                    ("$d", OpenCodeMessage(Time(), "gpt-5-codex", 0, 0, 0, 0, 0, 0m, "/home/me/work/app0").ToJsonString()));
                SqliteFiles.Exec(db, "INSERT INTO message VALUES ('msg_torn', 'ses_a3', 0, 0, '{\"role\":\"assistant\",\"tokens\":{\"inp')");
                Damage("opencode");
            }

            // The newer schema in a channel database.
            var beta = Path.Combine(folder, "opencode-beta.db");
            using (var db = SqliteFiles.Create(beta))
            {
                SqliteFiles.Exec(db, """
                    CREATE TABLE session_v2 (id text PRIMARY KEY, directory text NOT NULL, title text NOT NULL, time_created integer NOT NULL);
                    CREATE TABLE session_message (id text PRIMARY KEY, session_id text NOT NULL, type text NOT NULL, time_created integer NOT NULL, data text NOT NULL);
                    """);
                SqliteFiles.Exec(db, "INSERT INTO session_v2 VALUES ('ses_b0', '/home/me/beta', 'Beta work', 0)");
                for (var i = 0; i < 5; i++)
                {
                    var t = Time();
                    var model = i % 2 == 0 ? "claude-sonnet-4-5-20250929" : "claude-opus-4-6";
                    SqliteFiles.Exec(db, "INSERT INTO session_message VALUES ($id, 'ses_b0', 'user', $t, '{\"time\":{}}')", ("$id", "beta_u" + i), ("$t", Ms(t)));
                    long input = N(10, 900), output = N(10, 900), read = N(0, 40_000), write = N(0, 3000);
                    var data = OpenCodeMessage(t, model, input, output, 0, read, write, 0m, "/ignored", nested: true);
                    SqliteFiles.Exec(db, "INSERT INTO session_message VALUES ($id, 'ses_b0', 'assistant', $t, $d)", ("$id", "beta_a" + i), ("$t", Ms(t)), ("$d", data.ToJsonString()));
                    Expect("opencode", beta, "ses_b0", "/home/me/beta", t, model, input, output, read, write);
                }
            }

            // Legacy JSON: copies of migrated messages (already counted from the database) and a session never migrated.
            foreach (var (id, session, data) in migrated)
            {
                data["id"] = id;
                data["sessionID"] = session;
                Write(Path.Combine(".local", "share", "opencode", "storage", "message", session, id + ".json"), data.ToJsonString());
            }

            for (var i = 0; i < 3; i++)
            {
                var t = Time();
                var model = Model();
                long input = N(10, 900), output = N(10, 900), read = N(0, 40_000), write = N(0, 3000);
                var id = "msg_old_" + i;
                var file = Write(Path.Combine(".local", "share", "opencode", "storage", "message", "ses_old", id + ".json"),
                    OpenCodeMessage(t, model, input, output, 0, read, write, 0m, "/home/me/old", id: id, session: "ses_old").ToJsonString());
                Expect("opencode", file, "ses_old", "/home/me/old", t, model, input, output, read, write);
            }

            var incomplete = OpenCodeMessage(Time(), "gpt-5-codex", 10, 10, 0, 0, 0, 0m, "/home/me/old", id: "msg_old_incomplete", session: "ses_old");
            ((JsonObject)incomplete["tokens"]!["cache"]!).Remove("write");
            Write(Path.Combine(".local", "share", "opencode", "storage", "message", "ses_old", "msg_old_incomplete.json"), incomplete.ToJsonString());
            Write(Path.Combine(".local", "share", "opencode", "storage", "message", "ses_old", "msg_old_torn.json"), "{\"id\":\"msg_old_torn\",\"role\":\"assist");
            Damage("opencode");

            // A count no message can have (1e400 once became long.MaxValue and wrapped every sum): damage, not usage.
            var absurd = OpenCodeMessage(Time(), "gpt-5-codex", 10, 10, 0, 0, 0, 0m, "/home/me/old", id: "msg_old_absurd", session: "ses_old");
            Write(Path.Combine(".local", "share", "opencode", "storage", "message", "ses_old", "msg_old_absurd.json"),
                absurd.ToJsonString().Replace("\"input\":10", "\"input\":1e400", StringComparison.Ordinal));
            Damage("opencode");

            static void Session(SqliteConnection db, string id, string directory, string? parent) =>
                SqliteFiles.Exec(db, "INSERT INTO session VALUES ($id, 'p1', $parent, $id, $dir, 'title', '1.2.0', 0, 0)",
                    ("$id", id), ("$parent", (object?)parent ?? DBNull.Value), ("$dir", directory));
        }

        private void Kilo()
        {
            var path = Data("kilo", "kilo.db");
            using var db = SqliteFiles.Create(path);
            SqliteFiles.Exec(db, """
                CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL, title text NOT NULL);
                CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL);
                INSERT INTO session VALUES ('kses_1', '/home/me/kilo-app', 'kilo');
                """);
            for (var i = 0; i < 5; i++)
            {
                var t = Time();
                var model = Model();
                long input = N(10, 900), output = N(10, 900), read = N(0, 40_000), write = N(0, 3000);
                decimal? reported = i == 2 ? 0.0421m : null;
                var data = OpenCodeMessage(t, model, input, output, 0, read, write, reported ?? 0m, "/home/me/kilo-app");
                SqliteFiles.Exec(db, "INSERT INTO message VALUES ($id, 'kses_1', 0, 0, $d)", ("$id", "kmsg_" + i), ("$d", data.ToJsonString()));
                Expect("kilo", path, "kses_1", "/home/me/kilo-app", t, model, input, output, read, write, cost: reported);
            }
        }

        /// <summary>
        /// MiMo Code: OpenCode's message schema in mimocode.db and a channel database; a channel switch mid-session
        /// writes the same message (same embedded id) to both: counted once, by the channel database (mimocode-beta.db
        /// sorts before mimocode.db).
        /// </summary>
        private void MiMo()
        {
            var main = Data("mimocode", "mimocode.db");
            var beta = Data("mimocode", "mimocode-beta.db");
            foreach (var path in new[] { main, beta })
            {
                using var db = SqliteFiles.Create(path);
                SqliteFiles.Exec(db, """
                    CREATE TABLE session (id text PRIMARY KEY, directory text NOT NULL, title text NOT NULL, version text);
                    CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, data text NOT NULL);
                    INSERT INTO session VALUES ('mses_1', '/home/me/mimo-app', 'mimo', '0.4.2');
                    """);
            }

            for (var i = 0; i < 4; i++)
            {
                var t = Time();
                long input = N(10, 900), output = N(10, 900), reasoning = N(0, 200), read = N(0, 40_000), write = N(0, 3000);
                decimal? reported = i % 2 == 0 ? 0.0125m * (i + 1) : null;
                var data = OpenCodeMessage(t, "mimo-v2.5-pro", input, output, reasoning, read, write, reported ?? 0m, "/home/me/mimo-app", id: "msg_mimo_" + i);
                data["providerID"] = "mimo";
                using (var db = SqliteFiles.Open(main))
                {
                    SqliteFiles.Exec(db, "INSERT INTO message VALUES ($id, 'mses_1', $d)", ("$id", "row_" + i), ("$d", data.ToJsonString()));
                }

                if (i == 1)
                {
                    using var db = SqliteFiles.Open(beta);
                    SqliteFiles.Exec(db, "INSERT INTO message VALUES ($id, 'mses_1', $d)", ("$id", "beta_row_" + i), ("$d", data.ToJsonString()));
                }

                Expect("micode", i == 1 ? beta : main, "mses_1", "/home/me/mimo-app", t, "mimo-v2.5-pro", input, output, read, write, reasoning, cost: reported);
            }
        }

        /// <summary>
        /// Devin CLI: message_nodes rows with usage in chat_message.metadata.metrics and the model in generation_model;
        /// a session whose model is the routing mode "adaptive" (used when a row names no model); an older row with only
        /// num_tokens (booked as output); user rows; a damaged row.
        /// </summary>
        private void Devin()
        {
            var path = Data("devin", "cli", "sessions.db");
            using var db = SqliteFiles.Create(path);
            SqliteFiles.Exec(db, """
                CREATE TABLE sessions (id TEXT PRIMARY KEY, working_directory TEXT NOT NULL, backend_type TEXT NOT NULL, model TEXT NOT NULL, agent_mode TEXT NOT NULL, created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL);
                CREATE TABLE message_nodes (row_id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, node_id INTEGER NOT NULL, parent_node_id INTEGER, chat_message TEXT NOT NULL, created_at INTEGER NOT NULL, metadata TEXT);
                INSERT INTO sessions VALUES ('dv-1', '/home/me/devin-app', 'windsurf', 'adaptive', 'accept-edits', 1, 1), ('dv-2', '/home/me/devin-lib', 'windsurf', 'gpt-5.4-mini', 'accept-edits', 1, 1);
                """);
            void Row(string session, object message, DateTimeOffset t) =>
                SqliteFiles.Exec(db, "INSERT INTO message_nodes (session_id, node_id, chat_message, created_at) VALUES ($s, 1, $m, $t)",
                    ("$s", session), ("$m", message is string raw ? raw : ((JsonNode)message).ToJsonString()), ("$t", t.ToUnixTimeSeconds()));
            for (var i = 0; i < 4; i++)
            {
                var t = Time();
                var session = i < 3 ? "dv-1" : "dv-2";
                var model = i == 2 ? null : i == 3 ? null : "claude-sonnet-4-5-20250929";
                var (io, o, cr, cw) = (N(100, 30000), N(10, 900), N(0, 9000), N(0, 900));
                Row(session, new JsonObject { ["role"] = "user", ["content"] = "go", ["metadata"] = new JsonObject { ["metrics"] = new JsonObject { ["input_tokens"] = 1 } } }, t);
                var metadata = new JsonObject { ["num_tokens"] = o, ["metrics"] = new JsonObject { ["input_tokens"] = io, ["output_tokens"] = o, ["cache_read_tokens"] = cr, ["cache_creation_tokens"] = cw, ["total_time_ms"] = 2846 } };
                if (model != null)
                {
                    metadata["generation_model"] = model;
                }

                Row(session, new JsonObject { ["role"] = "assistant", ["content"] = "ok", ["metadata"] = metadata }, t);
                Expect("devin-cli", path, session, session == "dv-1" ? "/home/me/devin-app" : "/home/me/devin-lib", new DateTimeOffset(t.ToUnixTimeSeconds() * TimeSpan.TicksPerSecond + DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.Zero),
                    model ?? (session == "dv-1" ? "adaptive" : "gpt-5.4-mini"), io, o, cr, cw);
            }

            var tOld = Time();
            var numTokens = N(10, 900);
            Row("dv-1", new JsonObject { ["role"] = "assistant", ["content"] = "ok", ["metadata"] = new JsonObject { ["num_tokens"] = numTokens, ["generation_model"] = "claude-sonnet-4-5-20250929" } }, tOld);
            Expect("devin-cli", path, "dv-1", "/home/me/devin-app", new DateTimeOffset(tOld.ToUnixTimeSeconds() * TimeSpan.TicksPerSecond + DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.Zero), "claude-sonnet-4-5-20250929", 0, numTokens);
            Row("dv-2", "{\"role\":\"assistant\",", Time());
            Damage("devin-cli");
        }

        // ---- Hermes -----------------------------------------------------------------------------------------------

        private void Hermes()
        {
            var path = Path.Combine(_home, ".hermes", "state.db");
            using (var db = SqliteFiles.Create(path))
            {
                SqliteFiles.Exec(db, """
                    CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, user_id TEXT, model TEXT, model_config TEXT, system_prompt TEXT,
                      parent_session_id TEXT, started_at REAL NOT NULL, ended_at REAL, end_reason TEXT, message_count INTEGER DEFAULT 0,
                      tool_call_count INTEGER DEFAULT 0, input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0, cache_read_tokens INTEGER DEFAULT 0,
                      cache_write_tokens INTEGER DEFAULT 0, reasoning_tokens INTEGER DEFAULT 0, billing_provider TEXT, billing_base_url TEXT,
                      billing_mode TEXT, estimated_cost_usd REAL, actual_cost_usd REAL, cost_status TEXT, cost_source TEXT, pricing_version TEXT, title TEXT);
                    CREATE TABLE session_model_usage (session_id TEXT NOT NULL, model TEXT NOT NULL, billing_provider TEXT, input_tokens INTEGER DEFAULT 0,
                      output_tokens INTEGER DEFAULT 0, cache_read_tokens INTEGER DEFAULT 0, cache_write_tokens INTEGER DEFAULT 0, reasoning_tokens INTEGER DEFAULT 0,
                      estimated_cost_usd REAL, actual_cost_usd REAL, PRIMARY KEY (session_id, model, billing_provider));
                    """);

                // h1: per-model rows (an actual cost, an estimate only, nothing → priced); its sessions row totals are not used.
                var t1 = Time();
                SessionRow(db, "h1", "claude-sonnet-4-5-20250929", t1, 999_999, 999_999, 0, 0, 0, 9.99, 9.99);
                var perModel = new (string Model, string Provider, double? Actual, double? Estimated)[]
                {
                    ("claude-sonnet-4-5-20250929", "anthropic", 0.25, 0.3), ("gpt-5-codex", "openrouter", 0, 0.05), ("claude-haiku-4-5-20251001", "anthropic", 0, 0),
                };
                foreach (var (model, provider, actual, estimated) in perModel)
                {
                    long input = N(100, 5000), output = N(100, 3000), read = N(0, 50_000), write = N(0, 4000), reasoning = model.StartsWith("gpt", StringComparison.Ordinal) ? N(0, 900) : 0;
                    SqliteFiles.Exec(db, "INSERT INTO session_model_usage VALUES ('h1', $m, $p, $i, $o, $r, $w, $x, $e, $a)",
                        ("$m", model), ("$p", provider), ("$i", input), ("$o", output), ("$r", read), ("$w", write), ("$x", reasoning), ("$e", estimated), ("$a", actual));
                    decimal? reported = actual > 0 ? (decimal)actual.Value : estimated > 0 ? (decimal)estimated.Value : null;
                    Expect("hermes", path, "h1", "default", t1, model, input, output, read, write, reasoning, reported);
                }

                // A per-model row no session can have: 9.3e18 input tokens (stored as REAL), and a reported cost of $7e27.
                SqliteFiles.Exec(db, "INSERT INTO session_model_usage VALUES ('h1', 'gpt-5.4', 'openai', 9.3e18, 10, 0, 0, 0, NULL, NULL)");
                SqliteFiles.Exec(db, "INSERT INTO session_model_usage VALUES ('h1', 'gpt-5.4-mini', 'openai', 10, 10, 0, 0, 0, NULL, 7e27)");
                Damage("hermes", 2);

                // h2: only totals, an estimate of 0 → priced.
                var t2 = Time();
                long i2 = N(100, 5000), o2 = N(100, 3000), r2 = N(0, 50_000), w2 = N(0, 4000);
                SessionRow(db, "h2", "claude-opus-4-6", t2, i2, o2, r2, w2, 0, 0, null);
                Expect("hermes", path, "h2", "default", t2, "claude-opus-4-6", i2, o2, r2, w2);

                // h3 never reached a model; h4 used nothing.
                SessionRow(db, "h3", null, Time(), 0, 0, 0, 0, 0, null, null);
                SessionRow(db, "h4", "gpt-5-codex", Time(), 0, 0, 0, 0, 0, 0, 0);
            }

            // A profile on an older schema: no per-model table, fewer columns.
            var profile = Path.Combine(_home, ".hermes", "profiles", "work", "state.db");
            using (var db = SqliteFiles.Create(profile))
            {
                SqliteFiles.Exec(db, """
                    CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT, model TEXT, started_at REAL NOT NULL, message_count INTEGER,
                      input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, estimated_cost_usd REAL);
                    """);
                var t = Time();
                long input = N(100, 5000), output = N(100, 3000), read = N(0, 50_000);
                SqliteFiles.Exec(db, "INSERT INTO sessions VALUES ('w1', 'cli', 'gpt-5.4-mini', $t, 4, $i, $o, $r, NULL)",
                    ("$t", t.ToUnixTimeMilliseconds() / 1000.0), ("$i", input), ("$o", output), ("$r", read));
                Expect("hermes", profile, "w1", "work", t, "gpt-5.4-mini", input, output, read);
            }

            static void SessionRow(SqliteConnection db, string id, string? model, DateTimeOffset started, long input, long output, long read, long write,
                long reasoning, double? estimated, double? actual) =>
                SqliteFiles.Exec(db, """
                    INSERT INTO sessions (id, source, model, started_at, ended_at, message_count, input_tokens, output_tokens, cache_read_tokens,
                      cache_write_tokens, reasoning_tokens, billing_provider, estimated_cost_usd, actual_cost_usd)
                    VALUES ($id, 'cli', $m, $t, $t + 600, 12, $i, $o, $r, $w, $x, 'anthropic', $e, $a)
                    """,
                    ("$id", id), ("$m", (object?)model ?? DBNull.Value), ("$t", started.ToUnixTimeMilliseconds() / 1000.0), ("$i", input), ("$o", output),
                    ("$r", read), ("$w", write), ("$x", reasoning), ("$e", (object?)estimated ?? DBNull.Value), ("$a", (object?)actual ?? DBNull.Value));
        }

        // ---- Goose ------------------------------------------------------------------------------------------------

        private void Goose()
        {
            var path = Data("goose", "sessions", "sessions.db");
            using var db = SqliteFiles.Create(path);
            SqliteFiles.Exec(db, """
                CREATE TABLE sessions (id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
                  session_type TEXT NOT NULL DEFAULT 'user', working_dir TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, extension_data TEXT DEFAULT '{}', total_tokens INTEGER, input_tokens INTEGER,
                  output_tokens INTEGER, accumulated_total_tokens INTEGER, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER,
                  schedule_id TEXT, recipe_json TEXT, user_recipe_values_json TEXT, provider_name TEXT, model_config_json TEXT);
                """);
            var rows = new (string Id, string? Model, bool Accumulated)[]
            {
                ("20260701_1", "gpt-5-codex", true), ("20260702_1", "claude-sonnet-4-5-20250929", true), ("20260703_1", "gpt-5.4-mini", false), ("20260704_1", null, true),
            };
            foreach (var (id, model, accumulated) in rows)
            {
                var t = Time();
                long input = N(1000, 90_000), output = N(100, 9000);
                var config = model is null ? null : new JsonObject { ["model_name"] = model, ["context_limit"] = 400000, ["temperature"] = null }.ToJsonString();
                SqliteFiles.Exec(db, """
                    INSERT INTO sessions (id, working_dir, created_at, updated_at, total_tokens, input_tokens, output_tokens, accumulated_total_tokens,
                      accumulated_input_tokens, accumulated_output_tokens, provider_name, model_config_json)
                    VALUES ($id, $dir, $t, $t, 7, 5, 2, $total, $ai, $ao, 'openai', $cfg)
                    """,
                    ("$id", id), ("$dir", "/home/me/goose-" + id), ("$t", t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                    ("$total", accumulated ? input + output : (object)DBNull.Value), ("$ai", accumulated ? input : (object)DBNull.Value),
                    ("$ao", accumulated ? output : (object)DBNull.Value),
                    ("$cfg", (object?)config ?? DBNull.Value));
                if (!accumulated)
                {
                    // Rows from before running totals: only the last request's counts, which Goose then kept as the session's.
                    SqliteFiles.Exec(db, "UPDATE sessions SET input_tokens = $i, output_tokens = $o WHERE id = $id", ("$i", input), ("$o", output), ("$id", id));
                }

                Expect("goose", path, id, "/home/me/goose-" + id, t, model ?? "unknown", input, output);
            }
        }

        // ---- Zed --------------------------------------------------------------------------------------------------

        private void Zed()
        {
            var path = Data("zed", "threads", "threads.db");
            using var db = SqliteFiles.Create(path);
            SqliteFiles.Exec(db, """
                CREATE TABLE threads (id TEXT PRIMARY KEY, summary TEXT NOT NULL, updated_at TEXT NOT NULL, data_type TEXT NOT NULL, data BLOB NOT NULL,
                  parent_id TEXT, folder_paths TEXT, folder_paths_order TEXT);
                """);
            var threads = new (string Id, string Provider, string Model, string Type, bool PerRequest)[]
            {
                ("zt-1", "zed.dev", "claude-sonnet-4-5-20250929", "json", false), ("zt-2", "anthropic", "claude-opus-4-6", "zstd", false),
                ("zt-3", "zed.dev", "gpt-5-codex", "zstd", true), ("zt-4", "openai", "gpt-5.4-mini", "json", true),
            };
            foreach (var (id, provider, model, type, perRequest) in threads)
            {
                var t = Time();
                var requests = Enumerable.Range(0, 3).Select(_ => new { Input = N(10, 5000), Output = N(10, 3000), Write = N(0, 8000), Read = N(0, 60_000) }).ToList();
                JsonObject Usage(long i, long o, long w, long r) => new()
                {
                    ["input_tokens"] = i, ["output_tokens"] = o, ["cache_creation_input_tokens"] = w, ["cache_read_input_tokens"] = r,
                };
                var thread = new JsonObject
                {
                    ["title"] = "Thread " + id,
                    ["messages"] = new JsonArray(),
                    ["updated_at"] = Iso(t),
                    ["model"] = new JsonObject { ["provider"] = provider, ["model"] = model },
                    ["request_token_usage"] = new JsonObject(requests.Select((r, k) => KeyValuePair.Create("req-" + k, (JsonNode?)Usage(r.Input, r.Output, r.Write, r.Read)))),
                };
                if (!perRequest)
                {
                    thread["cumulative_token_usage"] = Usage(requests.Sum(r => r.Input), requests.Sum(r => r.Output), requests.Sum(r => r.Write), requests.Sum(r => r.Read));
                }

                var json = System.Text.Encoding.UTF8.GetBytes(thread.ToJsonString());
                var data = type == "zstd" ? new ZstdSharp.Compressor(3).Wrap(json).ToArray() : json;
                SqliteFiles.Exec(db, "INSERT INTO threads (id, summary, updated_at, data_type, data, folder_paths) VALUES ($id, 'summary', $t, $type, $data, $folders)",
                    ("$id", id), ("$t", Iso(t)), ("$type", type), ("$data", data), ("$folders", "/home/me/zed-app\n/home/me/other"));
                Expect("zed", path, id, "/home/me/zed-app", t, model, requests.Sum(r => r.Input), requests.Sum(r => r.Output), requests.Sum(r => r.Read),
                    requests.Sum(r => r.Write), markup: provider == "zed.dev" ? 1.1m : 1m);
            }

            // A thread whose compressed data is damaged, and one with no usage yet.
            SqliteFiles.Exec(db, "INSERT INTO threads (id, summary, updated_at, data_type, data) VALUES ('zt-bad', 's', $t, 'zstd', $data)",
                ("$t", Iso(Time())), ("$data", new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3, 4, 5 }));
            Damage("zed");
            SqliteFiles.Exec(db, "INSERT INTO threads (id, summary, updated_at, data_type, data) VALUES ('zt-empty', 's', $t, 'json', $data)",
                ("$t", Iso(Time())), ("$data", System.Text.Encoding.UTF8.GetBytes("{\"title\":\"new\",\"messages\":[],\"model\":{\"provider\":\"zed.dev\",\"model\":\"gpt-5-codex\"}}")));
        }

        // ---- Crush ------------------------------------------------------------------------------------------------

        private void Crush()
        {
            var project = Path.Combine(_home, "work", "crush-app");
            Write(Path.Combine(".local", "share", "crush", "projects.json"), new JsonObject
            {
                ["projects"] = new JsonArray(new JsonObject { ["path"] = project, ["data_dir"] = Path.Combine(project, ".crush"), ["last_accessed"] = "2026-07-05T10:00:00Z" }),
            }.ToJsonString());
            var path = Path.Combine(project, ".crush", "crush.db");
            using var db = SqliteFiles.Create(path);
            SqliteFiles.Exec(db, """
                CREATE TABLE sessions (id TEXT PRIMARY KEY, parent_session_id TEXT, title TEXT NOT NULL, message_count INTEGER NOT NULL DEFAULT 0,
                  prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0, cost REAL NOT NULL DEFAULT 0.0,
                  updated_at INTEGER NOT NULL, created_at INTEGER NOT NULL, summary_message_id TEXT);
                CREATE TABLE messages (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, role TEXT NOT NULL, parts TEXT NOT NULL DEFAULT '[]', model TEXT,
                  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER, provider TEXT);
                """);
            var sessions = new (string Id, string? Parent, double Cost, string[] Models)[]
            {
                ("cs-1", null, 1.25, new[] { "claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929", "gpt-5-codex" }),
                ("cs-1-task", "cs-1", 0.5, new[] { "claude-haiku-4-5-20251001" }), // a sub-agent: its cost is already in cs-1's
                ("cs-2", null, 0.3, Array.Empty<string>()),
                ("cs-3", null, 0, new[] { "gpt-5-codex" }),
            };
            var m = 0;
            foreach (var (id, parent, cost, models) in sessions)
            {
                var t = Time();
                var seconds = t.ToUnixTimeSeconds();
                SqliteFiles.Exec(db, "INSERT INTO sessions VALUES ($id, $p, 'title', $n, 123456, 789, $c, $u, $cr, NULL)",
                    ("$id", id), ("$p", (object?)parent ?? DBNull.Value), ("$n", models.Length * 2), ("$c", cost), ("$u", seconds), ("$cr", seconds - 3600));
                foreach (var model in models)
                {
                    SqliteFiles.Exec(db, "INSERT INTO messages VALUES ($id, $s, 'user', '[]', NULL, $t, $t, $t, NULL)", ("$id", "cm" + m++), ("$s", id), ("$t", seconds - 60));
                    SqliteFiles.Exec(db, "INSERT INTO messages VALUES ($id, $s, 'assistant', '[]', $m, $t, $t, $t, 'anthropic')", ("$id", "cm" + m++), ("$s", id), ("$m", model), ("$t", seconds - 30));
                }

                if (parent is null && cost > 0)
                {
                    Expect("crush", path, id, project, DateTimeOffset.FromUnixTimeSeconds(seconds), models.Length > 0 ? models[0] : "session-total", 0, 0, cost: (decimal)cost);
                }
            }
        }
    }

    /// <summary>Creates the test databases with Microsoft.Data.Sqlite (its native engine comes from the test host's deps).</summary>
    public static class SqliteFiles
    {
        private static readonly object Gate = new();
        private static bool _ready;

        /// <summary>A new, empty database at <paramref name="path"/> (replacing any file there), open read-write.</summary>
        public static SqliteConnection Create(string path, bool wal = false)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            foreach (var stale in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            {
                File.Delete(stale);
            }

            var db = Open(path);
            Exec(db, wal ? "PRAGMA journal_mode = WAL;" : "PRAGMA journal_mode = DELETE;");
            return db;
        }

        /// <summary>Opens an existing database read-write (a second writer in the lock tests).</summary>
        public static SqliteConnection Open(string path)
        {
            lock (Gate)
            {
                if (!_ready)
                {
                    SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_e_sqlite3());
                    _ready = true;
                }
            }

            var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            db.Open();
            return db;
        }

        public static int Exec(SqliteConnection db, string sql, params (string Name, object? Value)[] parameters)
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            return command.ExecuteNonQuery();
        }
    }
}
