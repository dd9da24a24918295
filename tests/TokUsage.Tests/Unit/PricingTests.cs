using System;
using System.Linq;
using System.IO;
using TokUsage.Pricing;
using TokUsage.Tests.Support;
using Xunit;
using TokUsage.Model;

namespace TokUsage.Tests.Unit
{
    public sealed class PricingTests
    {
        private static readonly ModelResolver Resolver = new ModelResolver(PriceTable.Embedded);

        /// <summary>
        /// Real model strings from clients' logs (research/ccusage.md, research/tokscale.md and the clients' own docs)
        /// and the table entry each must price with. The expected entries were chosen by reading the LiteLLM snapshot,
        /// not by running the resolver.
        /// </summary>
        public static TheoryData<string, string> RealModelStrings() => new TheoryData<string, string>
        {
            // Anthropic, as Claude Code, Bedrock, Vertex, OpenRouter, OpenCode and pi log it.
            { "claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929" },
            { "claude-sonnet-4-5", "claude-sonnet-4-5" },
            { "claude-sonnet-4.5-20250929", "claude-sonnet-4-5-20250929" },
            { "claude-sonnet-4.6", "claude-sonnet-4-6" },
            { "claude-sonnet-4-6", "claude-sonnet-4-6" },
            { "claude-opus-4-6", "claude-opus-4-6" },
            { "claude-opus-4-8", "claude-opus-4-8" },
            { "claude-opus-4-5-thinking-0", "claude-opus-4-5" },
            { "claude-opus-4-6-thinking", "claude-opus-4-6" },
            { "claude-opus-4-20250514", "claude-opus-4-20250514" },
            { "claude-opus-4-20250514-fast", "claude-opus-4-20250514" },
            { "claude-opus-4-6-fast", "claude-opus-4-6" },
            { "claude-haiku-4-5-20251001", "claude-haiku-4-5-20251001" },
            { "claude-sonnet-4-20250514", "claude-sonnet-4-20250514" },
            { "claude-sonnet-4-0", "claude-sonnet-4-20250514" },
            { "anthropic/claude-4-6-sonnet", "claude-sonnet-4-6" },
            { "claude-4-5-sonnet", "claude-sonnet-4-5" },
            { "us.anthropic.claude-sonnet-4-20250514-v1:0", "us.anthropic.claude-sonnet-4-20250514-v1:0" },
            { "us.anthropic.claude-haiku-4-5-20251001-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0" },
            { "apac.anthropic.claude-opus-4-6-v1:0", "claude-opus-4-6" },
            { "anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic.claude-3-5-sonnet-20241022-v2:0" },
            { "vertex_ai/claude-sonnet-4-5@20250929", "vertex_ai/claude-sonnet-4-5@20250929" },
            { "claude-sonnet-4-5@20250929", "claude-sonnet-4-5-20250929" },
            { "openrouter/anthropic/claude-sonnet-4.5", "openrouter/anthropic/claude-sonnet-4.5" },
            { "anthropic/claude-opus-4.5", "claude-opus-4-5" },
            { "anthropic/claude-opus-4-6", "claude-opus-4-6" },
            { "[pi] claude-opus-4-5", "claude-opus-4-5" },
            { "CLAUDE-HAIKU-4-5", "claude-haiku-4-5" },
            { "claude-3-7-sonnet-20250219", "claude-3-7-sonnet-20250219" },
            { "claude-3-haiku-20240307", "claude-3-haiku-20240307" },
            { "claude-opus-4", "claude-opus-4-20250514" },

            // OpenAI, as Codex, Copilot, pi, OpenCode and Cursor log it.
            { "gpt-5", "gpt-5" },
            { "gpt-5-codex", "gpt-5-codex" },
            { "gpt-5.1-codex-max", "gpt-5.1-codex-max" },
            { "gpt-5.1-codex-max-xhigh", "gpt-5.1-codex-max" },
            { "gpt-5.2-codex", "gpt-5.2-codex" },
            { "gpt-5.3-codex", "gpt-5.3-codex" },
            { "gpt-5.4", "gpt-5.4" },
            { "GPT-5.4", "gpt-5.4" },
            { "[pi] gpt-5.4", "gpt-5.4" },
            { "gpt-5.4 (high)", "gpt-5.4" },
            { "openai/gpt-5.5", "gpt-5.5" },
            { "gpt-5.4-mini", "gpt-5.4-mini" },
            { "gpt-5-mini-2025-08-07", "gpt-5-mini-2025-08-07" },
            { "o3", "o3" },
            { "o4-mini", "o4-mini" },
            { "gpt-4.1", "gpt-4.1" },
            { "azure/gpt-5.4", "azure/gpt-5.4" },

            // Google, as Gemini CLI, Qwen-style clients and proxies log it.
            { "gemini-2.5-pro", "gemini-2.5-pro" },
            { "gemini-2.5-flash", "gemini-2.5-flash" },
            { "gemini-2.5-flash-lite", "gemini-2.5-flash-lite" },
            { "gemini-3-pro-preview", "gemini-3-pro-preview" },
            { "gemini-3.1-pro-preview", "gemini-3.1-pro-preview" },
            { "google/gemini-2.5-pro", "gemini-2.5-pro" },
            { "gemini/gemini-2.5-pro", "gemini/gemini-2.5-pro" },

            // Open-weight and other providers: the author's entry, never a reseller's when the author has one.
            { "grok-code-fast-1", "xai/grok-code-fast-1" },
            { "x-ai/grok-code-fast-1", "xai/grok-code-fast-1" },
            { "glm-4.6", "zai/glm-4.6" },
            { "glm-4.7", "zai/glm-4.7" },
            { "glm-5", "zai/glm-5" },
            { "kimi-k2-thinking", "moonshot/kimi-k2-thinking" },
            { "kimi-k2.5", "moonshot/kimi-k2.5" },
            { "MiniMax-M2", "minimax/MiniMax-M2" },
            { "minimax/MiniMax-M3", "minimax/MiniMax-M3" },
            { "deepseek-chat", "deepseek-chat" },
            { "deepseek/deepseek-chat", "deepseek/deepseek-chat" },
            { "devstral-medium-2507", "mistral/devstral-medium-2507" },
            { "qwen3-coder-plus", "openrouter/qwen/qwen3-coder-plus" }, // no author entry: the one reseller that has it
        };

