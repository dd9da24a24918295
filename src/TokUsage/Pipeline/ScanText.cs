using System.Collections.Generic;
using System.Linq;
using TokUsage.Clients;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// What a run tells the user in warnings and errors, in one place: each says what happened and what to do about it.
    /// Verbose lines stay next to the code that knows their detail.
    /// </summary>
    internal static class ScanText
    {
        /// <summary>Unpriced models warned about one by one; past them, one warning at the end counts the rest.</summary>
        internal const int MaxUnpricedWarnings = 20;

        /// <summary>Longest model name a warning quotes whole (a damaged log can name a "model" of megabytes).</summary>
        private const int MaxNameInWarning = 120;

        /// <summary>The one warning per unpriced model per run: what is missing and the two ways to fix it.</summary>
        internal static string UnpricedWarning(string model)
        {
            model = model.Length <= MaxNameInWarning ? model : model.Substring(0, MaxNameInWarning) + $"… ({model.Length} characters)";
            return $"No price for model '{model}': its tokens are counted, its cost is not (it is listed in UnpricedModels). "
            + $"Run Update-TokenPrice for newer prices, or price it yourself: -PriceOverride @{{ '{model}' = @{{ Base = '<table entry>' }} }} "
            + "(or Input/Output in USD per million tokens), or the same in your price file (see about_TokUsage).";
        }

        internal static string MoreUnpriced(int all) =>
            $"{all - MaxUnpricedWarnings} more model(s) have no price ({all} in all): their tokens are counted, their cost is not. Each object's UnpricedModels lists them (Get-TokenUsage | Measure-TokenUsage -By Model shows them all).";

        internal static string Damaged(long lines, int files) =>
            $"Skipped {lines} damaged line(s) in {files} file(s); each file's SkippedLines property counts its own (Where-Object SkippedLines -gt 0), and -Verbose names each line.";

        internal static string ForeignFiles(int count, string folder, string owner, IEnumerable<IClientSource> asked) =>
            $"Skipped {count} file(s) under '{folder}' that are {owner} logs (they lie in its folders), not logs of {Ids(asked)}. To count them, name -Client {owner} too, or leave -Client out.";

        internal static string NotALogOf(string path, IEnumerable<IClientSource> asked, IClientSource? owner) =>
            $"'{path}' is not a usage log of {Ids(asked)}."
            + (owner is null ? string.Empty : $" It is a {owner.Id} log (it lies in its folders): name -Client {owner.Id}, or leave -Client out.");

        internal static string NoLogs(IReadOnlyList<IClientSource> asked, bool defaultFolders, int tooOld)
        {
            var clients = asked.Count == ClientRegistry.All.Count ? "any client" : Ids(asked);
            var where = defaultFolders ? "in the default folders (Get-TokenUsageSource lists them; -Path reads other ones)" : "under the given paths";
            return tooOld > 0
                ? $"No usage log of {clients} was written on or after the day before -Since ({tooOld} older one(s) found {where})."
                : $"No usage log of {clients} was found {where}.";
        }

        internal static string CacheUnusable(string directory, string? problem) =>
            $"The usage cache in '{directory}' cannot be used ({problem}); every file is read.";

        private static string Ids(IEnumerable<IClientSource> clients) => string.Join(", ", clients.Select(c => c.Id));
    }
}
