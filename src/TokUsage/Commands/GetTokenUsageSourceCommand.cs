using System;
using System.Management.Automation;
using TokUsage.Clients;
using TokUsage.Discovery;
using TokUsage.Pipeline;
using TokUsage.Hosting;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows, per client, the folders Get-TokenUsage reads, whether they exist and how many log files they hold.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TokenUsageSource")]
    [OutputType(typeof(UsageSource))]
    public sealed class GetTokenUsageSourceCommand : TokUsageCmdlet
    {
        /// <summary>Clients to list (default: every client).</summary>
        [Parameter(Position = 0)]
        [ValidateClient]
        [ArgumentCompleter(typeof(ClientCompleter))]
        public string[]? Client { get; set; }

        /// <summary>Only folders that exist.</summary>
        [Parameter]
        public SwitchParameter Existing { get; set; }

        /// <summary>
        /// Also lists the missing folders of other operating systems (macOS ~/Library, Windows AppData on Linux…).
        /// Without it, another OS's folder is listed only when it exists (a copied home).
        /// </summary>
        [Parameter]
        public SwitchParameter AllPlatforms { get; set; }

        protected override void EndProcessing()
        {
            var clients = ClientRegistry.Named(Client);
            void OnError(string path, Exception e) => WriteError(new ErrorRecord(e, WalkErrorId(e) ?? "DirectoryUnreadable", ErrorCategory.ReadError, path));
            var environment = ClientEnvironment.FromProcess();
            var here = PathFacts.CurrentPlatform;
            foreach (var source in SourceInventory.List(clients, environment, OnError))
            {
                var platform = PathFacts.PlatformOf(source.Root, environment.Home, environment.Get("APPDATA"), environment.Get("LOCALAPPDATA"));
                var otherPlatform = platform != null && platform != here;
                if (source.Exists || (!Existing && (AllPlatforms || !otherPlatform)))
                {
                    WriteObject(source);
                }
            }
        }
    }
}
