using System;
using System.IO;
using System.Management.Automation;
using TokUsage.Caching;
using TokUsage.Discovery;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes the per-file usage cache that Get-TokenUsage keeps, so the next run reads every file again.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "TokenUsageCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class ClearTokenUsageCacheCommand : TokUsageCmdlet
    {
        /// <summary>Folder of the cache to delete (default: the module's user cache folder, as for Get-TokenUsage).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? CachePath { get; set; }

        protected override void EndProcessing()
        {
            var directory = ResolveCacheDirectory(CachePath, ClientEnvironment.FromProcess());
            var path = Path.Combine(directory, UsageCache.FileName);
            if (!File.Exists(path))
            {
                WriteVerbose($"There is no usage cache at '{path}'.");
                return;
            }

            if (!ShouldProcess(path, "Delete the usage cache (the next Get-TokenUsage reads every file again)"))
            {
                return;
            }

            try
            {
                UsageCache.Delete(directory);
                WriteVerbose($"Deleted the usage cache '{path}'.");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(
                    new IOException($"Cannot delete the usage cache '{path}': {e.Message}. A Get-TokenUsage that is running may hold it open; try again when it ends.", e),
                    e is UnauthorizedAccessException ? "CacheAccessDenied" : "CacheInUse",
                    e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.ResourceBusy,
                    path));
            }
        }
    }
}
