using System;
using System.Linq;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Engine
{
    public sealed class SmokeTests
    {
        [Fact]
        public void ModuleImportsAndExportsItsCmdlets()
        {
            using var host = new PowerShellHost();
            var names = host.Run("Get-Command -Module TokUsage | ForEach-Object Name").AssertNoErrors().Output.Select(o => o.ToString()).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "Clear-TokenUsageCache", "Export-TokenUsageReport", "Get-TokenPrice", "Get-TokenUsage", "Get-TokenUsageReport", "Get-TokenUsageSchedule", "Get-TokenUsageSource", "Get-TokenUsageStatusLine", "Measure-TokenUsage", "Register-TokenUsageSchedule", "Save-TokenUsage", "Send-TokenUsage", "Unregister-TokenUsageSchedule", "Update-TokenPrice" }, names);
        }
    }
}
