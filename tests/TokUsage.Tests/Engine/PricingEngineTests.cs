using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using TokUsage.Pricing;
using TokUsage.TestData;
using TokUsage.Tests.Support;
using TokUsage.Tests.Unit;
using Xunit;

namespace TokUsage.Tests.Engine
{
    /// <summary>
    /// The "done when": a generated corpus that uses dozens of real model strings is priced, per model and per
    /// day, to the cent of an independent calculation (ReferencePrices: rates typed in, rules applied by hand).
    /// </summary>
    public sealed class RealModelCorpusTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir();
        private readonly GeneratedClaudeHome _home;
        private readonly PowerShellHost _host = new PowerShellHost();

        public RealModelCorpusTests()
        {
            var mix = ReferencePrices.RealModelStrings.Keys.Select(m => (m, 1.0)).ToList();
            mix.Add((ReferencePrices.Unpriced, 0.5));
            mix.Add((ReferencePrices.Synthetic, 0.3));
            _home = ClaudeHomeGenerator.Generate(_dir.Path, new ClaudeHomeOptions { Seed = 7, Sessions = 120, Projects = 4, Models = mix, DamageRate = 0, TornLastLineRate = 0 });
        }

        public void Dispose()
        {
            _host.Dispose();
            _dir.Dispose();
        }

        [Fact]
        public void EveryModelIsPricedToTheCent()
        {
            Assert.True(ReferencePrices.RealModelStrings.Count >= 30);
            var rows = _host.Run("Get-TokenUsage -Path $p -WarningAction SilentlyContinue | Measure-TokenUsage -By Model", new Dictionary<string, object?> { ["p"] = _home.ProjectsDir })
                .AssertNoErrors().Objects<GroupSummary>().ToDictionary(r => r.Name, StringComparer.Ordinal);

            var expected = _home.Messages.GroupBy(m => m.Model).ToDictionary(g => g.Key, g => g.Sum(m => m.Cost));
            var wrong = new List<string>();
            foreach (var model in ReferencePrices.RealModelStrings.Keys)
            {
                Assert.True(rows.ContainsKey(model), $"the corpus has no message of {model}");
                Assert.True(expected[model] > 0m, model);
                if (decimal.Round(expected[model], 2) != decimal.Round(rows[model].Cost, 2))
                {
                    wrong.Add($"{model}: expected {expected[model]:0.######}, priced {rows[model].Cost:0.######}");
                }

                Assert.Equal(CostSource.Calculated, rows[model].CostSource);
                Assert.Empty(rows[model].UnpricedModels);
            }

            Assert.Empty(wrong);

            Assert.Equal(new[] { ReferencePrices.Unpriced }, rows[ReferencePrices.Unpriced].UnpricedModels);
            Assert.Equal(0m, rows[ReferencePrices.Unpriced].Cost);
            Assert.Equal(CostSource.None, rows[ReferencePrices.Unpriced].CostSource);
        }

        [Fact]
        public void EveryDayIsPricedToTheCent()
        {
            var days = _host.Run("Get-TokenUsage -Path $p -WarningAction SilentlyContinue | Measure-TokenUsage -By Day -TimeZone UTC", new Dictionary<string, object?> { ["p"] = _home.ProjectsDir })
                .AssertNoErrors().Objects<PeriodSummary>().ToList();
            var expected = ExpectedReports.ByDay(_home.Messages, TimeZoneInfo.Utc);
            Assert.Equal(expected.Keys, days.Select(d => d.Period));
            foreach (var day in days)
            {
                Assert.Equal(decimal.Round(expected[day.Period].Cost, 2), decimal.Round(day.Cost, 2));
                Assert.Equal(expected[day.Period].Messages, day.Messages);
            }

            Assert.Equal(decimal.Round(_home.Messages.Sum(m => m.Cost), 6), decimal.Round(days.Sum(d => d.Cost), 6));
        }

        [Fact]
        public void TheUnpricedModelIsWarnedOnceWithTheFix()
        {
            var result = _host.Run("Get-TokenUsage -Path $p | Out-Null", new Dictionary<string, object?> { ["p"] = _home.ProjectsDir });
            var warning = Assert.Single(result.Warnings);
            Assert.Contains(ReferencePrices.Unpriced, warning, StringComparison.Ordinal);
            Assert.Contains("Update-TokenPrice", warning, StringComparison.Ordinal);
            Assert.Contains("-PriceOverride", warning, StringComparison.Ordinal);
        }

        [Fact]
        public void AnOverridePricesTheUnpricedModel()
        {
            var files = _host.Run(
                "Get-TokenUsage -Path $p -PriceOverride @{ $m = @{ Input = 2; Output = 8; CacheRead = 0.2 } }",
                new Dictionary<string, object?> { ["p"] = _home.ProjectsDir, ["m"] = ReferencePrices.Unpriced }).AssertNoErrors();
            Assert.Empty(files.Warnings);
            var usage = files.Objects<UsageFile>().ToList();
            Assert.All(usage, f => Assert.Empty(f.UnpricedModels));
            var entries = usage.SelectMany(f => f.Entries).Where(e => e.Model == ReferencePrices.Unpriced).ToList();
            Assert.NotEmpty(entries);
            var expected = entries.Sum(e => (e.InputTokens * 2m + e.OutputTokens * 8m + e.CacheReadTokens * 0.2m + e.CacheWriteTokens * 2m) / 1_000_000m);
            Assert.Equal(expected, entries.Sum(e => e.Cost));
        }

