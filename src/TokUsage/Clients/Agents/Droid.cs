using System;
using System.IO;
using System.Text;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;
using TokUsage.Model;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Droid by Factory (<c>droid</c>): <c>~/.factory/sessions/**/&lt;id&gt;.settings.json</c>
    /// (<c>DROID_SESSIONS_DIR</c> replaces the folder). The file holds the session's cumulative <c>tokenUsage</c>,
    /// rewritten in place, so it is one message dated at the session's last activity (the later of the file's write time
    /// and <c>providerLockTimestamp</c>). Droid's custom model labels are normalised
    /// (<c>custom:Claude-Opus-4.5-Thinking-[Anthropic]-0</c> → <c>claude-opus-4-5-thinking-0</c>). A settings file without
    /// a model takes it from the session's transcript beside it (<c>&lt;id&gt;.jsonl</c>, whose system reminder says
    /// <c>Model: Claude Opus 4.5 Thinking [Anthropic]</c>), else <c>&lt;provider&gt;-unknown</c>. One session can have
    /// several settings files (under its project folder, at the root, in an archive; one cumulative counter): only the
    /// latest is read (<see cref="ICumulativeCopies"/>, identity = the file name).
    /// </summary>
    internal static class Droid
    {
        private const string SettingsSuffix = ".settings.json";

        /// <summary>How much of a transcript is searched for the model line (it is in the first user turn).</summary>
        private const int TranscriptLinesSearched = 500;

        private const int TranscriptBytesSearched = 4 << 20;

        public static readonly IClientSource Source = new FileClient("droid",
            env => Roots.EnvOrHome(env, "DROID_SESSIONS_DIR", Path.Combine(".factory", "sessions")),
            path => path.EndsWith(SettingsSuffix, StringComparison.OrdinalIgnoreCase),
            Read,
            path => Path.GetFileName(path),
            ".factory");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var name = Path.GetFileName(file.Path);
            var result = new ParsedFile(file, name.Substring(0, name.Length - SettingsSuffix.Length), Path.GetFileName(Path.GetDirectoryName(file.Path) ?? ""));
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
            var when = MessageRecorder.WriteTime(file);
            if (JsonValues.TryTimestamp(settings, out var locked, "providerLockTimestamp") && locked > when)
            {
                when = locked;
            }

            var model = JsonValues.String(settings, "model");
            model = model != null ? Normalize(model)
                : ModelInTranscript(file.Path.Substring(0, file.Path.Length - SettingsSuffix.Length) + ".jsonl", cancel)
                    ?? ProviderUnknown(JsonValues.String(settings, "providerLock"));
            result.Record(options, when, model, tokens);
            return result;
        }

        /// <summary>
        /// The model a Droid transcript names in its system reminder (<c>Model: &lt;label&gt; [&lt;provider&gt;]</c>),
        /// normalised; null when the transcript is missing, unreadable or names none in its first lines.
        /// </summary>
        internal static string? ModelInTranscript(string transcript, CancellationToken cancel)
        {
            try
            {
                byte[] head;
                int length;
                using (var stream = new FileStream(transcript, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                    head = new byte[(int)Math.Min(stream.Length, TranscriptBytesSearched)];
                    length = 0;
                    for (int n; length < head.Length && (n = stream.Read(head, length, head.Length - length)) > 0;)
                    {
                        length += n;
                    }
                }

                cancel.ThrowIfCancellationRequested();
                using var reader = new StringReader(new UTF8Encoding(false).GetString(head, 0, length));
                for (var i = 0; i < TranscriptLinesSearched && reader.ReadLine() is { } line; i++)
                {
                    var at = line.IndexOf("Model:", StringComparison.Ordinal);
                    if (at < 0)
                    {
                        continue;
                    }

                    var end = line.IndexOfAny(LabelEnds, at + 6);
                    var label = (end < 0 ? line.Substring(at + 6) : line.Substring(at + 6, end - at - 6)).Trim();
                    if (label.Length > 0)
                    {
                        return Normalize(label);
                    }
                }
            }
            catch (Exception e) when (LogFiles.IsReadFailure(e))
            {
                // no transcript beside the settings (older sessions) or not readable: the provider's unknown model
            }

            return null;
        }

        private static readonly char[] LabelEnds = { '[', '\\', '"' };

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
                    text.Append(ch == '.' || char.IsWhiteSpace(ch) ? '-' : char.ToLowerInvariant(ch));
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
