using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using TokUsage.Clients.Common;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Droid by Factory (<c>droid</c>): <c>~/.factory/sessions/**/&lt;id&gt;.settings.json</c>
    /// (<c>DROID_SESSIONS_DIR</c> replaces the folder). The file holds the session's cumulative <c>tokenUsage</c>,
    /// rewritten in place, so it is one message dated at the session's last activity (the later of the file's write time
    /// and <c>providerLockTimestamp</c>). Droid's custom model labels are normalised
    /// (<c>custom:Claude-Opus-4.5-Thinking-[Anthropic]-0</c> → <c>claude-opus-4-5-thinking-0</c>).
    /// </summary>
    internal static class Droid
    {
        public static readonly IClientSource Source = new FileClient("droid",
            env => Roots.EnvOrHome(env, "DROID_SESSIONS_DIR", Path.Combine(".factory", "sessions")),
            path => path.EndsWith(".settings.json", StringComparison.OrdinalIgnoreCase),
            Read,
            ".factory");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var name = Path.GetFileName(file.Path);
            var result = new ParsedFile(file, name.Substring(0, name.Length - ".settings.json".Length), Path.GetFileName(Path.GetDirectoryName(file.Path) ?? ""));
            using var document = LogFiles.ReadDocument(file, options, result, cancel);
            if (document is null || !JsonValues.TryObject(document.RootElement, out var usage, "tokenUsage"))
            {
                return result;
            }

            var settings = document.RootElement;
            var tokens = new TokenCounts
            {
                Input = JsonValues.Count(usage, "inputTokens"),
                Output = JsonValues.Count(usage, "outputTokens"),
                CacheRead = JsonValues.Count(usage, "cacheReadTokens"),
                CacheWrite = JsonValues.Count(usage, "cacheCreationTokens"),
                Reasoning = JsonValues.Count(usage, "thinkingTokens"),
            };
            var when = Recording.WriteTime(file);
            if (JsonValues.TryTimestamp(settings, out var locked, "providerLockTimestamp") && locked > when)
            {
                when = locked;
            }

            var model = JsonValues.String(settings, "model");
            model = model is null ? ProviderUnknown(JsonValues.String(settings, "providerLock")) : Normalize(model);
            result.Record(options, when, model, tokens);
            return result;
        }

        internal static string Normalize(string model)
        {
            var s = model.StartsWith("custom:", StringComparison.OrdinalIgnoreCase) ? model.Substring(7) : model;
            var text = new StringBuilder(s.Length);
            var depth = 0;
            foreach (var ch in s)
            {
                if (ch == '[')
                {
                    depth++;
                }
                else if (ch == ']')
                {
                    depth = Math.Max(0, depth - 1);
                }
                else if (depth == 0)
                {
                    text.Append(ch == '.' ? '-' : char.ToLowerInvariant(ch));
                }
            }

            var result = text.ToString();
            while (result.Contains("--"))
            {
                result = result.Replace("--", "-");
            }

            result = result.Trim('-');
            return result.Length == 0 ? ModelNames.Unknown : result;
        }

        private static string ProviderUnknown(string? provider) => provider is null ? ModelNames.Unknown : provider.ToLowerInvariant() + "-unknown";
    }
}