        [Theory]
        [MemberData(nameof(RealModelStrings))]
        public void RealModelStringsResolveToTheirTableEntry(string logged, string entry)
        {
            Assert.Equal(entry, Resolver.Resolve(logged)?.Price.Key);
        }

        [Theory]
        [InlineData("zeta-private-coder-1")]
        [InlineData("claude-opus-9-9")]
        [InlineData("<synthetic>")]
        [InlineData("auto")]
        [InlineData("gemini-default")]
        [InlineData("google/gemini-default")]
        [InlineData("gpt-daybreak-blue-latest")]
        [InlineData("custom:Kimi-K3-0")]
        [InlineData("claude-unknown")]
        [InlineData("glm-4-7-251222-turbo")] // only a $0 placeholder row looks like it: not priced at $0 by resemblance
        public void UnknownModelsAndRoutingLabelsHaveNoPrice(string logged)
        {
            Assert.Null(Resolver.Resolve(logged));
        }

        [Theory]
        [InlineData("claude-opus-4-6-fast", true)]
        [InlineData("claude-opus-4-20250514-fast", true)]
        [InlineData("grok-code-fast-1", false)] // "fast" is part of the model's name here
        [InlineData("claude-opus-4-6", false)]
        public void AFastSuffixMarksFastMode(string logged, bool fast)
        {
            Assert.Equal(fast, Resolver.Resolve(logged)!.Fast);
        }

