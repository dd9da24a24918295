using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace TokUsage.TestData
{
    public sealed class CodexHomeOptions
    {
        public int Seed { get; set; } = 7;
        public int Sessions { get; set; } = 40;
        public int MinTurns { get; set; } = 2;
        public int MaxTurns { get; set; } = 14;
        public double ForkRate { get; set; } = 0.15;
        public double SubagentRate { get; set; } = 0.12;
        public double ArchiveRate { get; set; } = 0.15;

        /// <summary>Share of archived sessions whose active copy is also still there (same session in both folders).</summary>
        public double ArchivedCopyRate { get; set; } = 0.5;

        /// <summary>Token counts re-emitted with unchanged totals and a fresh timestamp (ccusage #1288).</summary>
        public double ReemitRate { get; set; } = 0.15;

        /// <summary>An older snapshot written again after a newer one (out of order).</summary>
        public double StaleRate { get; set; } = 0.04;

        public double TotalsOnlyRate { get; set; } = 0.08;

        /// <summary>Share of forks whose copied history is re-stamped with the fork time (ccusage #1349's fork families).</summary>
        public double RestampedForkRate { get; set; } = 0.3;
        public double DamageRate { get; set; } = 0.004;
        public DateTimeOffset Start { get; set; } = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        public int Days { get; set; } = 20;
    }

    public sealed class GeneratedCodexHome
    {
        public required string CodexHome { get; init; }
        public required IReadOnlyCollection<ExpectedMessage> Messages { get; init; }
        public required IReadOnlyList<string> Files { get; init; }
        public required long DamagedLines { get; init; }

        /// <summary>Tokens of snapshots re-emitted with unchanged totals (counted again by a last_token_usage-only reader).</summary>
        public required long ReemittedTokens { get; init; }

        /// <summary>Tokens of stale snapshots written again after a newer one.</summary>
        public required long StaleTokens { get; init; }

        /// <summary>Tokens of parent history that re-stamped forks copy (counted again by a timestamp-keyed dedup).</summary>
        public required long RestampedReplayTokens { get; init; }

        public required int Forks { get; init; }
        public required int Subagents { get; init; }
        public required int ArchivedCopies { get; init; }
    }

    /// <summary>
    /// Writes a Codex CLI home: rollouts with session_meta, turn_context, response items and token_count events
    /// (running totals + last usage), re-emitted and stale snapshots, rate-limit-only events, totals-only (old) logs,
    /// forks that copy their parent's lines verbatim (nested forks too), spawned sub-agents that replay the parent's
    /// events at the spawn second, and sessions archived (moved, or copied) to archived_sessions. Each billed request
    /// is recorded once, owned by the first file (ordinal path order) that holds a countable copy of it.
    /// </summary>
    public sealed class CodexHomeGenerator
    {
        private static readonly string[] Models = { "gpt-5.2-codex", "gpt-5-codex", "gpt-5.3-codex", "gpt-5.4-mini" };
        private readonly CodexHomeOptions _o;
        private readonly Random _rng;
        private readonly List<Session> _sessions = new();
        private readonly List<Billed> _billed = new();
        private readonly List<string> _files = new();
        private long _damaged;
        private long _reemitted;
        private long _stale;
        private long _restamped;
        private int _forks;
        private int _subagents;
        private int _archivedCopies;

        private CodexHomeGenerator(CodexHomeOptions options)
        {
            _o = options;
            _rng = new Random(options.Seed);
        }

        public static GeneratedCodexHome Generate(string codexHome, CodexHomeOptions options) => new CodexHomeGenerator(options).Write(codexHome);

        private sealed record Usage(long Input, long Cached, long Output, long Reasoning)
        {
            public long Total => Input + Output;
            public Usage Plus(Usage u) => new(Input + u.Input, Cached + u.Cached, Output + u.Output, Reasoning + u.Reasoning);
        }

        /// <summary>One billed request and every file that holds a countable copy of it.</summary>
        private sealed class Billed
        {
            public required DateTimeOffset Timestamp { get; init; }
            public required string Model { get; init; }
            public required Usage Last { get; init; }
            public List<Session> Holders { get; } = new();
        }

        /// <summary>A rollout: its lines (kept in memory so forks can copy them) and its running state.</summary>
        private sealed class Session
        {
            public required string Id { get; init; }
            public required string Cwd { get; init; }
            public required string Path { get; set; }
            public List<string> Lines { get; } = new();
            public Usage Total { get; set; } = new(0, 0, 0, 0);
            public string Model { get; set; } = "";
            public DateTimeOffset Clock { get; set; }
            public bool TotalsOnly { get; init; }

            /// <summary>Token-count events in order with the running total after each (for replays).</summary>
            public List<(Usage Total, Usage Last, Billed Billed, int LineCount)> Events { get; } = new();
        }

        private GeneratedCodexHome Write(string codexHome)
        {
            var sessionsDir = System.IO.Path.Combine(codexHome, "sessions");
            for (var s = 0; s < _o.Sessions; s++)
            {
                var start = _o.Start.AddSeconds(_rng.NextDouble() * _o.Days * 86400);
                var candidates = _sessions.Where(p => p.Events.Count > 0 && p.Clock < start).ToList();
                var roll = _rng.NextDouble();
                if (candidates.Count > 0 && roll < _o.ForkRate)
                {
                    Fork(sessionsDir, candidates[_rng.Next(candidates.Count)], start);
                }
                else if (candidates.Count > 0 && roll < _o.ForkRate + _o.SubagentRate)
                {
                    Spawn(sessionsDir, candidates[_rng.Next(candidates.Count)], start);
                }
                else
                {
                    Original(sessionsDir, start);
                }
            }

            // Archive some original sessions: moved (only the archived file exists) or copied (both exist).
            var archived = System.IO.Path.Combine(codexHome, "archived_sessions");
            foreach (var session in _sessions.ToList())
            {
                var isChild = session.Lines[0].Contains("forked_from_id") || session.Lines[0].Contains("thread_spawn");
                if (!isChild && _rng.NextDouble() < _o.ArchiveRate)
                {
                    var archivedPath = System.IO.Path.Combine(archived, session.Path.Substring(sessionsDir.Length + 1));
                    if (_rng.NextDouble() < _o.ArchivedCopyRate)
                    {
                        _archivedCopies++;
                        var copy = new Session { Id = session.Id, Cwd = session.Cwd, Path = archivedPath };
                        foreach (var b in _billed.Where(b => b.Holders.Contains(session)))
                        {
                            b.Holders.Add(copy);
                        }

                        WriteFile(archivedPath, session.Lines);
                    }
                    else
                    {
                        session.Path = archivedPath;
                    }
                }

                WriteFile(session.Path, session.Lines);
            }

            var messages = new List<ExpectedMessage>();
            var n = 0;
            foreach (var b in _billed)
            {
                var owner = b.Holders.OrderBy(h => h.Path, StringComparer.Ordinal).First();
                messages.Add(new ExpectedMessage
                {
                    Client = "codex",
                    Id = "codex-" + n++,
                    RequestId = "",
                    Timestamp = b.Timestamp,
                    Model = b.Model,
                    Input = b.Last.Input - b.Last.Cached,
                    CacheRead = b.Last.Cached,
                    Output = b.Last.Output - b.Last.Reasoning,
                    Reasoning = b.Last.Reasoning,
                    OwnerFile = owner.Path,
                    SessionId = owner.Id,
                    Project = owner.Cwd,
                });
            }

            return new GeneratedCodexHome
            {
                CodexHome = codexHome,
                Messages = messages,
                Files = _files.OrderBy(f => f, StringComparer.Ordinal).ToList(),
                DamagedLines = _damaged,
                ReemittedTokens = _reemitted,
                StaleTokens = _stale,
                RestampedReplayTokens = _restamped,
                Forks = _forks,
                Subagents = _subagents,
                ArchivedCopies = _archivedCopies,
            };
        }

        private void WriteFile(string path, List<string> lines)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllLines(path, lines);
            _files.Add(path);
            _damaged += lines.Count(l => l.EndsWith("token_co", StringComparison.Ordinal));
        }

        private Session NewSession(string sessionsDir, DateTimeOffset start, bool totalsOnly, JsonObject? source, string? forkedFrom, string cwd)
        {
            var id = Guid(_rng);
            var path = System.IO.Path.Combine(sessionsDir, start.ToString("yyyy"), start.ToString("MM"), start.ToString("dd"),
                $"rollout-{start:yyyy-MM-ddTHH-mm-ss}-{id}.jsonl");
            var session = new Session { Id = id, Cwd = cwd, Path = path, TotalsOnly = totalsOnly, Clock = start };
            var payload = new JsonObject
            {
                ["id"] = id,
                ["timestamp"] = Iso(start),
                ["cwd"] = cwd,
                ["originator"] = "codex_cli_rs",
                ["cli_version"] = "0.58.0",
                ["instructions"] = new string('x', 800) + " Follow the repository's usage conventions.",
                ["model_provider"] = "openai",
            };
            payload["source"] = (JsonNode?)source ?? JsonValue.Create("cli");
            if (forkedFrom != null)
            {
                payload["forked_from_id"] = forkedFrom;
            }

            session.Lines.Add(Line(start, "session_meta", payload));
            _sessions.Add(session);
            return session;
        }

        private void Original(string sessionsDir, DateTimeOffset start)
        {
            var session = NewSession(sessionsDir, start, _rng.NextDouble() < _o.TotalsOnlyRate, null, null, "/home/dev/src/app-" + _rng.Next(1, 6));
            Turns(session, _rng.Next(_o.MinTurns, _o.MaxTurns + 1));
        }

        /// <summary>A fork copies its parent's lines up to a turn verbatim (original timestamps), then goes on by itself.</summary>
        private void Fork(string sessionsDir, Session parent, DateTimeOffset start)
        {
            _forks++;
            var upTo = _rng.Next(1, parent.Events.Count + 1);
            var (total, _, _, lineCount) = parent.Events[upTo - 1];
            var child = NewSession(sessionsDir, start, parent.TotalsOnly, null, parent.Id, parent.Cwd);
            var copied = parent.Lines.Skip(1).Take(lineCount - 1).Where(l => !l.Contains("\"session_meta\"")).ToList();
            if (_rng.NextDouble() < _o.RestampedForkRate)
            {
                // Some forks write the copied history with the fork time instead of the original times.
                var stamp = "{\"timestamp\":\"" + Iso(start) + "\"";
                copied = copied.Select(l => l.StartsWith("{\"timestamp\":\"", StringComparison.Ordinal) ? stamp + l.Substring(l.IndexOf('"', 14) + 1) : l).ToList();
                _restamped += parent.Events.Take(upTo).Sum(e => e.Last.Total);
            }

            child.Lines.AddRange(copied);
            for (var e = 0; e < upTo; e++)
            {
                var ev = parent.Events[e];
                ev.Billed.Holders.Add(child);
                child.Events.Add(ev); // same line index: the copy replaces the parent's meta line with the child's
            }

            child.Total = total;
            child.Model = parent.Model;
            Turns(child, _rng.Next(1, _o.MaxTurns / 2 + 2));
        }

        /// <summary>A spawned sub-agent replays its parent's token counts at the spawn second, then works (totals continue).</summary>
        private void Spawn(string sessionsDir, Session parent, DateTimeOffset start)
        {
            _subagents++;
            var source = new JsonObject { ["subagent"] = new JsonObject { ["thread_spawn"] = new JsonObject { ["parent_thread_id"] = parent.Id, ["depth"] = 1 } } };
            start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond));
            var child = NewSession(sessionsDir, start, false, source, null, parent.Cwd);
            for (var e = 0; e < parent.Events.Count; e++)
            {
                var ev = parent.Events[e];
                child.Lines.Add(TokenCount(start.AddMilliseconds(e * 3), ev.Total, ev.Last, totalsOnly: false));
            }

            child.Total = parent.Total;
            child.Model = parent.Model;
            child.Clock = start.AddSeconds(2);
            child.Lines.Add(Line(child.Clock, "event_msg", new JsonObject { ["type"] = "task_started", ["model_context_window"] = 272000 }));
            Turns(child, _rng.Next(1, 5));
        }

        private void Turns(Session session, int turns)
        {
            for (var turn = 0; turn < turns; turn++)
            {
                var t = session.Clock.AddSeconds(3 + (_rng.NextDouble() * 900));
                if (session.Model.Length == 0 || _rng.NextDouble() < 0.1)
                {
                    session.Model = Models[_rng.Next(Models.Length)];
                }

                session.Lines.Add(Line(t, "turn_context", new JsonObject { ["cwd"] = session.Cwd, ["approval_policy"] = "on-request", ["model"] = session.Model, ["summary"] = "auto" }));
                session.Lines.Add(Line(t, "event_msg", new JsonObject { ["type"] = "user_message", ["message"] = "Fix the failing test number " + turn, ["kind"] = "plain" }));
                var calls = _rng.Next(1, 4);
                for (var call = 0; call < calls; call++)
                {
                    t = t.AddSeconds(2 + (_rng.NextDouble() * 60));
                    session.Lines.Add(Line(t, "response_item", new JsonObject
                    {
                        ["type"] = "function_call_output",
                        ["call_id"] = "call_" + _rng.Next(),
                        ["output"] = "{\"usage\": \"tool text that mentions input_tokens and token_count\"} " + new string('y', _rng.Next(200, 3000)),
                    }));
                    if (_rng.NextDouble() < 0.2)
                    {
                        session.Lines.Add(Line(t, "event_msg", new JsonObject { ["type"] = "token_count", ["info"] = null, ["rate_limits"] = new JsonObject { ["primary"] = new JsonObject { ["used_percent"] = 12.5 } } }));
                    }

                    var contextBefore = session.Total.Input / Math.Max(1, session.Events.Count);
                    var input = Math.Min(190_000, 6_000 + contextBefore / 3 + _rng.Next(500, 20_000));
                    var cached = (long)(input * _rng.NextDouble() * 0.9);
                    var output = _rng.Next(20, 4_000);
                    var reasoning = _rng.NextDouble() < 0.7 ? _rng.Next(0, output + 1) : 0;
                    var last = new Usage(input, cached, output, reasoning);
                    session.Total = session.Total.Plus(last);
                    var billed = new Billed { Timestamp = t, Model = session.Model, Last = last };
                    billed.Holders.Add(session);
                    _billed.Add(billed);
                    session.Lines.Add(TokenCount(t, session.Total, last, session.TotalsOnly));
                    session.Events.Add((session.Total, last, billed, session.Lines.Count));

                    if (!session.TotalsOnly && _rng.NextDouble() < _o.ReemitRate)
                    {
                        session.Lines.Add(TokenCount(t.AddSeconds(1), session.Total, last, false));
                        _reemitted += last.Total;
                    }

                    if (!session.TotalsOnly && session.Events.Count > 1 && _rng.NextDouble() < _o.StaleRate)
                    {
                        var stale = session.Events[^2];
                        session.Lines.Add(TokenCount(t.AddSeconds(1), stale.Total, stale.Last, false));
                        _stale += stale.Last.Total;
                    }

                    if (_rng.NextDouble() < _o.DamageRate * 20)
                    {
                        session.Lines.Add("{\"timestamp\":\"" + Iso(t) + "\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_co");
                    }
                }

                session.Clock = t;
            }
        }

        private static string TokenCount(DateTimeOffset t, Usage total, Usage last, bool totalsOnly)
        {
            var info = new JsonObject { ["total_token_usage"] = UsageJson(total) };
            if (!totalsOnly)
            {
                info["last_token_usage"] = UsageJson(last);
                info["model_context_window"] = 272000;
            }

            return Line(t, "event_msg", new JsonObject { ["type"] = "token_count", ["info"] = info, ["rate_limits"] = null });
        }

        private static JsonObject UsageJson(Usage u) => new()
        {
            ["input_tokens"] = u.Input,
            ["cached_input_tokens"] = u.Cached,
            ["output_tokens"] = u.Output,
            ["reasoning_output_tokens"] = u.Reasoning,
            ["total_tokens"] = u.Total,
        };

        private static string Line(DateTimeOffset t, string type, JsonObject payload) =>
            new JsonObject { ["timestamp"] = Iso(t), ["type"] = type, ["payload"] = payload }.ToJsonString();

        private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

        private static string Guid(Random rng)
        {
            var bytes = new byte[16];
            rng.NextBytes(bytes);
            return new Guid(bytes).ToString();
        }
    }
}
