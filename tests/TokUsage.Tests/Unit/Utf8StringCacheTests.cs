using System.Linq;
using System.Text;
using CsCheck;
using TokUsage.Parsing;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>The parsers' string cache: each value's bytes give that value's string, however values share its slots.</summary>
    public sealed class Utf8StringCacheTests
    {
        [Fact]
        public void EveryLookupGivesTheStringOfItsBytesAndRepeatsShareIt()
        {
            // 600 values over 256 slots: neighbours in a slot, repeats from the slot, from the dictionary and after eviction.
            var pool = Enumerable.Range(0, 600).Select(i => Encoding.UTF8.GetBytes(i % 7 == 0 ? $"modèle-{i}" : $"type_{i}")).ToArray();
            Gen.Int[0, pool.Length - 1].Array[1, 400].Sample(picks =>
            {
                var cache = new Utf8StringCache();
                var first = new string?[pool.Length];
                foreach (var pick in picks)
                {
                    var value = cache.Get(pool[pick]);
                    Assert.Equal(Encoding.UTF8.GetString(pool[pick]), value);
                    first[pick] ??= value;
                    Assert.Same(first[pick], value);
                }
            }, iter: 300);
        }
    }
}
