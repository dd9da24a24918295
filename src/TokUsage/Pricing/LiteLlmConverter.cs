using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TokUsage.Model;

namespace TokUsage.Pricing
{
    /// <summary>
    /// Converts LiteLLM's model_prices_and_context_window.json into the compact table TokUsage prices with: per model only
    /// the per-token prices TokUsage bills with, numbers copied verbatim (no float round trip), keys sorted ordinally so
    /// the output is byte-for-byte reproducible. Used at build time (tools/TokUsage.DataGen, the embedded snapshot) and by
    /// Update-TokenPrice (a refreshed table). Throws <see cref="JsonException"/> when the input is not JSON.
    /// </summary>
    internal static class LiteLlmConverter
    {
        private static readonly string[] Modes = { "chat", "completion", "responses" };
        private static readonly int[] TierThresholdsK = { 128, 200, 256, 272, 512 };

        public static string Convert(string litellmJson, string snapshot) => Convert(Encoding.UTF8.GetBytes(litellmJson), snapshot, null);

        /// <summary>
        /// Converts a LiteLLM table; <paramref name="refresh"/> (null for the embedded snapshot) records where and when a
        /// refreshed table was downloaded.
        /// </summary>
        public static string Convert(byte[] litellmJson, string snapshot, RefreshInfo? refresh)
        {
            using var doc = JsonDocument.Parse(litellmJson, new JsonDocumentOptions { AllowTrailingCommas = false, MaxDepth = 64 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("the root is not a JSON object of models");
            }

            var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
            {
                w.WriteStartObject();
                w.WriteString("source", "LiteLLM model_prices_and_context_window.json");
                w.WriteString("snapshot", snapshot);
                if (refresh != null)
                {
                    w.WriteString("uri", refresh.Uri);
                    w.WriteString("retrieved", refresh.Retrieved.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
                    if (refresh.ETag != null)
                    {
                        w.WriteString("etag", refresh.ETag);
                    }
                }

                w.WriteStartObject("models");
                foreach (var model in doc.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (Include(model))
                    {
                        WriteModel(w, model.Name, model.Value);
                    }
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            // One model per line keeps diffs of a refreshed snapshot readable.
            return SplitLines(Encoding.UTF8.GetString(stream.ToArray()));
        }

        private static string SplitLines(string compact)
        {
            // Put each top-level model entry on its own line: break after every "}," that closes a model object.
            var sb = new StringBuilder(compact.Length + 8192);
            var depth = 0;
            var inString = false;
            for (var i = 0; i < compact.Length; i++)
            {
                var c = compact[i];
                sb.Append(c);
                if (inString)
                {
                    if (c == '\\') { sb.Append(compact[++i]); }
                    else if (c == '"') { inString = false; }
                    continue;
                }

                switch (c)
                {
                    case '"': inString = true; break;
                    case '{': case '[': depth++; if (depth == 2 && c == '{') sb.Append('\n'); break;
                    case '}': case ']': depth--; break;
                    case ',': if (depth == 2) sb.Append('\n'); break;
                }
            }

            return sb.Append('\n').ToString();
        }

        private static bool Include(JsonProperty model)
        {
            if (model.Value.ValueKind != JsonValueKind.Object || model.Name == "sample_spec")
            {
                return false;
            }

            // github_copilot/ rows are $0 subscription placeholders, not prices (tokscale drops them too).
            if (model.Name.StartsWith("github_copilot/", StringComparison.Ordinal))
            {
                return false;
            }

            if (model.Value.TryGetProperty("mode", out var mode) && mode.ValueKind == JsonValueKind.String && Array.IndexOf(Modes, mode.GetString()) < 0)
            {
                return false;
            }

            return IsNumber(model.Value, "input_cost_per_token") || IsNumber(model.Value, "output_cost_per_token");
        }

        private static void WriteModel(Utf8JsonWriter w, string name, JsonElement m)
        {
            w.WriteStartObject(name);
            if (m.TryGetProperty("litellm_provider", out var provider) && provider.ValueKind == JsonValueKind.String)
            {
                w.WriteString("p", provider.GetString());
            }

            CopyRate(w, name, m, "i", "input_cost_per_token");
            CopyRate(w, name, m, "o", "output_cost_per_token");
            CopyRate(w, name, m, "cw", "cache_creation_input_token_cost");
            CopyRate(w, name, m, "cw1h", "cache_creation_input_token_cost_above_1hr");
            CopyRate(w, name, m, "cr", "cache_read_input_token_cost");
            CopyRate(w, name, m, "r", "output_cost_per_reasoning_token");
            if (m.TryGetProperty("max_input_tokens", out var window) && window.ValueKind == JsonValueKind.Number)
            {
                w.WritePropertyName("ctx");
                w.WriteRawValue(window.GetRawText(), skipInputValidation: true); // read back as an integer or not at all
            }

            var tiers = new List<int>();
            foreach (var k in TierThresholdsK)
            {
                var suffix = $"_above_{k}k_tokens";
                if (IsNumber(m, "input_cost_per_token" + suffix) || IsNumber(m, "output_cost_per_token" + suffix)
                    || IsNumber(m, "cache_read_input_token_cost" + suffix) || IsNumber(m, "cache_creation_input_token_cost" + suffix))
                {
                    tiers.Add(k);
                }
            }

            if (tiers.Count > 0)
            {
                w.WriteStartArray("tiers");
                foreach (var k in tiers)
                {
                    var suffix = $"_above_{k}k_tokens";
                    w.WriteStartObject();
                    w.WriteNumber("above", k * 1000);
                    CopyRate(w, name, m, "i", "input_cost_per_token" + suffix);
                    CopyRate(w, name, m, "o", "output_cost_per_token" + suffix);
                    CopyRate(w, name, m, "cw", "cache_creation_input_token_cost" + suffix);
                    CopyRate(w, name, m, "cw1h", "cache_creation_input_token_cost_above_1hr" + suffix);
                    CopyRate(w, name, m, "cr", "cache_read_input_token_cost" + suffix);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (m.TryGetProperty("provider_specific_entry", out var specific) && specific.ValueKind == JsonValueKind.Object)
            {
                CopyRate(w, name, specific, "fast", "fast", multiplier: true);
            }

            w.WriteEndObject();
        }

        private static bool IsNumber(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number;

        /// <summary>
        /// Copies a rate (USD per token) or a multiplier. One out of the <see cref="Plausible"/> bounds (7e27, negative,
        /// 1e400) refuses the whole table: stored, it would price every message absurdly or fail every read.
        /// </summary>
        private static void CopyRate(Utf8JsonWriter w, string model, JsonElement source, string shortName, string longName, bool multiplier = false)
        {
            if (!source.TryGetProperty(longName, out var v) || v.ValueKind != JsonValueKind.Number)
            {
                return;
            }

            if (!v.TryGetDecimal(out var value) || !Plausible.Price(value, multiplier))
            {
                throw new InvalidDataException(multiplier
                    ? $"'{model}' has {longName} {v.GetRawText()}, where a multiplier is between 0 and {Plausible.MaxMultiplier}"
                    : $"'{model}' has {longName} {v.GetRawText()}, where a price is between 0 and {Plausible.MaxRatePerToken} USD per token");
            }

            w.WritePropertyName(shortName);
            w.WriteRawValue(v.GetRawText(), skipInputValidation: true);
        }
    }

    /// <summary>Where and when a refreshed table came from.</summary>
    internal sealed class RefreshInfo
    {
        public RefreshInfo(string uri, DateTimeOffset retrieved, string? etag)
        {
            Uri = uri;
            Retrieved = retrieved;
            ETag = etag;
        }

        public string Uri { get; }

        public DateTimeOffset Retrieved { get; }

        public string? ETag { get; }
    }
}
