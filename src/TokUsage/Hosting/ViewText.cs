using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;

namespace TokUsage.Hosting
{
    /// <summary>
    /// Cell text for the table views in TokUsage.Format.ps1xml (called from their script blocks on the pipeline thread).
    /// Rows may be typed objects or their deserialized copies (Start-Job, remoting), so values are read by property name.
    /// A summary row with a Breakdown shows one line per model under its own line, in every column this class fills:
    /// the views turn on wrapping so those lines stand as sub-rows.
    /// </summary>
    public static class ViewText
    {
        private const string Ellipsis = "\u2026";
        private static readonly Regex DateSuffix = new Regex("-20[0-9]{6}$", RegexOptions.CultureInvariant);

        /// <summary>The row's label (period, name, project), then the breakdown's models, indented; each fits <paramref name="width"/>.</summary>
        public static string Label(object row, string property, int width, bool isPath = false)
        {
            var label = Value(row, property)?.ToString() ?? string.Empty;
            var text = new StringBuilder(isPath ? ElidePath(label, width) : Truncate(label, width));
            foreach (var part in Breakdown(row))
            {
                text.Append('\n').Append("  ").Append(Truncate(ShortModel(Value(part, "Model")?.ToString() ?? string.Empty), width - 2));
            }

            return text.ToString();
        }

        /// <summary>A whole number (messages, tokens) of the row and of each breakdown line, with group separators.</summary>
        public static string Count(object row, string property) => Lines(row, property, "N0");

        /// <summary>A USD amount of the row and of each breakdown line, to the cent.</summary>
        public static string Money(object row, string property) => Lines(row, property, "N2");

        /// <summary>A path that fits <paramref name="width"/>: its end is kept (the project's own folder), the start elided.</summary>
        public static string ElidePath(string? path, int width)
        {
            path ??= string.Empty;
            return path.Length <= width || width < 2 ? path : Ellipsis + path.Substring(path.Length - (width - 1));
        }

        /// <summary>Text cut to <paramref name="width"/> with an ellipsis.</summary>
        public static string Truncate(string? text, int width)
        {
            text ??= string.Empty;
            return text.Length <= width || width < 2 ? text : text.Substring(0, width - 1) + Ellipsis;
        }

        /// <summary>Names joined by ", ", cut to <paramref name="width"/>.</summary>
        public static string Names(object? names, int width)
        {
            var value = names is PSObject pso ? pso.BaseObject : names;
            var text = value is IEnumerable list && !(value is string) ? string.Join(", ", list.Cast<object>().Select(n => n?.ToString())) : value?.ToString();
            return Truncate(text, width);
        }

        /// <summary>A duration with units: <c>45s</c>, <c>59m</c>, <c>1h 05m</c>, <c>2d 03h</c>.</summary>
        public static string Duration(object? value)
        {
            var raw = value is PSObject pso ? pso.BaseObject : value;
            TimeSpan span;
            switch (raw)
            {
                case TimeSpan t:
                    span = t;
                    break;
                case string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var parsed):
                    span = parsed;
                    break;
                default:
                    return string.Empty;
            }

            if (span.TotalMinutes < 1)
            {
                return string.Format(CultureInfo.InvariantCulture, "{0}s", (int)span.TotalSeconds);
            }

            if (span.TotalHours < 1)
            {
                return string.Format(CultureInfo.InvariantCulture, "{0}m", span.Minutes);
            }

            return span.TotalDays < 1
                ? string.Format(CultureInfo.InvariantCulture, "{0}h {1:00}m", span.Hours, span.Minutes)
                : string.Format(CultureInfo.InvariantCulture, "{0}d {1:00}h", (int)span.TotalDays, span.Hours);
        }

        /// <summary>A model name as a breakdown line shows it: without the <c>claude-</c> prefix and a date suffix.</summary>
        private static string ShortModel(string model)
        {
            var name = model.StartsWith("claude-", StringComparison.OrdinalIgnoreCase) ? model.Substring("claude-".Length) : model;
            return DateSuffix.Replace(name, string.Empty);
        }

        private static string Lines(object row, string property, string format)
        {
            var text = new StringBuilder(Format(Value(row, property), format));
            foreach (var part in Breakdown(row))
            {
                text.Append('\n').Append(Format(Value(part, property), format));
            }

            return text.ToString();
        }

        private static string Format(object? value, string format)
        {
            var raw = value is PSObject pso ? pso.BaseObject : value;
            return raw switch
            {
                null => string.Empty,
                IFormattable number => number.ToString(format, CultureInfo.CurrentCulture),
                _ => raw.ToString() ?? string.Empty,
            };
        }

        private static object[] Breakdown(object row)
        {
            var value = Value(row, "Breakdown");
            var raw = value is PSObject pso ? pso.BaseObject : value;
            return raw is IEnumerable list && !(raw is string) ? list.Cast<object>().Where(p => Value(p, "Model") != null).ToArray() : Array.Empty<object>();
        }

        private static object? Value(object? target, string property)
        {
            if (target is null)
            {
                return null;
            }

            var value = PSObject.AsPSObject(target).Properties[property]?.Value;
            return value is PSObject pso && !(pso.BaseObject is PSCustomObject) ? pso.BaseObject : value;
        }
    }
}
