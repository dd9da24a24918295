using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace TokUsage.TestData
{
    public sealed class GeneratedAgentsHome
    {
        public required string Home { get; init; }
        public required IReadOnlyCollection<ExpectedMessage> Messages { get; init; }

        /// <summary>Damaged lines (or damaged whole JSON files, one each) per client.</summary>
        public required IReadOnlyDictionary<string, long> Damaged { get; init; }

        /// <summary>Environment for default discovery of this home (HOME, XDG_*, …) — every client under <see cref="Home"/>.</summary>
        public required IReadOnlyDictionary<string, string> Environment { get; init; }
    }

    /// <summary>
    /// Writes one home with every implemented file-based client in its own format and default location (Claude Code and
    /// Codex through their generators), with each client's hard cases: Gemini's cache-inclusive prompt counts and
    /// replaced JSONL rows, Kimi's repeated status updates, Amp's ledger/message pairs, Droid's cumulative totals, Copilot's
    /// chat span vs inference log vs agent summary, Cline's kept costs, Jcode's resumed copies, ids shared by two clients,
    /// damaged lines and files. Expected messages are computed here, from what was written, without the module.
    /// </summary>
    public sealed partial class AgentsHomeGenerator
    {
        private static readonly string[] Models = { "claude-sonnet-4-5-20250929", "gpt-5-codex", "gpt-5.4-mini", "claude-haiku-4-5-20251001", "gemini-2.5-flash" };
        private readonly Random _rng;
        private readonly string _home;
        private readonly List<ExpectedMessage> _messages = new();
        private readonly Dictionary<string, long> _damaged = new();
        private readonly DateTimeOffset _start = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
        private int _n;

        private AgentsHomeGenerator(string home, int seed)
        {
            _home = home;
            _rng = new Random(seed);
        }

        public static GeneratedAgentsHome Generate(string home, int seed = 5)
        {
            var g = new AgentsHomeGenerator(home, seed);
            var claude = ClaudeHomeGenerator.Generate(home, new ClaudeHomeOptions { Seed = seed, Sessions = 12, Projects = 2, Start = g._start, Days = 10 });
            var codex = CodexHomeGenerator.Generate(Path.Combine(home, ".codex"), new CodexHomeOptions { Seed = seed, Sessions = 20, Start = g._start, Days = 10 });
            g._messages.AddRange(claude.Messages);
            g._messages.AddRange(codex.Messages);
            g._damaged["claude"] = claude.DamagedLines.Values.Sum();
            g._damaged["codex"] = codex.DamagedLines;
            g.Gemini();
            g.Qwen();
            g.Kimi();
            g.Amp();
            g.Droid();
            g.Pi();
            g.Copilot();
            g.Codebuff();
            g.OpenClaw();
            g.VsCode("roocode", "rooveterinaryinc.roo-cline", costIsBill: false);
            g.VsCode("kilocode", "kilocode.kilo-code", costIsBill: false);
            g.VsCode("cline", "saoudrizwan.claude-dev", costIsBill: true);
            g.Mux();
            g.Jcode();
            g.Augment();
            g.Databases();
            g.Junie();
            g.PiFamily();
            g.Trae();
            g.Cursor();
            g.OpenCodeReview();
            g.Mcode();
            g.TencentBuddy();
            g.CopilotChat();
            g.CherryStudio();
            g.Reasonix();
            g.ClineCli();
            g.Zcode();
            g.Dsh();
            g.AntigravityCli();
            return new GeneratedAgentsHome
            {
                Home = home,
                Messages = g._messages,
                Damaged = g._damaged,
                Environment = new Dictionary<string, string>
                {
                    ["HOME"] = home,
                    ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
                    ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
                },
            };
        }

        // ---- helpers -------------------------------------------------------------------------------------------

        private DateTimeOffset Time() => _start.AddSeconds(Math.Floor(_rng.NextDouble() * 10 * 86400));

        private string Model() => Models[_rng.Next(Models.Length)];

        private long N(int min, int max) => _rng.Next(min, max);

        private ExpectedMessage Expect(string client, string file, string session, string project, DateTimeOffset t, string model,
            long input, long output, long cacheRead = 0, long cacheWrite = 0, long reasoning = 0, decimal? cost = null, decimal markup = 1m)
        {
            var m = new ExpectedMessage
            {
                Client = client,
                Id = client + "-" + _n++,
                RequestId = "",
                Timestamp = t,
                Model = model,
                Input = input,
                Output = output,
                CacheRead = cacheRead,
                CacheWrite5m = cacheWrite,
                Reasoning = reasoning,
                OwnerFile = file,
                SessionId = session,
                Project = project,
                ReportedCost = cost,
                Markup = markup,
            };
            _messages.Add(m);
            return m;
        }

        private string Write(string relative, string text)
        {
            var path = Path.Combine(_home, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
            return path;
        }

        private string WriteLines(string relative, IEnumerable<string> lines) => Write(relative, string.Join("\n", lines) + "\n");

        private void Damage(string client, long count = 1) => _damaged[client] = _damaged.GetValueOrDefault(client) + count;

        private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        private static string Json(JsonNode node) => node.ToJsonString();

        private string Id() => Guid.NewGuid().ToString("N").Substring(0, 12) + _rng.Next(1000, 9999);

        // ---- clients -------------------------------------------------------------------------------------------

        private void Gemini()
        {
            for (var s = 0; s < 4; s++)
            {
                var project = "hash" + s;
                var sessionId = "gem-" + s;
                var file = Path.Combine(_home, ".gemini", "tmp", project, "chats", $"session-2026-07-0{s + 1}T10-00-{sessionId}.json");
                var messages = new JsonArray();
                for (var i = 0; i < 6; i++)
                {
                    var t = Time();
                    messages.Add(new JsonObject { ["id"] = $"u{i}", ["timestamp"] = Iso(t), ["type"] = "user", ["content"] = "do it" });
                    var cached = N(0, 4000);
                    var prompt = cached + N(100, 9000);     // Gemini's prompt count includes cached tokens
                    var output = N(10, 2000);
                    var thoughts = N(0, 800);
                    var tool = i % 3 == 0 ? N(1, 300) : 0;
                    var model = i % 2 == 0 ? "gemini-2.5-flash" : "gemini-2.5-pro";
                    messages.Add(new JsonObject
                    {
                        ["id"] = $"g{i}", ["timestamp"] = Iso(t.AddSeconds(4)), ["type"] = "gemini", ["model"] = model,
                        ["tokens"] = new JsonObject { ["input"] = prompt, ["output"] = output, ["cached"] = cached, ["thoughts"] = thoughts, ["tool"] = tool, ["total"] = prompt + output + thoughts + tool },
                    });
                    Expect("gemini", file, sessionId, project, t.AddSeconds(4), model, prompt - cached + tool, output, cached, reasoning: thoughts);
                }

                Write(file, Json(new JsonObject { ["sessionId"] = sessionId, ["projectHash"] = project, ["startTime"] = Iso(_start), ["messages"] = messages }));
            }

            // A JSONL recording: a message re-written with final counts (last wins); a damaged line.
            var rec = Path.Combine(_home, ".gemini", "tmp", "hashR", "chats", "session-rec.jsonl");
            var t0 = Time();
            var lines = new List<string>
            {
                Json(new JsonObject { ["type"] = "init", ["session_id"] = "gem-rec", ["model"] = "gemini-2.5-flash" }),
                Json(new JsonObject { ["type"] = "gemini", ["id"] = "m1", ["timestamp"] = Iso(t0), ["tokens"] = new JsonObject { ["input"] = 50, ["output"] = 1, ["total"] = 51 } }),
                "{\"type\":\"gemini\",\"id\":\"m1\",\"tok",
                Json(new JsonObject { ["type"] = "gemini", ["id"] = "m1", ["timestamp"] = Iso(t0), ["tokens"] = new JsonObject { ["input"] = 5000, ["cached"] = 3000, ["output"] = 700, ["total"] = 5700 } }),
            };
            Damage("gemini");
            WriteLines(rec, lines);
            Expect("gemini", rec, "gem-rec", "hashR", t0, "gemini-2.5-flash", 2000, 700, 3000);

            // A half-written session JSON: counted as one damaged line, nothing else.
            Write(Path.Combine(_home, ".gemini", "tmp", "hashX", "chats", "session-torn.json"), "{\"sessionId\":\"x\",\"messages\":[{\"id\":");
            Damage("gemini");
        }

        private void Qwen()
        {
            for (var s = 0; s < 3; s++)
            {
                var file = Path.Combine(_home, ".qwen", "projects", "proj" + s, "chats", $"chat{s}.jsonl");
                var lines = new List<string>();
                for (var i = 0; i < 5; i++)
                {
                    var t = Time();
                    lines.Add(Json(new JsonObject { ["type"] = "user", ["timestamp"] = Iso(t), ["sessionId"] = "qs" + s, ["message"] = "hi" }));
                    var cached = N(0, 3000);
                    var prompt = cached + N(100, 6000);
                    var output = N(10, 900);
                    var thoughts = N(0, 100);
                    var model = i == 4 && s == 0 ? ReferencePrices.Unpriced : "gpt-5.4-mini";
                    lines.Add(Json(new JsonObject
                    {
                        ["type"] = "assistant", ["model"] = model, ["timestamp"] = Iso(t.AddSeconds(3)), ["sessionId"] = "qs" + s,
                        ["usageMetadata"] = new JsonObject { ["promptTokenCount"] = prompt, ["candidatesTokenCount"] = output, ["thoughtsTokenCount"] = thoughts, ["cachedContentTokenCount"] = cached, ["totalTokenCount"] = prompt + output + thoughts },
                    }));
                    Expect("qwen", file, "qs" + s, "proj" + s, t.AddSeconds(3), model, prompt - cached, output, cached, reasoning: thoughts);
                }

                if (s == 1)
                {
                    // A record that carries only a total: booked as output, as ccusage does (docs/clients.md).
                    var t = Time();
                    var total = N(100, 5000);
                    lines.Add(Json(new JsonObject
                    {
                        ["type"] = "assistant", ["model"] = "gpt-5.4-mini", ["timestamp"] = Iso(t), ["sessionId"] = "qs" + s,
                        ["usageMetadata"] = new JsonObject { ["totalTokenCount"] = total },
                    }));
                    Expect("qwen", file, "qs" + s, "proj" + s, t, "gpt-5.4-mini", 0, total);
                }

                WriteLines(file, lines);
            }
        }

        private void Kimi()
        {
            Write(Path.Combine(".kimi", "config.json"), "{\"default_model\":\"kimi-for-coding\"}");
            for (var s = 0; s < 3; s++)
            {
                var session = "kimi-session-" + s;
                var file = Path.Combine(_home, ".kimi", "sessions", "group" + s, session, "wire.jsonl");
                var lines = new List<string> { "{\"type\":\"metadata\",\"protocol_version\":\"1.3\"}" };
                for (var i = 0; i < 5; i++)
                {
                    var t = Time();
                    var seconds = t.ToUnixTimeMilliseconds() / 1000d;
                    var (io, o, cr, cw) = (N(100, 5000), N(10, 900), N(0, 20000), N(0, 500));
                    // A partial status first, then the final one for the same message id: the larger total wins.
                    lines.Add(StatusUpdate(seconds - 2, $"chatcmpl-{s}-{i}", io, o / 2, cr, cw));
                    lines.Add(StatusUpdate(seconds, $"chatcmpl-{s}-{i}", io, o, cr, cw));
                    Expect("kimi", file, session, "group" + s, DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)), "kimi-for-coding", io, o, cr, cw);
                }

                WriteLines(file, lines);
            }

            // Kimi Code: turn-scoped usage records count; session-scoped ones are totals and do not.
            var codeFile = Path.Combine(_home, ".kimi-code", "sessions", "workdir", "kc-1", "agents", "main", "wire.jsonl");
            var codeLines = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                var t = Time();
                var (io, o, cr) = (N(100, 3000), N(10, 500), N(0, 9000));
                codeLines.Add(Json(new JsonObject { ["type"] = "usage.record", ["model"] = "kimi-code/gpt-5.4-mini", ["usage"] = new JsonObject { ["inputOther"] = io, ["output"] = o, ["inputCacheRead"] = cr, ["inputCacheCreation"] = 0 }, ["usageScope"] = "turn", ["time"] = t.ToUnixTimeMilliseconds() }));
                Expect("kimi", codeFile, "kc-1", "workdir", t, "gpt-5.4-mini", io, o, cr);
            }

            codeLines.Add(Json(new JsonObject { ["type"] = "usage.record", ["model"] = "kimi-code/gpt-5.4-mini", ["usage"] = new JsonObject { ["inputOther"] = 99999, ["output"] = 9999 }, ["usageScope"] = "session", ["time"] = _start.ToUnixTimeMilliseconds() }));
            WriteLines(codeFile, codeLines);
        }

        private string StatusUpdate(double seconds, string id, long input, long output, long cacheRead, long cacheWrite) => Json(new JsonObject
        {
            ["timestamp"] = seconds,
            ["message"] = new JsonObject
            {
                ["type"] = "StatusUpdate",
                ["payload"] = new JsonObject { ["token_usage"] = new JsonObject { ["input_other"] = input, ["output"] = output, ["input_cache_read"] = cacheRead, ["input_cache_creation"] = cacheWrite }, ["message_id"] = id },
            },
        });

        private void Amp()
        {
            for (var s = 0; s < 3; s++)
            {
                var id = "T-amp" + s;
                var file = Path.Combine(_home, ".local", "share", "amp", "threads", id + ".json");
                var created = Time();
                var messages = new JsonArray();
                var events = new JsonArray();
                for (var i = 1; i <= 4; i++)
                {
                    var model = i % 2 == 0 ? "claude-sonnet-4-5-20250929" : "claude-haiku-4-5-20251001";
                    var (io, o, cr, cw) = (N(10, 3000), N(10, 900), N(0, 30000), N(0, 2000));
                    messages.Add(new JsonObject { ["role"] = "user", ["messageId"] = i * 10 });
                    var usage = new JsonObject { ["model"] = model, ["inputTokens"] = io, ["outputTokens"] = o, ["cacheReadInputTokens"] = cr, ["cacheCreationInputTokens"] = cw, ["credits"] = 0.4 };
                    messages.Add(new JsonObject { ["role"] = "assistant", ["messageId"] = i, ["usage"] = usage });
                    var when = created.AddMinutes(i);
                    if (i < 4)
                    {
                        // Ledger event for the same request (matched by toMessageId for even, by model+tokens for odd).
                        var e = new JsonObject { ["timestamp"] = Iso(when), ["model"] = model, ["credits"] = 0.4, ["tokens"] = new JsonObject { ["input"] = io, ["output"] = o, ["cacheReadInputTokens"] = cr, ["cacheCreationInputTokens"] = cw } };
                        if (i % 2 == 0)
                        {
                            e["toMessageId"] = i;
                        }

                        events.Add(e);
                        Expect("amp", file, id, "", when, model, io, o, cr, cw);
                    }
                    else
                    {
                        // No ledger event: the message usage counts, dated created + messageId seconds.
                        Expect("amp", file, id, "", created.AddSeconds(i), model, io, o, cr, cw);
                    }
                }

                Write(file, Json(new JsonObject { ["id"] = id, ["created"] = created.ToUnixTimeMilliseconds(), ["messages"] = messages, ["usageLedger"] = new JsonObject { ["events"] = events } }));
            }
        }

        private void Droid()
        {
            for (var s = 0; s < 3; s++)
            {
                var id = "droid-" + s;
                var file = Path.Combine(_home, ".factory", "sessions", "proj", id + ".settings.json");
                var t = Time().AddDays(-30); // the file's write time is set later than this lock time
                var (io, o, cr, cw, r) = (N(1000, 90000), N(100, 9000), N(0, 900000), N(0, 50000), N(0, 3000));
                Write(file, Json(new JsonObject
                {
                    ["model"] = "custom:Claude-Sonnet-4.5-[Anthropic]-20250929",
                    ["providerLock"] = "anthropic",
                    ["providerLockTimestamp"] = Iso(t),
                    ["tokenUsage"] = new JsonObject { ["inputTokens"] = io, ["outputTokens"] = o, ["cacheReadTokens"] = cr, ["cacheCreationTokens"] = cw, ["thinkingTokens"] = r },
                }));
                var written = Time();
                File.SetLastWriteTimeUtc(file, written.UtcDateTime);
                Expect("droid", file, id, "proj", written, "claude-sonnet-4-5-20250929", io, o, cr, cw, r);
                if (s == 1)
                {
                    // An older copy of the same session (same id, the counter as it stood earlier) in the archive and
                    // at the sessions root, which sort before proj/: one cumulative counter, only the latest counts.
                    foreach (var older in new[] { Path.Combine(_home, ".factory", "sessions", "archive", "proj", id + ".settings.json"), Path.Combine(_home, ".factory", "sessions", id + ".settings.json") })
                    {
                        Write(older, Json(new JsonObject
                        {
                            ["model"] = "custom:Claude-Sonnet-4.5-[Anthropic]-20250929",
                            ["providerLock"] = "anthropic",
                            ["providerLockTimestamp"] = Iso(t),
                            ["tokenUsage"] = new JsonObject { ["inputTokens"] = io / 2, ["outputTokens"] = o / 2, ["cacheReadTokens"] = cr / 2, ["cacheCreationTokens"] = cw / 2, ["thinkingTokens"] = r / 2 },
                        }));
                        File.SetLastWriteTimeUtc(older, written.UtcDateTime.AddHours(-1));
                    }
                }
            }

            // A settings file without a model: the session's transcript beside it names the model in its system reminder.
            var unnamed = Path.Combine(_home, ".factory", "sessions", "proj", "droid-9.settings.json");
            var lockTime = Time();
            var (ui, uo, ucr) = (N(1000, 90000), N(100, 9000), N(0, 900000));
            Write(unnamed, Json(new JsonObject
            {
                ["providerLock"] = "anthropic",
                ["providerLockTimestamp"] = Iso(lockTime),
                ["tokenUsage"] = new JsonObject { ["inputTokens"] = ui, ["outputTokens"] = uo, ["cacheReadTokens"] = ucr, ["cacheCreationTokens"] = 0, ["thinkingTokens"] = 0 },
            }));
            WriteLines(Path.Combine(".factory", "sessions", "proj", "droid-9.jsonl"), new[]
            {
                Json(new JsonObject { ["type"] = "session_start", ["id"] = "droid-9", ["title"] = "Fix the build", ["cwd"] = "/home/dev/proj" }),
                Json(new JsonObject
                {
                    ["type"] = "message", ["id"] = "m1",
                    ["message"] = new JsonObject
                    {
                        ["role"] = "user",
                        ["content"] = new JsonArray { new JsonObject { ["type"] = "text", ["text"] = "<system-reminder>\nUser system info\nModel: Claude Sonnet 4.5 [Anthropic]\nToday: 2026-07-03\n</system-reminder>" } },
                    },
                }),
            });
            File.SetLastWriteTimeUtc(unnamed, lockTime.UtcDateTime.AddMinutes(-5));
            Expect("droid", unnamed, "droid-9", "proj", lockTime, "claude-sonnet-4-5", ui, uo, ucr);
        }

        private void Pi()
        {
            for (var s = 0; s < 3; s++)
            {
                var file = Path.Combine(_home, s == 2 ? ".omp" : ".pi", "agent", "sessions", "--home-dev-app--", $"2026-07-0{s + 1}_pi{s}.jsonl");
                var lines = new List<string>
                {
                    Json(new JsonObject { ["type"] = "title", ["title"] = "Fix" }),
                    Json(new JsonObject { ["type"] = "session", ["id"] = "pi-" + s, ["timestamp"] = Iso(_start), ["cwd"] = "/home/dev/app" }),
                };
                for (var i = 0; i < 5; i++)
                {
                    var t = Time();
                    var model = Model();
                    var (io, o, cr, cw) = (N(10, 4000), N(10, 900), N(0, 30000), N(0, 3000));
                    lines.Add(Json(new JsonObject { ["type"] = "message", ["id"] = "m" + i, ["timestamp"] = Iso(t), ["message"] = new JsonObject { ["role"] = "user", ["content"] = "go" } }));
                    lines.Add(Json(new JsonObject
                    {
                        ["type"] = "message", ["id"] = "a" + i, ["timestamp"] = Iso(t),
                        ["message"] = new JsonObject { ["role"] = "assistant", ["model"] = model, ["provider"] = "x", ["usage"] = new JsonObject { ["input"] = io, ["output"] = o, ["cacheRead"] = cr, ["cacheWrite"] = cw, ["totalTokens"] = io + o + cr + cw, ["cost"] = new JsonObject { ["total"] = 0 } } },
                    }));
                    Expect("pi", file, "pi-" + s, "/home/dev/app", t, model, io, o, cr, cw);
                }

                if (s == 0)
                {
                    // Hostile lines: a count no message can have (once summed it wrapped the totals negative), and two
                    // records glued on one line (a lost line end). Each is one damaged line, skipped and counted.
                    var huge = Json(new JsonObject
                    {
                        ["type"] = "message", ["id"] = "huge", ["timestamp"] = Iso(Time()),
                        ["message"] = new JsonObject { ["role"] = "assistant", ["model"] = "gpt-5-codex", ["usage"] = new JsonObject { ["input"] = 9223372036854775807L, ["output"] = 5 } },
                    });
                    lines.Add(huge);
                    lines.Add(huge.Replace("9223372036854775807", "1e400", StringComparison.Ordinal).Replace("huge", "huger", StringComparison.Ordinal));
                    lines.Add(lines[3] + lines[5]);
                    Damage("pi", 3);
                }

                WriteLines(file, lines);
            }

            // Not a Pi session (no session header first): nothing counts.
            WriteLines(Path.Combine(".pi", "agent", "sessions", "other", "notes.jsonl"), new[]
            {
                Json(new JsonObject { ["type"] = "message", ["message"] = new JsonObject { ["role"] = "assistant", ["model"] = "gpt-5-codex", ["usage"] = new JsonObject { ["input"] = 5, ["output"] = 5 } } }),
            });
        }

        private void Copilot()
        {
            var file = Path.Combine(_home, ".copilot", "otel", "copilot-otel.jsonl");
            var lines = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                var t = Time();
                var trace = "trace" + i;
                var model = i % 2 == 0 ? "gpt-5.4-mini" : "claude-sonnet-4-5-20250929";
                var (cr, fresh, o) = (N(0, 9000), N(10, 5000), N(10, 900));
                var chat = Span(trace, "span" + i, t, "chat", model, fresh + cr, o, cr, "conv-" + (i % 3));
                lines.Add(chat);
                if (i % 3 == 0)
                {
                    lines.Add(chat); // exported twice: one span
                }

                // The same request's inference-details log and the agent summary: lower-ranked, not counted again.
                lines.Add(Json(new JsonObject
                {
                    ["type"] = "log", ["traceId"] = trace, ["spanId"] = "log" + i, ["timestamp"] = Iso(t),
                    ["attributes"] = new JsonObject { ["event.name"] = "gen_ai.client.inference.operation.details", ["gen_ai.response.model"] = model, ["gen_ai.usage.input_tokens"] = fresh + cr, ["gen_ai.usage.output_tokens"] = o },
                }));
                lines.Add(Span(trace, "agent" + i, t, "invoke_agent", model, fresh + cr, o, cr, "conv-" + (i % 3)));
                Expect("copilot", file, "conv-0", "", t, model, fresh, o, cr);
            }

            // A trace with only an agent summary (no chat span): the summary counts.
            var ts = Time();
            lines.Add(Span("trace-summary", "agentonly", ts, "invoke_agent", "gpt-5.4-mini", 1200, 80, 200, "conv-9"));
            Expect("copilot", file, "conv-0", "", ts, "gpt-5.4-mini", 1000, 80, 200);
            // A request span that carries only a total: booked as output, as ccusage does (docs/clients.md).
            var tt = Time();
            var totalOnly = N(100, 5000);
            lines.Add(Json(new JsonObject
            {
                ["type"] = "span", ["traceId"] = "trace-total", ["spanId"] = "total", ["name"] = "chat gpt-5.4-mini",
                ["startTime"] = new JsonArray(tt.ToUnixTimeSeconds(), 0), ["endTime"] = new JsonArray(tt.ToUnixTimeSeconds() + 2, 0),
                ["attributes"] = new JsonObject { ["gen_ai.operation.name"] = "chat", ["gen_ai.response.model"] = "gpt-5.4-mini", ["gen_ai.conversation.id"] = "conv-9", ["gen_ai.usage.total_tokens"] = totalOnly },
            }));
            Expect("copilot", file, "conv-0", "", tt, "gpt-5.4-mini", 0, totalOnly);
            // A tool span with usage attributes is not a request.
            lines.Add(Span("trace-tool", "tool", ts, "execute_tool", "gpt-5.4-mini", 999, 99, 0, "conv-9"));
            WriteLines(file, lines);
        }

        private static string Span(string trace, string span, DateTimeOffset t, string operation, string model, long input, long output, long cacheRead, string conversation)
        {
            var seconds = t.ToUnixTimeSeconds();
            return new JsonObject
            {
                ["type"] = "span", ["traceId"] = trace, ["spanId"] = span, ["name"] = operation + " " + model,
                ["startTime"] = new JsonArray(seconds, 0), ["endTime"] = new JsonArray(seconds + 3, 500000000),
                ["attributes"] = new JsonObject
                {
                    ["gen_ai.operation.name"] = operation, ["gen_ai.response.model"] = model, ["gen_ai.conversation.id"] = conversation,
                    ["gen_ai.usage.input_tokens"] = input, ["gen_ai.usage.output_tokens"] = output, ["gen_ai.usage.cache_read.input_tokens"] = cacheRead,
                },
            }.ToJsonString();
        }

        private void Codebuff()
        {
            for (var s = 0; s < 2; s++)
            {
                var chatId = $"2026-07-0{s + 2}T10-00-00.000Z";
                var file = Path.Combine(_home, ".config", "manicode", "projects", "web", "chats", chatId, "chat-messages.json");
                var array = new JsonArray();
                for (var i = 0; i < 4; i++)
                {
                    var model = Model();
                    var (io, o, cr) = (N(10, 4000), N(10, 900), N(0, 9000));
                    array.Add(new JsonObject { ["id"] = $"u{s}{i}", ["variant"] = "user", ["content"] = "hi" });
                    var message = new JsonObject { ["id"] = $"a{s}{i}", ["variant"] = "ai", ["metadata"] = new JsonObject { ["model"] = model, ["usage"] = new JsonObject { ["inputTokens"] = io, ["outputTokens"] = o, ["cacheReadInputTokens"] = cr, ["credits"] = 3 } } };
                    // OpenAI-shaped usage: prompt_tokens includes the cached tokens its details name.
                    JsonObject OpenAiUsage() => new JsonObject { ["prompt_tokens"] = io + cr, ["completion_tokens"] = o, ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cr } };
                    JsonObject RunState(JsonObject usage, string routedModel) => new JsonObject
                    {
                        ["sessionState"] = new JsonObject
                        {
                            ["mainAgentState"] = new JsonObject
                            {
                                ["messageHistory"] = new JsonArray
                                {
                                    new JsonObject { ["role"] = "user", ["content"] = "hi" },
                                    new JsonObject { ["role"] = "assistant", ["content"] = "earlier step", ["providerOptions"] = new JsonObject { ["codebuff"] = new JsonObject { ["model"] = routedModel, ["usage"] = new JsonObject { ["prompt_tokens"] = 7, ["completion_tokens"] = 7 } } } },
                                    new JsonObject { ["role"] = "assistant", ["content"] = "ok", ["providerOptions"] = new JsonObject { ["codebuff"] = new JsonObject { ["model"] = routedModel, ["usage"] = usage } } },
                                },
                            },
                        },
                    };
                    if (i == 1)
                    {
                        // A provider-routed call: the usage is only in the run state saved with the message (its last assistant entry).
                        message["metadata"] = new JsonObject { ["runState"] = RunState(OpenAiUsage(), model) };
                    }
                    else if (i == 2)
                    {
                        // Usage on the message itself (snake_case OpenAI shape) and in the run state: counted once, from the message.
                        message["metadata"] = new JsonObject { ["model"] = model, ["codebuff"] = new JsonObject { ["usage"] = OpenAiUsage() }, ["runState"] = RunState(OpenAiUsage(), model) };
                    }

                    DateTimeOffset when;
                    if (i < 3)
                    {
                        when = Time();
                        message["timestamp"] = Iso(when);
                    }
                    else
                    {
                        when = DateTimeOffset.Parse(chatId.Substring(0, 11) + "10:00:00.000Z", CultureInfo.InvariantCulture); // from the chat id
                    }

                    array.Add(message);
                    Expect("codebuff", file, chatId, "web", when, model, io, o, cr);
                }

                Write(file, array.ToJsonString());
            }
        }

        private void OpenClaw()
        {
            foreach (var (name, session) in new[] { ("s1.jsonl", "s1"), ("s2.jsonl.deleted.1767225600", "s2") })
            {
                var file = Path.Combine(_home, ".openclaw", "agents", "main", "sessions", name);
                var lines = new List<string> { Json(new JsonObject { ["type"] = "model_change", ["provider"] = "openai", ["modelId"] = "gpt-5.4-mini" }) };
                for (var i = 0; i < 4; i++)
                {
                    var t = Time();
                    var (io, o, cr, cw) = (N(10, 4000), N(10, 900), N(0, 9000), N(0, 900));
                    var message = new JsonObject { ["role"] = "assistant", ["timestamp"] = t.ToUnixTimeMilliseconds(), ["usage"] = new JsonObject { ["input"] = io, ["output"] = o, ["cacheRead"] = cr, ["cacheWrite"] = cw, ["cost"] = new JsonObject { ["total"] = 0.5 } } };
                    var model = "gpt-5.4-mini";
                    if (i == 3)
                    {
                        model = "claude-haiku-4-5-20251001";
                        message["model"] = model;
                    }

                    lines.Add(Json(new JsonObject { ["type"] = "message", ["message"] = message }));
                    Expect("openclaw", file, session, "main", t, model, io, o, cr, cw);
                }

                WriteLines(file, lines);
            }
        }

        private void VsCode(string client, string extension, bool costIsBill)
        {
            for (var s = 0; s < 2; s++)
            {
                // Linux VS Code for the first task, macOS and Windows locations for the others.
                var appData = s == 0 ? Path.Combine(".config", "Code") : Path.Combine("Library", "Application Support", "Code");
                var task = $"{client}-task-{s}";
                var dir = Path.Combine(_home, appData, "User", "globalStorage", extension, "tasks", task);
                var model = s == 0 ? "claude-sonnet-4-5-20250929" : "gpt-5-codex";
                Write(Path.Combine(dir, "api_conversation_history.json"), Json(new JsonArray(
                    new JsonObject { ["role"] = "user", ["content"] = "<environment_details><model>claude-haiku-4-5-20251001</model></environment_details>" },
                    new JsonObject { ["role"] = "user", ["content"] = $"<environment_details><model>{model}</model><slug>code</slug></environment_details>" })));
                var events = new JsonArray(new JsonObject { ["type"] = "say", ["say"] = "text", ["ts"] = _start.ToUnixTimeMilliseconds(), ["text"] = "hello" });
                var file = Path.Combine(dir, "ui_messages.json");
                for (var i = 0; i < 4; i++)
                {
                    var t = Time();
                    var (io, o, cr, cw) = (N(10, 4000), N(10, 900), N(0, 9000), N(0, 900));
                    var cost = Math.Round((decimal)_rng.NextDouble(), 4) + 0.0001m;
                    var text = Json(new JsonObject { ["cost"] = cost, ["tokensIn"] = io, ["tokensOut"] = o, ["cacheReads"] = cr, ["cacheWrites"] = cw, ["apiProtocol"] = "anthropic" });
                    events.Add(new JsonObject { ["type"] = "say", ["say"] = "api_req_started", ["ts"] = t.ToUnixTimeMilliseconds(), ["text"] = text });
                    Expect(client, file, task, "", t, model, io, o, cr, cw, cost: costIsBill ? cost : null);
                }

                Write(file, events.ToJsonString());
            }
        }

        private void Mux()
        {
            // What Mux writes now: each bucket holds its tokens and what Mux charged for them; the sum is the reported cost.
            var file = Path.Combine(_home, ".mux", "sessions", "ws1", "session-usage.json");
            var t = Time();
            var byModel = new JsonObject();
            var costs = new[] { 0.0123m, 0.0456m, 0.0078m, 0.0301m, 0m };
            JsonObject Bucket(long tokens, decimal usd) => new JsonObject { ["tokens"] = tokens, ["cost_usd"] = usd };
            foreach (var model in new[] { "claude-sonnet-4-5-20250929", "gpt-5-codex" })
            {
                var (io, cached, cw, o, r) = (N(100, 9000), N(0, 90000), N(0, 900), N(10, 900), N(0, 400));
                byModel[(model.StartsWith("gpt") ? "openai:" : "anthropic:") + model] = new JsonObject
                {
                    ["input"] = Bucket(io, costs[0]), ["cached"] = Bucket(cached, costs[1]), ["cacheCreate"] = Bucket(cw, costs[2]),
                    ["output"] = Bucket(o, costs[3]), ["reasoning"] = Bucket(r, costs[4]),
                };
                Expect("mux", file, "ws1", "ws1", t, model, io, o, cached, cw, r, cost: costs.Sum());
            }

            Write(file, Json(new JsonObject { ["version"] = 1, ["byModel"] = byModel, ["lastRequest"] = new JsonObject { ["model"] = "anthropic:claude-sonnet-4-5-20250929", ["timestamp"] = t.ToUnixTimeMilliseconds() } }));

            // Early Mux files kept bare counts: priced from the table.
            var early = Path.Combine(_home, ".mux", "sessions", "ws0", "session-usage.json");
            var te = Time();
            var (ei, ec, ecw, eo, er) = (N(100, 9000), N(0, 90000), N(0, 900), N(10, 900), N(0, 400));
            var earlyModels = new JsonObject { ["openai:gpt-5-codex"] = new JsonObject { ["input"] = ei, ["cached"] = ec, ["cacheCreate"] = ecw, ["output"] = eo, ["reasoning"] = er } };
            Expect("mux", early, "ws0", "ws0", te, "gpt-5-codex", ei, eo, ec, ecw, er);
            Write(early, Json(new JsonObject { ["byModel"] = earlyModels, ["lastRequest"] = new JsonObject { ["timestamp"] = te.ToUnixTimeMilliseconds() } }));
        }

        private void Jcode()
        {
            var copied = new List<JsonObject>();
            for (var s = 0; s < 2; s++)
            {
                var file = Path.Combine(_home, ".jcode", "sessions", $"session_{s}.json");
                var messages = new JsonArray();
                foreach (var earlier in copied)
                {
                    messages.Add(earlier.DeepClone()); // a resumed session carries the earlier messages: counted once
                }

                for (var i = 0; i < 4; i++)
                {
                    var t = Time();
                    var model = Model();
                    var (io, o, cr, cw, r) = (N(10, 4000), N(10, 900), N(0, 9000), N(0, 900), N(0, 200));
                    // Odd turns went over an OpenAI-style route (OpenAI, OpenRouter): no cache-creation field, and the
                    // reported input includes the cache reads (tokscale #937). Even turns are Anthropic-style, split.
                    var openAiRoute = i % 2 == 1;
                    var usage = openAiRoute
                        ? new JsonObject { ["input_tokens"] = io + cr, ["output_tokens"] = o, ["cache_read_input_tokens"] = cr, ["reasoning_output_tokens"] = r }
                        : new JsonObject { ["input_tokens"] = io, ["output_tokens"] = o, ["cache_read_input_tokens"] = cr, ["cache_creation_input_tokens"] = cw, ["reasoning_output_tokens"] = r };
                    var message = new JsonObject
                    {
                        ["id"] = $"jm-{s}-{i}", ["role"] = "assistant", ["model"] = model, ["timestamp"] = Iso(t),
                        ["token_usage"] = usage,
                    };
                    messages.Add(message);
                    copied.Add(message);
                    Expect("jcode", file, "jc-" + s, "/home/dev/jc", t, model, io, o, cr, openAiRoute ? 0 : cw, r);
                }

                Write(file, Json(new JsonObject { ["id"] = "jc-" + s, ["working_dir"] = "/home/dev/jc", ["messages"] = messages }));
            }
        }

        private void Augment()
        {
            for (var s = 0; s < 2; s++)
            {
                var file = Path.Combine(_home, ".augment", "sessions", $"aug-{s}.json");
                var history = new JsonArray();
                for (var i = 0; i < 3; i++)
                {
                    var t = Time();
                    var model = i == 2 ? null : "claude-sonnet-4-5-20250929";
                    var nodes = new JsonArray();
                    for (var k = 0; k < 2; k++)
                    {
                        var (io, o, cr, cw) = (N(10, 4000), N(10, 900), N(0, 9000), N(0, 900));
                        nodes.Add(new JsonObject { ["type"] = 0, ["content"] = "..." });
                        nodes.Add(new JsonObject { ["type"] = 10, ["token_usage"] = new JsonObject { ["input_tokens"] = io, ["output_tokens"] = o, ["cache_read_input_tokens"] = cr, ["cache_creation_input_tokens"] = cw } });
                        Expect("augment", file, "aug-" + s, "/home/dev/aug", t, model ?? "claude-haiku-4-5-20251001", io, o, cr, cw);
                    }

                    var exchange = new JsonObject { ["request_id"] = $"req-{s}-{i}", ["response_nodes"] = nodes };
                    if (model != null)
                    {
                        exchange["model_id"] = model;
                    }

                    history.Add(new JsonObject { ["finishedAt"] = Iso(t), ["exchange"] = exchange });
                }

                Write(file, Json(new JsonObject { ["sessionId"] = "aug-" + s, ["agentState"] = new JsonObject { ["modelId"] = "claude-haiku-4-5-20251001", ["workspaceRoot"] = "/home/dev/aug" }, ["chatHistory"] = history }));
            }
        }
    }
}