        [Fact]
        public void MatchingIsBoundaryAwareAndNeverWidensAVersion()
        {
            Assert.True(ModelResolver.ContainsAtBoundary("claude-opus-4-20250514", "claude-opus-4"));
            Assert.False(ModelResolver.ContainsAtBoundary("claude-opus-4-5", "claude-opus-4"));
            Assert.False(ModelResolver.ContainsAtBoundary("claude-opus-4.5", "claude-opus-4"));
            Assert.False(ModelResolver.ContainsAtBoundary("xclaude-opus-4", "claude-opus-4"));
            Assert.NotEqual("claude-opus-4-20250514", Resolver.Resolve("claude-opus-4-5")?.Price.Key);
        }

        private static decimal Cost(string model, long input, long output, long cacheWrite = 0, long cacheWrite1h = 0, long cacheRead = 0, bool fast = false) =>
            ByPriceAndByQuote(model, new TokenCounts { Input = input, Output = output, CacheWrite = cacheWrite, CacheWrite1h = cacheWrite1h, CacheRead = cacheRead }, fast);

        /// <summary>A message's cost from the resolved price, checked against the price book's quote (its rates, tier rates included, worked out once).</summary>
        private static decimal ByPriceAndByQuote(string model, TokenCounts tokens, bool fast)
        {
            var byPrice = CostCalculator.Cost(Resolver.Resolve(model)!.Price, tokens, fast);
            var quote = PriceBook.Embedded.Resolve(model)!;
            Assert.Equal(decimal.GetBits(byPrice), decimal.GetBits(CostCalculator.Cost(quote, tokens, fast)));
            return byPrice;
        }

        [Fact]
        public void LongContextBillsTheWholeRequestAtThePremiumRate()
        {
            // 300k input tokens of Sonnet 4.5: Anthropic bills all of them at $6/MTok once input exceeds 200k.
            // (ccusage prices 200k at $3 and 100k at $6 = $1.20; the provider bills $1.80.)
            Assert.Equal(1.8m, Cost("claude-sonnet-4-5", 300_000, 0));
            Assert.Equal(0.6m, Cost("claude-sonnet-4-5", 200_000, 0));
            // Cache reads count toward the input side and are billed at the premium cache-read rate too.
            Assert.Equal((10 * 6m + 1000 * 22.5m + 250_000 * 0.6m) / 1_000_000m, Cost("claude-sonnet-4-5", 10, 1000, cacheRead: 250_000));
        }

        [Fact]
        public void CacheWritesArePricedBy5MinuteAnd1HourTtl()
        {
            // Opus 4.5: input $5, 5m write $6.25, 1h write $10, read $0.50 per MTok.
            Assert.Equal((400 * 6.25m + 600 * 10m + 1000 * 0.5m) / 1_000_000m, Cost("claude-opus-4-5", 0, 0, cacheWrite: 1000, cacheWrite1h: 600, cacheRead: 1000));
        }

        [Fact]
        public void FastModeMultipliesByTheModelsMultiplier()
        {
            Assert.Equal(6 * Cost("claude-opus-4-6", 1000, 1000), Cost("claude-opus-4-6", 1000, 1000, fast: true));
            Assert.Equal(Cost("claude-haiku-4-5", 1000, 1000), Cost("claude-haiku-4-5", 1000, 1000, fast: true)); // no multiplier quoted
        }

        [Fact]
        public void MissingTierRatesAreDerivedFromTheInputPremium()
        {
            // claude-sonnet-4-20250514's 200k tier quotes no 1-hour write rate: 2 × base 1h rate ($6 → $12).
            Assert.Equal((100_000 * 12m + 150_000 * 0.6m) / 1_000_000m, Cost("claude-sonnet-4-20250514", 0, 0, cacheWrite: 100_000, cacheWrite1h: 100_000, cacheRead: 150_000));
        }

        private static decimal CostOf(string model, TokenCounts tokens, bool fast = false)
        {
            var match = Resolver.Resolve(model)!;
            return ByPriceAndByQuote(model, tokens, fast || match.Fast);
        }

