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
