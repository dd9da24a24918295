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

        public static PSObject Wrap(UsageTotals row, bool breakdown, IReadOnlyList<UsageGrouping>? splitBy = null, IReadOnlyList<string>? splitValues = null)
        {
            var wrapped = PSObject.AsPSObject(row);
            var typeName = row is GroupSummary group ? "TokUsage.GroupSummary#" + group.By : row.GetType().FullName!;
            if (row is GroupSummary)
            {
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

            var label = row is PeriodSummary period ? period.Period : row is GroupSummary named ? named.Name : string.Empty;
            var keys = new List<string> { label };
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
