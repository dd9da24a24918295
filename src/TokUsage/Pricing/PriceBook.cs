using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using TokUsage.Discovery;

namespace TokUsage.Pricing
{
    /// <summary>How one logged model name is priced: the effective entry, where it came from and how the name matched.</summary>
    internal sealed class PriceQuote
    {
        public PriceQuote(string model, ModelPrice price, PriceMatch match, string? entry, bool fast, string source, PriceOverride? applied)
        {
            Model = model;
            Price = price;
            Match = match;
            Entry = entry;
            Fast = fast;
            Source = source;
            Override = applied;
        }

        /// <summary>The name as logged.</summary>
        public string Model { get; }

        /// <summary>The effective prices (an override's fields already merged in).</summary>
        public ModelPrice Price { get; }

        /// <summary><see cref="RateCard.Base"/> of <see cref="Price"/>, worked out on first use (the price is complete by then).</summary>
        public RateCard BaseRates
        {
            [MethodImpl(Primitives.Jit.Inline)]
            get => (_baseRates ??= new StrongBox<RateCard>(RateCard.Base(Price))).Value;
        }

        private StrongBox<RateCard>? _baseRates;

        /// <summary><see cref="RateCard.ForTier"/> of each of <see cref="Price"/>'s tiers, in their order, worked out on first use.</summary>
        public RateCard[] TierRates => _tierRates ??= System.Array.ConvertAll(Price.Tiers, tier => RateCard.ForTier(Price, tier));

        private RateCard[]? _tierRates;

        public PriceMatch Match { get; }

        /// <summary>The price table entry the prices start from; null for an override that stands alone.</summary>
        public string? Entry { get; }

        /// <summary>The logged name itself says fast mode (<c>-fast</c> suffix).</summary>
        public bool Fast { get; }

        /// <summary>Where the prices come from, for display.</summary>
        public string Source { get; }

        public PriceOverride? Override { get; }
    }

    /// <summary>
    /// The prices of one run: the table in force (embedded snapshot or the one Update-TokenPrice stored) with the
    /// user's overrides on top. Built once per cmdlet invocation on the pipeline thread, then shared read-only by the
    /// reader threads; quotes are memoised per raw name.
    /// </summary>
    internal sealed class PriceBook
    {
        /// <summary>Names the price file's location when the environment does not.</summary>
        public const string PriceFileVariable = "TOKUSAGE_PRICE_FILE";

        private readonly ConcurrentDictionary<string, PriceQuote?> _memo = new ConcurrentDictionary<string, PriceQuote?>(StringComparer.Ordinal);
        private Func<string, PriceQuote?>? _quote;

        public PriceBook(PriceTable table, PriceOverrideSet overrides)
        {
            Table = table;
            Overrides = overrides;
            Resolver = Resolvers.GetValue(table, t => new ModelResolver(t));
            foreach (var o in overrides.All)
            {
                if (o.Base != null && Resolver.Resolve(o.Base) is null)
                {
                    throw new PriceOverrideException($"{o.Origin}['{o.Pattern}']: Base '{o.Base}' is not in the price table ({table.Source}). Get-TokenPrice -Model '*name*' lists entries.");
                }
            }
        }

        /// <summary>
        /// Each table's resolver, made once per table and kept while the table lives: every cmdlet call builds a price book
        /// (the status line builds several a prompt), and indexing the embedded table's names took ≈ 1 ms of each. A
        /// resolver is thread-safe and depends on its table alone.
        /// </summary>
        private static readonly ConditionalWeakTable<PriceTable, ModelResolver> Resolvers = new ConditionalWeakTable<PriceTable, ModelResolver>();

        /// <summary>The embedded table without overrides (tests, and the fallback of last resort).</summary>
        public static PriceBook Embedded { get; } = new PriceBook(PriceTable.Embedded, PriceOverrideSet.Empty);

        /// <summary>
        /// Starts making <see cref="Embedded"/> (the embedded table parsed, its names indexed) on a pool thread, at module
        /// import: every run prices with it or compares a stored table with it, and in a fresh process that first use took
        /// 35–45 ms of the first cmdlet call, most of it compiling the parser. Importing goes on meanwhile (the module's
        /// scripts, formats and types), on the other core. A cmdlet that needs the book first waits for it (the type's
        /// initialisation is the lock); a failure is left for that cmdlet to meet and report, as before.
        /// </summary>
        public static void WarmUpInBackground() => System.Threading.Tasks.Task.Run(() =>
        {
            try
            {
                _ = Embedded.Resolver;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                // Met again, and reported, by the first cmdlet that prices.
            }
        });

        public PriceTable Table { get; }

        public PriceOverrideSet Overrides { get; }

        public ModelResolver Resolver { get; }

        /// <summary>
        /// The prices a cmdlet uses: the table in force for <paramref name="env"/>, the user's price file, and the
        /// cmdlet's own overrides merged over it. <paramref name="warn"/> receives why a stored table was passed over.
        /// Throws <see cref="PriceOverrideException"/> for unusable overrides.
        /// </summary>
        public static PriceBook Load(ClientEnvironment env, PriceOverrideSet? cmdletOverrides, Action<string> warn)
        {
            var table = PriceStore.Current(env, out var problem);
            if (problem != null)
            {
                warn(problem);
            }

            var named = env.Get(PriceFileVariable);
            if (named != null && !File.Exists(named))
            {
                warn($"{PriceFileVariable} names '{named}', which does not exist: no prices of your own are applied. Create it (see about_TokUsage) or clear the variable.");
            }

            var overrides = PriceOverrideSet.FromFile(PriceFilePath(env)).With(cmdletOverrides ?? PriceOverrideSet.Empty);
            return new PriceBook(table, overrides);
        }

        /// <summary><c>$TOKUSAGE_PRICE_FILE</c>, else <c>prices.json</c> in the user's TokUsage config folder.</summary>
        public static string PriceFilePath(ClientEnvironment env) => env.Get(PriceFileVariable) ?? Path.Combine(UserFolders.Config(env), "prices.json");

        /// <summary>The quote for a logged model name, or null when nothing prices it.</summary>
        public PriceQuote? Resolve(string model) => _memo.GetOrAdd(model, _quote ??= Quote);

        private PriceQuote? Quote(string model)
        {
            var match = Resolver.Resolve(model);
            var applied = Overrides.Match(model);
            if (applied is null)
            {
                return match is null ? null : new PriceQuote(model, match.Price, match.Kind, match.Price.Key, match.Fast, Table.Source, null);
            }

            var start = applied.Base != null ? Resolver.Resolve(applied.Base) : match;
            if (start is null && !applied.SetsInputOrOutput)
            {
                return null; // e.g. a Multiplier-only override for a name the table cannot price
            }

            var basis = start?.Price ?? new ModelPrice(model);
            var price = applied.ApplyTo(basis, start?.Price.Key ?? model);
            var source = start is null ? $"override ({applied.Origin})" : $"override ({applied.Origin}) of {start.Price.Key} from {Table.Source}";
            return new PriceQuote(model, price, PriceMatch.Override, start?.Price.Key, start?.Fast ?? false, source, applied);
        }

        /// <summary>Table keys and override patterns, for listing and tab completion.</summary>
        public IEnumerable<string> Names() => Table.Models.Keys.Concat(Overrides.All.Select(o => o.Pattern));
    }
}
