using System.Threading.Tasks;
using TokUsage.Caching;
using TokUsage.Clients;
using System.Linq;

namespace TokUsage.Pipeline
{
    /// <summary>
    /// The run's usage cache, opened (SQLite loaded, the database checked) on a pool thread while the pipeline thread
    /// walks the folders, and the dedup gate's tables made there from the sizes the cache kept (<see cref="GateTables"/>).
    /// The pipeline thread then either takes both (and owns them from then on) or abandons them.
    /// </summary>
    internal sealed class CacheOpening
    {
        private readonly ScanRequest _request;
        private readonly Task<(UsageCache? Cache, string? Problem, GateTables Tables)>? _opening;

        private CacheOpening(ScanRequest request, Task<(UsageCache?, string?, GateTables)>? opening)
        {
            _request = request;
            _opening = opening;
        }

        /// <summary>Starts opening the cache, unless the run has none (-NoCache, or no client of the run is cached).</summary>
        public static CacheOpening Start(ScanRequest request)
        {
            var wanted = request.CacheDirectory != null && request.Clients.Any(c => c is ISnapshotClient);
            return new CacheOpening(request, wanted ? Task.Run(() => Open(request)) : null);
        }

        private static (UsageCache?, string?, GateTables) Open(ScanRequest request)
        {
            var cache = UsageCache.TryOpen(request.CacheDirectory!, out var problem);
            try
            {
                var tables = cache is null || !request.WholeHistory ? GateTables.None : GateTables.For(cache.LastRunTableSizes, request.Clients.Select(c => c.Id));
                return (cache, problem, tables);
            }
            catch
            {
                cache?.Dispose(); // the run meets the failure at Take, without a cache left open
                throw;
            }
        }

        /// <summary>
        /// Waits for the cache and hands it over with the gate's tables; null when the run has none or it cannot be used
        /// here (a warning when -CachePath named it, else a verbose line), the tables then <see cref="GateTables.None"/>.
        /// </summary>
        public UsageCache? Take(IScanSink sink, out GateTables tables)
        {
            tables = GateTables.None;
            if (_opening is null)
            {
                return null;
            }

            (var cache, var problem, tables) = _opening.GetAwaiter().GetResult();
            if (cache is null)
            {
                var message = ScanText.CacheUnusable(_request.CacheDirectory!, problem);
                if (_request.CacheRequired)
                {
                    sink.Warning(message);
                }
                else if (sink.WantsVerbose)
                {
                    sink.Verbose(message);
                }
            }

            return cache;
        }

        /// <summary>Closes the cache once it is open, without waiting for it (the run ended before it needed it).</summary>
        public void Abandon() => _opening?.ContinueWith(t => t.Result.Cache?.Dispose(), TaskScheduler.Default);
    }
}