        [Fact]
        public void GetTokenPriceShowsTheEntryBehindEveryRealModelString()
        {
            var prices = _host.Run("Get-TokenUsage -Path $p -WarningAction SilentlyContinue | Get-TokenPrice -ErrorVariable missing -ErrorAction SilentlyContinue; $missing | ForEach-Object { $_.FullyQualifiedErrorId + '|' + $_.TargetObject }",
                new Dictionary<string, object?> { ["p"] = _home.ProjectsDir });
            var shown = prices.Objects<TokenPrice>().ToDictionary(p => p.Model, StringComparer.Ordinal);
            Assert.Equal(ReferencePrices.RealModelStrings.Keys.OrderBy(k => k, StringComparer.Ordinal), shown.Keys.OrderBy(k => k, StringComparer.Ordinal));
            foreach (var (model, rates) in ReferencePrices.RealModelStrings)
            {
                Assert.Equal(rates.Base.Input, shown[model].Input);
                Assert.Equal(rates.Base.Output, shown[model].Output);
                Assert.Equal(rates.Base.CacheRead, shown[model].CacheRead);
                Assert.Equal(rates.Base.CacheWrite5m, shown[model].CacheWrite5m);
                Assert.Equal(rates.Base.CacheWrite1h, shown[model].CacheWrite1h);
            }

            Assert.Equal("ModelNotPriced,TokUsage.Commands.GetTokenPriceCommand|" + ReferencePrices.Unpriced, Assert.Single(prices.Output.Select(o => o.BaseObject).OfType<string>()));
        }
    }

    /// <summary>Update-TokenPrice, the stored table, the user's price file and -PriceOverride, in the hosted engine.</summary>
    [Collection(EnvironmentCollection.Name)]
    public sealed class PriceCommandTests : IDisposable
    {
        private static readonly string[] Variables = { "XDG_CACHE_HOME", "XDG_CONFIG_HOME", PriceBook.PriceFileVariable };
        private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        private readonly TempDir _dir = new TempDir();
        private readonly LocalHttpServer _server = new LocalHttpServer();
        private readonly PowerShellHost _host;

        public PriceCommandTests()
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _dir.Combine("cache"));
            Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", _dir.Combine("config"));
            Environment.SetEnvironmentVariable(PriceBook.PriceFileVariable, null);
            _host = new PowerShellHost();
        }

        public void Dispose()
        {
            _host.Dispose();
            _server.Dispose();
            foreach (var (name, value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            _dir.Dispose();
        }

        private PowerShellHost.Result Run(string script, string? uri = null) =>
            _host.Run(script, new Dictionary<string, object?> { ["u"] = uri });

        private decimal SonnetInput() => Run("(Get-TokenPrice claude-sonnet-4-5).Input").AssertNoErrors().Output.Select(o => (decimal)o.BaseObject).Single();

        [Fact]
        public void UpdateTokenPriceStoresATableLaterRunsUseAndAFailedOneChangesNothing()
        {
            Assert.Equal(3m, SonnetInput()); // embedded snapshot
            _server.Serve("/prices.json", new LocalHttpServer.Reply(200, PriceUpdateTests.LiteLlmTable(sonnetInput: "4e-06"), "\"abc\""));
            _server.Serve("/broken.json", new LocalHttpServer.Reply(200, PriceUpdateTests.LiteLlmTable(sonnetInput: "9e-06"), CutAfter: 500));
            _server.Serve("/500", new LocalHttpServer.Reply(500, System.Text.Encoding.UTF8.GetBytes("no")));
            _server.Serve("/html", new LocalHttpServer.Reply(200, System.Text.Encoding.UTF8.GetBytes("<html>")));

            var whatIf = Run("Update-TokenPrice -Uri $u -WhatIf", _server.Url("/prices.json").ToString()).AssertNoErrors();
            Assert.Empty(whatIf.Output);
            Assert.False(File.Exists(_dir.Combine("cache", "TokUsage", PriceStore.FileName)));

            var info = Run("Update-TokenPrice -Uri $u", _server.Url("/prices.json").ToString()).AssertNoErrors().Objects<PriceTableInfo>().Single();
            Assert.True(info.Changed);
            Assert.Equal(_dir.Combine("cache", "TokUsage", PriceStore.FileName), info.Path);
            Assert.Equal(151, info.Models);
            Assert.Equal(4m, SonnetInput());
            Assert.Contains("Update-TokenPrice", Run("(Get-TokenPrice claude-sonnet-4-5).Source").Output.Single().ToString(), StringComparison.Ordinal);

            foreach (var (path, errorId) in new[] { ("/broken.json", "PriceDownloadFailed"), ("/500", "PriceDownloadFailed"), ("/html", "InvalidPriceTable") })
            {
                var failed = Run("try { Update-TokenPrice -Uri $u -Force } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }", _server.Url(path).ToString());
                var lines = failed.Output.Select(o => o.ToString()).ToList();
                Assert.Equal(errorId + ",TokUsage.Commands.UpdateTokenPriceCommand", lines[0]);
                Assert.Contains("unchanged", lines[1], StringComparison.Ordinal);
                Assert.Equal(4m, SonnetInput());
            }

            var again = Run("Update-TokenPrice -Uri $u", _server.Url("/prices.json").ToString()).AssertNoErrors().Objects<PriceTableInfo>().Single();
            Assert.False(again.Changed); // the server answered 304 to the stored ETag
        }

        [Fact]
        public void AnInvalidUriIsAParameterError()
        {
            var result = Run("try { Update-TokenPrice -Uri 'ftp://example.invalid/p.json' } catch { $_.FullyQualifiedErrorId }");
            Assert.Equal("InvalidPriceUri,TokUsage.Commands.UpdateTokenPriceCommand", result.Output.Single().ToString());
        }

        [Fact]
        public void TheUserPriceFileAndPriceOverrideMergeFieldByField()
        {
            var file = _dir.Combine("config", "TokUsage", "prices.json");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "{ \"models\": { \"claude-sonnet-4-5\": { \"Input\": 2.5, \"Output\": 12 } } }");

            var price = Run("Get-TokenPrice claude-sonnet-4-5 -PriceOverride @{ 'claude-sonnet-4-5' = [pscustomobject]@{ Output = 11 } }").AssertNoErrors().Objects<TokenPrice>().Single();
            Assert.Equal(2.5m, price.Input);
            Assert.Equal(11m, price.Output);
            Assert.Equal(0.3m, price.CacheRead);
            Assert.Equal(PriceMatch.Override, price.Match);
            Assert.Contains(file, price.Source, StringComparison.Ordinal);

            var elsewhere = _dir.Combine("elsewhere.json");
            File.WriteAllText(elsewhere, "{ \"models\": { \"claude-sonnet-4-5\": { \"Input\": 1 } } }");
            Environment.SetEnvironmentVariable(PriceBook.PriceFileVariable, elsewhere);
            Assert.Equal(1m, SonnetInput());
        }

        [Theory]
        [InlineData("Get-TokenUsage -Path $u -PriceOverride @{ x = @{ Inptu = 1 } }")]
        [InlineData("Get-TokenUsage -Path $u -PriceOverride @{ x = 3 }")]
        [InlineData("Get-TokenPrice x -PriceOverride @{ x = @{ Base = 'no-such-model-9' } }")]
        public void AnUnusableOverrideStopsTheCommand(string script)
        {
            Directory.CreateDirectory(_dir.Combine("logs"));
            var result = _host.Run("try { " + script + " } catch { $_.FullyQualifiedErrorId }", new Dictionary<string, object?> { ["u"] = _dir.Combine("logs") });
            Assert.StartsWith("InvalidPriceOverride,", result.Output.Single().ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public void ADamagedPriceFileStopsTheCommandAndNamesTheFile()
        {
            var file = _dir.Combine("config", "TokUsage", "prices.json");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "{ \"models\": ");
            var result = Run("try { Get-TokenPrice gpt-5 } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }");
            var lines = result.Output.Select(o => o.ToString()).ToList();
            Assert.Equal("InvalidPriceOverride,TokUsage.Commands.GetTokenPriceCommand", lines[0]);
            Assert.Contains(file, lines[1], StringComparison.Ordinal);
        }

        [Fact]
        public void UnknownNamesAndRoutingLabelsAreNotFoundErrors()
        {
            var result = Run("Get-TokenPrice 'zeta-private-coder-1', 'auto', 'gpt-5' -ErrorAction SilentlyContinue -ErrorVariable e; $e | ForEach-Object { $_.FullyQualifiedErrorId + '|' + $_.Exception.Message }");
            Assert.Single(result.Objects<TokenPrice>());
            var errors = result.Output.Select(o => o.BaseObject).OfType<string>().ToList();
            Assert.Equal(2, errors.Count);
            Assert.All(errors, e => Assert.StartsWith("ModelNotPriced,", e, StringComparison.Ordinal));
            Assert.Contains("routing label", errors[1], StringComparison.Ordinal);
        }

        [Fact]
        public void WildcardsListTableEntries()
        {
            var names = Run("Get-TokenPrice 'claude-opus-4-6*' | ForEach-Object Model").AssertNoErrors().Output.Select(o => o.ToString()).ToList();
            Assert.Contains("claude-opus-4-6", names);
            Assert.Contains("claude-opus-4-6-20260205", names);
            Assert.All(names, n => Assert.StartsWith("claude-opus-4-6", n, StringComparison.OrdinalIgnoreCase));
        }
    }
}