        [Fact]
        public void OpenAiCachedInputIsBilledAtTheCachedRateAndReasoningAsOutput()
        {
            // gpt-5.3-codex: input $1.75, cached input $0.175, output $14 per MTok; reasoning tokens are output tokens.
            var tokens = new TokenCounts { Input = 10_000, CacheRead = 90_000, Output = 2_000, Reasoning = 3_000 };
            Assert.Equal((10_000 * 1.75m + 90_000 * 0.175m + 5_000 * 14m) / 1_000_000m, CostOf("gpt-5.3-codex", tokens));
        }

        [Fact]
        public void CachedInputWithoutAQuotedRateIsBilledAsInputOutsideAnthropic()
        {
            // mistral/devstral-medium-2507 quotes no cached rate: cached input costs the input rate ($0.40).
            Assert.Equal(100_000 * 0.4m / 1_000_000m, CostOf("devstral-medium-2507", new TokenCounts { CacheRead = 100_000 }));
        }

        [Fact]
        public void GeminiThinkingTokensAreBilledAtTheReasoningRate()
        {
            // gemini-2.5-flash quotes reasoning at $2.50 like output; gemini-2.5-pro quotes none, so thinking is output ($10).
            Assert.Equal(4_000 * 2.5m / 1_000_000m, CostOf("gemini-2.5-flash", new TokenCounts { Reasoning = 4_000 }));
            Assert.Equal(4_000 * 10m / 1_000_000m, CostOf("gemini-2.5-pro", new TokenCounts { Reasoning = 4_000 }));
        }

        [Fact]
        public void GeminiLongContextBillsTheWholeRequestAbove200k()
        {
            // gemini-2.5-pro above 200k input: input $2.50, output $15, cache read $0.25 for every token of the request.
            var tokens = new TokenCounts { Input = 150_000, CacheRead = 60_000, Output = 1_000, Reasoning = 500 };
            Assert.Equal((150_000 * 2.5m + 60_000 * 0.25m + 1_500 * 15m) / 1_000_000m, CostOf("gemini-2.5-pro", tokens));
        }

        [Fact]
        public void OpenAi272kTierBillsTheWholeRequest()
        {
            // gpt-5.4: $2.50/$15 (cached $0.25) up to 272k input-side tokens; above it $5/$22.50 (cached $0.50) for all of them.
            var below = new TokenCounts { Input = 72_000, CacheRead = 200_000, Output = 1_000 };
            var above = new TokenCounts { Input = 73_000, CacheRead = 200_000, Output = 1_000 };
            Assert.Equal((72_000 * 2.5m + 200_000 * 0.25m + 1_000 * 15m) / 1_000_000m, CostOf("gpt-5.4", below));
            Assert.Equal((73_000 * 5m + 200_000 * 0.5m + 1_000 * 22.5m) / 1_000_000m, CostOf("gpt-5.4", above));
        }

