using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace TokUsage.Tests.Support
{
    /// <summary>
    /// The real PowerShell 7.6 engine hosted in-process with the built module (out/TokUsage) imported through its
    /// manifest. Only Microsoft.PowerShell.Core cmdlets exist besides the module's (no Sort-Object, Out-String…).
    /// One runspace per instance; not thread-safe (use one per test class).
    /// </summary>
    public sealed class PowerShellHost : IDisposable
    {
        private readonly Runspace _runspace;

        public PowerShellHost()
        {
            var iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { Repo.Manifest });
            iss.ThrowOnRunspaceOpenError = true;
            _runspace = RunspaceFactory.CreateRunspace(iss);
            _runspace.Open();
        }

        /// <summary>Runs a script; <paramref name="variables"/> become $variables in it.</summary>
        public Result Run(string script, IDictionary<string, object?>? variables = null)
        {
            using var ps = Create(script, variables);
            var output = ps.Invoke();
            return new Result(output, ps.Streams, ps.HadErrors);
        }

        /// <summary>A PowerShell instance on this host's runspace, for tests that need BeginInvoke/Stop.</summary>
        public PowerShell Create(string script, IDictionary<string, object?>? variables = null)
        {
            var ps = PowerShell.Create();
            ps.Runspace = _runspace;
            foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
            {
                _runspace.SessionStateProxy.SetVariable(name, value);
            }

            ps.AddScript(script);
            return ps;
        }

        public void Dispose() => _runspace.Dispose();

        public sealed class Result
        {
            public Result(Collection<PSObject> output, PSDataStreams streams, bool hadErrors)
            {
                Output = output;
                Errors = streams.Error.ToList();
                Warnings = streams.Warning.Select(w => w.Message).ToList();
                Verbose = streams.Verbose.Select(v => v.Message).ToList();
                Progress = streams.Progress.ToList();
                HadErrors = hadErrors;
            }

            public Collection<PSObject> Output { get; }

            public List<ErrorRecord> Errors { get; }

            public List<string> Warnings { get; }

            public List<string> Verbose { get; }

            public List<ProgressRecord> Progress { get; }

            public bool HadErrors { get; }

            /// <summary>
            /// The output objects of type <typeparamref name="T"/>, without Measure-TokenUsage's total row (added when it
            /// ends the pipeline, as these scripts do); <see cref="TotalRow"/> returns that row.
            /// </summary>
            public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>().Where(o => !(o is UsageTotals { IsTotal: true }));

            /// <summary>Measure-TokenUsage's total row, or null.</summary>
            public UsageTotals? TotalRow() => Output.Select(o => o.BaseObject).OfType<UsageTotals>().SingleOrDefault(o => o.IsTotal);

            /// <summary>Fails with the error stream's text when the script wrote errors.</summary>
            public Result AssertNoErrors()
            {
                if (Errors.Count > 0)
                {
                    throw new Xunit.Sdk.XunitException("PowerShell errors:\n" + string.Join("\n", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
                }

                return this;
            }
        }
    }
}
