using System;
using System.IO;
using System.Management.Automation;

namespace TokUsage.Hosting
{
    /// <summary>
    /// Lets Get-TokenUsage -Path take piped folders and files as themselves: a TokUsage.UsageSource by its Root, a
    /// FileInfo or DirectoryInfo by its full name (each escaped, since -Path expands wildcards). Without it PowerShell
    /// would bind such an object to the string parameter as its type name. Strings pass unchanged. Runs on the pipeline
    /// thread while parameters bind.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class PipedPathArgumentAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (value)
            {
                case UsageSource source:
                    return new[] { WildcardPattern.Escape(source.Root) };
                case FileSystemInfo item:
                    return new[] { WildcardPattern.Escape(item.FullName) };
                case PSCustomObject _ when inputData is PSObject bag && bag.TypeNames.Contains("Deserialized.TokUsage.UsageSource"):
                    return new[] { WildcardPattern.Escape(bag.Properties["Root"]?.Value?.ToString() ?? string.Empty) };
                default:
                    return inputData;
            }
        }
    }
}
