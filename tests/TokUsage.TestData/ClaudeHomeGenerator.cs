using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TokUsage.TestData
{
    /// <summary>Shape of a generated Claude Code history.</summary>
    public sealed class ClaudeHomeOptions
    {
        public int Seed { get; set; } = 42;
        public int Projects { get; set; } = 5;
        public int Sessions { get; set; } = 40;
        public int MinTurns { get; set; } = 3;
        public int MaxTurns { get; set; } = 25;
        public double SubagentRate { get; set; } = 0.15;
        public double ProgressEchoRate { get; set; } = 0.6;
        public double ResumeRate { get; set; } = 0.2;
        public double DamageRate { get; set; } = 0.01;
        public double TornLastLineRate { get; set; } = 0.1;
        public double LargeToolResultRate { get; set; } = 0.03;
        public int TypicalToolResultBytes { get; set; } = 1500;
        public int LargeToolResultBytes { get; set; } = 120_000;
        public DateTimeOffset Start { get; set; } = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

        /// <summary>Model names to write and their weights (default: a Claude Code mix). Each needs an entry in ReferencePrices.</summary>
        public IReadOnlyList<(string Model, double Weight)>? Models { get; set; }
        public int Days { get; set; } = 28;

        /// <summary>Turns of a session; null: uniform in MinTurns..MaxTurns. Benchmarks draw heavy-tailed counts here.</summary>
        public Func<Random, int>? TurnsPerSession { get; set; }
    }

    /// <summary>A generated home: where it is, and what must be counted from it.</summary>
    public sealed class GeneratedClaudeHome
    {
        public required string Home { get; init; }
        public string ClaudeDir => Path.Combine(Home, ".claude");
        public string ProjectsDir => Path.Combine(ClaudeDir, "projects");
        public required IReadOnlyCollection<ExpectedMessage> Messages { get; init; }

        /// <summary>Damaged lines written per file (what SkippedLines must say).</summary>
        public required IReadOnlyDictionary<string, long> DamagedLines { get; init; }
        public required IReadOnlyList<string> Files { get; init; }
        public required long Bytes { get; init; }

        /// <summary>Each resumed session's file and the file whose lines it starts with.</summary>
        public required IReadOnlyDictionary<string, string> ResumedFrom { get; init; }
    }

    /// <summary>
    /// Writes realistic Claude Code homes: multi-block assistant messages written as several lines with one
    /// message.id/requestId (some streamed with growing output), resumed sessions that copy an earlier session's lines
    /// into a new file, sub-agent transcripts under &lt;session&gt;/subagents/ with progress echoes in the parent, tool
    /// results of varied size (some with a Task result's own "usage"), summaries, snapshots, damaged lines and torn
    /// last lines — and records, message by message, what must be counted and by which file.
    /// </summary>
    public sealed class ClaudeHomeGenerator
    {
        private static readonly (string Model, double Weight)[] ModelMix =
        {
            ("claude-sonnet-4-5-20250929", 0.45), ("claude-opus-4-6", 0.25), ("claude-haiku-4-5-20251001", 0.15),
            ("claude-opus-4-1-20250805", 0.08), (ReferencePrices.Unpriced, 0.04), (ReferencePrices.Synthetic, 0.03),
        };

        private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        private const string Version = "2.0.14";
        private readonly ClaudeHomeOptions _o;
        private readonly Random _rng;
        private readonly Dictionary<string, ExpectedMessage> _messages = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _damaged = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<int>> _damagedLineNumbers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _messageIdsInFile = new(StringComparer.Ordinal);
        private readonly List<string> _files = new();
        private readonly ArrayBufferWriter<byte> _line = new(4096);
        private long _bytes;

        public ClaudeHomeGenerator(ClaudeHomeOptions options)
        {
            _o = options;
            _rng = new Random(options.Seed);
        }

        public static GeneratedClaudeHome Generate(string home, ClaudeHomeOptions options) => new ClaudeHomeGenerator(options).Write(home);

        private GeneratedClaudeHome Write(string home)
        {
            var projectsDir = Path.Combine(home, ".claude", "projects");
            var projects = Enumerable.Range(1, _o.Projects).Select(p => $"-home-dev-src-project-{p}").ToArray();
            var lastSessionFile = new Dictionary<string, string>();
            var resumedFrom = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var s = 0; s < _o.Sessions; s++)
            {
                var project = projects[_rng.Next(projects.Length)];
                var dir = Path.Combine(projectsDir, project);
                Directory.CreateDirectory(dir);
                var sessionId = Guid(_rng);
                var file = Path.Combine(dir, sessionId + ".jsonl");
                lastSessionFile.TryGetValue(project, out var resumeFrom);
                var resumed = _rng.NextDouble() < _o.ResumeRate ? resumeFrom : null;
                WriteSession(file, sessionId, project, resumed);
                if (resumed != null)
                {
                    resumedFrom[file] = resumed;
                }

                lastSessionFile[project] = file;
            }

            return new GeneratedClaudeHome
            {
                Home = home,
                Messages = _messages.Values.ToList(),
                DamagedLines = _damaged.Where(d => d.Value > 0).ToDictionary(d => d.Key, d => d.Value),
                Files = _files.OrderBy(f => f, StringComparer.Ordinal).ToList(),
                Bytes = _bytes,
                ResumedFrom = resumedFrom,
            };
        }

        private void WriteSession(string file, string sessionId, string project, string? resumeFrom)
        {
            var cwd = "/home/dev/src/" + project.Substring("-home-dev-src-".Length);
            var t = _o.Start.AddSeconds(_rng.NextDouble() * _o.Days * 86400);
            using var output = new SessionFile(this, file, sessionId, project);
            if (resumeFrom != null)
            {
                output.CopyValidLinesOf(resumeFrom);
                t = t.AddDays(0.01); // resumed later
            }

            if (_rng.NextDouble() < 0.3)
            {
                output.Line(w => { w.WriteString("type", "summary"); w.WriteString("summary", "Refactor the parser"); w.WriteString("leafUuid", Guid(_rng)); }, t);
            }

            var turns = _o.TurnsPerSession?.Invoke(_rng) ?? _rng.Next(_o.MinTurns, _o.MaxTurns + 1);
            string? parent = null;
            for (var turn = 0; turn < turns; turn++)
            {
                t = t.AddSeconds(5 + (_rng.NextDouble() * 600));
                parent = UserLine(output, sessionId, cwd, parent, t, "Please continue with step " + turn);
                var toolCalls = _rng.Next(0, 3);
                for (var call = 0; call <= toolCalls; call++)
                {
                    t = t.AddSeconds(2 + (_rng.NextDouble() * 40));
                    parent = Assistant(output, sessionId, cwd, parent, ref t, sidechain: false);
                    if (call < toolCalls)
                    {
                        t = t.AddSeconds(1 + (_rng.NextDouble() * 20));
                        parent = ToolResult(output, sessionId, cwd, parent, t);
                    }
                }

                if (_rng.NextDouble() < _o.SubagentRate)
                {
                    Subagent(file, output, sessionId, project, cwd, ref t);
                }

                if (_rng.NextDouble() < 0.05)
                {
                    output.Line(w => { w.WriteString("type", "file-history-snapshot"); w.WriteString("messageId", Guid(_rng)); w.WriteStartObject("snapshot"); w.WriteString("messageId", Guid(_rng)); w.WriteEndObject(); w.WriteBoolean("isSnapshotUpdate", false); }, t);
                }

                if (_rng.NextDouble() < _o.DamageRate * 3)
                {
                    output.Damaged(DamagedLine(sessionId, cwd, t));
                }
            }

            if (_rng.NextDouble() < _o.TornLastLineRate)
            {
                var line = FreshAssistantLine(sessionId, cwd, t.AddSeconds(3));
                output.Torn(line.Substring(0, CutPoint(line)));
            }
        }

        /// <summary>A sub-agent: its own transcript under &lt;session&gt;/subagents/, optionally echoed as progress lines in the parent.</summary>
        private void Subagent(string parentFile, SessionFile parentOutput, string sessionId, string project, string cwd, ref DateTimeOffset t)
        {
            var agentId = Guid(_rng).Substring(0, 8);
            var file = Path.Combine(Path.GetDirectoryName(parentFile)!, sessionId, "subagents", "agent-" + agentId + ".jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var echo = _rng.NextDouble() < _o.ProgressEchoRate;
            using var output = new SessionFile(this, file, sessionId, project);
            string? parent = null;
            var steps = _rng.Next(2, 8);
            for (var i = 0; i < steps; i++)
            {
                t = t.AddSeconds(3 + (_rng.NextDouble() * 30));
                parent = UserLine(output, sessionId, cwd, parent, t, "Subtask " + i, sidechain: true);
                t = t.AddSeconds(2 + (_rng.NextDouble() * 20));
                var m = NewMessage(t, file, sessionId, project, allowStreaming: false);
                output.Line(w => AssistantBody(w, m, sessionId, cwd, parent, sidechain: true, block: 0), m.Timestamp, m.Id);
                if (echo)
                {
                    // The parent transcript sorts before <session>/subagents/…, so its echo is the counted copy.
                    if (string.CompareOrdinal(parentFile, m.OwnerFile) < 0)
                    {
                        m.OwnerFile = parentFile;
                    }

                    parentOutput.Line(w =>
                    {
                        w.WriteString("parentUuid", Guid(_rng));
                        w.WriteBoolean("isSidechain", false);
                        w.WriteString("sessionId", sessionId);
                        w.WriteString("version", Version);
                        w.WriteString("cwd", cwd);
                        w.WriteString("type", "progress");
                        w.WriteStartObject("data");
                        w.WriteStartObject("message");
                        w.WriteString("type", "assistant");
                        w.WriteString("timestamp", Stamp(m.Timestamp));
                        w.WriteString("requestId", m.RequestId);
                        w.WritePropertyName("message");
                        MessageObject(w, m, 0, m.Output);
                        w.WriteEndObject();
                        w.WriteString("type", "agent_progress");
                        w.WriteEndObject();
                        w.WriteString("uuid", Guid(_rng));
                        w.WriteString("timestamp", Stamp(m.Timestamp));
                    }, m.Timestamp, m.Id);
                }
            }
        }

        private string UserLine(SessionFile output, string sessionId, string cwd, string? parent, DateTimeOffset t, string text, bool sidechain = false)
        {
            var uuid = Guid(_rng);
            output.Line(w =>
            {
                Envelope(w, sessionId, cwd, parent, sidechain);
                w.WriteString("type", "user");
                w.WriteStartObject("message");
                w.WriteString("role", "user");
                w.WriteString("content", text);
                w.WriteEndObject();
                w.WriteString("uuid", uuid);
                w.WriteString("timestamp", Stamp(t));
            }, t);
            return uuid;
        }

        private string ToolResult(SessionFile output, string sessionId, string cwd, string? parent, DateTimeOffset t)
        {
            var uuid = Guid(_rng);
            var size = _rng.NextDouble() < _o.LargeToolResultRate
                ? _rng.Next(_o.LargeToolResultBytes / 2, _o.LargeToolResultBytes * 2)
                : _rng.Next(_o.TypicalToolResultBytes / 4, _o.TypicalToolResultBytes * 2);
            var taskResult = _rng.NextDouble() < 0.1;
            output.Line(w =>
            {
                Envelope(w, sessionId, cwd, parent, sidechain: false);
                w.WriteString("type", "user");
                w.WriteStartObject("message");
                w.WriteString("role", "user");
                w.WriteStartArray("content");
                w.WriteStartObject();
                w.WriteString("tool_use_id", "toolu_" + Token(_rng, 24));
                w.WriteString("type", "tool_result");
                w.WriteString("content", Text(size));
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteString("uuid", uuid);
                w.WriteString("timestamp", Stamp(t));
                w.WriteStartObject("toolUseResult");
                if (taskResult)
                {
                    // A Task tool's result repeats the sub-agent's usage: not an API message of this session.
                    w.WriteString("status", "completed");
                    w.WriteNumber("totalTokens", 12345);
                    w.WriteStartObject("usage");
                    w.WriteNumber("input_tokens", 100);
                    w.WriteNumber("output_tokens", 200);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteString("stdout", "ok");
                    w.WriteString("stderr", string.Empty);
                    w.WriteBoolean("interrupted", false);
                }

                w.WriteEndObject();
            }, t);
            return uuid;
        }

        /// <summary>An assistant message written as 1–3 content-block lines (streamed ones grow their output).</summary>
        private string Assistant(SessionFile output, string sessionId, string cwd, string? parent, ref DateTimeOffset t, bool sidechain)
        {
            var blocks = _rng.Next(1, 4);
            var streamed = blocks > 1 && _rng.NextDouble() < 0.4;
            var m = NewMessage(t, output.Path, sessionId, output.Project, allowStreaming: streamed, blockCount: blocks);
            string uuid = parent ?? string.Empty;
            for (var b = 0; b < blocks; b++)
            {
                var at = t.AddMilliseconds(b * 350);
                var outputTokens = streamed && b < blocks - 1 ? Math.Min(m.Output, 1 + b) : m.Output;
                uuid = Guid(_rng);
                var lineParent = parent;
                output.Line(w => AssistantBody(w, m, sessionId, cwd, lineParent, sidechain, b, outputTokens, at), at, m.Id);
                parent = uuid;
            }

            t = t.AddMilliseconds(blocks * 350);
            return uuid;
        }

        /// <summary>
        /// A new unique message. Its counted timestamp is the first line carrying its full usage: the last line when
        /// streamed (earlier lines have less output), else the first.
        /// </summary>
        private ExpectedMessage NewMessage(DateTimeOffset t, string file, string sessionId, string project, bool allowStreaming, int blockCount = 1)
        {
            var model = Pick();
            long input = 0, output = 0, cacheRead = 0, cw5 = 0, cw1 = 0;
            var fast = false;
            if (model != ReferencePrices.Synthetic)
            {
                input = _rng.Next(1, 60);
                output = _rng.Next(blockCount + 1, 4000);
                cacheRead = _rng.NextDouble() < 0.85 ? _rng.Next(0, 150_000) : 0;
                var write = _rng.NextDouble() < 0.6 ? _rng.Next(0, 30_000) : 0;
                cw1 = _rng.NextDouble() < 0.25 ? _rng.Next(0, write + 1) : 0;
                cw5 = write - cw1;
                if ((_o.Models != null || model.StartsWith("claude-sonnet", StringComparison.Ordinal)) && _rng.NextDouble() < 0.12)
                {
                    cacheRead = _rng.Next(190_000, 420_000); // long context: some cross the 200k threshold
                }

                fast = model == "claude-opus-4-6" && _rng.NextDouble() < 0.2;
            }

            var message = new ExpectedMessage
            {
                Id = "msg_" + Token(_rng, 24),
                RequestId = "req_" + Token(_rng, 24),
                Timestamp = allowStreaming && output > 0 ? t.AddMilliseconds((blockCount - 1) * 350) : t,
                Model = model,
                Input = input,
                Output = output,
                CacheRead = cacheRead,
                CacheWrite5m = cw5,
                CacheWrite1h = cw1,
                Fast = fast,
                OwnerFile = file,
                SessionId = sessionId,
                Project = project,
            };
            _messages.Add(message.Id, message);
            return message;
        }

        private void AssistantBody(Utf8JsonWriter w, ExpectedMessage m, string sessionId, string cwd, string? parent, bool sidechain, int block, long? outputTokens = null, DateTimeOffset? at = null)
        {
            Envelope(w, sessionId, cwd, parent, sidechain);
            w.WritePropertyName("message");
            MessageObject(w, m, block, outputTokens ?? m.Output);
            w.WriteString("requestId", m.RequestId);
            w.WriteString("type", "assistant");
            w.WriteString("uuid", Guid(_rng));
            w.WriteString("timestamp", Stamp(at ?? m.Timestamp));
        }

        private void MessageObject(Utf8JsonWriter w, ExpectedMessage m, int block, long outputTokens)
        {
            w.WriteStartObject();
            w.WriteString("id", m.Id);
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", m.Model);
            w.WriteStartArray("content");
            w.WriteStartObject();
            switch (block % 3)
            {
                case 0:
                    w.WriteString("type", "text");
                    w.WriteString("text", "I'll look at the \"usage\" numbers now. " + Text(_rng.Next(40, 400)));
                    break;
                case 1:
                    w.WriteString("type", "tool_use");
                    w.WriteString("id", "toolu_" + Token(_rng, 24));
                    w.WriteString("name", "Read");
                    w.WriteStartObject("input");
                    w.WriteString("file_path", "/home/dev/src/app/main.cs");
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteString("type", "thinking");
                    w.WriteString("thinking", Text(_rng.Next(100, 800)));
                    w.WriteString("signature", Token(_rng, 64));
                    break;
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", m.Input);
            w.WriteNumber("cache_creation_input_tokens", m.CacheWrite);
            w.WriteNumber("cache_read_input_tokens", m.CacheRead);
            if (m.CacheWrite1h > 0 || (m.Id[5] % 5) != 0)
            {
                w.WriteStartObject("cache_creation");
                w.WriteNumber("ephemeral_5m_input_tokens", m.CacheWrite5m);
                w.WriteNumber("ephemeral_1h_input_tokens", m.CacheWrite1h);
                w.WriteEndObject();
            }

            w.WriteNumber("output_tokens", outputTokens);
            w.WriteString("service_tier", "standard");
            if (m.Fast)
            {
                w.WriteString("speed", "fast");
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        private static void Envelope(Utf8JsonWriter w, string sessionId, string cwd, string? parent, bool sidechain)
        {
            if (parent is null)
            {
                w.WriteNull("parentUuid");
            }
            else
            {
                w.WriteString("parentUuid", parent);
            }

            w.WriteBoolean("isSidechain", sidechain);
            w.WriteString("userType", "external");
            w.WriteString("cwd", cwd);
            w.WriteString("sessionId", sessionId);
            w.WriteString("version", Version);
            w.WriteString("gitBranch", "main");
        }

        /// <summary>A line that must be skipped and counted: garbage, a line cut mid-write, or usage with a wrongly typed count.</summary>
        private string DamagedLine(string sessionId, string cwd, DateTimeOffset t)
        {
            switch (_rng.Next(3))
            {
                case 0:
                    return "<<<<<<< HEAD";
                case 1:
                    var line = FreshAssistantLine(sessionId, cwd, t);
                    return line.Substring(0, CutPoint(line));
                default:
                    return FreshAssistantLine(sessionId, cwd, t).Replace("\"input_tokens\":", "\"input_tokens\":\"many\",\"x\":", StringComparison.Ordinal);
            }
        }

        /// <summary>A complete assistant line for a message that is never counted (used only to damage it).</summary>
        private string FreshAssistantLine(string sessionId, string cwd, DateTimeOffset t)
        {
            var ghost = new ExpectedMessage
            {
                Id = "msg_" + Token(_rng, 24), RequestId = "req_" + Token(_rng, 24), Timestamp = t, Model = "claude-haiku-4-5-20251001",
                Input = 10, Output = 20, OwnerFile = string.Empty, SessionId = sessionId, Project = string.Empty,
            };
            return Render(w => AssistantBody(w, ghost, sessionId, cwd, null, false, 0));
        }

        /// <summary>A cut point that leaves the line unmistakably torn (never ending in '}').</summary>
        private int CutPoint(string line)
        {
            var cut = _rng.Next(10, line.Length - 5);
            while (line[cut - 1] == '}' || line[cut - 1] == ' ')
            {
                cut--;
            }

            return cut;
        }

        private string Render(Action<Utf8JsonWriter> body)
        {
            _line.Clear();
            using (var w = new Utf8JsonWriter(_line, WriterOptions))
            {
                w.WriteStartObject();
                body(w);
                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(_line.WrittenSpan);
        }

        private string Pick()
        {
            var mix = _o.Models ?? ModelMix;
            var x = _rng.NextDouble() * mix.Sum(m => m.Weight);
            foreach (var (model, weight) in mix)
            {
                if ((x -= weight) <= 0)
                {
                    return model;
                }
            }

            return mix[0].Model;
        }

        private string Text(int length)
        {
            const string Words = "the parser reads lines and counts tokens while the cache keeps offsets for each file so that re-runs stay fast ";
            var sb = new StringBuilder(length + Words.Length);
            var start = _rng.Next(Words.Length);
            while (sb.Length < length)
            {
                sb.Append(Words, start, Words.Length - start);
                start = 0;
            }

            sb.Length = length;
            return sb.ToString();
        }

        private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

        private static string Guid(Random rng)
        {
            var bytes = new byte[16];
            rng.NextBytes(bytes);
            return new System.Guid(bytes).ToString();
        }

        private static string Token(Random rng, int length)
        {
            const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789";
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = Alphabet[rng.Next(Alphabet.Length)];
            }

            return new string(chars);
        }

        /// <summary>One transcript being written; records damaged lines, contained messages and sets mtime on close.</summary>
        private sealed class SessionFile : IDisposable
        {
            private readonly ClaudeHomeGenerator _g;
            private readonly FileStream _stream;
            private readonly List<string> _ids = new();
            private readonly List<int> _damagedLines = new();
            private int _lineNumber;
            private DateTimeOffset _latest = DateTimeOffset.MinValue;

            public SessionFile(ClaudeHomeGenerator generator, string path, string sessionId, string project)
            {
                _g = generator;
                Path = path;
                SessionId = sessionId;
                Project = project;
                _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
                generator._files.Add(path);
                generator._damaged[path] = 0;
            }

            public string Path { get; }

            public string SessionId { get; }

            public string Project { get; }

            public void Line(Action<Utf8JsonWriter> body, DateTimeOffset t, string? messageId = null)
            {
                Raw(_g.Render(body), terminate: true);
                if (messageId != null)
                {
                    _ids.Add(messageId);
                }

                if (t > _latest)
                {
                    _latest = t;
                }
            }

            public void Damaged(string line)
            {
                Raw(line, terminate: true);
                _damagedLines.Add(_lineNumber);
                _g._damaged[Path]++;
            }

            public void Torn(string line)
            {
                Raw(line, terminate: false);
                _damagedLines.Add(_lineNumber);
                _g._damaged[Path]++;
            }

            /// <summary>A resumed session starts with the earlier session's lines (its damaged lines left out).</summary>
            public void CopyValidLinesOf(string earlier)
            {
                var damaged = new HashSet<int>(_g._damagedLineNumbers[earlier]);
                var number = 0;
                foreach (var line in File.ReadLines(earlier))
                {
                    if (!damaged.Contains(++number))
                    {
                        Raw(line, terminate: true);
                    }
                }

                // The copies keep the original's sessionId, so the original session keeps its messages whichever file
                // name sorts first (issue 15: ownership used to follow path order, and a resumed file named by a random
                // UUID took the original's messages).
                foreach (var id in _g._messageIdsInFile[earlier])
                {
                    _ids.Add(id);
                }
            }

            public void Dispose()
            {
                _stream.Dispose();
                _g._damagedLineNumbers[Path] = _damagedLines;
                _g._messageIdsInFile[Path] = _ids.Distinct().ToList();
                if (_latest > DateTimeOffset.MinValue)
                {
                    File.SetLastWriteTimeUtc(Path, _latest.UtcDateTime);
                }
            }

            private void Raw(string line, bool terminate)
            {
                var bytes = Encoding.UTF8.GetBytes(terminate ? line + "\n" : line);
                _stream.Write(bytes, 0, bytes.Length);
                _g._bytes += bytes.Length;
                _lineNumber++;
            }
        }
    }
}