        /// <summary>
        /// Every tiered model of the table, just above and below each threshold, costs the same through the price book's
        /// quote (tier rates worked out once per model) as through its price (worked out per message).
        /// </summary>
        /// <summary>
        /// The whole-number cost (<see cref="WholeRates"/>) is the decimal cost bit for bit, scale included, for every rate
        /// card of the embedded table (base and tiers) and counts from zero to the bound, on both sides of it; and it is the
        /// path the table's usual prices take (else this test would pass without testing it).
        /// </summary>
        [Fact]
        public void WholeNumberCostsAreTheDecimalCostsBitForBit()
        {
            var random = new Random(20261207);
            var cards = PriceTable.Embedded.Models.Values
                .SelectMany(price => new[] { RateCard.Base(price) }.Concat(price.Tiers.Select(tier => RateCard.ForTier(price, tier))))
                .ToList();
            Assert.True(cards.Count(c => c.Whole != null) > cards.Count * 9 / 10, $"{cards.Count(c => c.Whole != null)} of {cards.Count} rate cards priced in whole numbers");
            Assert.NotNull(RateCard.Base(Resolver.Resolve("claude-sonnet-4-5")!.Price).Whole);

            long Count() => random.Next(6) switch
            {
                0 => 0,
                1 => random.Next(1, 100),
                2 => random.Next(),
                3 => (1L << 31) - 1 - random.Next(3),
                4 => (1L << 31) + random.Next(3), // past the bound: decimal arithmetic
                _ => random.Next(1, 2_000_000),
            };

            var whole = 0;
            foreach (var card in cards.Where(c => c.Whole != null))
            {
                for (var i = 0; i < 40; i++)
                {
                    var write1h = Count();
                    var tokens = new TokenCounts { Input = Count(), Output = Count(), Reasoning = Count(), CacheRead = Count(), CacheWrite1h = write1h, CacheWrite = write1h + Count() };
                    if (card.Whole!.TryCost(tokens, out var cost))
                    {
                        whole++;
                        Assert.Equal(decimal.GetBits(CostCalculator.DecimalCost(card, tokens)), decimal.GetBits(cost));
                    }
                }
            }

            Assert.True(whole > cards.Count * 4, $"{whole} costs summed in whole numbers");
            Assert.Null(WholeRates.Of(0.000003m, -0.000001m));
            Assert.Null(WholeRates.Of(1m / 3m));
            Assert.Null(WholeRates.Of(0.000003m, -0.000m));
            Assert.False(RateCard.Base(Resolver.Resolve("claude-sonnet-4-5")!.Price).Whole!.TryCost(new TokenCounts { Input = -1 }, out _));
        }

        [Fact]
        public void AQuotesTierRatesAreItsPricesTierRates()
        {
            var tiered = PriceTable.Embedded.Models.Where(m => m.Value.Tiers.Length > 0).Take(60).ToList();
            Assert.NotEmpty(tiered);
            foreach (var (key, price) in tiered)
            {
                var quote = PriceBook.Embedded.Resolve(key)!;
                foreach (var tier in price.Tiers)
                {
                    foreach (var input in new[] { tier.Above, tier.Above + 1 })
                    {
                        var tokens = new TokenCounts { Input = input, Output = 1_000, CacheRead = 7 };
                        Assert.Equal((key, input, CostCalculator.Cost(quote.Price, tokens, false)), (key, input, CostCalculator.Cost(quote, tokens, false)));
                    }
                }
            }
        }

        [Fact]
        public void Tiers128kAnd256kAreHonoured()
        {
            var grok = Resolver.Resolve("grok-4-fast-reasoning")!.Price;
            Assert.Equal("xai/grok-4-fast-reasoning", grok.Key);
            Assert.Equal(128_000, Assert.Single(grok.Tiers).Above);
            var tier = grok.Tiers[0];
            Assert.Equal(130_000 * tier.Input!.Value, ByPriceAndByQuote("grok-4-fast-reasoning", new TokenCounts { Input = 130_000 }, false));
            Assert.Equal(120_000 * grok.Input!.Value, ByPriceAndByQuote("grok-4-fast-reasoning", new TokenCounts { Input = 120_000 }, false));

            var qwen = Resolver.Resolve("openrouter/qwen/qwen3.5-plus-02-15")!.Price;
            Assert.Contains(qwen.Tiers, t => t.Above == 256_000);
            var top = qwen.Tiers.Last(t => t.Above <= 256_000);
            Assert.Equal(300_000 * top.Input!.Value, ByPriceAndByQuote("openrouter/qwen/qwen3.5-plus-02-15", new TokenCounts { Input = 300_000 }, false));
        }

        [Fact]
        public void AFastModelNameBillsTheFastMultiplier()
        {
            var tokens = new TokenCounts { Input = 1_000, Output = 1_000 };
            Assert.Equal(6 * CostOf("claude-opus-4-6", tokens), CostOf("claude-opus-4-6-fast", tokens));
        }

