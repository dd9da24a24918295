using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TokUsage.Hosting
{
    /// <summary>
    /// The module's binding redirect for Windows PowerShell 5.1. .NET Framework binds strong names exactly and a module
    /// cannot add binding redirects, yet the System.Text.Json 8 closure references older versions of its own parts
    /// (System.Memory → Unsafe 4.0.4.1, …). This handler answers, by simple name and whatever version was asked, with
    /// the copy in the module's <c>dependencies/</c> folder — but only for assemblies shipped there and only when the
    /// request comes from the module or one of those dependencies (or from an unknown requester, which .NET Framework
    /// reports as null), so other modules' loads are never hijacked. Registered only on .NET Framework: PowerShell 7
    /// serves System.Text.Json from its runtime, which satisfies the 8.0 reference.
    /// </summary>
    internal sealed class DependencyResolver
    {
        private readonly string _moduleDirectory;
        private readonly Dictionary<string, string> _shipped = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public DependencyResolver(string moduleDirectory, string dependencyDirectory)
        {
            _moduleDirectory = Path.GetFullPath(moduleDirectory);
            if (Directory.Exists(dependencyDirectory))
            {
                foreach (var file in Directory.GetFiles(dependencyDirectory, "*.dll"))
                {
                    _shipped[Path.GetFileNameWithoutExtension(file)] = file;
                }
            }
        }

        /// <summary>True on Windows PowerShell's runtime (.NET Framework), the only one that needs this resolver.</summary>
        public static bool IsNeeded => RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        /// <summary>The file that answers a request, or null when the request is not ours to answer.</summary>
        public string? Find(string requestedName, string? requestingAssemblyLocation)
        {
            var simpleName = new AssemblyName(requestedName).Name;
            if (simpleName is null || !_shipped.TryGetValue(simpleName, out var file))
            {
                return null;
            }

            if (requestingAssemblyLocation != null && requestingAssemblyLocation.Length > 0
                && !requestingAssemblyLocation.StartsWith(_moduleDirectory, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return file;
        }

        public Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
        {
            var requester = args.RequestingAssembly;
            var file = Find(args.Name, requester is null || requester.IsDynamic ? null : requester.Location);
            return file is null ? null : Assembly.LoadFrom(file);
        }
    }
}
