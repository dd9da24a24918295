using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace TokUsage.Tests.Support
{
    /// <summary>Token totals in the five buckets, as the parity tests compare them.</summary>
    internal sealed record Tokens(long Input, long Output, long CacheRead, long CacheWrite, long Reasoning)
    {
        public static Tokens Zero { get; } = new Tokens(0, 0, 0, 0, 0);

        public static Tokens Of(IEnumerable<UsageFile> files) => files.Aggregate(Zero, (t, f) =>
            t + new Tokens(f.InputTokens, f.OutputTokens, f.CacheReadTokens, f.CacheWriteTokens, f.ReasoningTokens));

        public static Tokens Of(IEnumerable<UsageEntry> entries) => entries.Aggregate(Zero, (t, e) =>
            t + new Tokens(e.InputTokens, e.OutputTokens, e.CacheReadTokens, e.CacheWriteTokens, e.ReasoningTokens));

        public static Tokens operator +(Tokens a, Tokens b) =>
            new(a.Input + b.Input, a.Output + b.Output, a.CacheRead + b.CacheRead, a.CacheWrite + b.CacheWrite, a.Reasoning + b.Reasoning);

        public static Tokens operator -(Tokens a, Tokens b) =>
            new(a.Input - b.Input, a.Output - b.Output, a.CacheRead - b.CacheRead, a.CacheWrite - b.CacheWrite, a.Reasoning - b.Reasoning);
    }

    /// <summary>
    /// Runs tokscale 4.17.0 (TOKUSAGE_TOKSCALE; .ci/run and bench/install-peers.sh install it) over a generated home:
    /// <c>tokscale --home &lt;home&gt; models --json --client &lt;id&gt;</c>, offline (cached pricing only), with a config
    /// folder of the caller's choosing.
    /// </summary>
    internal static class Tokscale
    {
        /// <summary>The installed tokscale, or null (the parity tests then skip, and the build says so).</summary>
        public static string? Executable
        {
            get
            {
                var exe = Environment.GetEnvironmentVariable("TOKUSAGE_TOKSCALE");
                return string.IsNullOrEmpty(exe) || !File.Exists(exe) ? null : exe;
            }
        }

        public const string Missing = "tokscale is not installed (set TOKUSAGE_TOKSCALE; build.ps1 installs it)";

        /// <summary>The client's token totals and cost as tokscale reports them.</summary>
        public static (Tokens Tokens, decimal Cost) Run(string exe, string home, string client, string configDirectory)
        {
            var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--home", home, "models", "--json", "--no-spinner", "--client", client })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["TOKSCALE_CONFIG_DIR"] = configDirectory;
            start.Environment["TOKSCALE_PRICING_CACHE_ONLY"] = "1";
            start.Environment["HOME"] = home;
            using var process = Process.Start(start)!;
            var reading = process.StandardError.ReadToEndAsync();
            var json = process.StandardOutput.ReadToEnd();
            reading.GetAwaiter().GetResult();
            Assert.True(process.WaitForExit(120_000));
            Assert.Equal(0, process.ExitCode);
            using var document = JsonDocument.Parse(json);
            var tokens = Tokens.Zero;
            decimal cost = 0;
            foreach (var entry in document.RootElement.GetProperty("entries").EnumerateArray())
            {
                tokens += new Tokens(entry.GetProperty("input").GetInt64(), entry.GetProperty("output").GetInt64(), entry.GetProperty("cacheRead").GetInt64(),
                    entry.GetProperty("cacheWrite").GetInt64(), entry.GetProperty("reasoning").GetInt64());
                cost += entry.GetProperty("cost").GetDecimal();
            }

            return (tokens, cost);
        }
    }
}