        private static PriceBook Book(string overridesJson, System.Collections.Hashtable? given = null)
        {
            using var dir = new TempDir();
            var file = dir.Combine("prices.json");
            File.WriteAllText(file, overridesJson);
            var fromFile = PriceOverrideSet.FromFile(file);
            var merged = given is null ? fromFile : fromFile.With(PriceOverrideSet.FromDictionary(given, "-PriceOverride"));
            return new PriceBook(PriceTable.Embedded, merged);
        }

        [Fact]
        public void OverridesMergeFieldByFieldOverTheTableAndTheFile()
        {
            var book = Book(
                "{ \"models\": { \"claude-sonnet-4-5\": { \"Input\": 2.7, \"Output\": 13.5 } } }",
                new System.Collections.Hashtable { ["CLAUDE-SONNET-4-5"] = new System.Collections.Hashtable { ["output"] = 12 } });
            var quote = book.Resolve("claude-sonnet-4-5")!;
            Assert.Equal(PriceMatch.Override, quote.Match);
            Assert.Equal("claude-sonnet-4-5", quote.Entry);
            Assert.Equal(2.7m / 1_000_000m, quote.Price.Input);     // from the file
            Assert.Equal(12m / 1_000_000m, quote.Price.Output);     // -PriceOverride wins
            Assert.Equal(0.3m / 1_000_000m, quote.Price.CacheRead); // from the table
            Assert.Equal(PriceTable.Embedded.Models["claude-sonnet-4-5"].Tiers, quote.Price.Tiers);
        }

        [Fact]
        public void ABaseAndAWildcardPriceBedrockArnsAndProxies()
        {
            var book = Book("{ \"models\": { \"arn:aws:bedrock:*:application-inference-profile/*\": { \"Base\": \"claude-sonnet-4-5\" }, \"arn:aws:bedrock:us-east-1:*\": { \"Base\": \"claude-haiku-4-5\" }, \"corp/*\": { \"Multiplier\": 0.9 } } }");
            var arn = book.Resolve("arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abc123")!;
            Assert.Equal("claude-sonnet-4-5", arn.Entry);
            Assert.Equal(3m / 1_000_000m, arn.Price.Input);

            // The pattern with more literal characters wins where two match.
            Assert.Equal("claude-sonnet-4-5", book.Resolve("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x")!.Entry);
            Assert.Equal("claude-haiku-4-5", book.Resolve("arn:aws:bedrock:us-east-1:123456789012:foundation-model")!.Entry);

            // A multiplier-only override applies on top of whatever the name resolves to.
            var corp = book.Resolve("corp/claude-opus-4-6")!;
            var tokens = new TokenCounts { Input = 1_000_000 };
            Assert.Equal(5m * 0.9m, CostCalculator.Cost(corp.Price, tokens, false));
            Assert.Null(book.Resolve("corp/private-thing")); // nothing to multiply: still unpriced
        }

        [Fact]
        public void AnOverrideCanPriceAPrivateModelAlone()
        {
            var book = Book("{ \"models\": { \"zeta-private-coder-1\": { \"Input\": 2, \"Output\": 8 } } }");
            var quote = book.Resolve("zeta-private-coder-1")!;
            Assert.Null(quote.Entry);
            var tokens = new TokenCounts { Input = 1_000_000, Output = 1_000_000, CacheRead = 1_000_000 };
            Assert.Equal(2m + 8m + 2m, CostCalculator.Cost(quote.Price, tokens, false)); // cached input at the input rate: no rate given
        }

