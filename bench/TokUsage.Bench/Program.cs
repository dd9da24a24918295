using System;
using BenchmarkDotNet.Running;

namespace TokUsage.Bench
{
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "corpus")
            {
                return Corpus.Run(args[1..]);
            }

            if (args.Length > 1 && args[0] == "scan")
            {
                return ScanProfile.Run(args[1..]);
            }

            if (args.Length > 1 && args[0] == "profile")
            {
                return Profile.Run(args[1..]);
            }

            if (args.Length > 1 && args[0] == "team")
            {
                return TeamSend.Run(args[1..]);
            }

            if (args.Length > 0 && args[0] == "gate")
            {
                return GateScale.Run(args[1..]);
            }

            if (args.Length > 0 && args[0] == "micro")
            {
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
                return 0;
            }

            Console.Error.WriteLine("usage: TokUsage.Bench corpus --kind claude|codex --files N --out <folder> [--seed S]\n       TokUsage.Bench micro [BenchmarkDotNet options]");
            return 2;
        }
    }
}
