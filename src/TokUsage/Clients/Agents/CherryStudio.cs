using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Cherry Studio (<c>cherrystudio</c>): its agent sessions are Claude Code transcripts under its app-data folder,
    /// <c>CherryStudio/Data/Agents/.claude/projects/&lt;workspace&gt;/&lt;session&gt;.jsonl</c> (V1 without
    /// <c>Data/Agents</c>; a transcript in both, same relative path, is read once: the later copy). Unlike Claude Code,
    /// Cherry Studio appends one API call 3–4 times while it streams (new <c>uuid</c>, the same <c>requestId</c>, the
    /// usage growing) and may change <c>message.id</c> between those copies, so records are joined through any shared
    /// identity (request id, message id, uuid) once the whole transcript is read, and each joined call counts once, each
    /// bucket at its largest. A group joining several request ids is several calls (a reused lower identity): each
    /// request counts once and rows without a request id count alone. Format and rule from tokscale's
    /// <c>cherrystudio.rs</c> (checked there against DeepSeek's hourly billing).
    /// </summary>
    internal static class CherryStudio
    {
        public static readonly IClientSource Source = new FileClient("cherrystudio",
            env => Roots.AppData(env).SelectMany(appData => new[]
            {
                new ScanRoot(Path.Combine(appData, "CherryStudio", "Data", "Agents", ".claude", "projects"), "default"),
                new ScanRoot(Path.Combine(appData, "CherryStudio", ".claude", "projects"), "default"),
            }),
            path => Roots.HasExtension(path, ".jsonl"),
            Read,
            RelativeTranscript,
            "CherryStudio") { MarkersEnclose = true };

        /// <summary>A transcript's path below <c>.claude/projects</c>: the same in the V1 and V2 folders.</summary>
        private static string? RelativeTranscript(string path)
        {
            var at = path.Replace('\\', '/').LastIndexOf("/.claude/projects/", StringComparison.Ordinal);
            return at < 0 ? null : path.Substring(at + "/.claude/projects/".Length);
        }

        private sealed class Row
        {
            public int Index;
            public string? Request;
            public List<string> Aliases = new List<string>();
            public DateTimeOffset When;
            public string Model = "";
            public TokenCounts Tokens;
            public long Line;
        }

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var session = Path.GetFileNameWithoutExtension(file.Path);
            var workspace = Path.GetFileName(Path.GetDirectoryName(file.Path) ?? "");
            var result = new ParsedFile(file, session, workspace);
            var fallback = MessageRecorder.WriteTime(file);
            var rows = new List<Row>();
            LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("\"usage\""u8) >= 0, (line, number) =>
            {
                if (JsonValues.String(line, "type") != "assistant" || !JsonValues.TryObject(line, out var message, "message")
                    || !JsonValues.TryObject(message, out var usage, "usage"))
                {
                    return;
                }

                var model = JsonValues.String(message, "model")?.Trim();
                if (string.IsNullOrEmpty(model) || model == "<synthetic>" || string.Equals(model, "unknown", StringComparison.OrdinalIgnoreCase))
                {
                    return; // Cherry Studio's local notices, not API calls
                }

                var row = new Row
                {
                    Index = rows.Count,
                    Request = JsonValues.String(line, "requestId") ?? JsonValues.String(message, "requestId"),
                    When = JsonValues.TryTimestamp(line, out var t, "timestamp") ? t : fallback,
                    Model = model!,
                    Tokens = new TokenCounts
                    {
                        Input = JsonValues.Count(usage, "input_tokens"),
                        Output = JsonValues.Count(usage, "output_tokens"),
                        CacheRead = JsonValues.Count(usage, "cache_read_input_tokens"),
                        CacheWrite = JsonValues.Count(usage, "cache_creation_input_tokens"),
                    },
                    Line = number,
                };
                if (row.Tokens.Total == 0)
                {
                    return;
                }

                if (row.Request != null)
                {
                    row.Aliases.Add("request:" + row.Request);
                }

                if (JsonValues.String(message, "id") is { } id)
                {
                    row.Aliases.Add("message:" + id);
                }

                if ((JsonValues.String(line, "uuid") ?? JsonValues.String(message, "uuid")) is { } uuid)
                {
                    row.Aliases.Add("uuid:" + uuid);
                }

                rows.Add(row);
            });

            foreach (var call in Calls(rows))
            {
                var request = call.Select(r => r.Request).FirstOrDefault(r => r != null);
                var alias = call.SelectMany(r => r.Aliases).FirstOrDefault();
                var key = request != null ? "cherrystudio:request:" + request : alias != null ? "cherrystudio:" + session + ":" + alias : null;
                var latest = call.OrderBy(r => r.When).ThenBy(r => r.Index).Last();
                var tokens = call[0].Tokens;
                foreach (var r in call)
                {
                    tokens.MaxWith(r.Tokens);
                }

                result.Record(options, latest.When, latest.Model, tokens, key is null ? null : MessageRecorder.Key(key), line: call[0].Line);
            }

            return result;
        }

        /// <summary>The rows grouped into calls (see the class summary), in the order each call's first row came.</summary>
        private static List<List<Row>> Calls(List<Row> rows)
        {
            var parent = Enumerable.Range(0, rows.Count).ToArray();
            int Find(int i)
            {
                var root = i;
                while (parent[root] != root)
                {
                    root = parent[root];
                }

                while (parent[i] != root)
                {
                    var next = parent[i];
                    parent[i] = root;
                    i = next;
                }

                return root;
            }

            var firstWithAlias = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                foreach (var alias in row.Aliases)
                {
                    if (firstWithAlias.TryGetValue(alias, out var other))
                    {
                        var (a, b) = (Find(row.Index), Find(other));
                        if (a != b)
                        {
                            parent[Math.Max(a, b)] = Math.Min(a, b); // the earliest row is the root: order stays first-seen
                        }
                    }
                    else
                    {
                        firstWithAlias.Add(alias, row.Index);
                    }
                }
            }

            var calls = new List<List<Row>>();
            foreach (var component in rows.GroupBy(r => Find(r.Index)).OrderBy(g => g.Key))
            {
                var requests = component.Where(r => r.Request != null).Select(r => r.Request).Distinct(StringComparer.Ordinal).Count();
                if (requests <= 1)
                {
                    calls.Add(component.ToList());
                    continue;
                }

                // Several requests joined by a reused lower identity: each request is a call; a row without a request
                // could belong to any of them and counts alone rather than being guessed onto one.
                calls.AddRange(component.Where(r => r.Request != null).GroupBy(r => r.Request, StringComparer.Ordinal).Select(g => g.ToList()));
                calls.AddRange(component.Where(r => r.Request is null).Select(r => new List<Row> { r }));
            }

            return calls.OrderBy(c => c.Min(r => r.Index)).ToList();
        }
    }
}
