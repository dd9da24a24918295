using System;
using System.Management.Automation;
using System.Threading;
using TokUsage.Pricing;
using TokUsage.Discovery;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Downloads LiteLLM's model price table, checks it, and stores it for later runs (which then need no network).</para>
    /// </summary>
    [Cmdlet(VerbsData.Update, "TokenPrice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(PriceTableInfo))]
    public sealed class UpdateTokenPriceCommand : TokUsageCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        /// <summary>Where to download the LiteLLM price JSON from (http, https or file; default: LiteLLM's GitHub raw URL).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNull]
        public Uri Uri { get; set; } = new Uri(PriceUpdater.DefaultUri);

        /// <summary>Download even when the stored table is current (no If-None-Match), and do not ask for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Seconds to wait for the whole download (default 60).</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 60;

        protected override void EndProcessing()
        {
            if (!Uri.IsAbsoluteUri || (Uri.Scheme != System.Uri.UriSchemeHttp && Uri.Scheme != System.Uri.UriSchemeHttps && !Uri.IsFile))
            {
                ThrowParameterError("InvalidPriceUri", $"-Uri must be an absolute http, https or file URI, not '{Uri}'.", Uri);
            }

            if (Uri.Scheme == System.Uri.UriSchemeHttp)
            {
                WriteWarning($"'{Uri}' is plain http: anyone on the network path could change the prices it sends. Use an https address where you can.");
            }

            var path = PriceStore.StoredPath(ClientEnvironment.FromProcess());
            if (!ShouldProcess(path, $"Store the price table downloaded from {Uri}"))
            {
                return;
            }

            WriteVerbose($"Downloading {Uri} to {path}");
            try
            {
                var result = PriceUpdater.Update(Uri, path, Force, TimeSpan.FromSeconds(TimeoutSec), _stop.Token);
                WriteVerbose(result.Changed ? $"Stored {result.Table.Models.Count} model prices in {path}" : $"The stored table is current ({Uri} answered 304 Not Modified)");
                WriteObject(new PriceTableInfo(result.Table, result.Changed));
            }
            catch (PriceUpdateException e)
            {
                var category = e.ErrorId == "InvalidPriceTable" ? ErrorCategory.InvalidData : ErrorCategory.ConnectionError;
                ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, category, Uri));
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new System.IO.IOException($"Cannot store the price table at '{path}': {e.Message}. The price table in force is unchanged.", e),
                    "PriceStoreFailed",
                    ErrorCategory.WriteError,
                    path));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Ctrl+C: PowerShell raises PipelineStoppedException itself.
            }
        }

        protected override void StopProcessing() => _stop.Cancel();

        public void Dispose() => _stop.Dispose();
    }
}
