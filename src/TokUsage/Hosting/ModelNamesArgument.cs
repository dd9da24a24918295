using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;

namespace TokUsage.Hosting
{
    /// <summary>
    /// Lets -Model take piped TokUsage objects by what they name: a usage file's or summary's Models, a breakdown's Model.
    /// Without it, PowerShell would bind a whole piped object to a string parameter as its type name. Strings and string
    /// lists pass unchanged. Runs on the pipeline thread while parameters bind.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ModelNamesArgumentAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (value)
            {
                case null:
                case string _:
                case string[] _:
                    return value;
                case NameList names:
                    return names.ToArray();
                case IEnumerable list:
                    return list.Cast<object?>().Select(item => Transform(engineIntrinsics, item)).SelectMany(Flatten).ToArray();
            }

            var wrapped = PSObject.AsPSObject(inputData!);
            var named = wrapped.Properties["Models"]?.Value ?? wrapped.Properties["Model"]?.Value;
            return named is null ? inputData : Transform(engineIntrinsics, named);
        }

        private static string[] Flatten(object? value) => value switch
        {
            null => Array.Empty<string>(),
            string[] many => many,
            _ => new[] { value.ToString() ?? string.Empty },
        };
    }
}
