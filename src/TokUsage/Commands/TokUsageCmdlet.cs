using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using TokUsage.Pricing;
using TokUsage.Aggregation;
using TokUsage.Discovery;

namespace TokUsage.Commands
{
    /// <summary>Plumbing shared by the module's cmdlets: terminating parameter errors, time zone and price resolution.</summary>
    public abstract class TokUsageCmdlet : PSCmdlet
    {
        /// <summary>
        /// The error id of a folder walk's problem that is not the folder's own: a name .NET cannot open (NameNotUtf8) or
        /// a path too long to open (PathTooLong); null for an unreadable folder, whose id the caller gives.
        /// </summary>
        private protected static string? WalkErrorId(Exception e) =>
            e is Discovery.UnusableNameException ? "NameNotUtf8" : e is System.IO.PathTooLongException ? "PathTooLong" : null;

        /// <summary>Stops the command with a clear, stable error for a bad parameter value.</summary>
        private protected void ThrowParameterError(string errorId, string message, object? target)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target));
        }

        /// <summary>
        /// The input of a command that keeps messages under their dedup keys (Save-TokenUsage, Send-TokenUsage): a usage
        /// object of Get-TokenUsage, or null after a non-terminating InvalidInputObject error for anything else (objects
        /// read back from CSV, JSON or Clixml lose the keys). <paramref name="does"/> says what the command does ("saves").
        /// </summary>
        private protected UsageFile? KeyedUsage(PSObject? input, string does)
        {
            var command = MyInvocation.MyCommand.Name;
            if (!(input?.BaseObject is UsageFile file))
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"{command} {does} the objects of Get-TokenUsage; this input is a {input?.BaseObject?.GetType().FullName ?? "null"}."),
                    "InvalidInputObject", ErrorCategory.InvalidType, input));
                return null;
            }

            if (!file.AllIdentified)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"The usage of '{file.Path}' has no dedup keys: it was not produced by Get-TokenUsage in this session (objects read back from CSV, JSON or Clixml lose them). Pipe Get-TokenUsage into {command} directly."),
                    "InvalidInputObject", ErrorCategory.InvalidData, input));
                return null;
            }

            return file;
        }

        /// <summary>
        /// The usage files in one pipeline input of a folding command (Measure-TokenUsage, Export-TokenUsageReport): a typed
        /// or deserialized usage object, or each of an array given to -InputObject as the pipeline would have. Anything
        /// else is a non-terminating InvalidInputObject error and is skipped.
        /// </summary>
        private protected System.Collections.Generic.IEnumerable<UsageInput> UsageInputs(PSObject? input)
        {
            if (input is null)
            {
                yield break;
            }

            var items = input.BaseObject is IEnumerable list && !(input.BaseObject is string) && !(input.BaseObject is UsageFile)
                ? list.Cast<object?>().Where(i => i != null).Select(i => PSObject.AsPSObject(i!))
                : new[] { input };
            foreach (var item in items)
            {
                var usage = FoldInputs.Adapt(item, out var problem);
                if (usage is null)
                {
                    WriteError(new ErrorRecord(
                        new ArgumentException($"{MyInvocation.MyCommand.Name} cannot fold this input: " + problem),
                        "InvalidInputObject",
                        ErrorCategory.InvalidType,
                        item));
                    continue;
                }

                yield return usage.Value;
            }
        }

        /// <summary>-Since after -Until stops the command with InvalidDateRange.</summary>
        private protected void CheckDayRange(DateTime? since, DateTime? until)
        {
            if (since.HasValue && until.HasValue && since.Value.Date > until.Value.Date)
            {
                ThrowParameterError("InvalidDateRange", $"-Since ({since.Value:yyyy-MM-dd}) is after -Until ({until.Value:yyyy-MM-dd}).", since);
            }
        }

        /// <summary>
        /// Whether summary rows end with a total row: as -Total says when given, else when the command ends the pipeline
        /// (rows go to the screen or a variable), not when they flow on to another command.
        /// </summary>
        private protected bool WantsTotalRow(SwitchParameter total) =>
            MyInvocation.BoundParameters.ContainsKey("Total") ? total.IsPresent : MyInvocation.PipelinePosition == MyInvocation.PipelineLength;

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

        /// <summary>
        /// The prices of this invocation: the table in force (a stored or damaged-and-skipped table is reported as a
        /// warning), the user's price file, and <paramref name="priceOverride"/> merged over it. Unusable overrides stop
        /// the command with InvalidPriceOverride: every cost after them would be wrong.
        /// </summary>
        private protected PriceBook LoadPrices(ClientEnvironment env, Hashtable? priceOverride)
        {
            try
            {
                var given = priceOverride is null ? null : PriceOverrideSet.FromDictionary(AsPlainDictionaries(priceOverride), "-PriceOverride");
                return PriceBook.Load(env, given, WriteWarning);
            }
            catch (PriceOverrideException e)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(e.Message, e), "InvalidPriceOverride", ErrorCategory.InvalidArgument, priceOverride));
                throw; // not reached
            }
        }

        /// <summary>-PriceOverride values as plain dictionaries (a value may be a hashtable or a PSCustomObject).</summary>
        private static IDictionary AsPlainDictionaries(Hashtable overrides)
        {
            var result = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in overrides)
            {
                var value = entry.Value is PSObject pso && !(pso.BaseObject is IDictionary) ? ToDictionary(pso) : (entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value);
                result[entry.Key?.ToString() ?? string.Empty] = value;
            }

            return result;
        }

        private static Hashtable ToDictionary(PSObject value)
        {
            var fields = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var property in value.Properties)
            {
                fields[property.Name] = property.Value is PSObject p ? p.BaseObject : property.Value;
            }

            return fields;
        }

        /// <summary>
        /// The cache folder: -CachePath resolved against the current location, or the module's user cache folder. A
        /// -CachePath that names a file (or is not on the file system) stops the command with InvalidCachePath.
        /// </summary>
        private protected string ResolveCacheDirectory(string? cachePath, ClientEnvironment environment)
        {
            if (cachePath is null)
            {
                return Caching.UsageCache.DefaultDirectory(environment);
            }

            var resolved = ResolveFileSystemPath(cachePath, "CachePath", "InvalidCachePath", "folder");
            if (System.IO.File.Exists(resolved))
            {
                ThrowParameterError("InvalidCachePath", $"-CachePath '{resolved}' is a file; it must name a folder (the cache file '{Caching.UsageCache.FileName}' is kept in it).", cachePath);
            }

            return resolved;
        }

        /// <summary>
        /// The usage store file: -StorePath resolved against the current location, or the user's data folder (see
        /// <see cref="Storage.UsageStore.DefaultPath"/>). A -StorePath that names a folder (or is not on the file system)
        /// stops the command with InvalidStorePath.
        /// </summary>
        private protected string ResolveStorePath(string? storePath, ClientEnvironment environment)
        {
            if (storePath is null)
            {
                return Storage.UsageStore.DefaultPath(environment);
            }

            var resolved = ResolveFileSystemPath(storePath, "StorePath", "InvalidStorePath", "file");
            if (System.IO.Directory.Exists(resolved))
            {
                ThrowParameterError("InvalidStorePath", $"-StorePath '{resolved}' is a folder; it must name the store's file (for example '{System.IO.Path.Combine(resolved, Storage.UsageStore.FileName)}').", storePath);
            }

            return resolved;
        }

        /// <summary>
        /// A path parameter resolved against the current location (it need not exist yet); one that is not a usable path
        /// or not on the file system stops the command with <paramref name="errorId"/>.
        /// </summary>
        private string ResolveFileSystemPath(string given, string parameter, string errorId, string kind)
        {
            string resolved;
            ProviderInfo provider;
            try
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out provider, out _);
            }
            catch (Exception e) when (e is DriveNotFoundException || e is ProviderNotFoundException || e is NotSupportedException || e is ArgumentException)
            {
                ThrowParameterError(errorId, $"-{parameter} '{given}' is not a usable {kind} path: {e.Message}", given);
                throw; // not reached
            }

            if (provider.Name != "FileSystem")
            {
                ThrowParameterError(errorId, $"-{parameter} '{given}' is on the {provider.Name} provider; it must be a file-system {kind}.", given);
            }

            return resolved;
        }

        /// <summary>An error record for a store that cannot be used (its ErrorId says why).</summary>
        private protected static ErrorRecord StoreError(Storage.StoreException e, string path) =>
            new ErrorRecord(e, e.ErrorId, e.Problem == Storage.StoreProblem.Unwritable ? ErrorCategory.WriteError : ErrorCategory.InvalidData, path);

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
