using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace TokUsage.Loader
{
    /// <summary>
    /// The module's own assembly load context on PowerShell 7 (the model is sharpjs/PSql's): TokUsage.dll and the
    /// libraries shipped beside it (Microsoft.Data.Sqlite, SQLitePCLRaw, ZstdSharp, Npgsql, Google.Protobuf…) load here,
    /// not into the default context, so another module that ships other versions of them (SimplySql, PSSQLite…) keeps
    /// its own and neither replaces the other's SQLite provider. What the module folder does not hold — PowerShell itself,
    /// the .NET libraries — comes from the default context, so objects and PowerShell's types are shared as usual.
    /// Used once per process, at import, on the thread that imports the module.
    /// </summary>
    public sealed class PrivateLoadContext : AssemblyLoadContext
    {
        private const string Engine = "TokUsage";
        private static readonly System.Collections.Generic.Dictionary<string, Assembly> Loaded = new System.Collections.Generic.Dictionary<string, Assembly>(StringComparer.Ordinal);
        private readonly string _moduleDirectory;

        private PrivateLoadContext(string moduleDirectory) => _moduleDirectory = moduleDirectory;

        /// <summary>
        /// TokUsage.dll for the module in <paramref name="moduleDirectory"/>, in a context of its own; the same assembly
        /// again when the module is imported again (Import-Module -Force): two copies would make two sets of the module's
        /// types. An application that already has TokUsage.dll in its default context (one hosting the engine directly,
        /// as the test suite does) gets that copy, for the same reason. Called on the importing thread.
        /// </summary>
        public static Assembly LoadModule(string moduleDirectory)
        {
            var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a =>
                string.Equals(a.GetName().Name, Engine, StringComparison.Ordinal) && GetLoadContext(a) == Default);
            if (loaded != null)
            {
                return loaded;
            }

            var directory = Path.GetFullPath(moduleDirectory);
            lock (Loaded)
            {
                if (!Loaded.TryGetValue(directory, out loaded))
                {
                    loaded = new PrivateLoadContext(directory).LoadFromAssemblyPath(Path.Combine(directory, Engine + ".dll"));
                    Loaded.Add(directory, loaded);
                }

                return loaded;
            }
        }

        /// <summary>An assembly of the module folder, else null: the default context answers (PowerShell, .NET).</summary>
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(_moduleDirectory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
