using System;

namespace TokUsage
{
    /// <summary>Facts about logged model names that are not about prices.</summary>
    internal static class ModelNames
    {
        /// <summary>Claude Code's placeholder for client-generated messages (errors, notices): not a billed model.</summary>
        public const string Synthetic = "<synthetic>";

        /// <summary>Stand-in for a message whose log names no model.</summary>
        public const string Unknown = "unknown";

        public static bool IsSynthetic(string model) => string.Equals(model, Synthetic, StringComparison.Ordinal);
    }
}
