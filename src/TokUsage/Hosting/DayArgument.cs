using System;
using System.Globalization;
using System.Management.Automation;

namespace TokUsage.Hosting
{
    /// <summary>
    /// Turns a -Since/-Until value into a day: a [datetime], a [datetimeoffset] (its own clock date), ccusage's
    /// <c>yyyyMMdd</c> as text or number, or ISO text (<c>yyyy-MM-dd</c>, with or without a time). Anything else, and
    /// days outside 1970–9998, stop the command with a parameter error that says which forms are accepted, before any
    /// file is read. Runs on the pipeline thread while parameters bind.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class DayArgumentAttribute : ArgumentTransformationAttribute
    {
        private static readonly string[] IsoForms =
        {
            "yyyyMMdd", "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
        };

        private static readonly DateTime Earliest = new DateTime(1970, 1, 1);
        private static readonly DateTime Latest = new DateTime(9998, 12, 31);

        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            DateTime? day = value switch
            {
                null => null,
                DateTime dt => dt,
                DateTimeOffset dto => dto.DateTime,
                string text => Parse(text.Trim()),
                int number => Parse(number.ToString(CultureInfo.InvariantCulture)),
                long number => Parse(number.ToString(CultureInfo.InvariantCulture)),
                _ => null,
            };
            if (value is null)
            {
                return null;
            }

            if (day is null)
            {
                throw new ArgumentTransformationMetadataException(
                    $"'{value}' is not a day. Use yyyy-MM-dd (2025-09-01), yyyyMMdd (20250901), a [datetime] or a [datetimeoffset].");
            }

            if (day.Value < Earliest || day.Value > Latest)
            {
                throw new ArgumentTransformationMetadataException(
                    $"'{value}' is outside the days TokUsage can count ({Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}).");
            }

            return day.Value;
        }

        private static DateTime? Parse(string text) =>
            DateTime.TryParseExact(text, IsoForms, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : (DateTime?)null;
    }
}
