using System;
using System.IO;
using System.Threading;
using TokUsage.Clients.Common;
using TokUsage.Pricing;

namespace TokUsage.Clients.Agents
{
    /// <summary>
    /// Qwen Code (<c>qwen</c>): <c>~/.qwen/projects/&lt;project&gt;/chats/*.jsonl</c> (<c>QWEN_DATA_DIR</c> replaces
    /// <c>~/.qwen</c>); assistant lines carry Gemini-style <c>usageMetadata</c>. The prompt count includes cached tokens
    /// (Qwen Code is a Gemini CLI fork and its APIs report it so), so cached tokens are taken out of input — tokscale
    /// keeps them in, counting cached tokens twice.
    /// </summary>
    internal static class Qwen
    {
        public static readonly IClientSource Source = new FileClient("qwen",
            env => Roots.EnvOrHome(env, "QWEN_DATA_DIR", ".qwen", "projects"),
            path => Roots.HasExtension(path, ".jsonl"),
            Read,
            ".qwen");

        private static ParsedFile Read(SourceFile file, ReadOptions options, CancellationToken cancel)
        {
            var chats = Path.GetDirectoryName(file.Path) ?? "";
            var project = Roots.NameIs(chats, "chats") ? Path.GetFileName(Path.GetDirectoryName(chats) ?? "") : Path.GetFileName(chats);
            var result = new ParsedFile(file, project + "-" + Path.GetFileNameWithoutExtension(file.Path), project);
            var fallback = MessageRecorder.WriteTime(file);
            var sessionSet = false;
            LogFiles.ReadLines(file, options, result, cancel, line => line.IndexOf("usageMetadata"u8) >= 0, (line, _) =>
            {
                if (JsonValues.String(line, "type") != "assistant" || !JsonValues.TryObject(line, out var usage, "usageMetadata"))
                {
                    return;
                }

                var session = JsonValues.String(line, "sessionId");
                if (session != null && !sessionSet)
                {
                    result.SessionId = session;
                    sessionSet = true;
                }

                var when = JsonValues.TryTimestamp(line, out var t, "timestamp") ? t : fallback;
                result.Record(options, when, JsonValues.String(line, "model") ?? ModelNames.Unknown, Gemini.Tokens(usage));
            });

            return result;
        }
    }
}
