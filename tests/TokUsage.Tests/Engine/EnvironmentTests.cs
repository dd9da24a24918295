using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using TokUsage.TestData;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Engine
{
    /// <summary>Tests that set process-wide environment variables (HOME, CLAUDE_CONFIG_DIR, PSModulePath) run one at a time.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class EnvironmentCollection
    {
        public const string Name = "process environment";
    }

    [Collection(EnvironmentCollection.Name)]
    public sealed class EnvironmentTests : IDisposable
    {
        private static readonly string[] Variables = { "HOME", "CLAUDE_CONFIG_DIR", "XDG_CONFIG_HOME", "CODEX_HOME", "PSModulePath" };
        private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        private readonly TempDir _dir = new TempDir();

        public void Dispose()
        {
            foreach (var (name, value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            _dir.Dispose();
        }

        /// <summary>A small home whose history ends today (so examples with -Since find data).</summary>
        private GeneratedClaudeHome Generate(string folder, int seed, int sessions = 12) =>
            ClaudeHomeGenerator.Generate(_dir.Combine(folder), new ClaudeHomeOptions
            {
                Seed = seed, Sessions = sessions, Projects = 3, DamageRate = 0.05, Start = DateTimeOffset.UtcNow.Date.AddDays(-20), Days = 19,
            });

        [Fact]
        public void DefaultDiscoveryReadsHomeDotClaude()
        {
            var home = Generate("home", 1);
            Environment.SetEnvironmentVariable("HOME", home.Home);
            Environment.SetEnvironmentVariable("CLAUDE_CONFIG_DIR", null);
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", null);
            using var host = new PowerShellHost();
            var total = host.Run("Get-TokenUsage | Measure-TokenUsage -By Client").AssertNoErrors().Objects<GroupSummary>().Single();
            Assert.Equal(ExpectedTotals.Of(home.Messages).Total, total.TotalTokens);
        }

        [Fact]
        public void XdgConfigClaudeIsReadBesideHomeDotClaude()
        {
            var home = Generate("home", 2);
            var xdg = Generate("xdg", 3);
            Directory.Move(xdg.ClaudeDir, Path.Combine(xdg.Home, "claude"));
            Environment.SetEnvironmentVariable("HOME", home.Home);
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", xdg.Home);
            Environment.SetEnvironmentVariable("CLAUDE_CONFIG_DIR", null);
            using var host = new PowerShellHost();
            var total = host.Run("Get-TokenUsage | Measure-TokenUsage -By Client").AssertNoErrors().Objects<GroupSummary>().Single();
            Assert.Equal(ExpectedTotals.Of(home.Messages).Total + ExpectedTotals.Of(xdg.Messages).Total, total.TotalTokens);
        }

        [Fact]
        public void ClaudeConfigDirListReplacesTheDefaults()
        {
            var ignored = Generate("home", 4);
            var a = Generate("a", 5);
            var b = Generate("b", 6);
            Environment.SetEnvironmentVariable("HOME", ignored.Home);
            Environment.SetEnvironmentVariable("CLAUDE_CONFIG_DIR", $" {a.ClaudeDir} , {b.ProjectsDir} ,{_dir.Combine("missing")}");
            using var host = new PowerShellHost();
            var result = host.Run("Get-TokenUsage | Measure-TokenUsage -By Client");
            Assert.Empty(result.Errors);
            Assert.Single(result.Warnings, w => w.Contains("CLAUDE_CONFIG_DIR", StringComparison.Ordinal) && w.Contains("missing", StringComparison.Ordinal));
            var total = result.Objects<GroupSummary>().Single();
            Assert.Equal(ExpectedTotals.Of(a.Messages).Total + ExpectedTotals.Of(b.Messages).Total, total.TotalTokens);
        }
    }
}
