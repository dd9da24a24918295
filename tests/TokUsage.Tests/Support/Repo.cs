using System;
using System.IO;

namespace TokUsage.Tests.Support
{
    /// <summary>Locations in the repository and the built module.</summary>
    public static class Repo
    {
        public static string Root { get; } = FindRoot();

        /// <summary>The importable module folder laid out by the build.</summary>
        public static string ModuleDir => Path.Combine(Root, "out", "TokUsage");

        public static string Manifest => Path.Combine(ModuleDir, "TokUsage.psd1");

        /// <summary>
        /// tools/TokUsage.Host built in the configuration of this test assembly: a PowerShell host process with nothing of
        /// TokUsage preloaded.
        /// </summary>
        public static string HostDll
        {
            get
            {
                var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)).Parent?.Name ?? "Release";
                return Path.Combine(Root, "tools", "TokUsage.Host", "bin", configuration, "net10.0", "TokUsage.Host.dll");
            }
        }

        /// <summary>../shared beside the repository (read-only research and data); null when absent.</summary>
        public static string? Shared => Directory.Exists(Path.Combine(Root, "..", "shared")) ? Path.GetFullPath(Path.Combine(Root, "..", "shared")) : null;

        private static string FindRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "TokUsage.psd1")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (TokUsage.psd1) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A temporary folder deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tokusage-test-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Combine(params string[] parts) => System.IO.Path.Combine(new[] { Path }.Concat(parts));

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    internal static class ArrayConcat
    {
        public static string[] Concat(this string[] first, string[] second)
        {
            var result = new string[first.Length + second.Length];
            first.CopyTo(result, 0);
            second.CopyTo(result, first.Length);
            return result;
        }
    }
}
