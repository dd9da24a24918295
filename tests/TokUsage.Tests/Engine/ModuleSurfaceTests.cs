using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Xml.Linq;
using TokUsage.Tests.Support;
using Xunit;

namespace TokUsage.Tests.Engine
{
    /// <summary>Manifest, help, completion, parameter validation, per-file errors and input handling, in the real engine.</summary>
    public sealed class ModuleSurfaceTests : IDisposable
    {
        private readonly PowerShellHost _host = new PowerShellHost();
        private readonly TempDir _dir = new TempDir();

        public void Dispose()
        {
            _host.Dispose();
            _dir.Dispose();
        }

        [Fact]
        public void ManifestIsValidAndMatchesTheAssembly()
        {
            var info = _host.Run("Test-ModuleManifest -Path $m", new Dictionary<string, object?> { ["m"] = Repo.Manifest }).AssertNoErrors().Output.Single();
            var module = (PSModuleInfo)info.BaseObject;
            Assert.Equal(typeof(UsageFile).Assembly.GetName().Version!.ToString(3), module.Version.ToString(3));
            Assert.Equal(new[] { "Clear-TokenUsageCache", "Export-TokenUsageReport", "Get-TokenPrice", "Get-TokenUsage", "Get-TokenUsageReport", "Get-TokenUsageSource", "Measure-TokenUsage", "Save-TokenUsage", "Send-TokenUsage", "Update-TokenPrice" }, module.ExportedCmdlets.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(new[] { "Get-TokenUsageSchedule", "Get-TokenUsageStatusLine", "Register-TokenUsageSchedule", "Unregister-TokenUsageSchedule" }, module.ExportedFunctions.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(new[] { "Core", "Desktop" }, module.CompatiblePSEditions.OrderBy(e => e));
            Assert.Equal(new Version(5, 1), module.PowerShellVersion);
            var psData = (System.Collections.Hashtable)((System.Collections.Hashtable)module.PrivateData)["PSData"]!;
            Assert.NotNull(psData["LicenseUri"]);
            Assert.NotNull(psData["ProjectUri"]);
            Assert.Contains("PSEdition_Desktop", ((object[])psData["Tags"]!).Cast<string>());
        }

        [Fact]
        public void EveryShippedFileIsInTheLayout()
        {
            foreach (var file in new[] { "TokUsage.dll", "TokUsage.psd1", "TokUsage.psm1", "TokUsage.Format.ps1xml", "LICENSE", "Public/ArgumentCompleters.ps1", "en-US/TokUsage.dll-Help.xml", "en-US/about_TokUsage.help.txt", "dependencies/System.Text.Json.dll", "dependencies/System.Runtime.CompilerServices.Unsafe.dll", "dependencies/System.Memory.dll" })
            {
                Assert.True(File.Exists(Path.Combine(Repo.ModuleDir, file)), "missing from out/TokUsage: " + file);
            }

            // The engine serves System.Text.Json from its runtime, not from dependencies/ (PowerShell 7 rule).
            var stj = _host.Run("[System.Text.Json.JsonDocument].Assembly.Location").Output.Single().ToString();
            Assert.DoesNotContain("dependencies", stj, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("Get-TokenUsage")]
        [InlineData("Get-TokenUsageSource")]
        [InlineData("Measure-TokenUsage")]
        [InlineData("Get-TokenPrice")]
        [InlineData("Update-TokenPrice")]
        [InlineData("Clear-TokenUsageCache")]
        [InlineData("Save-TokenUsage")]
        [InlineData("Send-TokenUsage")]
        [InlineData("Export-TokenUsageReport")]
        [InlineData("Get-TokenUsageReport")]
        [InlineData("Register-TokenUsageSchedule")]
        [InlineData("Get-TokenUsageSchedule")]
        [InlineData("Unregister-TokenUsageSchedule")]
        [InlineData("Get-TokenUsageStatusLine")]
        public void FullHelpHasSynopsisEveryParameterAndExamples(string command)
        {
            var vars = new Dictionary<string, object?> { ["c"] = command };
            var synopsis = _host.Run("(Get-Help $c -Full).Synopsis", vars).AssertNoErrors().Output.Single().ToString();
            Assert.False(string.IsNullOrWhiteSpace(synopsis));
            Assert.DoesNotContain(command + " [", synopsis, StringComparison.Ordinal); // not the auto-generated syntax stub
            var examples = _host.Run("@((Get-Help $c -Full).examples.example).Count", vars).Output.Single();
            Assert.True((int)examples.BaseObject >= 2);

            var described = _host.Run("(Get-Help $c -Full).parameters.parameter | ForEach-Object { $_.name + '|' + (@($_.description | ForEach-Object Text) -join ' ') }", vars)
                .Output.Select(o => o.ToString().Split('|', 2)).ToDictionary(p => p[0], p => p[1]);
            var cmdletParams = _host.Run("(Get-Command $c).Parameters.Keys", vars).Output.Select(o => o.ToString()).Where(n => !CommonParameters.Contains(n)).ToList();
            Assert.Equal(cmdletParams.OrderBy(n => n), described.Keys.OrderBy(n => n));
            Assert.All(described, p => Assert.False(string.IsNullOrWhiteSpace(p.Value), $"-{p.Key} has no description"));
        }

        private static readonly HashSet<string> CommonParameters = new HashSet<string>(
            new[] { "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable" });

        [Fact]
        public void FormatViewsNameRealProperties()
        {
            var doc = XDocument.Load(Path.Combine(Repo.ModuleDir, "TokUsage.Format.ps1xml"));
            foreach (var view in doc.Descendants("View"))
            {
                var typeName = view.Element("ViewSelectedBy")!.Elements("TypeName").First().Value.Split('#')[0];
                // A row split by several keys, or one that measured activity, is a summary row with note properties added (SummaryView).
                var type = typeName == Hosting.SummaryView.Combined || typeName == Hosting.SummaryView.Activity ? typeof(UsageTotals) : typeof(UsageFile).Assembly.GetType(typeName, throwOnError: true)!;
                foreach (var property in view.Descendants("PropertyName").Select(p => p.Value))
                {
                    Assert.True(type.GetProperty(property) != null, $"{typeName} has no property {property} (view {view.Element("Name")!.Value})");
                }
            }
        }

        [Theory]
        [InlineData("Get-TokenUsage -Client cl", "claude")]
        [InlineData("Get-TokenUsage -Client cl", "cline")]
        [InlineData("Get-TokenUsage -Client co", "copilot")]
        [InlineData("Get-TokenUsageSource ki", "kilocode")]
        [InlineData("Get-TokenUsage -TimeZone Europe/Berl", "Europe/Berlin")]
        [InlineData("Measure-TokenUsage -TimeZone 'W. Europe St", "'W. Europe Standard Time'")]
        [InlineData("Measure-TokenUsage -By Ses", "Session")]
        [InlineData("Get-TokenPrice claude-sonnet-4-5-2", "claude-sonnet-4-5-20250929")]
        [InlineData("Get-TokenPrice -Model gpt-5.4-mi", "gpt-5.4-mini")]
        public void TabCompletionOffersValues(string input, string expected)
        {
            var completion = _host.Run("(TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches | ForEach-Object CompletionText", new Dictionary<string, object?> { ["s"] = input });
            Assert.Contains(expected, completion.Output.Select(o => o.ToString()));
        }

        [Theory]
        [InlineData("Get-TokenUsage -Path $d -TimeZone 'Mars/Olympus_Mons'", "InvalidTimeZone,TokUsage.Commands.GetTokenUsageCommand")]
        [InlineData("Measure-TokenUsage -TimeZone 'Nowhere/Land'", "InvalidTimeZone,TokUsage.Commands.MeasureTokenUsageCommand")]
        [InlineData("Get-TokenUsage -Path $d -Since 2026-05-02 -Until 2026-05-01", "InvalidDateRange,TokUsage.Commands.GetTokenUsageCommand")]
        [InlineData("Get-TokenUsage -Path $d -Client nope", "ParameterArgumentValidationError,TokUsage.Commands.GetTokenUsageCommand")]
        [InlineData("Get-TokenUsage -Path $d -ThrottleLimit 0", "ParameterArgumentValidationError,TokUsage.Commands.GetTokenUsageCommand")]
        [InlineData("Measure-TokenUsage -By Fortnight", "CannotConvertArgumentNoMessage,TokUsage.Commands.MeasureTokenUsageCommand")]
        [InlineData("[IO.File]::WriteAllText(\"$d/f.txt\", ''); Get-TokenUsage -Path $d -CachePath \"$d/f.txt\"", "InvalidCachePath,TokUsage.Commands.GetTokenUsageCommand")]
        [InlineData("[IO.File]::WriteAllText(\"$d/f.txt\", ''); Clear-TokenUsageCache -CachePath \"$d/f.txt\"", "InvalidCachePath,TokUsage.Commands.ClearTokenUsageCacheCommand")]
        public void BadParametersAreClearTerminatingErrors(string script, string errorId)
        {
            // try/catch catches terminating errors only: a non-terminating error would print 'continued'.
            var result = _host.Run($"try {{ {script}; 'continued' }} catch {{ $_.FullyQualifiedErrorId; $_.Exception.Message }}", new Dictionary<string, object?> { ["d"] = _dir.Path });
            var output = result.Output.Select(o => o.ToString()).ToList();
            Assert.Equal(errorId, output[0]);
            if (script.Contains("-Client", StringComparison.Ordinal))
            {
                Assert.Contains("Valid clients: claude", output[1], StringComparison.Ordinal);
            }
        }

        [Fact]
        public void MissingPathsAndOtherProvidersAreNonTerminating()
        {
            File.WriteAllText(_dir.Combine("ok.jsonl"), Line("msg_1", "req_1", 10, 5) + "\n");
            var result = _host.Run("Get-TokenUsage -Path $missing, $ok; Get-TokenUsage -LiteralPath $missing; Get-TokenUsage -Path Env:HOME",
                new Dictionary<string, object?> { ["missing"] = _dir.Combine("nope.jsonl"), ["ok"] = _dir.Combine("ok.jsonl") });
            Assert.Equal(new[] { "PathNotFound", "PathNotFound", "NotFileSystemPath" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.Equal(15, result.Objects<UsageFile>().Single().TotalTokens);

            // Wildcards expand; a wildcard that matches nothing is silently empty (as Get-ChildItem).
            var wild = _host.Run("Get-TokenUsage -Path $a; Get-TokenUsage -Path $b", new Dictionary<string, object?> { ["a"] = _dir.Combine("o*.jsonl"), ["b"] = _dir.Combine("zz*.jsonl") });
            Assert.Empty(wild.Errors);
            Assert.Equal(_dir.Combine("ok.jsonl"), wild.Objects<UsageFile>().Single().Path);
        }

        [Fact]
        public void AnUnreadableFileIsANamedErrorAndTheOthersStillCount()
        {
            File.WriteAllText(_dir.Combine("a.jsonl"), Line("msg_1", "req_1", 10, 5) + "\n");
            File.CreateSymbolicLink(_dir.Combine("b.jsonl"), _dir.Combine("gone.jsonl"));
            File.WriteAllText(_dir.Combine("c.jsonl"), Line("msg_2", "req_2", 20, 5) + "\n");
            var result = _host.Run("Get-TokenUsage -Path $d", new Dictionary<string, object?> { ["d"] = _dir.Path });
            var error = Assert.Single(result.Errors);
            Assert.Equal("FileUnreadable,TokUsage.Commands.GetTokenUsageCommand", error.FullyQualifiedErrorId);
            Assert.Equal(_dir.Combine("b.jsonl"), error.TargetObject);
            Assert.Contains("b.jsonl", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(new long[] { 15, 25 }, result.Objects<UsageFile>().Select(f => f.TotalTokens));

            var stop = Assert.ThrowsAny<RuntimeException>(() => _host.Run("Get-TokenUsage -Path $d -ErrorAction Stop", new Dictionary<string, object?> { ["d"] = _dir.Path }));
            Assert.Contains("b.jsonl", stop.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void MeasureAcceptsDeserializedObjectsAndRejectsOthers()
        {
            File.WriteAllText(_dir.Combine("s.jsonl"), Line("msg_1", "req_1", 1000, 500) + "\n" + Line("msg_2", "req_2", 10, 5, "zeta-model-x", "2026-05-02T01:00:00Z") + "\n");
            var typed = _host.Run("Get-TokenUsage -Path $d | Measure-TokenUsage -By Day -TimeZone UTC", new Dictionary<string, object?> { ["d"] = _dir.Path })
                .Objects<PeriodSummary>().ToList();
            var viaCliXml = _host.Run(
                "$x = [System.Management.Automation.PSSerializer]::Serialize(@(Get-TokenUsage -Path $d), 5); [System.Management.Automation.PSSerializer]::Deserialize($x) | Measure-TokenUsage -By Day -TimeZone UTC",
                new Dictionary<string, object?> { ["d"] = _dir.Path }).AssertNoErrors().Objects<PeriodSummary>().ToList();
            Assert.Equal(typed.Select(r => (r.Period, r.TotalTokens, r.Cost, string.Join(",", r.UnpricedModels))), viaCliXml.Select(r => (r.Period, r.TotalTokens, r.Cost, string.Join(",", r.UnpricedModels))));
            Assert.Equal(new[] { "zeta-model-x" }, typed[1].UnpricedModels);

            var bad = _host.Run("1, 'x' | Measure-TokenUsage");
            Assert.Equal(2, bad.Errors.Count(e => e.FullyQualifiedErrorId == "InvalidInputObject,TokUsage.Commands.MeasureTokenUsageCommand"));
        }

        [Fact]
        public void BreakdownAndGroupingsShapeTheRows()
        {
            File.WriteAllText(_dir.Combine("s.jsonl"), string.Join("\n",
                Line("msg_1", "req_1", 1000, 500, "claude-haiku-4-5-20251001"),
                Line("msg_2", "req_2", 10, 5, "claude-opus-4-6"),
                Line("msg_3", "req_3", 10, 5, "claude-opus-4-6", "2026-05-08T01:00:00Z")) + "\n");
            var day = _host.Run("Get-TokenUsage -Path $d | Measure-TokenUsage -TimeZone UTC -Breakdown", new Dictionary<string, object?> { ["d"] = _dir.Path }).Objects<PeriodSummary>().First();
            Assert.Equal(new[] { "claude-haiku-4-5-20251001", "claude-opus-4-6" }, day.Models);
            Assert.Equal(day.Breakdown.OrderByDescending(b => b.Cost).Select(b => b.Model), day.Breakdown.Select(b => b.Model));
            Assert.Equal(day.TotalTokens, day.Breakdown.Sum(b => b.TotalTokens));

            var weeks = _host.Run("Get-TokenUsage -Path $d | Measure-TokenUsage -By Week -WeekStart Sunday -TimeZone UTC", new Dictionary<string, object?> { ["d"] = _dir.Path }).Objects<PeriodSummary>();
            Assert.Equal(new[] { "2026-04-26", "2026-05-03" }, weeks.Select(w => w.Period));

            var models = _host.Run("Get-TokenUsage -Path $d | Measure-TokenUsage -By Model", new Dictionary<string, object?> { ["d"] = _dir.Path });
            Assert.Equal(new[] { "TokUsage.GroupSummary#Model", "TokUsage.GroupSummary#Model", "TokUsage.GroupSummary#Model" }, models.Output.Select(o => o.TypeNames[0]));
            Assert.Equal(models.Objects<GroupSummary>().Sum(g => g.TotalTokens), models.TotalRow()!.TotalTokens);
            Assert.Equal("Total", ((GroupSummary)models.TotalRow()!).Name);
            Assert.Equal(new[] { "claude-haiku-4-5-20251001", "claude-opus-4-6" }, models.Objects<GroupSummary>().Select(g => g.Name));
        }

        [Fact]
        public void PesterSpecsAndScriptsParse()
        {
            var scripts = Directory.GetFiles(Path.Combine(Repo.Root, "tests"), "*.ps1", SearchOption.AllDirectories)
                .Concat(Directory.GetFiles(Path.Combine(Repo.Root, "Public"), "*.ps1"))
                .Append(Path.Combine(Repo.Root, "build.ps1"))
                .Append(Path.Combine(Repo.Root, "TokUsage.psm1"))
                .ToList();
            Assert.Contains(scripts, s => s.EndsWith(".Tests.ps1", StringComparison.Ordinal));
            foreach (var script in scripts)
            {
                Parser.ParseFile(script, out _, out var errors);
                Assert.True(errors.Length == 0, $"{script}: {string.Join("; ", errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}"))}");
            }
        }

        internal static string Line(string id, string requestId, long input, long output, string model = "claude-sonnet-4-5-20250929", string timestamp = "2026-05-01T10:00:00Z") =>
            $"{{\"type\":\"assistant\",\"timestamp\":\"{timestamp}\",\"requestId\":\"{requestId}\",\"sessionId\":\"s\",\"message\":{{\"id\":\"{id}\",\"model\":\"{model}\",\"usage\":{{\"input_tokens\":{input},\"output_tokens\":{output}}}}}}}";
    }
}
