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

        /// <summary>Usage objects from Get-TokenUsage (typed or deserialized).</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>What a row is: Day (default), Week, Month, Hour, Session, Project, Model or Client.</summary>
        [Parameter(Position = 0)]
        public UsageGrouping By { get; set; } = UsageGrouping.Day;

        /// <summary>First day of a week for -By Week (default Monday).</summary>
        [Parameter]
        public DayOfWeek WeekStart { get; set; } = DayOfWeek.Monday;

        /// <summary>Time zone of days, weeks, months and hours (IANA or Windows id; default: local).</summary>
        [Parameter]
        public string? TimeZone { get; set; }

        /// <summary>Adds each row's per-model split (the Breakdown property).</summary>
        [Parameter]
        public SwitchParameter Breakdown { get; set; }

        protected override void BeginProcessing()
        {
            _fold = new UsageFold(By, ResolveTimeZone(TimeZone), WeekStart, Breakdown.IsPresent);
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
            foreach (var row in _fold!.Results())
            {
                if (row is GroupSummary group)
                {
                    // A per-grouping type name lets the format file label the first column Project, Model or Client.
                    var wrapped = PSObject.AsPSObject(group);
                    wrapped.TypeNames.Insert(0, "TokUsage.GroupSummary#" + group.By);
                    WriteObject(wrapped);
                }
                else
                {
                    WriteObject(row);
                }
            }
        }

        private void Fold(PSObject input)
        {
            if (input.BaseObject is UsageFile file)
            {
                _fold!.Add(FoldInputs.SourceOf(file), file.Entries);
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

            _fold!.Add(adapted.Value.Source, adapted.Value.Entries);
        }
    }
}
