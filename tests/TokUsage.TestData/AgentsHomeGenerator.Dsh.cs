using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace TokUsage.TestData
{
    /// <summary>
    /// DeepSeek Harness sessions as DSH writes them: an event stream per session, one zstd frame per flush (or plain
    /// JSONL when compression is off), with a fork that copies its parent's first events, compaction summaries, reasoning
    /// inside output, a message routed without a source, a replayed row and a torn last frame.
    /// </summary>
    public sealed partial class AgentsHomeGenerator
    {
        private void Dsh()
        {
            const string cwd = "/home/dev/dsh-app";
            var folder = Path.Combine(".dsh", "sessions", "-home-dev-dsh-app");
            var parent = "dsh-parent-" + Id();
            var parentFile = Path.Combine(_home, folder, parent, "session.jsonl.zstd");
            var events = new List<string> { Json(new JsonObject { ["type"] = "session", ["version"] = 0, ["id"] = parent, ["createdAt"] = _start.ToUnixTimeMilliseconds(), ["cwd"] = cwd }) };
            var seq = 1;
            events.Add(Json(new JsonObject { ["type"] = "request/header", ["seq"] = seq++, ["time"] = _start.ToUnixTimeMilliseconds(), ["data"] = new JsonObject { ["header"] = new JsonObject { ["config"] = new JsonObject { ["provider"] = "deepseek", ["model"] = "deepseek-chat" } } } }));
            for (var i = 0; i < 6; i++)
            {
                events.Add(Json(new JsonObject { ["type"] = "user/message", ["seq"] = seq++, ["time"] = Time().ToUnixTimeMilliseconds(), ["data"] = new JsonObject { ["turn"] = i } }));
                events.Add(Step(parentFile, parent, cwd, ref seq, i, withSource: i != 2, summary: i == 4));
            }

            // A row replayed identically (same seq, time, id and counts): one call.
            events.Add(events[^1]);
            // Usage of zero and a row without a time are not calls.
            events.Add(Json(new JsonObject { ["type"] = "assistant/message", ["seq"] = seq++, ["time"] = Time().ToUnixTimeMilliseconds(), ["data"] = new JsonObject { ["usage"] = new JsonObject { ["inputTokens"] = 0, ["outputTokens"] = 0 } } }));
            events.Add(Json(new JsonObject { ["type"] = "assistant/message", ["seq"] = seq++, ["data"] = new JsonObject { ["usage"] = new JsonObject { ["inputTokens"] = 5, ["outputTokens"] = 5 } } }));
            WriteFrames(parentFile, events, framesOf: 3, tornTail: true);
            Damage("dsh");

            // A fork copies the parent's first events verbatim (same seq, time, id, usage) and says how many: only what
            // follows is its own.
            var child = "dsh-child-" + Id();
            var childFile = Path.Combine(_home, folder, child, "session.jsonl.zstd");
            var seedLength = 9;
            var copied = events.Skip(1).Where(e => (JsonNode.Parse(e)!["seq"]?.GetValue<int>() ?? int.MaxValue) < seedLength).ToList();
            var childEvents = new List<string> { Json(new JsonObject { ["type"] = "session", ["version"] = 0, ["id"] = child, ["createdAt"] = _start.ToUnixTimeMilliseconds(), ["cwd"] = cwd, ["parentSession"] = parent, ["seedLength"] = seedLength, ["origin"] = "subagent" }) };
            childEvents.AddRange(copied);
            var childSeq = seedLength;
            for (var i = 0; i < 3; i++)
            {
                childEvents.Add(Step(childFile, child, cwd, ref childSeq, 10 + i, withSource: true, summary: false));
            }

            WriteFrames(childFile, childEvents, framesOf: 2, tornTail: false);

            // Compression off: the same rows, plain.
            var plain = "dsh-plain-" + Id();
            var plainFile = Path.Combine(folder, plain, "session.jsonl");
            var plainSeq = 1;
            var plainEvents = new List<string> { Json(new JsonObject { ["type"] = "session", ["id"] = plain, ["createdAt"] = _start.ToUnixTimeMilliseconds(), ["cwd"] = "/home/dev/other" }) };
            for (var i = 0; i < 2; i++)
            {
                plainEvents.Add(Step(Path.Combine(_home, plainFile), plain, "/home/dev/other", ref plainSeq, i, withSource: true, summary: false));
            }

            WriteLines(plainFile, plainEvents);
        }

        /// <summary>One provider call (a loop step, or a compaction's summarize call) and its expectation.</summary>
        private string Step(string file, string session, string cwd, ref int seq, int turn, bool withSource, bool summary)
        {
            var t = Time();
            var model = withSource ? (_rng.Next(2) == 0 ? "deepseek-chat" : Model()) : "deepseek-chat";
            var (input, output, cacheRead, reasoning) = (N(10, 3000), N(20, 900), N(0, 20000), N(0, 15));
            var data = new JsonObject
            {
                ["turn"] = turn,
                ["usage"] = new JsonObject { ["inputTokens"] = input, ["outputTokens"] = output, ["cacheReadTokens"] = cacheRead, ["reasoningTokens"] = reasoning },
            };
            var message = new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray() };
            if (!summary)
            {
                message["id"] = Guid.NewGuid().ToString();
            }

            if (withSource)
            {
                message["source"] = new JsonObject { ["kind"] = "model", ["provider"] = "deepseek", ["model"] = model };
            }

            data["message"] = message;
            Expect("dsh", file, session, cwd, DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds()), model, input, output - reasoning, cacheRead, 0, reasoning);
            return Json(new JsonObject { ["type"] = summary ? "compaction/summary" : "assistant/message", ["seq"] = seq++, ["time"] = t.ToUnixTimeMilliseconds(), ["data"] = data });
        }

        /// <summary>Events as zstd frames of <paramref name="framesOf"/> lines each; a torn tail is half of one more frame.</summary>
        private static void WriteFrames(string path, List<string> events, int framesOf, bool tornTail)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var output = File.Create(path);
            using var compressor = new ZstdSharp.Compressor(3);
            for (var i = 0; i < events.Count; i += framesOf)
            {
                var chunk = string.Concat(events.Skip(i).Take(framesOf).Select(e => e + "\n"));
                output.Write(compressor.Wrap(Encoding.UTF8.GetBytes(chunk)).ToArray());
            }

            if (tornTail)
            {
                var lost = "{\"type\":\"assistant/message\",\"seq\":999,\"time\":1783352134832,\"data\":{\"usage\":{\"inputTokens\":7,\"outputTokens\":7}}}\n";
                var frame = compressor.Wrap(Encoding.UTF8.GetBytes(lost + lost.Replace("999", "998"))).ToArray();
                output.Write(frame, 0, frame.Length / 2);
            }
        }
    }
}
