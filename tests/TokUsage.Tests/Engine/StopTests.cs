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

            // Stop must return at all (a hang is the failure; a loaded machine only makes it slower) and must end the
            // scan: the consumer had seen a handful of the files, and no more are written after it returns.
            var stop = new Thread(ps.Stop);
            stop.Start();
            Assert.True(stop.Join(TimeSpan.FromSeconds(60)), "Stop did not return");
            Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(async));
            var seen = output.Count;
            Thread.Sleep(500);
            Assert.Equal(seen, output.Count);
            Assert.True(seen < _home.Files.Count / 2, $"{seen} of {_home.Files.Count} files were written before the stop took effect");
        }
    }
}
