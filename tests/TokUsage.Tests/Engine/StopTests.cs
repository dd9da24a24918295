using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using TokUsage.TestData;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Engine
{
    public sealed class StopTests : IClassFixture<GeneratedHomeFixture>
    {
        private readonly GeneratedClaudeHome _home;

        public StopTests(GeneratedHomeFixture fixture) => _home = fixture.Home;

        /// <summary>Ctrl+C (PowerShell.Stop) during a scan with a slow consumer returns promptly (workers are joined on dispose).</summary>
        [Fact]
        public void StopEndsARunningScanPromptly()
        {
            using var host = new PowerShellHost();
            using var ps = host.Create("Get-TokenUsage -Path $p -ThrottleLimit 2 | ForEach-Object { [System.Threading.Thread]::Sleep(200); $_ }",
                new System.Collections.Generic.Dictionary<string, object?> { ["p"] = _home.ProjectsDir });
            var output = new PSDataCollection<PSObject>();
            var firstItem = new ManualResetEventSlim();
            output.DataAdded += (_, _) => firstItem.Set();
            var async = ps.BeginInvoke<PSObject, PSObject>(null, output);
            Assert.True(firstItem.Wait(TimeSpan.FromSeconds(20)), "no output before stopping");

            var clock = Stopwatch.StartNew();
            ps.Stop();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"Stop took {clock.Elapsed}");
            Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(async));
            Assert.True(output.Count < _home.Files.Count);
        }
    }
}
