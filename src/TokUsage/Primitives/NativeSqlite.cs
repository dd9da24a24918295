using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TokUsage.Primitives
{
    /// <summary>
    /// Loads the module's own native SQLite engine (<c>runtimes/&lt;rid&gt;/native/</c> in the module folder) and hands it
    /// to SQLitePCLRaw, once per process, before the first database is opened.
    /// <para>Why: no PowerShell host probes a module's <c>runtimes/</c> folder — PowerShell 7 only knows its own
    /// deps.json, Windows PowerShell 5.1 only the DLL search path — so the module picks the file for the running OS and
    /// architecture itself: on .NET (PowerShell 7) it loads it with <c>NativeLibrary.Load</c> and answers the provider's
    /// <c>DllImport("e_sqlite3")</c> through <c>NativeLibrary.SetDllImportResolver</c>; on .NET Framework it preloads it
    /// with <c>LoadLibrary</c>, which makes the later <c>DllImport</c> bind to the module already in the process.
    /// Both APIs are reached by reflection/P/Invoke because the module is compiled against netstandard2.0.</para>
    /// <para>Threads: <see cref="EnsureLoaded()"/> may be called from any worker; the first call does the work under a
    /// lock, later calls return at once. A failed load is tried again by the next call (a database of a later run, or
    /// of the same run), so a moment's missing file does not disable databases for the rest of the session.</para>
    /// </summary>
    internal static class NativeSqlite
    {
        private const string LibraryName = "e_sqlite3";

        /// <summary>Windows PowerShell 5.1 (.NET Framework), where the engine is preloaded with LoadLibrary.</summary>
        private static bool IsNetFramework => RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
        private static readonly object Gate = new object();
        private static bool _loaded;
        private static IntPtr _handle;

        /// <summary>Full path of the engine the module loaded; null until loaded, or when the host's own probing found it.</summary>
        public static string? LoadedFrom { get; private set; }

        /// <summary>The runtime identifier whose engine this process needs (<c>linux-x64</c>, <c>win-arm64</c>, <c>linux-musl-x64</c>…).</summary>
        public static string RuntimeIdentifier
        {
            get
            {
                string os;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    os = "win";
                }
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    os = "osx";
                }
                else
                {
                    os = IsMusl() ? "linux-musl" : "linux";
                }

                switch (RuntimeInformation.ProcessArchitecture)
                {
                    case Architecture.X86: return os + "-x86";
                    case Architecture.Arm: return os + "-arm";
                    case Architecture.Arm64: return os + "-arm64";
                    default: return os + "-x64";
                }
            }
        }

        /// <summary>File name of the engine on this OS.</summary>
        public static string FileName =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? LibraryName + ".dll"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "lib" + LibraryName + ".dylib"
            : "lib" + LibraryName + ".so";

        /// <summary>Where the module keeps the engine for this process, below <paramref name="moduleDirectory"/>.</summary>
        public static string PathIn(string moduleDirectory) => Path.Combine(moduleDirectory, "runtimes", RuntimeIdentifier, "native", FileName);

        /// <summary>Loads the engine shipped next to TokUsage.dll. Throws <see cref="DllNotFoundException"/> with the path it needed.</summary>
        public static void EnsureLoaded() => EnsureLoaded(Path.GetDirectoryName(typeof(NativeSqlite).Assembly.Location) ?? ".");

        /// <summary>Loads the engine below <paramref name="moduleDirectory"/> (tests point it at a built module folder).</summary>
        public static void EnsureLoaded(string moduleDirectory)
        {
            lock (Gate)
            {
                if (_loaded)
                {
                    return;
                }

                try
                {
                    Load(moduleDirectory);
                    _loaded = true;
                }
                catch (Exception e) when (!(e is DllNotFoundException))
                {
                    throw new DllNotFoundException(
                        $"TokUsage could not load its SQLite engine for {RuntimeIdentifier} from '{PathIn(moduleDirectory)}': {e.Message}", e);
                }
            }
        }

        private static void Load(string moduleDirectory)
        {
            var path = PathIn(moduleDirectory);
            if (File.Exists(path))
            {
                if (IsNetFramework)
                {
                    // .NET Framework: a module loaded by full path is found by its base name by the later DllImport.
                    if (LoadLibraryW(path) == IntPtr.Zero)
                    {
                        throw new DllNotFoundException($"LoadLibrary failed for '{path}' (Win32 error {Marshal.GetLastWin32Error()}).");
                    }
                }
                else
                {
                    InstallCoreResolver(path);
                }

                LoadedFrom = path;
            }
            else if (!IsNetFramework && !Directory.Exists(Path.Combine(moduleDirectory, "runtimes")))
            {
                // A development build hosted by an application that ships the engine through its own deps.json (the
                // test suite): the host's probing finds it. A module folder with runtimes/ but not this RID is an error.
            }
            else
            {
                throw new DllNotFoundException(
                    $"TokUsage has no SQLite engine for {RuntimeIdentifier}: '{path}' does not exist. Databases (OpenCode, Hermes, Goose, Kilo, Zed, Crush) cannot be read on this platform.");
            }

            SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_e_sqlite3());
            var version = SQLitePCL.raw.sqlite3_libversion_number();
            if (version <= 0)
            {
                throw new DllNotFoundException($"The SQLite engine at '{path}' did not answer.");
            }
        }

        private static void InstallCoreResolver(string path)
        {
            var nativeLibrary = typeof(object).Assembly.GetType("System.Runtime.InteropServices.NativeLibrary", throwOnError: true)!;
            var load = nativeLibrary.GetMethod("Load", new[] { typeof(string) })!;
            _handle = (IntPtr)load.Invoke(null, new object[] { path })!;

            var setResolver = nativeLibrary.GetMethod("SetDllImportResolver")!;
            var resolverType = setResolver.GetParameters()[1].ParameterType;
            var resolve = typeof(NativeSqlite).GetMethod(nameof(Resolve), BindingFlags.NonPublic | BindingFlags.Static)!;
            var resolver = Delegate.CreateDelegate(resolverType, resolve);
            try
            {
                setResolver.Invoke(null, new object[] { typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, resolver });
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
            {
                // Another component of this process already resolves the provider's imports (one resolver per
                // assembly); its engine serves the module too.
            }
        }

        /// <summary>The provider's DllImport resolver: our engine for <c>e_sqlite3</c>, default probing for anything else.</summary>
        private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
            libraryName == LibraryName ? _handle : IntPtr.Zero;

        private static bool IsMusl()
        {
            try
            {
                return Directory.Exists("/lib") && Directory.GetFiles("/lib", "ld-musl-*").Any();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryW(string path);
    }
}
