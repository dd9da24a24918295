using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using TokUsage.Pricing;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>Update-TokenPrice's download, validation and atomic store, against a local HTTP server.</summary>
    public sealed class PriceUpdateTests : IDisposable
    {
        private readonly LocalHttpServer _server = new LocalHttpServer();
        private readonly TempDir _dir = new TempDir();

        public void Dispose()
        {
            _server.Dispose();
            _dir.Dispose();
        }

        /// <summary>A LiteLLM-shaped table of <paramref name="models"/> chat models; claude-sonnet-4-5 costs <paramref name="sonnetInput"/> per token.</summary>
        public static byte[] LiteLlmTable(int models = 150, string sonnetInput = "4e-06")
        {
            var sb = new StringBuilder("{\"sample_spec\":{\"input_cost_per_token\":0},");
            sb.Append("\"claude-sonnet-4-5\":{\"litellm_provider\":\"anthropic\",\"mode\":\"chat\",\"input_cost_per_token\":").Append(sonnetInput)
              .Append(",\"output_cost_per_token\":1.5e-05,\"cache_read_input_token_cost\":3e-07,\"cache_creation_input_token_cost\":3.75e-06}");
            for (var i = 0; i < models; i++)
            {
                sb.Append($",\"test-model-{i}\":{{\"litellm_provider\":\"openai\",\"mode\":\"chat\",\"input_cost_per_token\":1e-06,\"output_cost_per_token\":2e-06}}");
            }

            sb.Append(",\"an-embedding\":{\"mode\":\"embedding\",\"input_cost_per_token\":1e-07}}");
            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        private string Store => _dir.Combine("cache", "TokUsage", PriceStore.FileName);

        private PriceUpdateResult Update(string path, bool force = false) =>
            PriceUpdater.Update(_server.Url(path), Store, force, TimeSpan.FromSeconds(20), CancellationToken.None);

        [Fact]
        public void AValidTableIsStoredAndUsedWithoutNetwork()
        {
            _server.Serve("/prices.json", new LocalHttpServer.Reply(200, LiteLlmTable(), "\"v1\""));
            var result = Update("/prices.json");

            Assert.True(result.Changed);
            Assert.Equal(151, result.Table.Models.Count); // sample_spec and the embedding model are not chat prices
            var stored = PriceStore.TryLoad(Store, out var problem);
            Assert.Null(problem);
            Assert.Equal(4e-06m, stored!.Models["claude-sonnet-4-5"].Input);
            Assert.Equal(_server.Url("/prices.json").AbsoluteUri, stored.Refresh!.Uri);
            Assert.Contains("Update-TokenPrice", stored.Source, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(Store)!, "*.tmp", SearchOption.AllDirectories));
        }

        [Fact]
        public void AnUnchangedTableIsNotDownloadedAgainUnlessForced()
        {
            _server.Serve("/prices.json", new LocalHttpServer.Reply(200, LiteLlmTable(), "\"v1\""));
            Update("/prices.json");
            var written = File.GetLastWriteTimeUtc(Store);

            var again = Update("/prices.json");
            Assert.False(again.Changed);
            Assert.Equal("\"v1\"", _server.Requests.Last().IfNoneMatch);
            Assert.Equal(written, File.GetLastWriteTimeUtc(Store));

            var forced = Update("/prices.json", force: true);
            Assert.True(forced.Changed);
            Assert.Null(_server.Requests.Last().IfNoneMatch);
        }

        [Theory]
        [InlineData("/truncated", "PriceDownloadFailed")]
        [InlineData("/error", "PriceDownloadFailed")]
        [InlineData("/missing", "PriceDownloadFailed")]
        [InlineData("/not-json", "InvalidPriceTable")]
        [InlineData("/too-small", "InvalidPriceTable")]
        [InlineData("/array", "InvalidPriceTable")]
        [InlineData("/absurd", "InvalidPriceTable")]
        [InlineData("/negative", "InvalidPriceTable")]
        [InlineData("/infinite", "InvalidPriceTable")]
        [InlineData("/to-file", "PriceDownloadFailed")]
        [InlineData("/to-other-host", "PriceDownloadFailed")]
        [InlineData("/loop", "PriceDownloadFailed")]
        public void AFailedRefreshLeavesThePreviousTableInForce(string path, string errorId)
        {
            // Rates no provider charges: stored, they failed every later read ("too large for a Decimal") or priced at $0.
            _server.Serve("/absurd", new LocalHttpServer.Reply(200, LiteLlmTable(sonnetInput: "7e27")));
            _server.Serve("/negative", new LocalHttpServer.Reply(200, LiteLlmTable(sonnetInput: "-3e-06")));
            _server.Serve("/infinite", new LocalHttpServer.Reply(200, LiteLlmTable(sonnetInput: "1e400")));
            // Redirects that leave http(s) or the host the user named, or never end.
            _server.Serve("/to-file", new LocalHttpServer.Reply(302, Array.Empty<byte>(), Location: "file:///etc/passwd"));
            _server.Serve("/to-other-host", new LocalHttpServer.Reply(302, Array.Empty<byte>(), Location: "http://localhost.invalid/prices.json"));
            _server.Serve("/loop", new LocalHttpServer.Reply(302, Array.Empty<byte>(), Location: "/loop"));
            _server.Serve("/good", new LocalHttpServer.Reply(200, LiteLlmTable(sonnetInput: "5e-06")));
            _server.Serve("/truncated", new LocalHttpServer.Reply(200, LiteLlmTable(sonnetInput: "9e-06"), CutAfter: 2000));
            _server.Serve("/error", new LocalHttpServer.Reply(500, Encoding.UTF8.GetBytes("upstream exploded")));
            _server.Serve("/not-json", new LocalHttpServer.Reply(200, Encoding.UTF8.GetBytes("<html>rate limited</html>")));
            _server.Serve("/too-small", new LocalHttpServer.Reply(200, LiteLlmTable(models: 3, sonnetInput: "9e-06")));
            _server.Serve("/array", new LocalHttpServer.Reply(200, Encoding.UTF8.GetBytes("[1,2,3]")));
            Update("/good");
            var before = File.ReadAllBytes(Store);

            var error = Assert.Throws<PriceUpdateException>(() => Update(path));

            Assert.Equal(errorId, error.ErrorId);
            Assert.Contains("unchanged", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllBytes(Store));
            Assert.Equal(5e-06m, PriceStore.TryLoad(Store, out _)!.Models["claude-sonnet-4-5"].Input);
        }

        [Fact]
        public void ARedirectOnTheSameHostIsFollowed()
        {
            _server.Serve("/moved", new LocalHttpServer.Reply(301, Array.Empty<byte>(), Location: "/prices.json"));
            _server.Serve("/prices.json", new LocalHttpServer.Reply(200, LiteLlmTable(sonnetInput: "6e-06")));
            Assert.Equal(6e-06m, Update("/moved").Table.Models["claude-sonnet-4-5"].Input);
        }

        [Fact]
        public void ADeviceOrAnOversizedFileIsNotAPriceTable()
        {
            var big = _dir.Combine("big.json");
            using (var stream = File.Create(big))
            {
                stream.SetLength(PriceUpdater.MaxBytes + 1);
            }

            var error = Assert.Throws<PriceUpdateException>(() => PriceUpdater.Update(new Uri(big), Store, false, TimeSpan.FromSeconds(20), CancellationToken.None));
            Assert.Equal("InvalidPriceTable", error.ErrorId);
            Assert.False(File.Exists(Store));
            if (OperatingSystem.IsLinux())
            {
                var device = Assert.Throws<PriceUpdateException>(() => PriceUpdater.Update(new Uri("file:///dev/zero"), Store, false, TimeSpan.FromSeconds(20), CancellationToken.None));
                Assert.Equal("InvalidPriceTable", device.ErrorId);
                Assert.Contains("not a regular file", device.Message, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void ATruncatedDownloadSaysHowMuchArrived()
        {
            _server.Serve("/truncated", new LocalHttpServer.Reply(200, LiteLlmTable(), CutAfter: 1000));
            var error = Assert.Throws<PriceUpdateException>(() => Update("/truncated"));
            Assert.Contains(_server.Url("/truncated").ToString(), error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Store));
        }

        [Fact]
        public void AFileUriWorksForAirGappedMachines()
        {
            var file = _dir.Combine("prices.json");
            File.WriteAllBytes(file, LiteLlmTable());
            var result = PriceUpdater.Update(new Uri(file), Store, false, TimeSpan.FromSeconds(5), CancellationToken.None);
            Assert.True(result.Changed);
            Assert.Equal(4e-06m, result.Table.Models["claude-sonnet-4-5"].Input);
        }

        [Fact]
        public void ADamagedStoredTableIsNotTrusted()
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Store)!);
            File.WriteAllText(Store, "{\"snapshot\":\"2099-01-01\",\"models\":{\"x\":{\"i\":1e-06");
            Assert.Null(PriceStore.TryLoad(Store, out var problem));
            Assert.Contains("damaged", problem, StringComparison.Ordinal);

            File.WriteAllText(Store, "{\"snapshot\":\"2099-01-01\",\"models\":{\"x\":{\"i\":1e-06}}}"); // valid JSON, but not written by Update-TokenPrice
            Assert.Null(PriceStore.TryLoad(Store, out problem));
            Assert.NotNull(problem);
        }

        [Fact]
        public void AStoredTableOlderThanTheEmbeddedSnapshotGivesWay()
        {
            var compact = PriceUpdater.Validate(LiteLlmTable(), new Uri("https://example.invalid/p.json"), new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero), null);
            var home = _dir.Combine("home");
            var env = new TokUsage.Discovery.ClientEnvironment(home, name => name == "XDG_CACHE_HOME" ? _dir.Combine("cache") : null);
            PriceStore.Save(PriceStore.StoredPath(env), compact);

            var table = PriceStore.Current(env, out var problem);

            Assert.Same(PriceTable.Embedded, table);
            Assert.Contains("older than the module's embedded snapshot", problem, StringComparison.Ordinal);
        }

        [Fact]
        public void SavingReplacesTheFileWhole()
        {
            var first = PriceUpdater.Validate(LiteLlmTable(sonnetInput: "1e-06"), new Uri("https://example.invalid/p.json"), DateTimeOffset.UtcNow, null);
            var second = PriceUpdater.Validate(LiteLlmTable(sonnetInput: "2e-06"), new Uri("https://example.invalid/p.json"), DateTimeOffset.UtcNow, null);
            PriceStore.Save(Store, first);
            PriceStore.Save(Store, second);
            Assert.Equal(second, File.ReadAllBytes(Store));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Store)!));
        }
    }
}
