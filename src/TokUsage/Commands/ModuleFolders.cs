using TokUsage.Discovery;

namespace TokUsage.Commands
{
    /// <summary>
    /// Where the module keeps what it writes for the user, for the module's own scripts (Public/Schedule.ps1 puts a
    /// schedule's job script and log beside the usage store). Public only so that script can ask; one rule, in C#.
    /// </summary>
    public static class ModuleFolders
    {
        /// <summary>The usage store Save-TokenUsage and Get-TokenUsage use when no -StorePath is given, for this process's environment.</summary>
        public static string DefaultStorePath() => Storage.UsageStore.DefaultPath(ClientEnvironment.FromProcess());
    }
}
