using System;
using System.IO;
using TokUsage.Clients;
using TokUsage.Tests.Support;
using Xunit;
using TokUsage.Discovery;

namespace TokUsage.Tests.Unit
{
    /// <summary>The suite's isolation fixture is in force: the module's default folders lie in the test home.</summary>
    public sealed class IsolationTests
    {
        [Fact]
        public void DefaultCachePriceAndLogFoldersAreInTheTestHome()
        {
            var env = ClientEnvironment.FromProcess();
            Assert.StartsWith(TestIsolation.Home, env.Home, StringComparison.Ordinal);
            Assert.StartsWith(TestIsolation.Home, Caching.UsageCache.DefaultDirectory(env), StringComparison.Ordinal);
            Assert.StartsWith(TestIsolation.Home, Pricing.PriceBook.PriceFilePath(env), StringComparison.Ordinal);
            Assert.StartsWith(TestIsolation.Home, Pricing.PriceStore.StoredPath(env), StringComparison.Ordinal);
            Assert.Null(env.Get("CLAUDE_CONFIG_DIR"));
            Assert.True(Directory.Exists(TestIsolation.Home));
        }
    }
}
