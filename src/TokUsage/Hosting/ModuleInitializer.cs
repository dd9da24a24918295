using System;
using System.IO;
using System.Management.Automation;

namespace TokUsage.Hosting
{
    /// <summary>
    /// Runs when PowerShell imports the module: installs the .NET Framework dependency resolver (Windows PowerShell 5.1
    /// only), refuses PowerShell 7 releases older than 7.4, whose runtime lacks System.Text.Json 8, and starts making the
    /// embedded price table (<see cref="Pricing.PriceBook.WarmUpInBackground"/>).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly Version MinimumCoreEngine = new Version(7, 4);
        private static DependencyResolver? _resolver;

        public void OnImport()
        {
            if (DependencyResolver.IsNeeded)
            {
                var moduleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";
                _resolver = new DependencyResolver(moduleDirectory, Path.Combine(moduleDirectory, "dependencies"));
                AppDomain.CurrentDomain.AssemblyResolve += _resolver.OnAssemblyResolve;
                return;
            }

            var engine = typeof(PSObject).Assembly.GetName().Version;
            if (engine != null && engine.Major >= 6 && engine < MinimumCoreEngine)
            {
                throw new PlatformNotSupportedException(
                    $"TokUsage needs PowerShell 7.4 or later (or Windows PowerShell 5.1); this is PowerShell {engine.Major}.{engine.Minor}.");
            }

            Pricing.PriceBook.WarmUpInBackground();
        }

        public void OnRemove(PSModuleInfo module)
        {
            if (_resolver != null)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= _resolver.OnAssemblyResolve;
                _resolver = null;
            }
        }
    }
}
