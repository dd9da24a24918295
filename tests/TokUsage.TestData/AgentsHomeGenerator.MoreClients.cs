using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace TokUsage.TestData
{
    /// <summary>
    /// The clients added for issue 15 (count what real logs hold): Junie, the Pi family (Senpi, Kimchi, Gajae-Code),
    /// Trae's usage dumps and Cursor's usage export, each as the agent (or tokscale's sync) writes it, with its hard
    /// cases; the expected messages are computed here from what was written.
    /// </summary>
    public sealed partial class AgentsHomeGenerator
    {
        private void Junie()
        {
            for (var s = 0; s < 2; s++)
            {
                var session = $"session-26070{s + 2}-101010";
                var file = Path.Combine(_home, ".junie", "sessions", session, "events.jsonl");
                var lines = new List<string>();
                for (var i = 0; i < 4; i++)
                {
                    var t = Time();
                    lines.Add(Json(new JsonObject { ["kind"] = "UserPromptEvent", ["timestampMs"] = t.ToUnixTimeMilliseconds(), ["prompt"] = "fix the LlmResponseMetadataEvent handling" }));
                    var usages = new JsonArray();
                    foreach (var model in i == 3 ? new[] { "gpt-5.4-mini", "claude-haiku-4-5-20251001" } : new[] { Model() })
                    {
                        var (io, o, cr, cw, r) = (N(10, 4000), N(10, 900), N(0, 9000), N(0, 900), N(0, 200));
                        // Junie's own cost estimate is not the bill: priced from the table.
                        usages.Add(new JsonObject { ["model"] = model, ["provider"] = "x", ["cost"] = 0.42, ["inputTokens"] = io, ["cacheInputTokens"] = cr, ["cacheCreateTokens"] = cw, ["outputTokens"] = o, ["reasoningTokens"] = r, ["time"] = 2500 });
                        Expect("junie", file, session, "", t, model, io, o, cr, cw, r);
                    }

                    var usageEvent = Json(new JsonObject
                    {
                        ["kind"] = "SessionA2uxEvent", ["timestampMs"] = t.ToUnixTimeMilliseconds(),
                        ["event"] = new JsonObject { ["agentEvent"] = new JsonObject { ["kind"] = "LlmResponseMetadataEvent", ["agent"] = new JsonObject { ["id"] = "main", ["name"] = "main" }, ["modelUsage"] = usages } },
                    });
                    lines.Add(usageEvent);
                    if (i == 1)
                    {
                        lines.Add(usageEvent); // replayed identically: one request
                        // A state update embeds the same event again: not usage.
                        lines.Add(Json(new JsonObject { ["kind"] = "AgentStateUpdatedEvent", ["timestampMs"] = t.ToUnixTimeMilliseconds(), ["event"] = JsonNode.Parse(usageEvent)!["event"]!.DeepClone() }));
                    }
                }

                lines.Add("{\"kind\":\"SessionA2uxEvent\",\"event\":{\"agentEvent\":{\"kind\":\"LlmResponseMetadataEvent\",\"modelUsage\":[{\"model\":"); // torn
                Damage("junie");
                WriteLines(file, lines);
            }
        }

        /// <summary>Senpi, Kimchi and Gajae-Code share Pi's session format; a continued Kimchi session copies the earlier one's messages.</summary>
        private void PiFamily()
        {
            foreach (var (client, folder) in new[] { ("senpi", Path.Combine(".senpi", "agent", "sessions")), ("kimchi", Path.Combine(".config", "kimchi", "harness", "sessions")), ("gjc", Path.Combine(".gjc", "agent", "sessions")) })
            {
                var copied = new List<string>();
                for (var s = 0; s < 2; s++)
                {
                    var session = $"{client}-ses-{s}";
                    var file = Path.Combine(_home, folder, "--home-dev-app--", $"2026-07-0{s + 1}_{session}.jsonl");
                    var lines = new List<string>
                    {
                        Json(new JsonObject { ["type"] = "title", ["title"] = "Fix" }),
                        Json(new JsonObject { ["type"] = "session", ["id"] = session, ["timestamp"] = Iso(_start), ["cwd"] = "/home/dev/app" }),
                    };
                    if (client == "kimchi")
                    {
                        lines.AddRange(copied); // a continued session carries the earlier one's messages: counted once (by responseId)
                    }

                    for (var i = 0; i < 3; i++)
                    {
                        var t = Time();
                        var model = Model();
                        var (io, o, cr, cw) = (N(10, 4000), N(10, 900), N(0, 30000), N(0, 3000));
                        var cost = client == "gjc" && i < 2 ? 0.0125m * (i + 1) : 0m; // Gajae-Code logs its bill; the last one is 0 and priced
                        var line = Json(new JsonObject
                        {
                            ["type"] = "message", ["id"] = $"a{s}{i}", ["timestamp"] = Iso(t),
                            ["message"] = new JsonObject
                            {
                                ["role"] = "assistant", ["model"] = model, ["provider"] = "x", ["responseId"] = $"resp-{client}-{s}-{i}",
                                ["usage"] = new JsonObject { ["input"] = io, ["output"] = o, ["cacheRead"] = cr, ["cacheWrite"] = cw, ["totalTokens"] = io + o + cr + cw, ["cost"] = new JsonObject { ["total"] = cost } },
                            },
                        });
                        lines.Add(line);
                        copied.Add(line);
                        Expect(client, file, session, "/home/dev/app", t, model, io, o, cr, cw, cost: client == "gjc" && cost > 0 ? cost : null);
                    }

                    WriteLines(file, lines);
                }
            }
        }

        /// <summary>
        /// Trae's usage dumps as tokscale's sync saves them: every dump repeats each session's running total, so only the
        /// latest row of a session counts; a session whose latest row is in the older dump keeps that one.
        /// </summary>
        private void Trae()
        {
            var folder = Path.Combine(_home, ".config", "tokscale", "trae-cache", "sessions");
            var older = Path.Combine(folder, "2026-07-05.json");
            var newer = Path.Combine(folder, "2026-07-09.json");
            var olderRows = new JsonArray();
            var newerRows = new JsonArray();
            JsonObject Row(string session, DateTimeOffset t, string name, string mode, decimal cost, long i, long o, long cr, long cw) => new JsonObject
            {
                ["session_id"] = session, ["usage_time"] = t.ToUnixTimeSeconds(), ["model_name"] = name, ["mode"] = mode, ["dollar_float"] = cost,
                ["extra_info"] = new JsonObject { ["input_token"] = i, ["output_token"] = o, ["cache_read_token"] = cr, ["cache_write_token"] = cw },
            };

            var sessions = new[] { ("tr-1", "GPT-5.4", "Chat"), ("tr-2", "Claude Sonnet 4.5", "Builder"), ("tr-3", "", "Auto") };
            foreach (var (session, name, mode) in sessions)
            {
                var t0 = Time();
                var (i, o, cr, cw) = (N(1000, 40000), N(100, 9000), N(0, 90000), N(0, 4000));
                olderRows.Add(Row(session, t0, name, mode, 0.10m, i, o, cr, cw));
                var model = name.Length == 0 ? "trae-" + mode.ToLowerInvariant() : name.ToLowerInvariant().Replace(' ', '-');
                if (session == "tr-3")
                {
                    Expect("trae", older, session, "", t0, model, i, o, cr, cw, cost: 0.10m); // not in the newer dump: the older row is its latest
                    continue;
                }

                var t1 = t0.AddHours(7);
                var (i2, o2, cr2, cw2) = (i + N(1, 900), o + N(1, 90), cr + N(0, 900), cw);
                newerRows.Add(Row(session, t1, name, mode, 0.25m, i2, o2, cr2, cw2));
                Expect("trae", newer, session, "", t1, model, i2, o2, cr2, cw2, cost: 0.25m);
            }

            olderRows.Add(new JsonObject { ["model_name"] = "GPT-5.4", ["usage_time"] = 1767225600 }); // no session id: damage
            Damage("trae");
            Write(older, olderRows.ToJsonString());
            Write(newer, newerRows.ToJsonString());
        }

        /// <summary>Cursor's dashboard export (the layout with Kind and Max Mode), as tokscale's sync saves it.</summary>
        private void Cursor()
        {
            var file = Path.Combine(_home, ".config", "tokscale", "cursor-cache", "usage.csv");
            var lines = new List<string> { "Date,Kind,Model,Max Mode,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,Total Tokens,Cost" };
            for (var i = 0; i < 6; i++)
            {
                var t = Time();
                var model = i % 2 == 0 ? "claude-sonnet-4-5-20250929" : "gpt-5-codex";
                var (cw, io, cr, o) = (N(0, 4000), N(10, 3000), N(0, 40000), N(10, 2000));
                var cost = i < 4 ? Math.Round(0.01m * (i + 1), 2) : 0m; // included requests cost $0.00: priced at list price
                lines.Add(string.Join(",", Quote(Iso(t)), Quote(i < 4 ? "Usage-based" : "Included"), Quote(model), Quote("No"),
                    Quote(cw.ToString(CultureInfo.InvariantCulture)), Quote(io.ToString(CultureInfo.InvariantCulture)), Quote(cr.ToString(CultureInfo.InvariantCulture)),
                    Quote(o.ToString(CultureInfo.InvariantCulture)), Quote((cw + io + cr + o).ToString(CultureInfo.InvariantCulture)),
                    Quote(cost.ToString("$0.00", CultureInfo.InvariantCulture))));
                Expect("cursor", file, "usage", "", t, model, io, o, cr, cw, cost: cost > 0 ? cost : null);
            }

            lines.Add(string.Join(",", Quote("not a date"), Quote("Included"), Quote("gpt-5-codex"), Quote("No"), "1", "1", "1", "1", "4", Quote("$0.00")));
            Damage("cursor");
            WriteLines(file, lines);
        }

        /// <summary>OpenCodeReview: a session_start with the repository, then llm_response records (one written twice).</summary>
        private void OpenCodeReview()
        {
            var file = Path.Combine(_home, ".opencodereview", "sessions", "-home-dev-review", "ocr-ses-1.jsonl");
            var lines = new List<string> { Json(new JsonObject { ["type"] = "session_start", ["sessionId"] = "ocr-ses-1", ["timestamp"] = Iso(_start), ["cwd"] = "/home/dev/review", ["model"] = "claude-sonnet-4-5-20250929" }) };
            for (var i = 0; i < 4; i++)
            {
                var t = Time();
                var model = Model();
                var (io, o, cr, cw) = (N(10, 6000), N(10, 900), N(0, 9000), N(0, 900));
                var line = Json(new JsonObject
                {
                    ["type"] = "llm_response", ["sessionId"] = "ocr-ses-1", ["timestamp"] = Iso(t), ["model"] = model, ["duration_ms"] = 1500,
                    ["usage"] = new JsonObject { ["prompt_tokens"] = io, ["completion_tokens"] = o, ["cache_read_tokens"] = cr, ["cache_write_tokens"] = cw },
                });
                lines.Add(line);
                if (i == 2)
                {
                    lines.Add(line); // written twice: one request
                }

                lines.Add(Json(new JsonObject { ["type"] = "tool_call", ["timestamp"] = Iso(t), ["name"] = "read_file" }));
                Expect("opencodereview", file, "ocr-ses-1", "/home/dev/review", t, model, io, o, cr, cw);
            }

            WriteLines(file, lines);
        }

        /// <summary>
        /// MiniMax Code headless captures as tokscale's headless runner saves them: usage events per turn, then the turn's
        /// exec.result naming the model; a second capture was cut before its result (still counted, model unknown).
        /// </summary>
        private void Mcode()
        {
            var folder = Path.Combine(_home, ".config", "tokscale", "headless", "mcode");
            for (var c = 0; c < 2; c++)
            {
                var file = Path.Combine(folder, $"capture-{c}.jsonl");
                var session = $"mc-ses-{c}";
                var lines = new List<string> { Json(new JsonObject { ["type"] = "session.started", ["sessionId"] = session }) };
                for (var turn = 0; turn < 2; turn++)
                {
                    var turnId = $"turn-{turn}";
                    var model = c == 1 && turn == 1 ? "unknown" : "MiniMax-M2.5";
                    for (var call = 0; call < 2; call++)
                    {
                        var t = Time();
                        var (io, o, cr, cw) = (N(10, 20000), N(10, 900), N(0, 9000), N(0, 900));
                        lines.Add(Json(new JsonObject
                        {
                            ["type"] = "message",
                            ["message"] = new JsonObject { ["turnId"] = turnId, ["role"] = "assistant", ["timestamp"] = t.ToUnixTimeMilliseconds(), ["usage"] = new JsonObject { ["inputTokens"] = io, ["outputTokens"] = o, ["cacheReadTokens"] = cr, ["cacheWriteTokens"] = cw, ["totalTokens"] = io + o + cr + cw } },
                        }));
                        lines.Add(Json(new JsonObject { ["type"] = "message", ["message"] = new JsonObject { ["turnId"] = turnId, ["role"] = "user", ["content"] = "go on" } }));
                        Expect("mcode", file, session, "", t, model, io, o, cr, cw);
                    }

                    if (!(c == 1 && turn == 1))
                    {
                        lines.Add(Json(new JsonObject { ["schemaVersion"] = 1, ["type"] = "exec.result", ["sessionId"] = session, ["turnId"] = turnId, ["status"] = "succeeded", ["model"] = new JsonObject { ["providerId"] = "minimax", ["modelId"] = "MiniMax-M2.5" }, ["durationMs"] = 10 }));
                    }
                }

                WriteLines(file, lines);
            }
        }

        /// <summary>
        /// CodeBuddy and WorkBuddy sessions: OpenAI-style usage whose input includes the cache hits (total = input +
        /// output); a record streamed twice under one message id (the second complete); an in-progress record; one
        /// record giving the cache misses itself; thinking tokens inside the completion count.
        /// </summary>
        private void TencentBuddy()
        {
            foreach (var client in new[] { "codebuddy", "workbuddy" })
            {
                var session = client + "-ses-1";
                var file = Path.Combine(_home, "." + client, "projects", "-home-dev-buddy", session + ".jsonl");
                var lines = new List<string> { Json(new JsonObject { ["id"] = "u1", ["timestamp"] = Ms(_start), ["type"] = "message", ["role"] = "user", ["sessionId"] = session, ["cwd"] = "/home/dev/buddy" }) };
                for (var i = 0; i < 4; i++)
                {
                    var t = Time();
                    var model = i % 2 == 0 ? "claude-haiku-4-5-20251001" : "gpt-5.4-mini";
                    var (fresh, cr, o, think) = (N(10, 20000), N(0, 15000), N(20, 900), N(0, 10));
                    var usage = i == 3
                        ? new JsonObject { ["cacheMissTokens"] = fresh, ["cacheTokens"] = cr, ["outputTokens"] = o + think, ["reasoningTokens"] = think }
                        : new JsonObject { ["input_tokens"] = fresh + cr, ["output_tokens"] = o + think, ["total_tokens"] = fresh + cr + o + think, ["cache_read_input_tokens"] = cr, ["completion_thinking_tokens"] = think };
                    JsonObject Record(JsonObject u, string status) => new JsonObject
                    {
                        ["id"] = $"a{i}", ["timestamp"] = Ms(t), ["type"] = "message", ["role"] = "assistant", ["status"] = status, ["sessionId"] = session, ["cwd"] = "/home/dev/buddy",
                        ["providerData"] = new JsonObject { ["model"] = model, ["messageId"] = $"msg-{i}" }, ["message"] = new JsonObject { ["usage"] = u },
                    };
                    if (i == 1)
                    {
                        lines.Add(Json(Record(new JsonObject { ["input_tokens"] = 5, ["output_tokens"] = 1, ["total_tokens"] = 6 }, "in_progress"))); // not yet complete
                        lines.Add(Json(Record(new JsonObject { ["input_tokens"] = fresh + cr, ["output_tokens"] = 1, ["total_tokens"] = fresh + cr + 1, ["cache_read_input_tokens"] = cr }, "completed"))); // an early snapshot
                    }

                    lines.Add(Json(Record(usage, "completed")));
                    Expect(client, file, session, "/home/dev/buddy", t, model, fresh, o, cr, reasoning: think);
                }

                WriteLines(file, lines);
            }
        }

        /// <summary>
        /// Copilot chat in VS Code: a journal session (a stub snapshot, requests appended, their results set later by
        /// path), an older plain .json session, the same session migrated to both shapes (counted once), an empty-window
        /// session, and another extension's chat participant (not Copilot's usage).
        /// </summary>
        private void CopilotChat()
        {
            var user = Path.Combine(_home, ".config", "Code", "User");
            var hash = Path.Combine(user, "workspaceStorage", "6f1c2a0d9e8b7a65");
            Write(Path.Combine(hash, "workspace.json"), Json(new JsonObject { ["folder"] = "file:///home/dev/copilot-app" }));
            Write(Path.Combine(hash, "state.vscdb.backup"), "not a session");
            Write(Path.Combine(hash, "other-extension", "log.jsonl"), "{\"not\":\"copilot\"}\n");

            JsonObject Request(DateTimeOffset t, string modelId, long prompt, long completion, long[] thinking, string? resolved) => new JsonObject
            {
                ["requestId"] = "request_" + t.ToUnixTimeMilliseconds(), ["timestamp"] = t.ToUnixTimeMilliseconds(), ["modelId"] = modelId,
                ["message"] = new JsonObject { ["text"] = "explain the parser" }, ["variableData"] = new JsonObject { ["variables"] = new JsonArray() },
                ["response"] = new JsonArray { new JsonObject { ["value"] = "It reads lines." } },
                ["result"] = new JsonObject
                {
                    ["timings"] = new JsonObject { ["totalElapsed"] = 1234 },
                    ["metadata"] = new JsonObject
                    {
                        ["promptTokens"] = prompt, ["outputTokens"] = completion, ["resolvedModel"] = resolved,
                        ["toolCallRounds"] = new JsonArray(thinking.Select(n => (JsonNode)new JsonObject { ["thinking"] = new JsonObject { ["tokens"] = n, ["text"] = "…" }, ["response"] = "ok" }).ToArray()),
                        ["toolCallResults"] = new JsonObject { ["big"] = new string('z', 200) },
                    },
                },
            };

            // A journal: the stub snapshot, then requests appended without results, then each result set by path.
            var journal = Path.Combine(hash, "chatSessions", "a1b2c3d4-journal.jsonl");
            var lines = new List<string> { Json(new JsonObject { ["kind"] = 0, ["v"] = new JsonObject { ["version"] = 3, ["sessionId"] = "a1b2c3d4-journal", ["requests"] = new JsonArray() } }) };
            for (var i = 0; i < 3; i++)
            {
                var t = Time();
                var (prompt, completion) = (N(1000, 30000), N(50, 2000));
                var thinking = new[] { N(0, 300), N(0, 300) };
                var resolved = i == 0 ? "gpt-5-codex" : null; // the others name Copilot's model only in modelId
                var model = resolved ?? "claude-sonnet-4-5-20250929";
                var full = Request(t, "copilot/" + model, prompt, completion, thinking, resolved);
                var stub = (JsonObject)full.DeepClone();
                stub.Remove("result");
                lines.Add(Json(new JsonObject { ["kind"] = 2, ["k"] = new JsonArray("requests"), ["v"] = new JsonArray(stub) }));
                lines.Add(Json(new JsonObject { ["kind"] = 1, ["k"] = new JsonArray("requests", i, "result"), ["v"] = full["result"]!.DeepClone() }));
                Expect("copilot", journal, "a1b2c3d4-journal", "/home/dev/copilot-app", t, model, prompt, completion, reasoning: thinking.Sum());
            }

            // Another extension's chat participant: its requests are not Copilot's usage.
            lines.Add(Json(new JsonObject { ["kind"] = 2, ["k"] = new JsonArray("requests"), ["v"] = new JsonArray(Request(Time(), "someext/agent", 5000, 500, Array.Empty<long>(), null)) }));
            WriteLines(journal, lines);

            // An older plain .json session, and a session present in both shapes (migrated): counted once.
            var plain = Path.Combine(hash, "chatSessions", "e5f6a7b8-plain.json");
            var migratedJson = Path.Combine(hash, "chatSessions", "c9d0e1f2-migrated.json");
            var migratedJournal = Path.Combine(hash, "chatSessions", "c9d0e1f2-migrated.jsonl");
            var plainRequests = new JsonArray();
            var migratedRequests = new JsonArray();
            for (var i = 0; i < 2; i++)
            {
                var t = Time();
                var (prompt, completion) = (N(1000, 30000), N(50, 2000));
                plainRequests.Add(Request(t, "copilot/gpt-5.4-mini", prompt, completion, Array.Empty<long>(), "gpt-5.4-mini"));
                Expect("copilot", plain, "e5f6a7b8-plain", "/home/dev/copilot-app", t, "gpt-5.4-mini", prompt, completion);
                var t2 = Time();
                var (p2, c2) = (N(1000, 30000), N(50, 2000));
                migratedRequests.Add(Request(t2, "copilot/gpt-5.4-mini", p2, c2, Array.Empty<long>(), "gpt-5.4-mini"));
                Expect("copilot", migratedJson, "c9d0e1f2-migrated", "/home/dev/copilot-app", t2, "gpt-5.4-mini", p2, c2);
            }

            Write(plain, Json(new JsonObject { ["version"] = 3, ["requests"] = plainRequests }));
            Write(migratedJson, Json(new JsonObject { ["version"] = 3, ["requests"] = migratedRequests.DeepClone() }));
            WriteLines(migratedJournal, new[] { Json(new JsonObject { ["kind"] = 0, ["v"] = new JsonObject { ["version"] = 3, ["requests"] = migratedRequests } }) });

            // A window without a folder.
            var empty = Path.Combine(user, "globalStorage", "emptyWindowChatSessions", "0f0e0d0c-empty.jsonl");
            var te = Time();
            var (pe, ce) = (N(1000, 30000), N(50, 2000));
            WriteLines(empty, new[] { Json(new JsonObject { ["kind"] = 0, ["v"] = new JsonObject { ["requests"] = new JsonArray(Request(te, "copilot/gpt-5.4-mini", pe, ce, Array.Empty<long>(), "gpt-5.4-mini")) } }) });
            Expect("copilot", empty, "0f0e0d0c-empty", "", te, "gpt-5.4-mini", pe, ce);
        }

        /// <summary>
        /// Cherry Studio's Claude Code transcripts: each call appended 3 times while streaming (new uuid, same request
        /// id, growing usage), the message id appearing only from the second copy; a component joining two requests
        /// through a reused message id; a row without identities; the same transcript in the V1 and V2 folders.
        /// </summary>
        private void CherryStudio()
        {
            var appData = Path.Combine(_home, ".config", "CherryStudio");
            var v2 = Path.Combine(appData, "Data", "Agents", ".claude", "projects", "D--repo", "cherry-ses-1.jsonl");
            var v1 = Path.Combine(appData, ".claude", "projects", "D--repo", "cherry-ses-1.jsonl");
            var lines = new List<string>();
            string Line(DateTimeOffset t, string? request, string? messageId, string uuid, string model, long i, long o, long cr, long cw)
            {
                var message = new JsonObject { ["model"] = model, ["role"] = "assistant", ["usage"] = new JsonObject { ["input_tokens"] = i, ["output_tokens"] = o, ["cache_read_input_tokens"] = cr, ["cache_creation_input_tokens"] = cw } };
                if (messageId != null)
                {
                    message["id"] = messageId;
                }

                var line = new JsonObject { ["type"] = "assistant", ["sessionId"] = "cherry-ses-1", ["uuid"] = uuid, ["timestamp"] = Iso(t), ["message"] = message };
                if (request != null)
                {
                    line["requestId"] = request;
                }

                return Json(line);
            }

            for (var c = 0; c < 3; c++)
            {
                var t = Time();
                var model = c == 2 ? "deepseek-chat" : "claude-sonnet-4-5-20250929";
                var (i, o, cr, cw) = (N(100, 9000), N(50, 900), N(0, 20000), N(0, 2000));
                lines.Add(Line(t, "req-" + c, null, $"u{c}a", model, i, o / 3, cr, cw));
                lines.Add(Line(t.AddSeconds(1), "req-" + c, "msg-" + c, $"u{c}b", model, i, o / 2, cr, cw));
                lines.Add(Line(t.AddSeconds(2), "req-" + c, "msg-" + c, $"u{c}c", model, i, o, cr, cw));
                Expect("cherrystudio", v2, "cherry-ses-1", "D--repo", t.AddSeconds(2), model, i, o, cr, cw);
            }

            // Two requests that reuse one message id: two calls, each once.
            var tr = Time();
            var (ri, ro) = (N(100, 9000), N(50, 900));
            lines.Add(Line(tr, "req-x", "msg-shared", "ux1", "claude-sonnet-4-5-20250929", ri, ro, 0, 0));
            lines.Add(Line(tr.AddSeconds(5), "req-y", "msg-shared", "uy1", "claude-sonnet-4-5-20250929", ri + 10, ro + 10, 0, 0));
            Expect("cherrystudio", v2, "cherry-ses-1", "D--repo", tr, "claude-sonnet-4-5-20250929", ri, ro);
            Expect("cherrystudio", v2, "cherry-ses-1", "D--repo", tr.AddSeconds(5), "claude-sonnet-4-5-20250929", ri + 10, ro + 10);
            lines.Add(Json(new JsonObject { ["type"] = "assistant", ["timestamp"] = Iso(tr), ["message"] = new JsonObject { ["model"] = "<synthetic>", ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 } } }));
            WriteLines(v2, lines);
            File.SetLastWriteTimeUtc(v2, _start.AddDays(20).UtcDateTime);
            WriteLines(v1, lines.Take(3)); // the pre-upgrade copy of the same transcript: read once, as the later copy
            File.SetLastWriteTimeUtc(v1, _start.AddDays(2).UtcDateTime);
        }

        /// <summary>Reasonix's daily statistics: records with and without cache_miss, thinking inside completion, turn markers.</summary>
        private void Reasonix()
        {
            for (var d = 0; d < 2; d++)
            {
                var file = Path.Combine(_home, ".reasonix", "stats", $"2026-07-0{d + 3}.jsonl");
                var lines = new List<string>();
                for (var i = 0; i < 4; i++)
                {
                    var t = Time();
                    var model = i % 2 == 0 ? "gpt-5.4-mini" : "claude-haiku-4-5-20251001";
                    var (fresh, hit, o, think) = (N(10, 9000), N(0, 20000), N(10, 900), N(0, 50));
                    var record = new JsonObject { ["ts"] = Iso(t), ["model"] = (i % 2 == 0 ? "openai/" : "anthropic/") + model, ["prompt"] = fresh + hit, ["completion"] = o + think, ["reasoning"] = think, ["cache_hit"] = hit, ["total"] = fresh + hit + o + think, ["requests"] = 1 };
                    if (i != 1)
                    {
                        record["cache_miss"] = fresh; // older records leave it out
                    }

                    lines.Add(Json(record));
                    lines.Add(Json(new JsonObject { ["ts"] = Iso(t), ["turn"] = true }));
                    Expect("reasonix", file, "reasonix-" + Path.GetFileNameWithoutExtension(file), "", t, model, fresh, o, hit, reasoning: think);
                }

                WriteLines(file, lines);
            }
        }

        /// <summary>Cline CLI: a session's manifest and messages (input including cache, Cline's bill kept, the model switching mid-session).</summary>
        private void ClineCli()
        {
            var folder = Path.Combine(_home, ".cline", "data", "sessions", "cline-cli-ses");
            Write(Path.Combine(folder, "cline-cli-ses.json"), Json(new JsonObject { ["session_id"] = "cline-cli-ses", ["provider"] = "anthropic", ["model"] = "claude-sonnet-4-5-20250929", ["workspace_root"] = "/home/dev/cline-app", ["metadata"] = new JsonObject { ["title"] = "CLI task" } }));
            var messages = new JsonArray();
            var model = "claude-sonnet-4-5-20250929";
            for (var i = 0; i < 4; i++)
            {
                var t = Time();
                messages.Add(new JsonObject { ["role"] = "user", ["ts"] = t.ToUnixTimeMilliseconds() });
                var (fresh, cr, cw, o) = (N(10, 9000), N(0, 30000), N(0, 2000), N(10, 900));
                var message = new JsonObject { ["id"] = "msg-" + i, ["role"] = "assistant", ["ts"] = t.ToUnixTimeMilliseconds(), ["metrics"] = new JsonObject { ["inputTokens"] = fresh + cr + cw, ["outputTokens"] = o, ["cacheReadTokens"] = cr, ["cacheWriteTokens"] = cw, ["cost"] = i == 3 ? 0 : 0.011 * (i + 1) } };
                if (i == 2)
                {
                    model = "gpt-5.4-mini";
                    message["modelInfo"] = new JsonObject { ["id"] = model, ["provider"] = "openai" };
                }

                messages.Add(message);
                Expect("cline", Path.Combine(folder, "cline-cli-ses.messages.json"), "cline-cli-ses", "/home/dev/cline-app", t, model, fresh, o, cr, cw, cost: i == 3 ? null : 0.011m * (i + 1));
            }

            Write(Path.Combine(folder, "cline-cli-ses.messages.json"), Json(new JsonObject { ["sessionId"] = "cline-cli-ses", ["agent"] = "lead", ["messages"] = messages }));
        }

        /// <summary>ZCode: OpenAI-shaped usage (prompt including cached), the input-style shape, the model set mid-session, a turn without usage.</summary>
        private void Zcode()
        {
            var file = Path.Combine(_home, ".zcode", "projects", "-home-dev-zapp", "zc-ses-1.jsonl");
            var lines = new List<string> { Json(new JsonObject { ["role"] = "user", ["sessionId"] = "zc-ses-1", ["content"] = "hello", ["model"] = "glm-4.6" }) };
            var model = "glm-4.6";
            for (var i = 0; i < 4; i++)
            {
                var t = Time();
                var (fresh, cached, o) = (N(10, 9000), N(0, 20000), N(10, 900));
                if (i == 2)
                {
                    model = "gpt-5.4-mini";
                }

                var usage = i % 2 == 0
                    ? new JsonObject { ["prompt_tokens"] = fresh + cached, ["completion_tokens"] = o, ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached } }
                    : new JsonObject { ["input"] = fresh, ["output"] = o, ["cache_read"] = cached };
                var entry = new JsonObject { ["role"] = "assistant", ["timestamp"] = Iso(t), ["content"] = "done", [i % 2 == 0 ? "usage" : "token_usage"] = usage };
                if (i == 2)
                {
                    entry["model"] = model;
                }

                lines.Add(Json(new JsonObject { ["role"] = "user", ["content"] = "go on" }));
                lines.Add(Json(entry));
                Expect("zcode", file, "zc-ses-1", "-home-dev-zapp", t, model, fresh, o, cached);
            }

            lines.Add(Json(new JsonObject { ["role"] = "assistant", ["timestamp"] = Iso(Time()), ["content"] = "a turn ZCode logged without usage" }));
            Damage("zcode");
            WriteLines(file, lines);
        }

        private static string Quote(string field) => "\"" + field.Replace("\"", "\"\"") + "\"";
    }
}
