using System;
using System.Linq;
using System.Text;
using CsCheck;
using TokUsage.Parsing;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>The vectorized byte searches against plain loops, on inputs long enough to cross vector blocks.</summary>
    public sealed class ByteSearchTests
    {
        /// <summary>Mostly letters (long runs without a match), sometimes any byte.</summary>
        private static readonly Gen<byte[]> Bytes = Gen.Frequency((40, Gen.Byte[(byte)'a', (byte)'z']), (2, Gen.OneOfConst((byte)'"', (byte)'u', (byte)'e', (byte)'\n')), (1, Gen.Byte)).Array[0, 300];

        [Fact]
        public void TheStringStopSearchFindsTheFirstQuoteBackslashOrControlCharacter()
        {
            Gen.Select(Bytes, Gen.Int[0, 300]).Sample(t =>
            {
                var (bytes, start) = t;
                var expected = -1;
                for (var i = start; i < bytes.Length; i++)
                {
                    if (bytes[i] == (byte)'"' || bytes[i] == (byte)'\\' || bytes[i] < 0x20)
                    {
                        expected = i;
                        break;
                    }
                }

                Assert.Equal(expected, ByteSearch.IndexOfStringStop(bytes, start));
            }, iter: 5000);
        }

        [Fact]
        public void IndexOfFindsTheFirstOccurrence()
        {
            Gen.Select(Bytes, Gen.Int[0, 300], Gen.OneOfConst((byte)'\n', (byte)'"', (byte)0)).Sample(t =>
            {
                var (bytes, start, value) = t;
                var expected = start >= bytes.Length ? -1 : Array.IndexOf(bytes, value, start);
                Assert.Equal(expected, ByteSearch.IndexOf(bytes, start, value));
            }, iter: 5000);
        }

        [Fact]
        public void ContainsFindsTheNeedleAnywhere()
        {
            var needles = Gen.OneOfConst("\"usage\"", "token_count", "uxxe", "\"u\"e\"");
            Gen.Select(Bytes, needles, Gen.Int[0, 300], Gen.Bool).Sample(t =>
            {
                var (bytes, needleText, at, insert) = t;
                var needle = Encoding.UTF8.GetBytes(needleText);
                if (insert)
                {
                    var cut = Math.Min(at, bytes.Length);
                    bytes = bytes.Take(cut).Concat(needle).Concat(bytes.Skip(cut)).ToArray();
                }

                var expected = Encoding.Latin1.GetString(bytes).Contains(needleText, StringComparison.Ordinal);
                Assert.Equal(expected, ByteSearch.Contains(bytes, needle));
            }, iter: 5000);
        }
    }
}
