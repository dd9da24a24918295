using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TokUsage.Tests.Support;
using TokUsage.Tests.Unit;
using Xunit;

namespace TokUsage.Tests.Engine
{
    /// <summary>-CachePath, -NoCache and Clear-TokenUsageCache in the real engine.</summary>
    [Collection(EnvironmentCollection.Name)]
    public sealed class CacheCommandTests : IDisposable
    {
        private readonly PowerShellHost _host = new PowerShellHost();
        private readonly TempDir _dir = new TempDir();
        private readonly string? _savedCacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");

        public CacheCommandTests()
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _dir.Combine("xdg-cache"));
            Directory.CreateDirectory(_dir.Combine("logs"));
            File.WriteAllText(_dir.Combine("logs", "a.jsonl"), CacheTests.Line("m1", 10, 5) + CacheTests.Line("m2", 20, 5));
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _savedCacheHome);
            _host.Dispose();
            _dir.Dispose();
        }

        private Dictionary<string, object?> Vars => new() { ["logs"] = _dir.Combine("logs"), ["cache"] = _dir.Combine("my cache") };

        private string DefaultCache => _dir.Combine("xdg-cache", "TokUsage", "usage-cache.db");

        [Fact]
        public void TheDefaultCacheIsInTheUserCacheFolderAndVerboseAccountsForIt()
        {
            var first = _host.Run("Get-TokenUsage -Path $logs -Verbose", Vars).AssertNoErrors();
            Assert.Equal(40, first.Objects<UsageFile>().Single().TotalTokens);
            Assert.True(File.Exists(DefaultCache));
            Assert.Contains(first.Verbose, v => v.StartsWith($"Cache {DefaultCache}: 0 file(s) unchanged", StringComparison.Ordinal) && v.Contains("1 read whole", StringComparison.Ordinal));

            var second = _host.Run("Get-TokenUsage -Path $logs -Verbose", Vars).AssertNoErrors();
            Assert.Equal(40, second.Objects<UsageFile>().Single().TotalTokens);
            Assert.Contains(second.Verbose, v => v.Contains("1 file(s) unchanged, 0 read from where the last run stopped, 0 read whole (0.0 MB read)", StringComparison.Ordinal));
        }

        [Fact]
        public void NoCacheNeitherReadsNorWritesAndCachePathPicksTheFolder()
        {
            var plain = _host.Run("Get-TokenUsage -Path $logs -NoCache -Verbose", Vars).AssertNoErrors();
            Assert.Equal(40, plain.Objects<UsageFile>().Single().TotalTokens);
            Assert.DoesNotContain(plain.Verbose, v => v.StartsWith("Cache ", StringComparison.Ordinal));
            Assert.False(File.Exists(DefaultCache));

            _host.Run("Get-TokenUsage -Path $logs -CachePath $cache", Vars).AssertNoErrors();
            Assert.True(File.Exists(_dir.Combine("my cache", "usage-cache.db")));
            Assert.False(File.Exists(DefaultCache));
        }

        [Fact]
        public void ClearTokenUsageCacheHonoursWhatIfAndConfirm()
        {
            var db = _dir.Combine("my cache", "usage-cache.db");
            _host.Run("Get-TokenUsage -Path $logs -CachePath $cache", Vars).AssertNoErrors();
            Assert.True(File.Exists(db));
            File.WriteAllText(_dir.Combine("my cache", "litellm-prices.json"), "{}"); // a stored price table is not the cache

            _host.Run("Clear-TokenUsageCache -CachePath $cache -WhatIf", Vars).AssertNoErrors();
            Assert.True(File.Exists(db));

            var cleared = _host.Run("Clear-TokenUsageCache -CachePath $cache -Confirm:$false -Verbose", Vars).AssertNoErrors();
            Assert.False(File.Exists(db));
            Assert.False(File.Exists(db + "-wal"));
            Assert.True(File.Exists(_dir.Combine("my cache", "litellm-prices.json")));
            Assert.Contains(cleared.Verbose, v => v.StartsWith("Deleted the usage cache", StringComparison.Ordinal));

            // Nothing to clear is not an error; the default folder is cleared when no -CachePath is given.
            Assert.Contains(_host.Run("Clear-TokenUsageCache -CachePath $cache -Verbose", Vars).AssertNoErrors().Verbose, v => v.StartsWith("There is no usage cache", StringComparison.Ordinal));
            _host.Run("Get-TokenUsage -Path $logs", Vars).AssertNoErrors();
            Assert.True(File.Exists(DefaultCache));
            _host.Run("Clear-TokenUsageCache -Confirm:$false", Vars).AssertNoErrors();
            Assert.False(File.Exists(DefaultCache));
        }

        [Fact]
        public void ACacheThatCannotBeUsedIsAWarningWhenNamedAndTheFilesStillCount()
        {
            // A folder path below a file cannot be created.
            var blocked = _dir.Combine("logs", "a.jsonl", "cache");
            var result = _host.Run("Get-TokenUsage -Path $logs -CachePath $blocked", new Dictionary<string, object?> { ["logs"] = _dir.Combine("logs"), ["blocked"] = blocked });
            Assert.Empty(result.Errors);
            Assert.Equal(40, result.Objects<UsageFile>().Single().TotalTokens);
            Assert.Contains(result.Warnings, w => w.StartsWith($"The usage cache in '{blocked}' cannot be used", StringComparison.Ordinal));
        }
    }
}
