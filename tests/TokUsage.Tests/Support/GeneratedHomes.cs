using System;
using System.IO;
using TokUsage.TestData;

namespace TokUsage.Tests.Support
{
    /// <summary>
    /// A generated Claude Code home shared by the tests of one class (generation is deterministic per seed).
    /// Several hundred files: resumed copies, sub-agents, progress echoes, damaged and torn lines.
    /// </summary>
    public sealed class GeneratedHomeFixture : IDisposable
    {
        private readonly TempDir _dir = new TempDir();

        public GeneratedHomeFixture()
        {
            Home = ClaudeHomeGenerator.Generate(_dir.Path, Options);
        }

        public static ClaudeHomeOptions Options => new ClaudeHomeOptions
        {
            Seed = 20261123,
            Projects = 7,
            Sessions = 260,
            SubagentRate = 0.08,
            ResumeRate = 0.25,
            DamageRate = 0.02,
            TornLastLineRate = 0.15,
        };

        public GeneratedClaudeHome Home { get; }

        public void Dispose() => _dir.Dispose();
    }
}

namespace TokUsage.Tests.Support
{
    /// <summary>A generated Codex CLI home (forks, sub-agents, archived copies, re-emitted and stale snapshots).</summary>
    public sealed class GeneratedCodexHomeFixture : IDisposable
    {
        private readonly TempDir _dir = new TempDir();

        public GeneratedCodexHomeFixture()
        {
            Home = CodexHomeGenerator.Generate(Path.Combine(_dir.Path, ".codex"), new CodexHomeOptions { Seed = 1123, Sessions = 120 });
            NoStale = CodexHomeGenerator.Generate(Path.Combine(_dir.Path, "nostale", ".codex"), new CodexHomeOptions { Seed = 1124, Sessions = 80, StaleRate = 0, RestampedForkRate = 0 });
            Restamped = CodexHomeGenerator.Generate(Path.Combine(_dir.Path, "restamped", ".codex"), new CodexHomeOptions { Seed = 1125, Sessions = 60, StaleRate = 0, RestampedForkRate = 1 });
        }

        /// <summary>Every kind of Codex record, including re-emitted and stale snapshots.</summary>
        public GeneratedCodexHome Home { get; }

        /// <summary>Forks, sub-agents, archives and re-emitted snapshots but no stale ones: where ccusage 20.0.24 is right.</summary>
        public GeneratedCodexHome NoStale { get; }

        /// <summary>Every fork writes its copied history with the fork time: where ccusage double counts fork families.</summary>
        public GeneratedCodexHome Restamped { get; }

        public void Dispose() => _dir.Dispose();
    }
}
