using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TokUsage.Primitives;
using TokUsage.Model;

namespace TokUsage.Clients.Common
{
    /// <summary>
    /// Lenient reads of the JSON shapes agents write: a field may be spelled several ways, numbers may be strings,
    /// timestamps may be RFC 3339 text, epoch seconds or epoch milliseconds. Pure; used on worker threads.
    /// </summary>
    internal static class JsonValues
    {
        /// <summary>The first of <paramref name="names"/> present on <paramref name="obj"/>, as a non-negative count (0 when none).</summary>
        [MethodImpl(Jit.Optimized)]
        public static long Count(JsonElement obj, params string[] names)
        {
            foreach (var name in names)
            {
                if (TryGet(obj, name, out var value) && TryCount(value, out var count))
                {
                    return count;
                }
            }

            return 0;
        }

        /// <summary>A count from a number or a numeric string; negative values clamp to 0.</summary>
        [MethodImpl(Jit.Optimized)]
        public static bool TryCount(JsonElement value, out long count)
        {
            count = 0;
            double d;
            switch (value.ValueKind)
            {
                case JsonValueKind.Number:
                    if (value.TryGetInt64(out count))
                    {
                        count = Math.Max(0, count);
                        return true;
                    }

                    d = value.GetDouble();
                    break;
                case JsonValueKind.String:
                    if (!double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }

            count = d <= 0 || double.IsNaN(d) ? 0 : d >= long.MaxValue ? long.MaxValue : (long)Math.Round(d);
            return true;
        }

        /// <summary>A decimal amount (a logged cost) from a number or numeric string.</summary>
        [MethodImpl(Jit.Optimized)]
        public static decimal? Amount(JsonElement obj, params string[] names)
        {
            foreach (var name in names)
            {
                if (!TryGet(obj, name, out var value))
                {
                    continue;
                }

                if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number))
                {
                    return number;
                }

                var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null;
                if (text != null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
                {
                    return number;
                }

                // Past decimal's range: saturated, so the record is reported as damage rather than priced from the table.
                if (text != null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var huge) && huge > 0)
                {
                    return Plausible.Amount(huge);
                }
            }

            return null;
        }

        /// <summary>The first of <paramref name="names"/> that is a non-empty string, else null.</summary>
        [MethodImpl(Jit.Optimized)]
        public static string? String(JsonElement obj, params string[] names)
        {
            foreach (var name in names)
            {
                if (TryGet(obj, name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    var text = value.GetString();
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        return text!.Trim();
                    }
                }
            }

            return null;
        }

        /// <summary>The object at a property path (each step must be an object), or false.</summary>
        [MethodImpl(Jit.Optimized)]
        public static bool TryObject(JsonElement obj, out JsonElement result, params string[] path)
        {
            result = obj;
            foreach (var step in path)
            {
                if (!TryGet(result, step, out result))
                {
                    return false;
                }
            }

            return result.ValueKind == JsonValueKind.Object;
        }

        /// <summary>The array at a property, or false.</summary>
        [MethodImpl(Jit.Optimized)]
        public static bool TryArray(JsonElement obj, string name, out JsonElement array) =>
            TryGet(obj, name, out array) && array.ValueKind == JsonValueKind.Array;

        [MethodImpl(Jit.Optimized)]
        public static bool TryGet(JsonElement obj, string name, out JsonElement value)
        {
            if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }

            value = default;
            return false;
        }

        /// <summary>The first of <paramref name="names"/> that is a usable timestamp.</summary>
        [MethodImpl(Jit.Optimized)]
        public static bool TryTimestamp(JsonElement obj, out DateTimeOffset instant, params string[] names)
        {
            foreach (var name in names)
            {
                if (TryGet(obj, name, out var value) && TryTimestamp(value, out instant))
                {
                    return true;
                }
            }

            instant = default;
            return false;
        }

        /// <summary>
        /// RFC 3339 text (text without an offset is UTC), or an epoch number / numeric string: values ≥ 1e12 are
        /// milliseconds, smaller ones seconds (fractions allowed). Zero and negative values are not timestamps.
        /// </summary>
        [MethodImpl(Jit.Optimized)]
        public static bool TryTimestamp(JsonElement value, out DateTimeOffset instant)
        {
            instant = default;
            double epoch;
            if (value.ValueKind == JsonValueKind.Number)
            {
                epoch = value.GetDouble();
            }
            else if (value.ValueKind == JsonValueKind.String)
            {
                var text = value.GetString()!.Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out epoch))
                {
                    return TryParseText(text, out instant);
                }
            }
            else
            {
                return false;
            }

            return TryEpoch(epoch, out instant);
        }

        [MethodImpl(Jit.Optimized)]
        public static bool TryEpoch(double epoch, out DateTimeOffset instant)
        {
            instant = default;
            if (!(epoch > 0) || double.IsInfinity(epoch))
            {
                return false;
            }

            var ms = epoch >= 1e12 ? epoch : epoch * 1000d;
            if (ms > 253402300799999d)
            {
                return false;
            }

            instant = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(ms));
            return Parsing.Timestamps.IsPlausible(instant);
        }

        [MethodImpl(Jit.Optimized)]
        public static bool TryParseText(string text, out DateTimeOffset instant) =>
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant)
            && Parsing.Timestamps.IsPlausible(instant);
    }
}
