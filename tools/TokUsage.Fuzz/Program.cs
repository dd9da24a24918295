using System;
using System.IO;

namespace TokUsage.Fuzz
{
    /// <summary>
    /// <c>TokUsage.Fuzz &lt;family&gt;</c>: the AFL++ target (SharpFuzz's forkserver feeds inputs; tools/fuzz.sh runs it).
    /// <c>TokUsage.Fuzz seeds &lt;family&gt; &lt;folder&gt;</c>: writes the family's seed inputs.
    /// <c>TokUsage.Fuzz replay &lt;family&gt; &lt;file&gt;…</c>: runs saved inputs once each (a crash to reproduce).
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            var work = Environment.GetEnvironmentVariable("TOKUSAGE_FUZZ_WORK") ?? Path.Combine(Path.GetTempPath(), "tokusage-fuzz-" + Environment.ProcessId);
            if (args.Length >= 3 && args[0] == "seeds")
            {
                var targets = new FuzzTargets(work);
                Directory.CreateDirectory(args[2]);
                foreach (var (name, bytes) in targets.Seeds(args[1]))
                {
                    File.WriteAllBytes(Path.Combine(args[2], name), bytes);
                }

                return 0;
            }

            if (args.Length >= 3 && args[0] == "replay")
            {
                var targets = new FuzzTargets(work);
                for (var i = 2; i < args.Length; i++)
                {
                    targets.Run(args[1], File.ReadAllBytes(args[i]));
                    Console.WriteLine($"{args[i]}: no crash");
                }

                return 0;
            }

            if (args.Length == 1 && Array.IndexOf(FuzzTargets.Families, args[0]) >= 0)
            {
                // Instrumented code may only run once SharpFuzz has mapped AFL++'s coverage memory: the targets (which
                // touch the module while preparing) are made on the first input.
                FuzzTargets? targets = null;
                var family = args[0];
                SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
                {
                    targets ??= new FuzzTargets(work);
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    targets.Run(family, buffer.ToArray());
                });
                return 0;
            }

            Console.Error.WriteLine($"usage: TokUsage.Fuzz <{string.Join("|", FuzzTargets.Families)}> | seeds <family> <folder> | replay <family> <file>...");
            return 2;
        }
    }
}
