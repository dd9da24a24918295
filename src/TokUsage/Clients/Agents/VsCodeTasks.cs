using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Discovery;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// The VS Code agents that log Cline's task format — Roo Code (<c>roocode</c>), Kilo Code (<c>kilocode</c>) and
    /// Cline (<c>cline</c>): <c>globalStorage/&lt;extension&gt;/tasks/&lt;task&gt;/ui_messages.json</c> under the user
    /// data folder of VS Code, VS Code Insiders, VSCodium, Cursor and Windsurf on Linux, macOS and Windows, and under
    /// <c>~/.vscode-server</c> (remote). Every <c>api_req_started</c> event's <c>text</c> is a JSON object with the
    /// request's tokens and cost. The model is the last <c>&lt;model&gt;</c> in the sibling
    /// <c>api_conversation_history.json</c>. Cline's logged cost is the provider's bill and is kept; Roo's and Kilo's are
    /// estimates and are replaced by the price table when the model is priced.
    /// </summary>
    internal static class VsCodeTasks
    {
        private static readonly string[] Editors = { "Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf" };
        // The tag as written, or with < > escaped as \u003c \u003e by a JSON writer that escapes HTML characters.
        private static readonly Regex ModelTag = new Regex(@"(?:<|\\u003[cC])model(?:>|\\u003[eE])(.+?)(?:<|\\u003[cC])/model(?:>|\\u003[eE])", RegexOptions.CultureInvariant);

        public static readonly IClientSource RooCode = Client("roocode", "rooveterinaryinc.roo-cline", costIsBill: false);
        public static readonly IClientSource KiloCode = Client("kilocode", "kilocode.kilo-code", costIsBill: false);
        /// <summary>Cline in VS Code and its forks, and Cline CLI's sessions (<see cref="ClineCli"/>).</summary>
        public static readonly IClientSource Cline = new FileClient("cline",
            env => Folders(env, "saoudrizwan.claude-dev").Concat(new[] { ClineCli.Root(env) }),
            path => Roots.NameIs(path, "ui_messages.json") || ClineCli.IsMessages(path),
            (file, options, cancel) => ClineCli.IsMessages(file.Path) ? ClineCli.Read(file, options, cancel) : Read(file, options, cancel, costIsBill: true),
            "saoudrizwan.claude-dev", ".cline");

        private static IClientSource Client(string id, string extension, bool costIsBill) => new FileClient(id,
            env => Folders(env, extension),
            path => Roots.NameIs(path, "ui_messages.json"),
            (file, options, cancel) => Read(file, options, cancel, costIsBill),
            extension);

        private static IEnumerable<ScanRoot> Folders(ClientEnvironment env, string extension) =>
            Roots.AppData(env).SelectMany(appData => Editors.Select(editor => Path.Combine(appData, editor, "User", "globalStorage", extension, "tasks")))
                .Concat(new[] { Path.Combine(env.Home, ".vscode-server", "data", "User", "globalStorage", extension, "tasks") })
                .Select(dir => new ScanRoot(dir, "default"));

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel, bool costIsBill)
        {
            var taskDir = Path.GetDirectoryName(file.Path) ?? "";
            var result = new ParsedFile(file, Path.GetFileName(taskDir), "");
            using var document = LogFiles.ReadDocument(file, options, result, cancel, JsonValueKind.Array);
            if (document is null)
            {
                return result;
            }

            var model = LastModel(Path.Combine(taskDir, "api_conversation_history.json"), cancel) ?? ModelNames.Unknown;
            var index = 0;
            foreach (var e in document.RootElement.EnumerateArray())
            {
                index++;
                if (JsonValues.String(e, "type") != "say" || JsonValues.String(e, "say") != "api_req_started"
                    || !JsonValues.TryTimestamp(e, out var when, "ts") || JsonValues.String(e, "text") is not string text)
                {
                    continue;
                }

                JsonDocument request;
                try
                {
                    request = JsonDocument.Parse(text);
                }
                catch (JsonException)
                {
                    result.Skip(index, "api_req_started text is not JSON", options.MaxSkippedSamples);
                    continue;
                }

                using (request)
                {
                    var r = request.RootElement;
                    var tokens = new TokenCounts
                    {
                        Input = JsonValues.Count(r, "tokensIn"),
                        Output = JsonValues.Count(r, "tokensOut"),
                        CacheRead = JsonValues.Count(r, "cacheReads"),
                        CacheWrite = JsonValues.Count(r, "cacheWrites"),
                    };
                    var logged = JsonValues.Amount(r, "cost");
                    var reported = costIsBill || options.Prices.Resolve(model) is null ? logged : null;
                    result.Record(options, when, model, tokens, reportedCost: reported);
                }
            }

            return result;
        }

        private static string? LastModel(string historyPath, CancellationToken cancel)
        {
            try
            {
                if (!File.Exists(historyPath))
                {
                    return null;
                }

                cancel.ThrowIfCancellationRequested();
                var matches = ModelTag.Matches(File.ReadAllText(historyPath));
                return matches.Count == 0 ? null : matches[matches.Count - 1].Groups[1].Value.Trim();
            }
            catch (Exception e) when (LogFiles.IsReadFailure(e))
            {
                return null;
            }
        }
    }
}
