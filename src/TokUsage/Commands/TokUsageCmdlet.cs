using System;
using System.Management.Automation;

namespace TokUsage.Commands
{
    /// <summary>Plumbing shared by the module's cmdlets: terminating parameter errors and time zone resolution.</summary>
    public abstract class TokUsageCmdlet : PSCmdlet
    {
        /// <summary>Stops the command with a clear, stable error for a bad parameter value.</summary>
        private protected void ThrowParameterError(string errorId, string message, object? target)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target));
        }

        /// <summary>The zone for -TimeZone (local when not given); a bad id stops the command with InvalidTimeZone.</summary>
        private protected TimeZoneInfo ResolveTimeZone(string? id)
        {
            try
            {
                return TimeZoneResolver.Resolve(id);
            }
            catch (ArgumentException e)
            {
                ThrowParameterError("InvalidTimeZone", e.Message, id);
                throw; // not reached: ThrowTerminatingError always throws
            }
        }

        /// <summary>True when verbose output would be shown, so verbose text is only built when it is.</summary>
        private protected bool VerboseEnabled()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var verbose) && verbose is SwitchParameter flag)
            {
                return flag.IsPresent;
            }

            var preference = GetVariableValue("VerbosePreference");
            return preference is ActionPreference action && action != ActionPreference.SilentlyContinue && action != ActionPreference.Ignore;
        }
    }
}
