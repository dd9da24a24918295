using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using TokUsage.Hosting;
using TokUsage.Pipeline;
using TokUsage.Pricing;
using TokUsage.Discovery;

namespace TokUsage.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows the prices TokUsage bills a model with, and which price table entry a logged model name resolves to.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TokenPrice")]
    [OutputType(typeof(TokenPrice))]
    public sealed class GetTokenPriceCommand : TokUsageCmdlet
    {
        private readonly HashSet<string> _shown = new HashSet<string>(StringComparer.Ordinal);
        private PriceBook? _prices;

        /// <summary>Model names as logs have them, or wildcard patterns over table entries (default: every entry).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Models")]
        [ModelNamesArgument]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string[]? Model { get; set; }

        /// <summary>Prices for raw model names (rates in USD per million tokens), merged over the price table and the user's price file.</summary>
        [Parameter]
        public Hashtable? PriceOverride { get; set; }

        protected override void BeginProcessing()
        {
            _prices = LoadPrices(ClientEnvironment.FromProcess(), PriceOverride);
        }

        protected override void ProcessRecord()
        {
            var prices = _prices!;
            if (Model is null)
            {
                if (MyInvocation.ExpectingInput)
                {
                    return; // piped object without model names (a file that counted nothing)
                }

                foreach (var name in prices.Names().OrderBy(n => n, StringComparer.OrdinalIgnoreCase))
                {
                    Show(prices, name);
                }

                return;
            }

            foreach (var name in Model)
            {
                if (string.IsNullOrWhiteSpace(name) || ModelNames.IsSynthetic(name))
                {
                    if (!MyInvocation.ExpectingInput)
                    {
                        WriteWarning(string.IsNullOrWhiteSpace(name)
                            ? "An empty model name was given: there is nothing to look up. Give a model name as logs have it, or a pattern such as 'claude-*'."
                            : $"'{name}' is a placeholder Claude Code writes for messages no model answered; it has no price.");
                    }

                    continue;
                }

                // Only * and ? make a pattern: brackets are literal in model names ("[pi] gpt-5.4").
                if (name.IndexOf('*') >= 0 || name.IndexOf('?') >= 0)
                {
                    var pattern = new WildcardPattern(name.Replace("[", "`[").Replace("]", "`]"), WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
                    var matched = false;
                    foreach (var key in prices.Names().Where(pattern.IsMatch).OrderBy(n => n, StringComparer.OrdinalIgnoreCase))
                    {
                        matched = true;
                        Show(prices, key);
                    }

                    if (!matched)
                    {
                        WriteWarning($"No price table entry matches '{name}'.");
                    }

                    continue;
                }

                if (!Show(prices, name) && _shown.Add(name))
                {
                    var message = ModelResolver.IsRoutingLabel(name)
                        ? $"'{name}' is a routing label, not a model: it is not priced unless you add an override for it."
                        : ScanText.UnpricedWarning(name);
                    WriteError(new ErrorRecord(new ItemNotFoundException(message), "ModelNotPriced", ErrorCategory.ObjectNotFound, name));
                }
            }
        }

        /// <summary>Writes the quote of <paramref name="name"/> once per invocation; false when nothing prices it.</summary>
        private bool Show(PriceBook prices, string name)
        {
            var quote = prices.Resolve(name);
            if (quote is null)
            {
                return false;
            }

            if (_shown.Add(name))
            {
                WriteObject(new TokenPrice(quote));
            }

            return true;
        }
    }
}
