using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TokUsage.Clients;

namespace TokUsage.Hosting
{
    /// <summary>Tab completion of -Client: the implemented client ids.</summary>
    public sealed class ClientCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return ClientRegistry.Ids
                .Where(id => id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(id => new CompletionResult(id, id, CompletionResultType.ParameterValue, id));
        }
    }

    /// <summary>Rejects -Client values that name no implemented client, listing the valid ones.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateClientAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            var values = arguments is IEnumerable list && !(arguments is string) ? list.Cast<object>() : new[] { arguments };
            foreach (var value in values)
            {
                var id = value?.ToString() ?? string.Empty;
                if (!ClientRegistry.TryGet(id, out _))
                {
                    throw new ValidationMetadataException(
                        $"'{id}' is not a client TokUsage reads. Valid clients: {string.Join(", ", ClientRegistry.Ids)}.");
                }
            }
        }
    }
}
