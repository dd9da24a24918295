using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using Microsoft.Data.Sqlite;
using TokUsage.Clients;
using TokUsage.Storage;
using TokUsage.Discovery;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Keeps the usage objects of Get-TokenUsage in the usage store, so history outlives the logs.</para>
    /// <para type="description">Every deduplicated message is stored once, under the same (client, dedup key) that
    /// Get-TokenUsage deduplicates by: saving the same history again adds nothing, and a save cut short is completed by
    /// the next. Get-TokenUsage reads the store back for messages whose logs are gone.</para>
    /// </summary>
    [Cmdlet(VerbsData.Save, "TokenUsage")]
    [OutputType(typeof(StoreSaveResult), typeof(UsageFile))]
    public sealed class SaveTokenUsageCommand : TokUsageCmdlet, IDisposable
    {
        private readonly Stopwatch _clock = new Stopwatch();
        private string _path = string.Empty;
        private UsageStore? _store;
        private StoreWriter? _writer;
        private long _archived;

        /// <summary>Usage objects from Get-TokenUsage (in this session: objects read back from CSV or Clixml carry no dedup keys).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>The store file (default: usage.db in the user's TokUsage data folder).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StorePath { get; set; }

        /// <summary>Messages per transaction (default 10,000): a crash loses at most one batch, which the next save completes.</summary>
        [Parameter]
        [ValidateRange(1, 1_000_000)]
        public int BatchSize { get; set; } = StoreWriter.DefaultBatchSize;

        /// <summary>Passes each input object on after saving it, instead of writing a summary at the end.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            _clock.Start();
            _path = ResolveStorePath(StorePath, ClientEnvironment.FromProcess());
            try
            {
                _store = UsageStore.OpenOrCreate(_path);
                _writer = new StoreWriter(_store, id => ClientRegistry.TryGet(id, out var client) && client is IKeepLatest latest && latest.KeepsLatest, BatchSize);
            }
            catch (StoreException e)
            {
                ThrowTerminatingError(StoreError(e, _path));
            }
        }

        protected override void ProcessRecord()
        {
            if (!(KeyedUsage(InputObject, "saves") is { } file))
            {
                return;
            }

            if (file.Archived)
            {
                _archived++; // read back from this store (or another): its messages are stored already
            }
            else
            {
                try
                {
                    _writer!.Save(file, LogLength(file.Path));
                }
                catch (SqliteException e)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new IOException($"Saving into the usage store '{_path}' failed: {e.Message} {Saved()} The next save completes it.", e),
                        "StoreWriteFailed", ErrorCategory.WriteError, _path));
                }
            }

            if (PassThru)
            {
                WriteObject(InputObject);
            }
        }

        protected override void EndProcessing()
        {
            try
            {
                _writer!.Complete();
            }
            catch (SqliteException e)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new IOException($"Saving into the usage store '{_path}' failed: {e.Message} {Saved()} The next save completes it.", e),
                    "StoreWriteFailed", ErrorCategory.WriteError, _path));
            }

            if (!PassThru)
            {
                WriteObject(new StoreSaveResult(_path, _writer!.Files, _writer.Added, _writer.AlreadyStored, _archived, _store!.Count(), _clock.Elapsed));
            }
        }

        public void Dispose()
        {
            _writer?.Dispose();
            _store?.Dispose();
        }

        private string Saved() => $"{_writer!.Batches} batch(es) of up to {_writer.BatchSize} messages were saved before it.";

        /// <summary>The log's length now (0 when it is gone): a later run trusts the log while it is at least this long.</summary>
        private static long LogLength(string path)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists ? info.Length : 0;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                return 0;
            }
        }
    }
}