        [Theory]
        [InlineData("{ \"models\": { \"x\": { \"Inptu\": 3 } } }", "'Inptu' is not a price field")]
        [InlineData("{ \"models\": { \"x\": { \"Input\": -3 } } }", "Input must be a number of 0 or more")]
        [InlineData("{ \"models\": { \"x\": { \"Input\": \"cheap\" } } }", "Input must be a number")]
        [InlineData("{ \"models\": { \"x\": { } } }", "no fields")]
        [InlineData("{ \"x\": { \"Input\": 3 } }", "must be a JSON object with a \"models\" object")]
        [InlineData("{ \"models\": { \"x\": { \"Input\": 3 } ", "not valid JSON")]
        public void AnUnusablePriceFileIsAClearError(string json, string message)
        {
            var error = Assert.Throws<PriceOverrideException>(() => Book(json));
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
            Assert.Contains("prices.json", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ABaseThatIsNotInTheTableIsAClearError()
        {
            var error = Assert.Throws<PriceOverrideException>(() => Book("{ \"models\": { \"x\": { \"Base\": \"no-such-model-9\" } } }"));
            Assert.Contains("Base 'no-such-model-9' is not in the price table", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void TheDerivedRatesAreWhatGetTokenPriceShows()
        {
            // claude-sonnet-4-20250514's 200k tier quotes no 1-hour write rate: Get-TokenPrice shows the derived $12 and says why.
            var price = new TokenPrice(PriceBook.Embedded.Resolve("claude-sonnet-4-20250514")!);
            Assert.Equal(3m, price.Input);
            Assert.Equal(3.75m, price.CacheWrite5m);
            Assert.Equal(6m, price.CacheWrite1h);
            Assert.Equal(0.3m, price.CacheRead);
            Assert.Equal(12m, Assert.Single(price.LongContext).CacheWrite1h);
            Assert.Contains(price.Notes, n => n.StartsWith("Above 200,000: CacheWrite1h = base rate × the tier's input premium", StringComparison.Ordinal));
            Assert.Equal("3", price.Input.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        [SkippableFact]
        public void EmbeddedTableIsWhatTheGeneratorMakesOfTheSnapshot()
        {
            Skip.If(Repo.Shared is null, "../shared is not beside the repository");
            var snapshot = File.ReadAllText(Path.Combine(Repo.Shared!, "pricing", "litellm-model-prices-2026-07-24.json"));
            var regenerated = TokUsage.Pricing.LiteLlmConverter.Convert(snapshot, "2026-07-24");
            Assert.Equal(regenerated, File.ReadAllText(Path.Combine(Repo.Root, "src", "TokUsage", "Pricing", "litellm-prices.json")));
            Assert.Contains("2026-07-24", PriceTable.Embedded.Source, StringComparison.Ordinal);
        }

        /// <summary>
        /// The map Windows PowerShell 5.1 resolves IANA ids with must say what CLDR says. Checked line by line through the
        /// runtime's own conversion (ICU's CLDR data, on every OS) rather than by regenerating it from this host's zone
        /// list, which differs between OSes and tzdata releases (a Windows host lists no IANA ids at all).
        /// </summary>
        [Fact]
        public void EmbeddedTimeZoneMapAgreesWithCldr()
        {
            var map = File.ReadAllLines(Path.Combine(Repo.Root, "src", "TokUsage", "Aggregation", "iana-windows.tsv"))
                .Where(l => l.Length > 0 && !l.StartsWith("#", StringComparison.Ordinal))
                .Select(l => l.Split('\t'))
                .ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
            Assert.True(map.Count > 300, $"{map.Count} zones");
            foreach (var (iana, windows) in map)
            {
                Assert.True(TimeZoneInfo.TryConvertIanaIdToWindowsId(iana, out var cldr), iana + " is not an IANA id CLDR knows");
                Assert.Equal((iana, windows), (iana, cldr));
            }

            // The zones the module's own specs and docs name.
            Assert.Equal("W. Europe Standard Time", map["Europe/Berlin"]);
            Assert.Equal("Newfoundland Standard Time", map["America/St_Johns"]);
            Assert.Equal("Tokyo Standard Time", map["Asia/Tokyo"]);
            Assert.Equal("India Standard Time", map["Asia/Kolkata"]);
            Assert.Equal("Pacific Standard Time", map["America/Los_Angeles"]);
        }
    }
}
