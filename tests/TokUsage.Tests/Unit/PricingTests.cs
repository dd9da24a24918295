using System;
using System.IO;
using TokUsage.Pricing;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Unit
{
    public sealed class PricingTests
    {
        private static readonly ModelResolver Resolver = new ModelResolver(PriceTable.Embedded);

        [Theory]
        [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929")]
        [InlineData("claude-opus-4-6", "claude-opus-4-6")]
        [InlineData("anthropic/claude-opus-4-6", "claude-opus-4-6")]
        [InlineData("claude-sonnet-4.5", "claude-sonnet-4-5")]
        [InlineData("claude-opus-4-6-thinking", "claude-opus-4-6")]
        [InlineData("us.anthropic.claude-haiku-4-5-20251001-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0")] // exact Bedrock entry wins
        [InlineData("apac.anthropic.claude-opus-4-6-v1:0", "claude-opus-4-6")]
        [InlineData("claude-sonnet-4-5@20250929", "claude-sonnet-4-5-20250929")]
        [InlineData("[pi] claude-opus-4-5", "claude-opus-4-5")]
        [InlineData("claude-opus-4", "claude-opus-4-20250514")]
        [InlineData("CLAUDE-HAIKU-4-5", "claude-haiku-4-5")]
        public void ModelNamesResolveToTableEntries(string logged, string key)
        {
            Assert.Equal(key, Resolver.Resolve(logged)?.Key, StringComparer.OrdinalIgnoreCase);
        }

        [Theory]
        [InlineData("zeta-private-coder-1")]
        [InlineData("claude-opus-9-9")]
        [InlineData("<synthetic>")]
        public void UnknownModelsHaveNoPrice(string logged)
        {
            Assert.Null(Resolver.Resolve(logged));
        }

        [Fact]
        public void MatchingIsBoundaryAwareAndNeverWidensAVersion()
        {
            Assert.True(ModelResolver.ContainsAtBoundary("claude-opus-4-20250514", "claude-opus-4"));
            Assert.False(ModelResolver.ContainsAtBoundary("claude-opus-4-5", "claude-opus-4"));
            Assert.False(ModelResolver.ContainsAtBoundary("claude-opus-4.5", "claude-opus-4"));
            Assert.False(ModelResolver.ContainsAtBoundary("xclaude-opus-4", "claude-opus-4"));
            Assert.NotEqual("claude-opus-4-20250514", Resolver.Resolve("claude-opus-4-5")?.Key);
        }

        private static decimal Cost(string model, long input, long output, long cacheWrite = 0, long cacheWrite1h = 0, long cacheRead = 0, bool fast = false) =>
            CostCalculator.Cost(Resolver.Resolve(model)!, new TokenCounts { Input = input, Output = output, CacheWrite = cacheWrite, CacheWrite1h = cacheWrite1h, CacheRead = cacheRead }, fast);

        [Fact]
        public void LongContextBillsTheWholeRequestAtThePremiumRate()
        {
            // 300k input tokens of Sonnet 4.5: Anthropic bills all of them at $6/MTok once input exceeds 200k.
            // (ccusage prices 200k at $3 and 100k at $6 = $1.20; the provider bills $1.80.)
            Assert.Equal(1.8m, Cost("claude-sonnet-4-5", 300_000, 0));
            Assert.Equal(0.6m, Cost("claude-sonnet-4-5", 200_000, 0));
            // Cache reads count toward the input side and are billed at the premium cache-read rate too.
            Assert.Equal((10 * 6m + 1000 * 22.5m + 250_000 * 0.6m) / 1_000_000m, Cost("claude-sonnet-4-5", 10, 1000, cacheRead: 250_000));
        }

        [Fact]
        public void CacheWritesArePricedBy5MinuteAnd1HourTtl()
        {
            // Opus 4.5: input $5, 5m write $6.25, 1h write $10, read $0.50 per MTok.
            Assert.Equal((400 * 6.25m + 600 * 10m + 1000 * 0.5m) / 1_000_000m, Cost("claude-opus-4-5", 0, 0, cacheWrite: 1000, cacheWrite1h: 600, cacheRead: 1000));
        }

        [Fact]
        public void FastModeMultipliesByTheModelsMultiplier()
        {
            Assert.Equal(6 * Cost("claude-opus-4-6", 1000, 1000), Cost("claude-opus-4-6", 1000, 1000, fast: true));
            Assert.Equal(Cost("claude-haiku-4-5", 1000, 1000), Cost("claude-haiku-4-5", 1000, 1000, fast: true)); // no multiplier quoted
        }

        [Fact]
        public void MissingTierRatesAreDerivedFromTheInputPremium()
        {
            // claude-sonnet-4-20250514's 200k tier quotes no 1-hour write rate: 2 × base 1h rate ($6 → $12).
            Assert.Equal((100_000 * 12m + 150_000 * 0.6m) / 1_000_000m, Cost("claude-sonnet-4-20250514", 0, 0, cacheWrite: 100_000, cacheWrite1h: 100_000, cacheRead: 150_000));
        }

        [SkippableFact]
        public void EmbeddedTableIsWhatTheGeneratorMakesOfTheSnapshot()
        {
            Skip.If(Repo.Shared is null, "../shared is not beside the repository");
            var snapshot = File.ReadAllText(Path.Combine(Repo.Shared!, "pricing", "litellm-model-prices-2026-07-24.json"));
            var regenerated = TokUsage.DataGen.PriceTableWriter.Convert(snapshot, "2026-07-24");
            Assert.Equal(regenerated, File.ReadAllText(Path.Combine(Repo.Root, "src", "TokUsage", "Pricing", "litellm-prices.json")));
            Assert.Contains("2026-07-24", PriceTable.Embedded.Source, StringComparison.Ordinal);
        }

        [Fact]
        public void EmbeddedTimeZoneMapIsWhatTheGeneratorMakes()
        {
            Assert.Equal(TokUsage.DataGen.TimeZoneMapWriter.Write(), File.ReadAllText(Path.Combine(Repo.Root, "src", "TokUsage", "Aggregation", "iana-windows.tsv")));
        }
    }
}
