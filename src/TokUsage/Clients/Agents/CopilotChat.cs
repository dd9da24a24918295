using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// GitHub Copilot chat in VS Code and its forks, read as part of <c>copilot</c>: the chat sessions VS Code keeps under
    /// each editor's user data, <c>User/workspaceStorage/&lt;hash&gt;/chatSessions/&lt;session&gt;.jsonl</c> (a journal),
    /// older <c>.json</c> files (the final session object) and <c>User/globalStorage/emptyWindowChatSessions/</c>. The
    /// journal is NDJSON of patches replayed into one session: kind 0 is a snapshot (<c>v</c>), kind 1 sets <c>v</c> at
    /// path <c>k</c>, kind 2 appends the list <c>v</c> at <c>k</c> (only appends to <c>["requests"]</c> add requests). A
    /// request is one call: <c>promptTokens</c>/<c>completionTokens</c> (else <c>result.metadata.promptTokens</c>/
    /// <c>outputTokens</c>), the model <c>result.metadata.resolvedModel</c> (else <c>modelId</c> without its
    /// <c>copilot/</c> prefix), thinking tokens summed over <c>result.metadata.toolCallRounds</c>; only Copilot's own
    /// requests count (a resolved model, or a <c>copilot/</c> model id). The project is the folder in the workspace's
    /// <c>workspace.json</c>. Keyed by session and request time, so a session migrated from <c>.json</c> to
    /// <c>.jsonl</c> counts once. Format from tokscale's <c>copilot_vscode.rs</c> and VS Code's <c>chatModel.ts</c>.
    /// </summary>
    internal static class CopilotChat
    {
        private static readonly string[] Editors = { "Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf" };

        /// <summary>Largest array index a patch may name (a damaged line must not make the replay allocate without end).</summary>
        private const int MaxPathIndex = 4096;

        /// <summary>Longest patch path replayed (the write descends one level per step; a crafted path must not exhaust the stack).</summary>
        private const int MaxPathLength = 64;

        /// <summary>The user-data folders of every VS Code variant on Linux, macOS and Windows, and the remote server's.</summary>
        public static IEnumerable<ScanRoot> Roots(ClientEnvironment env) =>
            Common.Roots.AppData(env).SelectMany(appData => Editors.Select(editor => Path.Combine(appData, editor, "User")))
                .Concat(new[] { Path.Combine(env.Home, ".vscode-server", "data", "User") })
                .SelectMany(user => new[] { Path.Combine(user, "workspaceStorage"), Path.Combine(user, "globalStorage", "emptyWindowChatSessions") })
                .Select(dir => new ScanRoot(dir, "default"));

        /// <summary>A chat session file: <c>*.jsonl</c> or <c>*.json</c> in a <c>chatSessions</c> or <c>emptyWindowChatSessions</c> folder.</summary>
        public static bool IsSession(string path)
        {
            var folder = Path.GetFileName(Path.GetDirectoryName(path) ?? "");
            return (string.Equals(folder, "chatSessions", StringComparison.Ordinal) || string.Equals(folder, "emptyWindowChatSessions", StringComparison.Ordinal))
                && (Common.Roots.HasExtension(path, ".jsonl") || Common.Roots.HasExtension(path, ".json"));
        }

        /// <summary>Whether a path lies in VS Code's storage (where only chat session files are Copilot's).</summary>
        public static bool IsInEditorStorage(string path) =>
            path.IndexOf("workspaceStorage", StringComparison.Ordinal) >= 0 || path.IndexOf("globalStorage", StringComparison.Ordinal) >= 0;

        public static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var session = Path.GetFileNameWithoutExtension(file.Path);
            var result = new ParsedFile(file, session, Workspace(file.Path, cancel) ?? "");
            var requests = new List<JsonNode?>();
            if (Common.Roots.HasExtension(file.Path, ".json"))
            {
                using var document = LogFiles.ReadDocument(file, options, result, cancel);
                if (document != null && JsonValues.TryArray(document.RootElement, "requests", out var all))
                {
                    requests.AddRange(all.EnumerateArray().Select(r => Prune(JsonNode.Parse(r.GetRawText()))));
                }
            }
            else
            {
                LogFiles.ReadLines(file, options, result, cancel, _ => true, (line, _) => Apply(line, requests));
            }

            var fallback = MessageRecorder.WriteTime(file);
            foreach (var request in requests.OfType<JsonObject>())
            {
                Record(request, result, options, session, fallback);
            }

            return result;
        }

        /// <summary>One journal line applied to the requests (see the class summary).</summary>
        private static void Apply(JsonElement line, List<JsonNode?> requests)
        {
            var kind = JsonValues.TryGet(line, "kind", out var k) && k.ValueKind == JsonValueKind.Number && k.TryGetInt32(out var n) ? n : -1;
            JsonValues.TryGet(line, "v", out var value);
            JsonValues.TryGet(line, "k", out var path);
            switch (kind)
            {
                case 0 when value.ValueKind == JsonValueKind.Object && JsonValues.TryArray(value, "requests", out var all):
                    requests.Clear();
                    requests.AddRange(all.EnumerateArray().Select(r => Prune(JsonNode.Parse(r.GetRawText()))));
                    return;
                case 1 when path.ValueKind == JsonValueKind.Array && path.GetArrayLength() >= 2 && path[0].ValueKind == JsonValueKind.String
                    && path[0].GetString() == "requests" && path[1].ValueKind == JsonValueKind.Number && path[1].TryGetInt32(out var index)
                    && index >= 0 && index < requests.Count && value.ValueKind != JsonValueKind.Undefined && path.GetArrayLength() <= MaxPathLength:
                    var segments = path.EnumerateArray().Skip(2).ToList();
                    requests[index] = Prune(Set(requests[index], segments, 0, JsonNode.Parse(value.GetRawText())));
                    return;
                case 2 when (path.ValueKind != JsonValueKind.Array || (path.GetArrayLength() == 1 && path[0].ValueKind == JsonValueKind.String && path[0].GetString() == "requests"))
                    && value.ValueKind == JsonValueKind.Array:
                    requests.AddRange(value.EnumerateArray().Select(r => Prune(JsonNode.Parse(r.GetRawText()))));
                    return;
            }
        }

        /// <summary><paramref name="target"/> with <paramref name="value"/> written at the path from <paramref name="at"/> on (containers are made as needed).</summary>
        private static JsonNode? Set(JsonNode? target, IReadOnlyList<JsonElement> path, int at, JsonNode? value)
        {
            if (at == path.Count)
            {
                return value;
            }

            var step = path[at];
            if (step.ValueKind == JsonValueKind.String)
            {
                var obj = target as JsonObject ?? new JsonObject();
                var name = step.GetString()!;
                var child = obj[name];
                obj.Remove(name);
                obj[name] = Set(child, path, at + 1, value);
                return obj;
            }

            if (step.ValueKind == JsonValueKind.Number && step.TryGetInt32(out var index) && index >= 0 && index <= MaxPathIndex)
            {
                var array = target as JsonArray ?? new JsonArray();
                while (array.Count <= index)
                {
                    array.Add(null);
                }

                var child = array[index];
                array[index] = null;
                array[index] = Set(child, path, at + 1, value);
                return array;
            }

            return target; // a path step that is neither a name nor a usable index: the write is dropped
        }

        /// <summary>Only what <see cref="Record"/> reads is kept: a session's request bodies (edits, responses, tool results) can be megabytes.</summary>
        private static JsonNode? Prune(JsonNode? request)
        {
            if (!(request is JsonObject obj))
            {
                return request;
            }

            foreach (var name in obj.Select(p => p.Key).Where(key => key != "promptTokens" && key != "completionTokens" && key != "timestamp" && key != "modelId" && key != "result").ToList())
            {
                obj.Remove(name);
            }

            if (obj["result"] is JsonObject result)
            {
                foreach (var name in result.Select(p => p.Key).Where(key => key != "metadata").ToList())
                {
                    result.Remove(name);
                }

                if (result["metadata"] is JsonObject metadata)
                {
                    foreach (var name in metadata.Select(p => p.Key).Where(key => key != "promptTokens" && key != "outputTokens" && key != "resolvedModel" && key != "toolCallRounds").ToList())
                    {
                        metadata.Remove(name);
                    }

                    if (metadata["toolCallRounds"] is JsonArray rounds)
                    {
                        for (var i = 0; i < rounds.Count; i++)
                        {
                            var tokens = rounds[i] is JsonObject round && round["thinking"] is JsonObject thinking ? thinking["tokens"]?.DeepClone() : null;
                            rounds[i] = new JsonObject { ["thinking"] = new JsonObject { ["tokens"] = tokens } };
                        }
                    }
                }
            }

            return obj;
        }

        private static void Record(JsonObject request, ParsedFile result, ReadOptions options, string session, DateTimeOffset fallback)
        {
            var metadata = (request["result"] as JsonObject)?["metadata"] as JsonObject;
            var prompt = Count(request["promptTokens"]) ?? Count(metadata?["promptTokens"]) ?? 0;
            var completion = Count(request["completionTokens"]) ?? Count(metadata?["outputTokens"]) ?? 0;
            var resolved = Text(metadata?["resolvedModel"]);
            var modelId = Text(request["modelId"]);
            if (resolved is null && !(modelId?.StartsWith("copilot/", StringComparison.Ordinal) ?? false))
            {
                return; // another extension's chat participant: not Copilot's usage
            }

            var model = resolved ?? modelId!.Substring("copilot/".Length);
            var thinking = (metadata?["toolCallRounds"] as JsonArray)?.Sum(round => Count(((round as JsonObject)?["thinking"] as JsonObject)?["tokens"]) ?? 0) ?? 0;
            var stamp = Count(request["timestamp"]) ?? 0;
            var when = stamp > 0 && JsonValues.TryEpoch(stamp, out var t) ? t : fallback;
            var tokens = new TokenCounts { Input = prompt, Output = completion, Reasoning = thinking };
            result.Record(options, when, model.Length == 0 ? "auto" : model, tokens,
                MessageRecorder.Key("copilot-vscode:" + session + ":" + stamp.ToString(CultureInfo.InvariantCulture)));
        }

        private static long? Count(JsonNode? node) =>
            node is JsonValue value && value.TryGetValue<JsonElement>(out var element) && JsonValues.TryCount(element, out var count) ? count : (long?)null;

        private static string? Text(JsonNode? node)
        {
            var text = node is JsonValue value && value.TryGetValue<string>(out var s) ? s.Trim() : null;
            return string.IsNullOrEmpty(text) ? null : text;
        }

        /// <summary>The folder of <c>workspaceStorage/&lt;hash&gt;/workspace.json</c> (a <c>file://</c> URI), as a path.</summary>
        private static string? Workspace(string sessionFile, CancellationToken cancel)
        {
            var hashFolder = Path.GetDirectoryName(Path.GetDirectoryName(sessionFile) ?? "");
            if (string.IsNullOrEmpty(hashFolder))
            {
                return null;
            }

            using var document = LogFiles.ReadCompanion(Path.Combine(hashFolder, "workspace.json"), cancel);
            var folder = document is null || document.RootElement.ValueKind != JsonValueKind.Object ? null : JsonValues.String(document.RootElement, "folder", "workspace");
            if (folder is null)
            {
                return null;
            }

            return Uri.TryCreate(folder, UriKind.Absolute, out var uri) && uri.IsFile ? uri.LocalPath : folder;
        }
    }
}
