using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Xunit;
using TokUsage.Aggregation;

namespace TokUsage.Tests.Unit
{
    /// <summary>
    /// Stretches of activity (issue 18) do not depend on the order messages arrive in: files come in any order, and a
    /// total row merges rows' stretches. Checked against stretches cut from the sorted instants.
    /// </summary>
    public sealed class ActivityTests
    {
        private const long Gap = 3 * TimeSpan.TicksPerMinute;

        [Fact]
        public void StretchesInAnyOrderEqualStretchesOfTheSortedInstants()
        {
            Gen.Int[0, 120].Array[1, 60].Sample(minutes =>
            {
                var instants = minutes.Select(m => m * TimeSpan.TicksPerMinute / 2).ToArray();
                var list = new StretchList(Gap);
                foreach (var t in instants)
                {
                    list.Add(t, t);
                }

                var (total, longest) = Expected(instants);
                Assert.Equal(total, list.TotalTicks);
                Assert.Equal(longest, list.LongestTicks);

                // Halves merged into one list: what a total row does with its rows.
                var left = new StretchList(Gap);
                var right = new StretchList(Gap);
                for (var i = 0; i < instants.Length; i++)
                {
                    (i % 2 == 0 ? left : right).Add(instants[i], instants[i]);
                }

                right.AddAll(left);
                Assert.Equal(total, right.TotalTicks);
                Assert.Equal(longest, right.LongestTicks);
            });
        }

        private static (long Total, long Longest) Expected(long[] instants)
        {
            var sorted = instants.OrderBy(t => t).ToArray();
            long total = 0, longest = 0, start = sorted[0], end = sorted[0];
            foreach (var t in sorted.Skip(1))
            {
                if (t - end <= Gap)
                {
                    end = t;
                    continue;
                }

                total += end - start;
                longest = Math.Max(longest, end - start);
                start = end = t;
            }

            total += end - start;
            return (total, Math.Max(longest, end - start));
        }
    }
}
