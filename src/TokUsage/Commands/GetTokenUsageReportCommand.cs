using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using TokUsage.Clients;
using TokUsage.Hosting;
using TokUsage.Team;
using TokUsage.Aggregation;
using TokUsage.Discovery;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Reports the team's usage from the team database: the same rows and views as Measure-TokenUsage, summed by the database.</para>
    /// <para type="description">The database groups the messages; the costs come from the stored tokens and this
    /// machine's prices (price table, price file, -PriceOverride), exactly as Get-TokenUsage would price each message.
    /// Several -By keys split the rows of the first key by the others (each row carries every key).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TokenUsageReport")]
    [OutputType(typeof(PeriodSummary), typeof(GroupSummary))]
    public sealed class GetTokenUsageReportCommand : TeamCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private TeamDatabase? _database;

        /// <summary>What a row is: Day (default), Week, Month, Hour, User, Machine, Project, Model or Client; several keys split the first.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public UsageGrouping[] By { get; set; } = { UsageGrouping.Day };

        /// <summary>First day (inclusive) of messages to count, in -TimeZone.</summary>
        [Parameter]
        [Alias("After")]
        [DayArgument]
        public DateTime? Since { get; set; }

        /// <summary>Last day (inclusive) of messages to count, in -TimeZone.</summary>
        [Parameter]
        [Alias("Before")]
        [DayArgument]
        public DateTime? Until { get; set; }

        /// <summary>Time zone of days, weeks, months, hours and of -Since/-Until (IANA or Windows id; default: local).</summary>
        [Parameter]
        public string? TimeZone { get; set; }

        /// <summary>First day of a week for -By Week (default Monday).</summary>
        [Parameter]
        public DayOfWeek WeekStart { get; set; } = DayOfWeek.Monday;

        /// <summary>Prices for raw model names (rates in USD per million tokens), merged over the price table and the user's price file.</summary>
        [Parameter]
        public System.Collections.Hashtable? PriceOverride { get; set; }

        /// <summary>Adds each row's per-model split (the Breakdown property).</summary>
        [Parameter]
        public SwitchParameter Breakdown { get; set; }

        /// <summary>Adds a last row (IsTotal) that sums all others; as Measure-TokenUsage, on by default when the report ends the pipeline.</summary>
        [Parameter]
        public SwitchParameter Total { get; set; }

        protected override void EndProcessing()
        {
            if (By.Contains(UsageGrouping.Session) || By.Contains(UsageGrouping.Block))
            {
                ThrowParameterError("InvalidReportGrouping", "-By Session and -By Block are not team reports (a session, and a subscription's billing window, are one person's). Group by Day, Week, Month, Hour, User, Machine, Project, Model or Client.", By);
            }

            if (By.Distinct().Count() != By.Length)
            {
                ThrowParameterError("InvalidReportGrouping", "-By names a key twice; give each key once (for example -By Month, User).", By);
            }

            CheckDayRange(Since, Until);

            var zone = ResolveTimeZone(TimeZone);
            var prices = LoadPrices(ClientEnvironment.FromProcess(), PriceOverride);
            _database = Connect(1);
            EnsureSchema(_database, create: false);

            var fold = new MultiKeyFold(By, zone, WeekStart, Breakdown.IsPresent);
            var report = new TeamReport(_database, new ReadOptions(prices, new DateWindow(zone, Since, Until)), By);
            try
            {
                report.Run(fold, _stop.Token);
            }
            catch (Exception e) when (IsDatabaseFailure(e) && !_stop.IsCancellationRequested)
            {
                throw TeamError(new TeamException(TeamProblem.Unreachable, $"The report query on {DatabaseName} failed: {e.Message}", e));
            }
            catch (OverflowException e)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new OverflowException("Get-TokenUsageReport stopped: a sum of tokens or cost would exceed what a 64-bit count or a decimal holds. " + e.Message, e),
                    "TokenSumOverflow", ErrorCategory.LimitsExceeded, null));
            }

            WriteVerbose($"{report.Messages:N0} message(s) in {report.GroupsRead:N0} group(s) read from {DatabaseName}.");
            var withTotal = WantsTotalRow(Total);
            foreach (var (row, splitValues) in fold.Results(withTotal))
            {
                WriteObject(SummaryView.Wrap(row, Breakdown.IsPresent, fold.SplitBy, splitValues));
            }
        }

        protected override void StopProcessing() => _stop.Cancel();

        public void Dispose()
        {
            _database?.Dispose();
            _stop.Dispose();
        }
    }
}
