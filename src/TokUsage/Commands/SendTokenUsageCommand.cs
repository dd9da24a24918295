using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Threading;
using TokUsage.Team;
using TokUsage.Aggregation;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Ships the usage objects of Get-TokenUsage to the team's PostgreSQL database.</para>
    /// <para type="description">Every deduplicated message is stored once under the (client, dedup key) Get-TokenUsage
    /// deduplicates by, tagged with the machine and user of the first copy: sending again, or from two machines that sync
    /// the same logs, never counts twice, and a run cut short is completed by the next. Messages are sent in batches
    /// bounded by count and bytes, several at once; the pipeline only waits while -MaxInFlightBytes are on the way.
    /// Get-TokenUsage includes the history kept in the local usage store, so a team's history starts with everything
    /// each machine kept.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "TokenUsage")]
    [OutputType(typeof(TeamSendResult), typeof(UsageFile))]
    public sealed class SendTokenUsageCommand : TeamCmdlet, IDisposable
    {
        private readonly Stopwatch _clock = new Stopwatch();
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private TeamDatabase? _database;
        private TeamSender? _sender;
        private long _files;

        /// <summary>Usage objects from Get-TokenUsage (piped directly: objects read back from CSV or Clixml carry no dedup keys).</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>The machine tag of the messages (default: this computer's name).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Machine { get; set; }

        /// <summary>The user tag of the messages (default: this account's name).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary>Creates the database's TokUsage tables when they are missing (the first send does it too); with no input, only that.</summary>
        [Parameter]
        public SwitchParameter Initialize { get; set; }

        /// <summary>Most messages per batch (default 5,000).</summary>
        [Parameter]
        [ValidateRange(1, 1_000_000)]
        public int BatchSize { get; set; } = 5_000;

        /// <summary>Most bytes per batch (default 2 MB): a batch goes when it reaches either bound.</summary>
        [Parameter]
        [ValidateRange(4_096, 1L << 30)]
        public long BatchBytes { get; set; } = 2L << 20;

        /// <summary>
        /// Most bytes of batches sent or waiting for a connection at once (default 16 MB): the pipeline waits above it, so
        /// memory stays flat whatever the history and the link.
        /// </summary>
        [Parameter]
        [ValidateRange(4_096, 1L << 34)]
        public long MaxInFlightBytes { get; set; } = 16L << 20;

        /// <summary>Batches written at once, each on its own connection (default 4).</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>Passes each input object on after queuing it, instead of writing a summary at the end.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            _clock.Start();
            _database = Connect(ThrottleLimit);
            EnsureSchema(_database, create: true);
            _sender = new TeamSender(_database, Machine ?? FoldSource.LocalMachine, User ?? FoldSource.LocalUser, ThrottleLimit, BatchSize, BatchBytes, MaxInFlightBytes, _stop.Token)
            {
                // The producer's thread is the pipeline's: writing here is allowed.
                Progress = (elapsed, stored, inFlight) => WriteVerbose(string.Format(CultureInfo.InvariantCulture,
                    "{0:F1} s: {1} message(s) stored, {2} byte(s) in flight", elapsed.TotalSeconds, stored, inFlight)),
            };
        }

        protected override void ProcessRecord()
        {
            if (InputObject is null)
            {
                return;
            }

            if (!(KeyedUsage(InputObject, "sends") is { } file))
            {
                return;
            }

            Guard(() => _sender!.Add(file));
            _files++;
            if (PassThru)
            {
                WriteObject(InputObject);
            }
        }

        protected override void EndProcessing()
        {
            Guard(() => _sender!.Complete());
            if (PassThru)
            {
                return;
            }

            long stored;
            try
            {
                stored = _database!.Count();
            }
            catch (Exception e) when (IsDatabaseFailure(e))
            {
                stored = -1; // everything was sent; only the count is unknown
                WriteWarning($"Everything was sent, but the team database ({DatabaseName}) could not count its messages: {e.Message}");
            }

            var s = _sender!;
            WriteObject(new TeamSendResult(DatabaseName, Machine ?? FoldSource.LocalMachine, User ?? FoldSource.LocalUser, _files, s.Sent, s.Added, s.Batches, s.Retries, s.Bytes, s.PeakInFlightBytes, stored, _clock.Elapsed));
        }

        protected override void StopProcessing() => _stop.Cancel();

        public void Dispose()
        {
            _sender?.Dispose();
            _database?.Dispose();
            _stop.Dispose();
        }

        /// <summary>A failed batch ends the run with how much was stored (TeamSendFailed); the next run sends the rest.</summary>
        private void Guard(Action send)
        {
            try
            {
                send();
            }
            catch (TeamException e)
            {
                throw TeamError(e);
            }
        }
    }
}
