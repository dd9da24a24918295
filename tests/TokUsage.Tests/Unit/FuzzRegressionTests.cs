using System;
using System.IO;
using System.Linq;
using TokUsage.Fuzz;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Unit
{
    /// <summary>
    /// The fuzz targets of tools/fuzz.sh, run once over each family's seeds and every input kept in tests/FuzzRegressions:
    /// no reader may throw on them or count what cannot be usage (docs/reliability.md).
    /// </summary>
    public sealed class FuzzRegressionTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir();

        public void Dispose() => _dir.Dispose();

        public static TheoryData<string> Families => new TheoryData<string>(FuzzTargets.Families);

        [Theory]
        [MemberData(nameof(Families))]
        public void SeedsAndSavedFindingsKeepThePromises(string family)
        {
            var targets = new FuzzTargets(_dir.Combine("work"));
            var seeds = targets.Seeds(family).ToList();
            Assert.NotEmpty(seeds);
            foreach (var (name, bytes) in seeds)
            {
                targets.Run(family, bytes);
                // Damaged forms of the same input: cut anywhere, and with a byte flipped.
                targets.Run(family, bytes.AsSpan(0, bytes.Length / 3).ToArray());
                var flipped = (byte[])bytes.Clone();
                flipped[flipped.Length / 2] ^= 0x5A;
                targets.Run(family, flipped);
            }

            var saved = Path.Combine(Repo.Root, "tests", "FuzzRegressions", family);
            foreach (var file in Directory.Exists(saved) ? Directory.GetFiles(saved) : Array.Empty<string>())
            {
                targets.Run(family, File.ReadAllBytes(file));
            }
        }
    }
}
