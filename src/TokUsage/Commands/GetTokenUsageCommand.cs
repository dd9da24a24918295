using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using Microsoft.Data.Sqlite;
using TokUsage.Clients;
using TokUsage.Hosting;
using TokUsage.Pipeline;
using TokUsage.Pricing;
using TokUsage.Discovery;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Reads AI coding assistants' session logs and emits one usage object per log file.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TokenUsage", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(UsageFile))]
    public sealed class GetTokenUsageCommand : TokUsageCmdlet, IDisposable
    {
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly List<ScanTarget> _targets = new List<ScanTarget>();
        private TimeZoneInfo _zone = TimeZoneInfo.Local;
        private bool _pathsGiven;
        private ClientEnvironment? _environment;
        private PriceBook? _prices;
        private string? _cacheDirectory;
        private string? _storePath;
        private string[]? _commandLineClients;

        /// <summary>Files or folders to read instead of the clients' default locations; wildcards allowed.</summary>
        [Parameter(ParameterSetName = PathSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [PipedPathArgument]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <summary>Files or folders to read, taken literally (no wildcards).</summary>
        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[]? LiteralPath { get; set; }

        /// <summary>Clients to read (default: every client); bound by property name from piped sources.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateClient]
        [ArgumentCompleter(typeof(ClientCompleter))]
        public string[]? Client { get; set; }

        /// <summary>First day (inclusive) of messages to count, in -TimeZone: yyyy-MM-dd, yyyyMMdd, [datetime] or [datetimeoffset].</summary>
        [Parameter]
        [Alias("After")]
        [DayArgument]
        public DateTime? Since { get; set; }

        /// <summary>Last day (inclusive) of messages to count, in -TimeZone: yyyy-MM-dd, yyyyMMdd, [datetime] or [datetimeoffset].</summary>
        [Parameter]
        [Alias("Before")]
        [DayArgument]
        public DateTime? Until { get; set; }

        /// <summary>Time zone of -Since and -Until days (IANA or Windows id; default: local).</summary>
        [Parameter]
        public string? TimeZone { get; set; }

        /// <summary>Prices for raw model names (rates in USD per million tokens), merged over the price table and the user's price file.</summary>
        [Parameter]
        public System.Collections.Hashtable? PriceOverride { get; set; }

        /// <summary>How many files are parsed at once (default: processor count).</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

        /// <summary>Folder of the persistent per-file cache (default: the module's user cache folder).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CachePath { get; set; }

        /// <summary>Reads every file and neither uses nor updates the cache.</summary>
        [Parameter]
        public SwitchParameter NoCache { get; set; }

        /// <summary>The usage store to read archived history from (default: usage.db in the user's TokUsage data folder).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StorePath { get; set; }

        /// <summary>Reads the logs only: messages kept in the usage store whose logs are gone are not reported.</summary>
        [Parameter]
        public SwitchParameter NoStore { get; set; }

        protected override void BeginProcessing()
        {
            _commandLineClients = Client;
            _zone = ResolveTimeZone(TimeZone);
            _environment = ClientEnvironment.FromProcess();
            _prices = LoadPrices(_environment, PriceOverride);
            _cacheDirectory = NoCache ? null : ResolveCacheDirectory(CachePath, _environment);
            if (NoStore && StorePath != null)
            {
                ThrowParameterError("StorePathWithNoStore", "-StorePath names a store to read and -NoStore says not to read one; give one of them.", StorePath);
            }

            _storePath = NoStore ? null : ResolveStorePath(StorePath, _environment);
            CheckDayRange(Since, Until);
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == LiteralPathSet)
            {
                _pathsGiven = true;
                foreach (var path in LiteralPath ?? Array.Empty<string>())
                {
                    AddLiteral(path);
                }
            }
            else if (Path != null)
            {
                _pathsGiven = true;
                foreach (var path in Path)
                {
                    AddResolved(path);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_pathsGiven && _targets.Count == 0)
            {
                return; // every named path failed (and was reported) or a wildcard matched nothing
            }

            var clients = ClientRegistry.Named(_commandLineClients);
            var read = new ReadOptions(_prices!, new DateWindow(_zone, Since, Until));
            if (int.TryParse(_environment!.Get("TOKUSAGE_SQLITE_BUSY_TIMEOUT_MS"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var busy) && busy > 0)
            {
                read.DatabaseBusyTimeout = TimeSpan.FromMilliseconds(busy);
            }

            var request = new ScanRequest(clients, _pathsGiven ? _targets : null, _environment!, read, ThrottleLimit)
            {
                CacheDirectory = _cacheDirectory,
                CacheRequired = CachePath != null,
            };
            using var store = OpenStore();
            request.History = store;
            try
            {
                new UsageScanner(request).Run(new Sink(this, VerboseEnabled()), _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Ctrl+C / Stop(): PowerShell raises PipelineStoppedException itself.
            }
            catch (SqliteException e) when (store != null)
            {
                // The store failed mid-read (damaged since it was opened): the logs were reported; say what is missing.
                WriteError(StoreError(new Storage.StoreException(Storage.StoreProblem.Unreadable,
                    $"The usage store '{_storePath}' could not be read to its end ({e.Message}); messages kept only there may be missing from this report.", e), _storePath!));
            }
        }

        /// <summary>
        /// The usage store to read archived history from, or null (-NoStore, or none saved yet). One that cannot be used
        /// is a non-terminating error: the logs still count.
        /// </summary>
        private Storage.UsageStore? OpenStore()
        {
            if (_storePath is null)
            {
                return null;
            }

            try
            {
                return Storage.UsageStore.OpenExisting(_storePath);
            }
            catch (Storage.StoreException e)
            {
                WriteError(StoreError(e, _storePath));
                return null;
            }
        }

        protected override void StopProcessing() => _stop.Cancel();

        public void Dispose() => _stop.Dispose();

        /// <summary>The clients of the current record's paths: a piped source's own client; null: those of -Client.</summary>
        private IReadOnlyList<IClientSource>? RecordClients() => ReferenceEquals(Client, _commandLineClients) ? null : ClientRegistry.Named(Client);

        private void AddResolved(string path)
        {
            try
            {
                var resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
                if (!IsFileSystem(provider, path))
                {
                    return;
                }

                if (resolved.Count == 0)
                {
                    WriteWarning($"-Path '{path}' matches no file or folder: nothing is read from it.");
                }

                foreach (var item in resolved)
                {
                    _targets.Add(new ScanTarget(item, Directory.Exists(item), RecordClients()));
                }
            }
            catch (Exception e) when (e is ItemNotFoundException || e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException)
            {
                WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
        }

        private void AddLiteral(string path)
        {
            string full;
            ProviderInfo provider;
            try
            {
                full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException || e is ProviderNotFoundException)
            {
                WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
                return;
            }

            if (!IsFileSystem(provider, path))
            {
                return;
            }

            if (Directory.Exists(full))
            {
                _targets.Add(new ScanTarget(full, true, RecordClients()));
            }
            else if (File.Exists(full))
            {
                _targets.Add(new ScanTarget(full, false, RecordClients()));
            }
            else
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{full}' because it does not exist."), "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
        }

        private bool IsFileSystem(ProviderInfo provider, string path)
        {
            if (provider.Name == "FileSystem")
            {
                return true;
            }

            WriteError(new ErrorRecord(
                new ArgumentException($"'{path}' is on the {provider.Name} provider; Get-TokenUsage reads file-system paths only."),
                "NotFileSystemPath",
                ErrorCategory.InvalidArgument,
                path));
            return false;
        }

        /// <summary>Turns scan events into PowerShell streams. Called on the pipeline thread only.</summary>
        private sealed class Sink : IScanSink
        {
            private readonly GetTokenUsageCommand _cmdlet;

            public Sink(GetTokenUsageCommand cmdlet, bool verbose)
            {
                _cmdlet = cmdlet;
                WantsVerbose = verbose;
            }

            public bool WantsVerbose { get; }

            public void File(UsageFile file)
            {
                file.TimeZone = _cmdlet.TimeZone is null ? null : _cmdlet._zone.Id;
                _cmdlet.WriteObject(file);
            }

            public void Error(ScanError error)
            {
                var (id, category) = error.Kind switch
                {
                    ScanErrorKind.FileUnreadable when error.Exception is UnauthorizedAccessException => ("FileAccessDenied", ErrorCategory.PermissionDenied),
                    ScanErrorKind.FileUnreadable => ("FileUnreadable", ErrorCategory.ReadError),
                    ScanErrorKind.DirectoryUnreadable when WalkErrorId(error.Exception) is { } walkId => (walkId, ErrorCategory.ReadError),
                    ScanErrorKind.DirectoryUnreadable when error.Exception is UnauthorizedAccessException => ("DirectoryAccessDenied", ErrorCategory.PermissionDenied),
                    ScanErrorKind.DirectoryUnreadable => ("DirectoryUnreadable", ErrorCategory.ReadError),
                    _ => ("UnsupportedFile", ErrorCategory.InvalidArgument),
                };
                var message = error.Kind == ScanErrorKind.UnsupportedFile
                    ? error.Exception.Message
                    : $"Cannot read '{error.Path}': {error.Exception.Message}";
                var record = new ErrorRecord(new IOException(message, error.Exception), id, category, error.Path);
                _cmdlet.WriteError(record);
            }

            public void Verbose(string message) => _cmdlet.WriteVerbose(message);

            public void Warning(string message) => _cmdlet.WriteWarning(message);

            public void Progress(ScanProgress progress)
            {
                var record = new ProgressRecord(1, "Get-TokenUsage", $"Read {progress.FilesDone} of {progress.FilesTotal} files ({progress.BytesDone / 1048576.0:N0} of {progress.BytesTotal / 1048576.0:N0} MB)")
                {
                    PercentComplete = progress.Percent,
                    RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                };
                _cmdlet.WriteProgress(record);
            }
        }
    }
}
