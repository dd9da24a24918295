using System;
using System.Linq;
using System.Text;

namespace TokUsage.HelpGen
{
    /// <summary>Turns docs/about_*.md into the plain-text about_*.help.txt that Get-Help shows.</summary>
    public static class AboutTopic
    {
        public static string ToText(string markdown)
        {
            var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            if (lines.Length > 0 && lines[0].Trim() == "---")
            {
                var end = Array.FindIndex(lines, 1, l => l.Trim() == "---");
                lines = lines.Skip(end + 1).ToArray();
            }

            var sb = new StringBuilder();
            var inCode = false;
            foreach (var raw in lines)
            {
                if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    inCode = !inCode;
                    continue;
                }

                if (inCode)
                {
                    sb.Append("    ").Append(raw).Append('\n');
                }
                else if (raw.StartsWith("#", StringComparison.Ordinal))
                {
                    var heading = raw.TrimStart('#').Trim();
                    sb.Append(raw.StartsWith("# ", StringComparison.Ordinal) ? "TOPIC\n    " + heading : heading.ToUpperInvariant()).Append('\n');
                }
                else
                {
                    sb.Append(raw.Length > 0 ? "    " + raw.Replace("`", string.Empty, StringComparison.Ordinal) : string.Empty).Append('\n');
                }
            }

            return sb.ToString();
        }
    }
}
