using System;
using System.IO;
using System.Management.Automation;
using TokUsage.Reporting;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes a self-contained HTML report of usage: a year heatmap, daily cost by client and by model, top projects and sessions, months, models, recent blocks and unpriced models.</para>
    /// </summary>
    [Cmdlet(VerbsData.Export, "TokenUsageReport", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportTokenUsageReportCommand : TokUsageCmdlet
    {
        private UsageReport? _report;
        private TimeZoneInfo? _givenZone;
        private string? _path;
        private bool _write;

        /// <summary>The HTML file to write (created or replaced; its folder must exist).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Usage objects from Get-TokenUsage (typed or deserialized). Without input, the command runs Get-TokenUsage itself.</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>
        /// Time zone of the report's days, months and blocks (IANA or Windows id). Default: the zone given to Get-TokenUsage
        /// -TimeZone for the input, else local.
        /// </summary>
        [Parameter]
        public string? TimeZone { get; set; }

        /// <summary>How many projects, sessions and recent blocks the tables list (default 15).</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int Top { get; set; } = 15;

        /// <summary>Does not replace an existing file (the command stops with ReportFileExists instead).</summary>
        [Parameter]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Outputs the written file (a FileInfo).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            _path = GetUnresolvedProviderPathFromPSPath(Path);
            if (NoClobber.IsPresent && File.Exists(_path))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new IOException($"'{_path}' exists and -NoClobber keeps it; give another -Path or leave out -NoClobber."),
                    "ReportFileExists", ErrorCategory.ResourceExists, _path));
            }

            if (TimeZone != null)
            {
                _givenZone = ResolveTimeZone(TimeZone);
            }

            _write = ShouldProcess(_path, "Write the usage report");
        }

        protected override void ProcessRecord()
        {
            if (_write)
            {
                ProcessInput(InputObject);
            }
        }

        protected override void EndProcessing()
        {
            if (!_write)
            {
                return;
            }

            if (!MyInvocation.ExpectingInput && !MyInvocation.BoundParameters.ContainsKey(nameof(InputObject)))
            {
                ReadAllUsage();
            }

            var report = ReportFor(null);
            // Written beside the target and moved over it, so a failed write never leaves half a report; owner-only,
            // as every file the module writes about a user's usage.
            var temp = _path + ".tmp-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    Discovery.PrivateFiles.RestrictFile(temp);
                    report.Write(stream, DateTimeOffset.UtcNow);
                }

                if (File.Exists(_path))
                {
                    File.Replace(temp, _path!, null, ignoreMetadataErrors: true);
                }
                else
                {
                    File.Move(temp, _path!);
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                TryDelete(temp);
                ThrowTerminatingError(new ErrorRecord(
                    new IOException($"The report could not be written to '{_path}': {e.Message}", e),
                    "ReportNotWritten", ErrorCategory.WriteError, _path));
            }

            if (PassThru.IsPresent)
            {
                WriteObject(new FileInfo(_path!));
            }
        }

        /// <summary>
        /// The report, made at the first input so that, without -TimeZone, days are cut in the zone Get-TokenUsage was
        /// given (as Measure-TokenUsage does); null there means local.
        /// </summary>
        private UsageReport ReportFor(string? inputZone) =>
            _report ??= new UsageReport(_givenZone ?? ResolveTimeZone(inputZone), Top);

        /// <summary>
        /// Without pipeline input: runs Get-TokenUsage (its defaults: every client, the cache and the usage store) in this
        /// runspace and folds each object as it is written, so the history is never held; its errors and warnings are
        /// passed on.
        /// </summary>
        private void ReadAllUsage()
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand("TokUsage\\Get-TokenUsage");
            var output = new PSDataCollection<PSObject>();
            output.DataAdded += (_, __) =>
            {
                foreach (var item in output.ReadAll())
                {
                    ProcessInput(item);
                }
            };
            shell.Invoke(null, output);
            foreach (var error in shell.Streams.Error)
            {
                WriteError(error);
            }

            foreach (var warning in shell.Streams.Warning)
            {
                WriteWarning(warning.Message);
            }
        }

        private void ProcessInput(PSObject? item)
        {
            foreach (var usage in UsageInputs(item))
            {
                usage.FeedTo(ReportFor(usage.TimeZone), null);
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // a leftover temporary file is harmless; the write error is what the user needs
            }
        }
    }
}
