using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace TokUsage.Tests.Support
{
    /// <summary>
    /// The suite's one isolation fixture: before any test runs, the process's home, cache, config and data folders point
    /// into a fresh temporary folder and the variables that name a user's logs, price file or cache are cleared, so no
    /// test (nor a host process a test starts, which inherits them) reads or writes the real user's cache, price file,
    /// store or logs. Tests that change one of these variables restore it to this isolated value.
    /// </summary>
    internal static class TestIsolation
    {
        /// <summary>The isolated home of this test run.</summary>
        public static string Home { get; private set; } = string.Empty;

        private static readonly string[] Cleared =
        {
            "CLAUDE_CONFIG_DIR", "CODEX_HOME", "TOKUSAGE_PRICE_FILE", "GEMINI_DIR", "AMP_DATA_DIR", "OPENCODE_DATA_DIR",
            "KILO_DATA_DIR", "HERMES_HOME", "GOOSE_PATH_ROOT", "COPILOT_OTEL_FILE_EXPORTER_PATH",
        };

        [ModuleInitializer]
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The suite-wide fixture must run before any test.")]
        internal static void Enter()
        {
            var root = Path.Combine(Path.GetTempPath(), "tokusage-tests-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Home = Path.Combine(root, "home");
            Directory.CreateDirectory(Home);
            Environment.SetEnvironmentVariable("HOME", Home);
            Environment.SetEnvironmentVariable("USERPROFILE", Home);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", Path.Combine(Home, ".cache"));
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", Path.Combine(Home, ".config"));
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", Path.Combine(Home, ".local", "share"));
            Environment.SetEnvironmentVariable("LOCALAPPDATA", Path.Combine(Home, "AppData", "Local"));
            Environment.SetEnvironmentVariable("APPDATA", Path.Combine(Home, "AppData", "Roaming"));
            foreach (var name in Cleared)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }
}
