using System;
using System.Collections;
using System.Management.Automation;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Folds usage objects into daily, weekly, monthly, hourly, session, project, model or client totals.</para>
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "TokenUsage")]
    [OutputType(typeof(PeriodSummary), typeof(SessionSummary), typeof(GroupSummary))]
    public sealed class MeasureTokenUsageCommand : TokUsageCmdlet
    {
        private UsageFold? _fold;
        private TimeZoneInfo? _givenZone;
        private string? _inputZone;
        private bool _zoneMismatchWarned;

        /// <summary>Usage objects from Get-TokenUsage (typed or deserialized).</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>What a row is: Day (default), Week, Month, Hour, Session, Project, Model, Client, User or Machine (this account and computer for local logs).</summary>
        [Parameter(Position = 0)]
        public UsageGrouping By { get; set; } = UsageGrouping.Day;

        /// <summary>First day of a week for -By Week (default Monday).</summary>
        [Parameter]
        public DayOfWeek WeekStart { get; set; } = DayOfWeek.Monday;

        /// <summary>
        /// Time zone of days, weeks, months and hours (IANA or Windows id). Default: the zone given to Get-TokenUsage
        /// -TimeZone for the input, else local.
        /// </summary>
        [Parameter]
        public string? TimeZone { get; set; }

        /// <summary>Adds each row's per-model split (the Breakdown property).</summary>
        [Parameter]
        public SwitchParameter Breakdown { get; set; }

        /// <summary>
        /// Adds a last row (IsTotal = true) that sums all the others. Default: on when Measure-TokenUsage ends the
        /// pipeline (its rows go to the screen or a variable), off when they flow on to another command (Export-Csv,
        /// Where-Object, Sort-Object…), so piped rows stay one uniform, non-overlapping set. -Total:$false never adds it.
        /// </summary>
        [Parameter]
        public SwitchParameter Total { get; set; }

        protected override void BeginProcessing()
        {
            if (TimeZone != null)
            {
                _givenZone = ResolveTimeZone(TimeZone);
            }
        }

        protected override void ProcessRecord()
        {
            if (InputObject is null)
            {
                return;
            }

            // -InputObject @(a, b) arrives as one array: enumerate it here, as the pipeline would have.
            if (InputObject.BaseObject is IEnumerable items && !(InputObject.BaseObject is string) && !(InputObject.BaseObject is UsageFile))
            {
                foreach (var item in items)
                {
                    if (item != null)
                    {
                        Fold(PSObject.AsPSObject(item));
                    }
                }

                return;
            }

            Fold(InputObject);
        }

        protected override void EndProcessing()
        {
            var withTotal = WantsTotalRow(Total);
            System.Collections.Generic.IEnumerable<UsageTotals> rows;
            try
            {
                rows = (_fold ?? FoldFor(null)).Results(withTotal);
            }
            catch (OverflowException e)
            {
                ThrowSumOverflow(e, null);
                return;
            }

            foreach (var row in rows)
            {
                WriteObject(Hosting.SummaryView.Wrap(row, Breakdown.IsPresent));
            }
        }

        /// <summary>
        /// The fold, created at the first input so that, without -TimeZone, days are cut in the zone Get-TokenUsage was
        /// given (<see cref="UsageFile.TimeZone"/>); null or absent there means local. Inputs that name another zone than
        /// the one in use are folded in it, with one warning.
        /// </summary>
        private UsageFold FoldFor(string? inputZone)
        {
            if (_fold is null)
            {
                _inputZone = inputZone;
                var zone = _givenZone ?? (inputZone is null ? ResolveTimeZone(null) : ResolveTimeZone(inputZone));
                _fold = new UsageFold(By, zone, WeekStart, Breakdown.IsPresent);
            }
            else if (_givenZone is null && !_zoneMismatchWarned && !string.Equals(inputZone, _inputZone, StringComparison.OrdinalIgnoreCase))
            {
                _zoneMismatchWarned = true;
                WriteWarning($"The input was read with different -TimeZone values ('{_inputZone ?? "local"}' and '{inputZone ?? "local"}'); periods are cut in '{_inputZone ?? "local"}'. Give Measure-TokenUsage -TimeZone to choose.");
            }

            return _fold;
        }

        private void Fold(PSObject input)
        {
            try
            {
                FoldChecked(input);
            }
            catch (OverflowException e)
            {
                ThrowSumOverflow(e, input);
            }
        }

        /// <summary>
        /// Each message's counts are bounded (<see cref="Plausible"/>), so only an absurd input gets here: a sum that would
        /// wrap. It ends the command with a documented error instead of a wrong total.
        /// </summary>
        private void ThrowSumOverflow(OverflowException e, object? target) => ThrowTerminatingError(new ErrorRecord(
            new OverflowException("Measure-TokenUsage stopped: a sum of tokens or cost would exceed what a 64-bit count or a decimal holds, so the input cannot be real usage. " + e.Message, e),
            "TokenSumOverflow",
            ErrorCategory.LimitsExceeded,
            target));

        private void FoldChecked(PSObject input)
        {
            if (input.BaseObject is UsageFile file)
            {
                FoldFor(file.TimeZone).Add(FoldInputs.SourceOf(file), file.EntryRows);
                return;
            }

            var adapted = FoldInputs.FromProperties(input, out var problem);
            if (adapted is null)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException("Measure-TokenUsage cannot fold this input: " + problem),
                    "InvalidInputObject",
                    ErrorCategory.InvalidType,
                    input));
                return;
            }

            FoldFor(input.Properties["TimeZone"]?.Value?.ToString()).Add(adapted.Value.Source, adapted.Value.Entries);
        }
    }
}
