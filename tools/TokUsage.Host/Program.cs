using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

namespace TokUsage.Host
{
    /// <summary>
    /// <c>TokUsage.Host [-Command] &lt;script&gt;</c> or <c>TokUsage.Host -File &lt;path&gt; [args…]</c>: runs the script in a
    /// fresh runspace (Microsoft.PowerShell.Core only) and writes each output object's text to stdout, errors and
    /// warnings to stderr. Exit code 0, 1 when the script wrote errors, 2 when it failed to run. Ctrl+C stops the
    /// pipeline as in pwsh.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            Console.OutputEncoding = new UTF8Encoding(false);
            if (args.Length == 0 || args[0] is "-h" or "--help" or "-?")
            {
                Console.Error.WriteLine("usage: TokUsage.Host [-Command] <script> | -File <path> [args...]");
                return 2;
            }

            var iss = InitialSessionState.CreateDefault2();
            using var runspace = RunspaceFactory.CreateRunspace(iss);
            runspace.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            if (string.Equals(args[0], "-File", StringComparison.OrdinalIgnoreCase) && args.Length > 1)
            {
                ps.AddCommand(args[1]);
                for (var i = 2; i < args.Length; i++)
                {
                    ps.AddArgument(args[i]);
                }
            }
            else
            {
                var start = string.Equals(args[0], "-Command", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
                ps.AddScript(string.Join(" ", args, start, args.Length - start));
            }

            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                ps.BeginStop(null, null);
            };

            ps.Streams.Error.DataAdded += (_, e) => Console.Error.WriteLine("ERROR: " + ps.Streams.Error[e.Index]);
            ps.Streams.Warning.DataAdded += (_, e) => Console.Error.WriteLine("WARNING: " + ps.Streams.Warning[e.Index]);
            var output = new PSDataCollection<PSObject>();
            output.DataAdded += (_, e) => Console.Out.WriteLine(output[e.Index]?.ToString());
            try
            {
                ps.Invoke(null, output);
            }
            catch (PipelineStoppedException)
            {
                return 130;
            }
            catch (RuntimeException e)
            {
                Console.Error.WriteLine("ERROR: " + e.ErrorRecord);
                return 2;
            }

            return ps.HadErrors ? 1 : 0;
        }
    }
}
