using System;
using System.Collections.Generic;
using System.Linq;
using TokUsage.Clients.Agents;
using TokUsage.Clients.Claude;
using TokUsage.Clients.Codex;
using TokUsage.Clients.Databases;

namespace TokUsage.Clients
{
    /// <summary>The clients TokUsage can read, by id. Immutable.</summary>
    internal static class ClientRegistry
    {
        public static IReadOnlyList<IClientSource> All { get; } = new IClientSource[]
        {
            ClaudeSource.Instance, CodexSource.Instance, Gemini.Source, Qwen.Source, Kimi.Source, Amp.Source, Droid.Source, Pi.Source,
            Copilot.Source, Codebuff.Source, OpenClaw.Source, VsCodeTasks.RooCode, VsCodeTasks.KiloCode, VsCodeTasks.Cline, Mux.Source,
            Jcode.Source, Augment.Source, OpenCode.Source, OpenCode.Kilo, Hermes.Source, Goose.Source, Zed.Source, Crush.Source,
            Junie.Source, Pi.Senpi, Pi.Kimchi, Pi.Gjc, Trae.Source, Cursor.Source, OpenCode.MiMo, OpenCodeReview.Source, Mcode.Source, TencentBuddy.CodeBuddy, TencentBuddy.WorkBuddy, CherryStudio.Source, Devin.Source, Reasonix.Source, Zcode.Source, Dsh.Source, AntigravityCli.Source,
        };

        public static IReadOnlyList<string> Ids { get; } = All.Select(c => c.Id).ToArray();

        /// <summary>The clients named by <paramref name="ids"/> (any case), in registry order; every client when null.</summary>
        public static IReadOnlyList<IClientSource> Named(IReadOnlyCollection<string>? ids) =>
            ids is null ? All : All.Where(c => ids.Any(id => string.Equals(id, c.Id, StringComparison.OrdinalIgnoreCase))).ToArray();

        public static bool TryGet(string id, out IClientSource client)
        {
            client = All.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase))!;
            return client != null;
        }
    }
}
