using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TokUsage.Pricing;
using TokUsage.Discovery;

namespace TokUsage.Hosting
{
    /// <summary>
    /// Tab completion of -Model: names in the price table in force (bare names first, then provider entries), at most
    /// 200, so completion stays instant on a table of thousands.
    /// </summary>
    public sealed class ModelCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var table = PriceStore.Current(ClientEnvironment.FromProcess(), out _);
            return table.Models.Keys
                .Where(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .OrderBy(k => k.IndexOf('/') >= 0)
                .ThenBy(k => k, StringComparer.OrdinalIgnoreCase)
                .Take(200)
                .Select(k => new CompletionResult(Quote(k), k, CompletionResultType.ParameterValue, k));
        }

        private static string Quote(string key) => key.IndexOfAny(new[] { ' ', '[', ']', '\'', '"', '$', '`', '(', ')', '{', '}', ',', ';', '@', '#' }) >= 0
            ? "'" + key.Replace("'", "''") + "'"
            : key;
    }
}
