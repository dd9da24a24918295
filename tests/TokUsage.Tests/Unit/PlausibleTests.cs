using System;
using Xunit;
using TokUsage.Model;

namespace TokUsage.Tests.Unit
{
    /// <summary>The bounds past which a number is damage, and the checked sums behind them (issue: hostile inputs, item 2).</summary>
    public sealed class PlausibleTests
    {
        [Theory]
        [InlineData(0L, true)]
        [InlineData(1_000_000_000_000L, true)]
        [InlineData(1_000_000_000_001L, false)]
        [InlineData(long.MaxValue, false)]
        [InlineData(-1L, false)]
        public void ACountIsPlausibleUpToTenToTheTwelfth(long count, bool plausible) => Assert.Equal(plausible, Plausible.Count(count));

        [Fact]
        public void SumsOfCountsThrowInsteadOfWrapping()
        {
            var sum = new TokenCounts { Input = long.MaxValue - 5 };
            Assert.Throws<OverflowException>(() => sum.Add(new TokenCounts { Input = 10 }));
            // Inside a reader, before Plausible judges them: a total or a sum of requests past long.MaxValue stays there.
            var wide = new TokenCounts { Input = long.MaxValue / 2, Output = long.MaxValue / 2, CacheRead = 10 };
            Assert.Equal(long.MaxValue, wide.Total);
            var requests = new TokenCounts { Input = long.MaxValue - 5 };
            requests.AddSaturating(new TokenCounts { Input = 10, Output = 3 });
            Assert.Equal((long.MaxValue, 3L), (requests.Input, requests.Output));
            Assert.False(Plausible.Counts(requests));
        }

        [Fact]
        public void AmountsPastDecimalSaturateSoTheyAreReportedAsDamage()
        {
            Assert.Equal(0.25m, Plausible.Amount(0.25));
            Assert.False(Plausible.Cost(Plausible.Amount(1e30)));
            Assert.False(Plausible.Cost(Plausible.Amount(double.PositiveInfinity)));
            Assert.True(Plausible.Cost(1_000_000m));
        }
    }
}
