using System.Collections.Generic;
using System.Management.Automation;

namespace TokUsage.Hosting
{
    /// <summary>
    /// How a summary row goes down the pipeline: the type names that select its view in TokUsage.Format.ps1xml
    /// (GroupSummary#Project labels the first column; …#Breakdown shows per-model sub-rows; CombinedSummary shows a row
    /// split by several keys), and, for such a row, each splitting key as a property of its own (CSV-ready). Shared by
    /// Measure-TokenUsage and Get-TokenUsageReport so both give the same objects and views.
    /// </summary>
    internal static class SummaryView
    {
        public const string Combined = "TokUsage.CombinedSummary";

        /// <summary>The view of rows that measured activity (-ActiveTime): their label, then the activity columns.</summary>
        public const string Activity = "TokUsage.ActivitySummary";

        public static PSObject Wrap(UsageTotals row, bool breakdown, IReadOnlyList<UsageGrouping>? splitBy = null, IReadOnlyList<string>? splitValues = null)
        {
            var wrapped = WrapKeys(row, breakdown, splitBy, splitValues);
            if (row.ActiveTime != null)
            {
                if (wrapped.Properties["Group"] is null)
                {
                    wrapped.Properties.Add(new PSNoteProperty("Group", LabelOf(row)));
                }

                wrapped.TypeNames.Insert(0, Activity);
            }

            return wrapped;
        }

        private static string LabelOf(UsageTotals row) => row switch
        {
            PeriodSummary period => period.Period,
            GroupSummary named => named.Name,
            BlockSummary block => block.Block,
            SessionSummary session => session.IsTotal ? session.Project : session.SessionId,
            _ => string.Empty,
        };

        private static PSObject WrapKeys(UsageTotals row, bool breakdown, IReadOnlyList<UsageGrouping>? splitBy, IReadOnlyList<string>? splitValues)
        {
            var wrapped = PSObject.AsPSObject(row);
            var typeName = row is GroupSummary group ? "TokUsage.GroupSummary#" + group.By : row.GetType().FullName!;
            if (row is GroupSummary || (row is BlockSummary block && block.Family != null))
            {
                typeName = row is GroupSummary ? typeName : typeName + "#Family";
                wrapped.TypeNames.Insert(0, typeName);
            }

            if (breakdown)
            {
                wrapped.TypeNames.Insert(0, typeName + "#Breakdown");
            }

            if (splitBy is null || splitBy.Count == 0 || splitValues is null)
            {
                return wrapped;
            }

            var keys = new List<string> { LabelOf(row) };
            for (var i = 0; i < splitBy.Count; i++)
            {
                wrapped.Properties.Add(new PSNoteProperty(splitBy[i].ToString(), splitValues[i]));
                if (splitValues[i].Length > 0)
                {
                    keys.Add(splitValues[i]);
                }
            }

            // The view's first column: every key's value, in the order of -By.
            wrapped.Properties.Add(new PSNoteProperty("Group", string.Join(" | ", keys)));
            wrapped.TypeNames.Insert(0, Combined);
            return wrapped;
        }
    }
}
