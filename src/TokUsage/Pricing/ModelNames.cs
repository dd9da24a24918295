using System;

namespace TokUsage.Pricing
{
    /// <summary>Facts about logged model names that are not about prices.</summary>
    internal static class ModelNames
    {
        /// <summary>Claude Code's placeholder for client-generated messages (errors, notices): not a billed model.</summary>
        public const string Synthetic = "<synthetic>";

        /// <summary>Stand-in for a message whose log names no model.</summary>
        public const string Unknown = "unknown";

        public static bool IsSynthetic(string model) => string.Equals(model, Synthetic, StringComparison.Ordinal);

        /// <summary>
        /// The family a weekly limit counts a model in: Claude models by tier (<c>opus</c>, <c>sonnet</c>, <c>haiku</c>, as
        /// Anthropic's weekly limits name them), any other model by its name without a provider prefix or date suffix.
        /// </summary>
        public static string FamilyOf(string model)
        {
            var name = model.Substring(model.LastIndexOf('/') + 1).ToLowerInvariant();
            foreach (var tier in ClaudeTiers)
            {
                if (name.Contains(tier))
                {
                    return tier;
                }
            }

            return DateSuffix.Replace(name, string.Empty);
        }

        private static readonly string[] ClaudeTiers = { "opus", "sonnet", "haiku" };

        private static readonly System.Text.RegularExpressions.Regex DateSuffix = new System.Text.RegularExpressions.Regex(
            "-(20[0-9]{2}-?[01][0-9]-?[0-3][0-9])$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    }
}
