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
            var names = host.Run("Get-Command -Module TokUsage | ForEach-Object Name").AssertNoErrors().Output.Select(o => o.ToString()).OrderBy(n => n).ToArray();
            Assert.Equal(new[] { "Get-TokenUsage", "Get-TokenUsageSource", "Measure-TokenUsage" }, names);
        }
    }
}
